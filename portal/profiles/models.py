from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.policies.stamp import policy_version_in_force_id


class PreferredLanguage(models.TextChoices):
    """Languages the City writes letters in, where a translation exists."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    PORTUGUESE = "pt", _("Portuguese")
    RUSSIAN = "ru", _("Russian")
    UKRAINIAN = "uk", _("Ukrainian")
    VIETNAMESE = "vi", _("Vietnamese")
    CHINESE = "zh-hans", _("Chinese (Simplified)")
    OTHER = "other", _("Another language")


class Profile(models.Model):
    """The resident's own account of who they are. Nothing here is trusted for release until an
    identity check (portal.identity) binds the account to the City's records."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    legal_first_name = models.CharField(_("first name"), max_length=100, blank=True)
    legal_middle_name = models.CharField(_("middle name or initial"), max_length=100, blank=True)
    legal_last_name = models.CharField(_("last name"), max_length=100, blank=True)
    name_suffix = models.CharField(_("suffix, like Jr. or III"), max_length=20, blank=True)
    former_names = models.CharField(_("other names you have used"), max_length=300, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=PreferredLanguage.choices,
        default=PreferredLanguage.ENGLISH,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The privacy policy version in force when this was collected (portal/policies/stamp.py).
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        default=policy_version_in_force_id,
        verbose_name=_("privacy policy version"),
    )

    class Meta:
        verbose_name = _("resident profile")
        verbose_name_plural = _("resident profiles")

    def __str__(self) -> str:
        return self.legal_name or str(self.user)

    @property
    def legal_name(self) -> str:
        parts = (self.legal_first_name, self.legal_middle_name, self.legal_last_name)
        name = " ".join(part for part in parts if part)
        return f"{name} {self.name_suffix}".strip() if self.name_suffix else name


class AddressKind(models.TextChoices):
    CURRENT = "current", _("Current address")
    PREVIOUS = "previous", _("Previous address")


class ProfileAddress(models.Model):
    """An address the resident lived at, current or previous: older records carry old ones."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="addresses")
    kind = models.CharField(_("kind"), max_length=10, choices=AddressKind.choices)
    street = models.CharField(_("street address"), max_length=200)
    unit = models.CharField(_("apartment, unit or floor"), max_length=50, blank=True)
    city = models.CharField(_("town or city"), max_length=100, default="Westfield")
    state = models.CharField(_("state"), max_length=2, default="MA")
    postal_code = models.CharField(_("ZIP code"), max_length=10)
    lived_from = models.DateField(_("lived there from"), null=True, blank=True)
    lived_until = models.DateField(_("lived there until"), null=True, blank=True)
    # The privacy policy version in force when this was collected (portal/policies/stamp.py).
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        default=policy_version_in_force_id,
        verbose_name=_("privacy policy version"),
    )

    class Meta:
        ordering = ["kind", "-lived_until", "-lived_from", "pk"]
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        return f"{self.street}{unit}, {self.city}, {self.state} {self.postal_code}"


class IdentifierKind(models.TextChoices):
    """Numbers the City's departments key their records on (DEPARTMENTS.md)."""

    WATER_SEWER_ACCOUNT = "water_sewer_account", _("Water and sewer account number")
    PARCEL_ID = "parcel_id", _("Property parcel ID (map-block-lot)")
    REAL_ESTATE_BILL = "real_estate_bill", _("Real-estate tax bill number")
    EXCISE_BILL = "excise_bill", _("Motor-vehicle excise bill number")
    VEHICLE_PLATE = "vehicle_plate", _("Vehicle licence plate")
    DOG_LICENCE = "dog_licence", _("Dog licence number")
    BUILDING_PERMIT = "building_permit", _("Building permit number")


class ResidentIdentifier(models.Model):
    """A number the resident chose to give so their records can be found exactly."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=30, choices=IdentifierKind.choices)
    value = models.CharField(_("number"), max_length=60)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    # The privacy policy version in force when this was collected (portal/policies/stamp.py).
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
        default=policy_version_in_force_id,
        verbose_name=_("privacy policy version"),
    )

    class Meta:
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["profile", "kind", "value"], name="profiles_identifier_unique"
            )
        ]
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"
