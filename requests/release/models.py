"""Review and release: the clerk's answer for each department source, the redactions with the
exemption each cites, the decision on someone else's data found in a resident's records, and the
package the resident downloads.

A request is released only when every source has an answer (c. 66A §2(i)), every weak match is
confirmed or rejected, and every flag of someone else's data is decided (services.py checks).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SourceAnswer(models.TextChoices):
    HELD = "held", _("Held: released")
    NOT_HELD = "not_held", _("Not held")
    WITHHELD = "withheld", _("Held, but withheld")


class SourceDecision(models.Model):
    """What the City answers for one department source of a request."""

    request = models.ForeignKey(
        "requests.Request", on_delete=models.PROTECT, related_name="source_decisions"
    )
    source = models.ForeignKey("requests.DataSource", on_delete=models.PROTECT, related_name="+")
    answer = models.CharField(_("answer"), max_length=10, choices=SourceAnswer.choices)
    exemptions = models.JSONField(_("exemptions cited"), default=list, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        ordering = ["source__department__name", "source__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "source"], name="release_one_decision_per_source"
            ),
            models.CheckConstraint(
                condition=~Q(answer="withheld") | ~Q(reason=""),
                name="release_withheld_has_a_reason",
            ),
        ]
        verbose_name = _("source decision")
        verbose_name_plural = _("source decisions")

    def __str__(self) -> str:
        return f"{self.request_id}/{self.source_id}: {self.answer}"


class Redaction(models.Model):
    """A part of a resident's records held back, citing an exemption: one field of one record,
    or a value wherever it appears in the request's records (kept encrypted: it is personal
    data)."""

    request = models.ForeignKey(
        "requests.Request", on_delete=models.PROTECT, related_name="redactions"
    )
    record = models.ForeignKey(
        "gathering.GatheredRecord",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="redactions",
    )
    field = models.CharField(_("field"), max_length=200, blank=True)
    value_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    exemption = models.CharField(_("exemption"), max_length=20)
    note = models.TextField(_("note for the file"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("redacted"), default=timezone.now)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(record__isnull=False) & ~Q(field=""))
                | (Q(record__isnull=True) & Q(value_encrypted__isnull=False)),
                name="release_redaction_names_a_field_or_a_value",
            )
        ]
        verbose_name = _("redaction")
        verbose_name_plural = _("redactions")

    def __str__(self) -> str:
        target = f"{self.record_id}.{self.field}" if self.record_id else "a value"
        return f"{self.request_id}: {target} ({self.exemption})"


class OtherPersonRelease(models.Model):
    """A clerk's decision to release a field flagged as someone else's data (a co-owner, an
    emergency contact) with the resident's records. Redacting it is a Redaction instead."""

    record = models.ForeignKey(
        "gathering.GatheredRecord", on_delete=models.PROTECT, related_name="other_person_releases"
    )
    field = models.CharField(_("field"), max_length=200)
    reason = models.TextField(_("why it may be released"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["record", "field"], name="release_one_other_person_decision_per_field"
            )
        ]
        verbose_name = _("release of someone else's data")
        verbose_name_plural = _("releases of someone else's data")

    def __str__(self) -> str:
        return f"{self.record_id}.{self.field}: released"


class PackageContent(models.TextChoices):
    RECORDS = "records", _("The resident's records")
    ACCESS_LOG = "access_log", _("The resident's access log")


class PackageStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", _("Waiting for a second clerk's approval")
    QUEUED = "queued", _("Waiting to be built")
    BUILDING = "building", _("Being built")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be built")
    REPLACED = "replaced", _("Replaced by a new copy")
    SENT_BACK = "sent_back", _("Sent back by the second clerk")


class ReleasePackage(models.Model):
    """The ZIP a resident downloads, stored encrypted. Built by a worker with a claimed lease,
    like a source run; a clerk may reissue it (a new package replaces the old)."""

    request = models.ForeignKey(
        "requests.Request", on_delete=models.PROTECT, related_name="packages"
    )
    content = models.CharField(
        _("content"), max_length=12, choices=PackageContent.choices, default=PackageContent.RECORDS
    )
    status = models.CharField(
        _("state"),
        max_length=20,
        choices=PackageStatus.choices,
        default=PackageStatus.QUEUED,
    )
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    needs_approval = models.BooleanField(_("needs a second clerk"), default=False)
    sent_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_back_reason = models.TextField(_("why it was sent back"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_expires_at = models.DateTimeField(_("lease ends"), null=True, blank=True)
    claimed_by = models.CharField(_("worker"), max_length=200, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    stored_name = models.CharField(_("stored file"), max_length=200, blank=True, editable=False)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    manifest_sha256 = models.CharField(_("manifest SHA-256"), max_length=64, blank=True)
    record_count = models.PositiveIntegerField(_("records"), default=0)
    replaced_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("released"), default=timezone.now)
    built_at = models.DateTimeField(_("built"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires"), null=True, blank=True)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="ready") | (~Q(stored_name="") & Q(expires_at__isnull=False)),
                name="release_ready_package_has_a_file_and_an_expiry",
            ),
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=models.F("released_by")),
                name="release_second_clerk_is_another_clerk",
            ),
        ]
        indexes = [models.Index(fields=["status", "lease_expires_at"])]
        verbose_name = _("release package")
        verbose_name_plural = _("release packages")

    def __str__(self) -> str:
        return f"{self.request_id}: package {self.pk} ({self.status})"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
