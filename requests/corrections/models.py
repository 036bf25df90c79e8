"""Corrections (c. 66A §2(h), (j)): a resident's proposed change to one field of one released
record, the steward's decision on it, the write-back to the department's system, the internal
appeal of a denial, the resident's statement of disagreement, and the task of telling the
outside recipients of the data.

Values a resident saw or proposed are personal data: kept encrypted (portal.crypto), as JSON so a
number stays a number. `status` fields change only through requests/corrections/states.py.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Ground(models.TextChoices):
    """What is wrong with the data (c. 66A §2(j))."""

    ACCURACY = "accuracy", _("It is wrong")
    COMPLETENESS = "completeness", _("It is incomplete")
    PERTINENCE = "pertinence", _("It is not pertinent to what the City uses it for")
    TIMELINESS = "timeliness", _("It is out of date")
    RELEVANCE = "relevance", _("It is not relevant and should not be kept")
    DISSEMINATION = "dissemination", _("It should not be shared")


class ChangeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Waiting for the department's decision")
    APPROVED = "approved", _("Approved: being written to the department's system")
    DENIED = "denied", _("Denied")
    APPLIED = "applied", _("Corrected in the department's system")
    CONFLICT = "conflict", _("The value changed meanwhile: back with the department")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Decision(models.TextChoices):
    APPROVED = "approved", _("Approved as proposed")
    APPROVED_EDITED = "approved_edited", _("Approved with a different value")
    APPROVED_IN_PART = "approved_in_part", _("Approved in part")
    DENIED = "denied", _("Denied")


class ProposedChange(models.Model):
    """One field of one record the resident wants changed (or contests)."""

    request = models.ForeignKey(
        "requests.Request", on_delete=models.PROTECT, related_name="proposed_changes"
    )
    # The released record the resident saw, and where it lives.
    record = models.ForeignKey(
        "gathering.GatheredRecord", on_delete=models.PROTECT, related_name="proposed_changes"
    )
    source = models.ForeignKey("requests.DataSource", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "requests.Department", on_delete=models.PROTECT, related_name="proposed_changes"
    )
    record_key = models.CharField(_("record"), max_length=300)
    record_type = models.CharField(_("kind of record"), max_length=100)
    field_name = models.CharField(_("field"), max_length=200)
    ground = models.CharField(
        _("what is wrong"), max_length=20, choices=Ground.choices, default=Ground.ACCURACY
    )
    current_value_encrypted = models.BinaryField(editable=False)
    proposed_value_encrypted = models.BinaryField(editable=False, null=True)
    reason = models.TextField(_("why"))
    evidence = models.ManyToManyField(
        "requests.RequestDocument", blank=True, related_name="+", verbose_name=_("evidence")
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A staff member who entered it for the resident (a letter, the counter); they cannot
    # approve it either.
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("state"),
        max_length=20,
        choices=ChangeStatus.choices,
        default=ChangeStatus.PROPOSED,
        editable=False,
        db_index=True,
    )
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    approved_value_encrypted = models.BinaryField(editable=False, null=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    applied_at = models.DateTimeField(_("corrected"), null=True, blank=True)
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("proposed"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["request", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["request", "record", "field_name"],
                name="corrections_one_change_per_field_per_request",
            ),
            models.CheckConstraint(
                condition=Q(status="proposed")
                | Q(status="withdrawn")
                | Q(decided_at__isnull=False),
                name="corrections_decided_change_has_a_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="denied") | ~Q(decision_reason=""),
                name="corrections_denial_has_a_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["source", "record_key", "field_name"]),
        ]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")

    def __str__(self) -> str:
        return f"{self.request_id}: {self.record_type} {self.record_key}.{self.field_name}"


class WriteBackStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a worker")
    RUNNING = "running", _("Writing")
    RETRY_WAIT = "retry_wait", _("Waiting to try again")
    # Sent, but no answer came: settled by reading the value back, never by writing blindly.
    UNKNOWN = "unknown", _("Sent, answer not known: to be checked")
    WAITING_FOR_STEWARD = "waiting_for_steward", _("The steward applies it by hand")
    APPLIED = "applied", _("Written")
    CONFLICT = "conflict", _("The value had changed: nothing written")
    FAILED = "failed", _("Failed")


FINISHED_WRITE_BACK_STATUSES = frozenset(
    {WriteBackStatus.APPLIED, WriteBackStatus.CONFLICT, WriteBackStatus.FAILED}
)


class WriteBack(models.Model):
    """Writing one approved change to the department's system, durable like a source run:
    claimed with a lease, idempotent (compare-and-set on the value the resident saw, and an
    idempotency key for web services), re-sent by a reconciler."""

    change = models.ForeignKey(ProposedChange, on_delete=models.PROTECT, related_name="write_backs")
    # One write-back per approval; a conflict settled by a new approval makes a new one.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    source = models.ForeignKey("requests.DataSource", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("state"),
        max_length=20,
        choices=WriteBackStatus.choices,
        default=WriteBackStatus.PENDING,
        editable=False,
        db_index=True,
    )
    expected_value_encrypted = models.BinaryField(editable=False)
    new_value_encrypted = models.BinaryField(editable=False)
    idempotency_key = models.CharField(_("idempotency key"), max_length=64, unique=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    lease_expires_at = models.DateTimeField(_("lease ends"), null=True, blank=True)
    claimed_by = models.CharField(_("worker"), max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # What the department's system held when the write found a different value (encrypted).
    found_value_encrypted = models.BinaryField(editable=False, null=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["change", "round"]
        constraints = [
            models.UniqueConstraint(
                fields=["change", "round"], name="corrections_one_write_back_per_round"
            )
        ]
        indexes = [
            models.Index(fields=["status", "lease_expires_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]
        verbose_name = _("write-back")
        verbose_name_plural = _("write-backs")

    def __str__(self) -> str:
        return f"{self.change_id}#{self.round}: {self.status}"


class AppealStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the privacy officer")
    UPHELD = "upheld", _("Denial upheld")
    OVERTURNED = "overturned", _("Denial overturned: the change is approved")


class Appeal(models.Model):
    """The internal appeal of a denied change, decided by the privacy officer."""

    change = models.OneToOneField(ProposedChange, on_delete=models.PROTECT, related_name="appeal")
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("why the decision is wrong"))
    status = models.CharField(
        _("state"),
        max_length=20,
        choices=AppealStatus.choices,
        default=AppealStatus.OPEN,
        editable=False,
    )
    due_on = models.DateField(_("decision due"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal of {self.change_id}: {self.status}"


class DisagreementStatement(models.Model):
    """The resident's own words, kept with one field of one record in a department's system and
    sent with every later release and disclosure of it (c. 66A §2(j))."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="disagreement_statements"
    )
    change = models.OneToOneField(
        ProposedChange, on_delete=models.PROTECT, related_name="statement"
    )
    source = models.ForeignKey("requests.DataSource", on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        "requests.Department", on_delete=models.PROTECT, related_name="+"
    )
    record_key = models.CharField(_("record"), max_length=300)
    record_type = models.CharField(_("kind of record"), max_length=100)
    field_name = models.CharField(_("field"), max_length=200)
    text = models.TextField(_("statement"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    filed_at = models.DateTimeField(_("filed"), default=timezone.now)
    policy_version = models.ForeignKey(
        "policies.PolicyVersion",
        on_delete=models.PROTECT,
        null=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["-filed_at", "-pk"]
        indexes = [models.Index(fields=["source", "record_key", "field_name"])]
        verbose_name = _("statement of disagreement")
        verbose_name_plural = _("statements of disagreement")

    def __str__(self) -> str:
        return f"{self.record_type} {self.record_key}.{self.field_name} ({self.filed_at:%Y-%m-%d})"


class RecipientNoticeStatus(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Told")


class RecipientNotice(models.Model):
    """A clerk's task: tell an outside recipient of the data in the past 12 months that it was
    corrected, or that the resident filed a statement of disagreement."""

    disclosure = models.ForeignKey(
        "disclosures.Disclosure", on_delete=models.PROTECT, related_name="+"
    )
    change = models.ForeignKey(
        ProposedChange, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    statement = models.ForeignKey(
        DisagreementStatement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("state"),
        max_length=10,
        choices=RecipientNoticeStatus.choices,
        default=RecipientNoticeStatus.OPEN,
    )
    how_told = models.TextField(_("how they were told"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["status", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(change__isnull=False) | Q(statement__isnull=False),
                name="corrections_notice_is_about_a_change_or_statement",
            ),
            models.UniqueConstraint(
                fields=["disclosure", "change"],
                condition=Q(change__isnull=False),
                name="corrections_one_notice_per_recipient_and_change",
            ),
            models.UniqueConstraint(
                fields=["disclosure", "statement"],
                condition=Q(statement__isnull=False),
                name="corrections_one_notice_per_recipient_and_statement",
            ),
        ]
        verbose_name = _("notice to a recipient")
        verbose_name_plural = _("notices to recipients")

    def __str__(self) -> str:
        return f"{self.disclosure_id}: {self.status}"
