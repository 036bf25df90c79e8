from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.policies.stamp import policy_version_in_force_id
from portal.profiles.models import IdentifierKind


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


# --- Level 2 by account knowledge -----------------------------------------------------------


class AttemptStatus(models.TextChoices):
    PENDING = "pending", _("Checking")
    PASSED = "passed", _("Linked")
    FAILED = "failed", _("Did not match")
    UNAVAILABLE = "unavailable", _("Could not check")
    LOCKED = "locked", _("Too many tries")


class AttemptFailure(models.TextChoices):
    """Why an attempt failed, for staff. Residents are only told the details do not match, so
    that a guesser cannot learn which part was right."""

    NO_RECORD = "no_record", _("No account or bill with that number")
    DETAIL_MISMATCH = "detail_mismatch", _("The bill amount did not match")
    NAME_MISMATCH = "name_mismatch", _("The name on the bill did not match the profile")


class AccountKnowledgeAttempt(models.Model):
    """One try at level 2 by a City account number and a detail from its most recent bill.

    The number and amount the resident typed are kept only until the check has run; after it,
    the last four characters and a keyed digest (to count tries on one number) remain.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="account_knowledge_attempts",
        verbose_name=_("account"),
    )
    identifier_kind = models.CharField(
        _("kind of number"), max_length=30, choices=IdentifierKind.choices
    )
    identifier = models.CharField(_("number"), max_length=60, blank=True)
    identifier_last4 = models.CharField(_("last four characters"), max_length=4)
    identifier_digest = models.CharField(max_length=64, editable=False)
    amount_cents = models.BigIntegerField(_("amount given, in cents"), null=True, blank=True)
    source = models.ForeignKey(
        "requests.DataSource",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("checked against"),
    )
    status = models.CharField(
        _("state"), max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.PENDING
    )
    failure_reason = models.CharField(
        _("why it failed"), max_length=30, choices=AttemptFailure.choices, blank=True
    )
    error_message = models.TextField(_("what went wrong with the check"), blank=True)
    created_at = models.DateTimeField(_("tried"), default=timezone.now)
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
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    resident_identifier = models.ForeignKey(
        "profiles.ResidentIdentifier",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("number saved on the profile"),
    )
    verification = models.OneToOneField(
        IdentityVerification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account_knowledge_attempt",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "status", "created_at"]),
            models.Index(fields=["identifier_digest", "status", "created_at"]),
        ]
        verbose_name = _("account number check")
        verbose_name_plural = _("account number checks")

    def __str__(self) -> str:
        return f"{self.user} {self.identifier_kind} …{self.identifier_last4} {self.status}"


# --- Level 3 by a photo ID ------------------------------------------------------------------


class DocumentType(models.TextChoices):
    DRIVERS_LICENCE = "drivers_licence", _("Driver's licence")
    STATE_ID = "state_id", _("State ID card")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other government photo ID")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("Not sent yet")
    PENDING = "pending", _("Waiting for a clerk")
    APPROVED = "approved", _("Accepted")
    REFUSED = "refused", _("Not accepted")


class IdentityDocument(models.Model):
    """A photo of a government ID a resident uploaded for a clerk to review.

    The image lives encrypted in the private files store and is purged a set number of days after
    the decision (IDENTITY_DOCUMENT_RETENTION_DAYS); this row keeps the decision and metadata.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="identity_documents",
        verbose_name=_("account"),
    )
    document_type = models.CharField(_("kind of ID"), max_length=20, choices=DocumentType.choices)
    stored_file = models.OneToOneField(
        "files.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("image")
    )
    status = models.CharField(
        _("state"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    created_at = models.DateTimeField(_("uploaded"), default=timezone.now)
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
    submitted_at = models.DateTimeField(_("sent for review"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    refuse_reason = models.TextField(_("why it was not accepted"), blank=True)
    verification = models.OneToOneField(
        IdentityVerification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="identity_document",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "submitted_at"])]
        verbose_name = _("uploaded photo ID")
        verbose_name_plural = _("uploaded photo IDs")

    def __str__(self) -> str:
        return f"{self.user} {self.document_type} {self.status}"


# --- Staff override -------------------------------------------------------------------------


class OverrideStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a second staff member")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class IdentityOverride(models.Model):
    """A staff member's request to raise a level without evidence. It changes nothing until a
    second, different staff member approves it; only then is a verification recorded."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="identity_overrides",
        verbose_name=_("account"),
    )
    level = models.PositiveSmallIntegerField(
        _("level"),
        choices=[
            (IdentityLevel.REMOTE.value, IdentityLevel.REMOTE.label),
            (IdentityLevel.ATTENDED.value, IdentityLevel.ATTENDED.label),
        ],
    )
    reason = models.TextField(_("why"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="identity_overrides_requested",
        verbose_name=_("asked for by"),
    )
    requested_at = models.DateTimeField(_("asked for"), default=timezone.now)
    status = models.CharField(
        _("state"), max_length=20, choices=OverrideStatus.choices, default=OverrideStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identity_overrides_decided",
        verbose_name=_("approved or refused by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_reason = models.TextField(_("why it was refused"), blank=True)
    verification = models.OneToOneField(
        IdentityVerification,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="identity_override",
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by")),
                name="identity_override_second_person_decides",
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=[2, 3]), name="identity_override_level_2_or_3"
            ),
        ]
        verbose_name = _("identity override")
        verbose_name_plural = _("identity overrides")

    def __str__(self) -> str:
        return f"{self.user} level {self.level} {self.status}"
