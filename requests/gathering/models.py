"""Gathering: one source run per request and data source, the records it found, and the work item
a steward answers for a manual source.

The database is the truth; broker messages only nudge. A run is claimed with a conditional update
and a lease; a reconciler re-sends runs whose lease expired or whose retry is due.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.matching.strength import MatchStrength


class RunStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Running")
    RETRY_WAIT = "retry_wait", _("Waiting to try again")
    WAITING_FOR_STEWARD = "waiting_for_steward", _("Waiting for the department's steward")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Skipped by a clerk")


FINISHED_RUN_STATUSES = frozenset({RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SKIPPED})


class SourceRun(models.Model):
    request = models.ForeignKey(
        "requests.Request", on_delete=models.PROTECT, related_name="source_runs"
    )
    source = models.ForeignKey("requests.DataSource", on_delete=models.PROTECT, related_name="runs")
    status = models.CharField(
        _("state"), max_length=20, choices=RunStatus.choices, default=RunStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_expires_at = models.DateTimeField(_("lease ends"), null=True, blank=True)
    claimed_by = models.CharField(_("worker"), max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    records_found = models.PositiveIntegerField(_("records found"), default=0)
    skipped_reason = models.TextField(_("why it was skipped"), blank=True)
    skipped_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["source__department__name", "source__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "source"], name="gathering_one_run_per_request_and_source"
            )
        ]
        indexes = [
            models.Index(fields=["status", "lease_expires_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]
        verbose_name = _("source run")
        verbose_name_plural = _("source runs")

    def __str__(self) -> str:
        return f"{self.request_id}/{self.source_id}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_RUN_STATUSES


class GatheredRecord(models.Model):
    """One record a source holds that matched the resident. Its fields are personal data: kept
    encrypted (portal.crypto)."""

    run = models.ForeignKey(SourceRun, on_delete=models.PROTECT, related_name="records")
    key = models.CharField(_("key in the source"), max_length=300)
    record_type = models.CharField(_("kind of record"), max_length=100)
    fields_encrypted = models.BinaryField(editable=False)
    match_strength = models.CharField(
        _("match"), max_length=10, choices=MatchStrength.choices, default=MatchStrength.NONE
    )
    matched_attributes = models.JSONField(_("matched on"), default=list, blank=True)
    needs_confirmation = models.BooleanField(_("a person must confirm the match"), default=False)
    confirmed = models.BooleanField(_("match confirmed"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("gathered"), default=timezone.now)

    class Meta:
        ordering = ["run", "record_type", "key"]
        constraints = [
            models.UniqueConstraint(fields=["run", "key"], name="gathering_one_record_per_key")
        ]
        verbose_name = _("gathered record")
        verbose_name_plural = _("gathered records")

    def __str__(self) -> str:
        return f"{self.run_id}: {self.record_type} {self.key}"


class WorkItemStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("No longer needed")


class WorkItem(models.Model):
    """A manual source's search: the department's steward looks and enters what they found."""

    run = models.OneToOneField(SourceRun, on_delete=models.PROTECT, related_name="work_item")
    department = models.ForeignKey(
        "requests.Department", on_delete=models.PROTECT, related_name="work_items"
    )
    status = models.CharField(
        _("state"), max_length=10, choices=WorkItemStatus.choices, default=WorkItemStatus.OPEN
    )
    due_on = models.DateField(_("due"))
    found_nothing = models.BooleanField(_("nothing found"), default=False)
    note = models.TextField(_("steward's note"), blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(completed_at__isnull=False),
                name="gathering_done_work_item_has_a_time",
            )
        ]
        verbose_name = _("work item")
        verbose_name_plural = _("work items")

    def __str__(self) -> str:
        return f"{self.department}: {self.run_id} due {self.due_on:%Y-%m-%d}"
