from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IdentityLevel(models.IntegerChoices):
    NONE = 0, _("Not verified")
    EMAIL = 1, _("Level 1: email address confirmed")
    REMOTE = 2, _("Level 2: linked to your City records")
    ATTENDED = 3, _("Level 3: photo ID checked by a clerk")


class VerificationMethod(models.TextChoices):
    ACCOUNT_KNOWLEDGE = "account_knowledge", _("City account number and a recent bill")
    MAILED_CODE = "mailed_code", _("Code mailed to the address of record")
    IN_PERSON_ID = "in_person_id", _("Photo ID checked in person")
    ID_DOCUMENT_REVIEW = "id_document_review", _("Uploaded photo ID reviewed by a clerk")
    STAFF_OVERRIDE = "staff_override", _("Staff override, approved by a second staff member")


class IdentityVerification(models.Model):
    """One successful identity check: the level it reached, how, on what evidence, who and when.

    Evidence holds metadata only (which department, which kind of identifier, the last characters
    of a document number), never the evidence itself.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="identity_verifications",
        verbose_name=_("account"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=IdentityLevel.choices)
    method = models.CharField(_("method"), max_length=30, choices=VerificationMethod.choices)
    evidence = models.JSONField(_("evidence metadata"), default=dict, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identity_verifications_made",
        verbose_name=_("verified by"),
        help_text=_("The staff member who checked, when a person did."),
    )
    verified_at = models.DateTimeField(_("verified"), default=timezone.now)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identity_verifications_revoked",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.TextField(_("why it was revoked"), blank=True)

    class Meta:
        ordering = ["-verified_at"]
        indexes = [models.Index(fields=["user", "revoked_at", "level"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=2), name="identity_verification_level_2_or_3"
            )
        ]
        verbose_name = _("identity verification")
        verbose_name_plural = _("identity verifications")

    def __str__(self) -> str:
        return f"{self.user} level {self.level} by {self.method}"
