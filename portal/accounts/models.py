from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person does here (DESIGN.md, "People")."""

    RESIDENT = "resident", _("Resident")
    CLERK = "clerk", _("Clerk")
    STEWARD = "steward", _("Department steward")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    AUDITOR = "auditor", _("Auditor")


STAFF_ROLES = frozenset({Role.CLERK, Role.STEWARD, Role.PRIVACY_OFFICER, Role.AUDITOR})


class UserManager(BaseUserManager["User"]):
    """Users sign in by email address; there is no user name."""

    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **fields: object) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("role", Role.PRIVACY_OFFICER)
        return self._create_user(email, password, **fields)


class User(AbstractUser):
    """A person with an account. `is_staff` keeps Django's meaning (may use the admin site);
    `role` says what the person does in the portal."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.RESIDENT)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    @property
    def is_city_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_portal_staff(self) -> bool:
        """Staff pages and their safeguards apply to City staff and to admin-site users alike."""
        return self.is_city_staff or self.is_staff


class SafeguardsAcknowledgment(models.Model):
    """A staff member confirmed they were told the safeguards and the c. 214 §3B remedies.

    M.G.L. c. 66A §2(b) requires that every employee who uses a personal data system is told
    both. `version` names the text they confirmed (portal/accounts/safeguards.py); a new text
    needs a new acknowledgment. Rows are only ever added.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="safeguards_acknowledgments",
        verbose_name=_("staff member"),
    )
    version = models.CharField(_("version of the text"), max_length=20)
    acknowledged_at = models.DateTimeField(_("acknowledged"))

    class Meta:
        ordering = ["-acknowledged_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "version"], name="accounts_one_acknowledgment_per_version"
            )
        ]
        verbose_name = _("safeguards acknowledgment")
        verbose_name_plural = _("safeguards acknowledgments")

    def __str__(self) -> str:
        return f"{self.user}: {self.version}"
