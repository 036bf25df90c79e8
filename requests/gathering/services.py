"""Writes of gathering: the fan-out to a request's sources, running one source, the fan-in to
review, the clerk's retry and skip, and a steward's answer for a manual source.

The database is the truth (DESIGN.md, "Celery, made robust"). A worker claims a run with a
conditional update and a lease, runs the connector outside any transaction, then stores what it
found, finishes the run and fans in within one transaction, and only while the run is still its
own. Transient errors wait in the database for their next attempt (the reconciler re-sends them),
never in a broker countdown.
"""

from __future__ import annotations

import json
import logging
import random
import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import crypto
from portal.access.scope import may_work_requests, steward_department_ids
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.identity.selectors import identity_level
from portal.matching.strength import MatchStrength, match_record
from portal.policies.stamp import policy_version_in_force_id
from requests.calendar import business_calendar
from requests.gathering.attributes import (
    GatheringAttributes,
    gathering_attributes,
    identifiers_used,
    lookup_parameters,
)
from requests.gathering.models import (
    FINISHED_RUN_STATUSES,
    GatheredRecord,
    RunStatus,
    SourceRun,
    WorkItem,
    WorkItemStatus,
)
from requests.gathering.states import run_move, work_item_move
from requests.models import ConnectorKind, DataSource, Request, RequestKind
from requests.states import RequestStatus, request_transition
from tasks.connectors.base import ConnectorError, SourceRecord
from tasks.connectors.registry import connector_for, has_connector

logger = logging.getLogger(__name__)

UNFINISHED_RUN_STATUSES = [
    status for status in RunStatus.values if status not in FINISHED_RUN_STATUSES
]
# Lookups that answer the level-2 identity check, not a request for records.
IDENTITY_CHECK_LOOKUP_PREFIX = "account_knowledge_"
# Requests whose runs are still worth running: a paused request gathers on meanwhile, and a
# clerk may retry or skip a source until the request is answered (in review included).
RUNNABLE_REQUEST_STATUSES = (
    RequestStatus.GATHERING,
    RequestStatus.AWAITING_REQUESTER,
    RequestStatus.IN_REVIEW,
)


class GatheringError(ValidationError):
    """A clerk's or steward's move that cannot be made, in words for them."""


NOT_GATHERED_KINDS = frozenset(
    {RequestKind.ACCESS_LOG, RequestKind.CORRECTION, RequestKind.CONTEST}
)


def _enqueue(run_ids: Iterable[int]) -> None:
    from tasks.gathering import run_source

    for run_id in list(run_ids):
        transaction.on_commit(lambda run_id=run_id: run_source.delay(run_id))


# --- The fan-out ----------------------------------------------------------------------------


def _eligible_sources() -> list[DataSource]:
    return [
        source
        for source in DataSource.objects.filter(enabled=True).order_by("pk")
        if source.kind == ConnectorKind.MANUAL or has_connector(source.kind)
    ]


def _work_item_open(run: SourceRun, source: DataSource, now: datetime) -> None:
    calendar = business_calendar()
    due_on = calendar.add_business_days(
        timezone.localdate(now), settings.GATHERING_MANUAL_DUE_BUSINESS_DAYS
    )
    _item, created = WorkItem.objects.get_or_create(
        run=run, defaults={"department_id": source.department_id, "due_on": due_on}
    )
    if created:
        run_move(
            run_id=run.pk,
            where=Q(status=RunStatus.PENDING),
            to=RunStatus.WAITING_FOR_STEWARD,
            started_at=now,
        )
        run.refresh_from_db()


@transaction.atomic
def gathering_start(*, request: Request) -> list[SourceRun]:
    """One run per enabled source the request may reach (idempotent: a request that comes back
    to gathering keeps its runs), each sent to a worker once this transaction commits. A source
    needing a higher identity level than the requester holds is left out. A request with no
    source to ask, or back from a pause with every run finished, goes on to review at once."""
    now = timezone.now()
    level = identity_level(user=request.requester)
    runs: list[SourceRun] = []
    created_ids: list[int] = []
    left_out: list[str] = []
    # An access-log request is answered from the portal's own log, and a correction or contest
    # acts on records already released to the resident: no department is searched.
    sources = [] if request.kind in NOT_GATHERED_KINDS else _eligible_sources()
    reachable = []
    for source in sources:
        if source.required_identity_level > level:
            left_out.append(source.slug)
        else:
            reachable.append(source)
    # One insert for every run, whatever the number of sources; a run that exists stays.
    existing = set(SourceRun.objects.filter(request=request).values_list("source_id", flat=True))
    SourceRun.objects.bulk_create(
        [
            SourceRun(request=request, source=source, created_at=now)
            for source in reachable
            if source.pk not in existing
        ],
        ignore_conflicts=True,
    )
    by_source = {
        run.source_id: run
        for run in SourceRun.objects.filter(request=request, source__in=reachable)
    }
    for source in reachable:
        run = by_source[source.pk]
        if source.pk not in existing:
            created_ids.append(run.pk)
        if source.kind == ConnectorKind.MANUAL:
            _work_item_open(run, source, now)
        runs.append(run)
    _enqueue(run.pk for run in runs if run.status in (RunStatus.PENDING, RunStatus.RETRY_WAIT))
    audit_record(
        action="gathering.started",
        category=AuditCategory.STATE_CHANGE,
        obj=request,
        details={
            "run_ids": [run.pk for run in runs],
            "created": len(created_ids),
            "count": len(runs),
            "sources_needing_higher_identity": left_out,
        },
    )
    gathering_fan_in(
        request_id=request.pk,
        reason=(
            "every department source has answered"
            if runs
            else "answered from the portal's own access log"
            if request.kind == RequestKind.ACCESS_LOG
            else "a correction acts on records already released"
            if request.kind in NOT_GATHERED_KINDS
            else "no department source to ask for this requester"
        ),
    )
    return runs


# --- The fan-in -----------------------------------------------------------------------------


def gathering_fan_in(
    *, request_id: int, reason: str = "every department source has answered"
) -> bool:
    """Move the request to review when every run is finished. Locks the request row first, so
    two runs finishing at once cannot both move it (nor both miss the last one). True if moved."""
    with transaction.atomic():
        request = Request.objects.select_for_update().get(pk=request_id)
        if request.status != RequestStatus.GATHERING:
            return False
        unfinished = SourceRun.objects.filter(request_id=request_id).exclude(
            status__in=FINISHED_RUN_STATUSES
        )
        if unfinished.exists():
            return False
        request_transition(
            request=request,
            to=RequestStatus.IN_REVIEW,
            actor=None,
            reason=reason,
        )
        return True


# --- Running one source ---------------------------------------------------------------------


def _claimable(now: datetime) -> Q:
    return (
        Q(status=RunStatus.PENDING)
        | Q(status=RunStatus.RETRY_WAIT, next_attempt_at__isnull=True)
        | Q(status=RunStatus.RETRY_WAIT, next_attempt_at__lte=now)
        | Q(status=RunStatus.RUNNING, lease_expires_at__lt=now)
    )


def source_run_claim(*, run_id: int, worker: str, now: datetime | None = None) -> str | None:
    """Claim the run for this worker, or None when it is not claimable (a duplicate delivery, a
    retry not yet due, another worker's live lease). Returns the claim's token."""
    now = now or timezone.now()
    token = f"{worker} {uuid.uuid4().hex[:12]}"[:200]
    claimed = run_move(
        run_id=run_id,
        # The request's state as a subquery, not a join: PostgreSQL re-checks the run's own
        # conditions after waiting on another claim's row lock only when they are the outer
        # WHERE's, so two workers can never both claim one run.
        where=_claimable(now)
        & Q(
            request_id__in=Request.objects.filter(status__in=RUNNABLE_REQUEST_STATUSES).values("pk")
        ),
        to=RunStatus.RUNNING,
        lease_expires_at=now + timedelta(seconds=settings.GATHERING_LEASE_SECONDS),
        claimed_by=token,
        attempts=F("attempts") + 1,
        next_attempt_at=None,
        started_at=now,
    )
    return token if claimed == 1 else None


def _lookup_all(run: SourceRun, attributes: GatheringAttributes) -> list[SourceRecord]:
    connector = connector_for(run.source)
    parameters = lookup_parameters(source=run.source, attributes=attributes)
    if not any(value is not None for value in parameters.values()):
        return []  # nothing of the resident's to ask this source by
    records: list[SourceRecord] = []
    for name in connector.lookup_names():
        if name.startswith(IDENTITY_CHECK_LOOKUP_PREFIX):
            continue
        records.extend(connector.lookup(name=name, parameters=parameters))
    return records


def _record_key(record: SourceRecord) -> str:
    # Keys are unique within a kind of record; two lookups may return one record twice.
    return f"{record.record_type}/{record.key}"[:300]


def _gathered(
    *, run: SourceRun, records: Sequence[SourceRecord], attributes: GatheringAttributes
) -> list[GatheredRecord]:
    identifiers = identifiers_used(source=run.source, attributes=attributes)
    policy_version_id = policy_version_in_force_id()
    kept = []
    for record in records:
        fields = dict(record.fields)
        for kind, value in identifiers.items():
            fields.setdefault(kind, value)
        found = match_record(resident=attributes.resident, record_attributes=fields)
        if found.strength == MatchStrength.NONE:
            continue
        kept.append(
            GatheredRecord(
                run=run,
                key=_record_key(record),
                record_type=record.record_type[:100],
                fields_encrypted=fields_encrypt(record.fields),
                match_strength=found.strength,
                matched_attributes=list(found.matched),
                needs_confirmation=found.needs_confirmation,
                policy_version_id=policy_version_id,
            )
        )
    return kept


def fields_encrypt(fields: dict[str, Any]) -> bytes:
    return crypto.encrypt(json.dumps(fields, default=str, sort_keys=True).encode())


def fields_decrypt(record: GatheredRecord) -> dict[str, Any]:
    return json.loads(crypto.decrypt(bytes(record.fields_encrypted)))


def _store_and_finish(*, run: SourceRun, token: str, kept: list[GatheredRecord]) -> bool:
    now = timezone.now()
    # Records are stored only in the transaction that finishes the run, so none are there
    # before it: the run found as many as it keeps distinct keys.
    found = len({record.key for record in kept})
    with transaction.atomic():
        ours = run_move(
            run_id=run.pk,
            where=Q(status=RunStatus.RUNNING, claimed_by=token),
            to=RunStatus.SUCCEEDED,
            finished_at=now,
            lease_expires_at=None,
            last_error="",
            records_found=found,
        )
        if ours != 1:
            return False  # the lease ran out and the run is someone else's now
        GatheredRecord.objects.bulk_create(kept, ignore_conflicts=True)
        audit_record(
            action="gathering.run_succeeded",
            category=AuditCategory.STATE_CHANGE,
            object_type="gathering.sourcerun",
            object_id=run.pk,
            fields=["status", "records_found"],
            details={
                "request_id": run.request_id,
                "source_id": run.source_id,
                "records_found": found,
                "attempts": run.attempts,
            },
        )
    # The fan-in takes the request's row lock in a transaction of its own, so the run's (and
    # the audit chain's) locks are not held while it waits; whichever run commits last moves
    # the request on, and the reconciler does if this worker dies first.
    gathering_fan_in(request_id=run.request_id)
    return True


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff with jitter: base·2^(attempts-1), capped, times 0.5 to 1.5."""
    base = settings.GATHERING_BACKOFF_BASE_SECONDS
    seconds = min(settings.GATHERING_BACKOFF_CAP_SECONDS, base * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=seconds * random.uniform(0.5, 1.5))  # noqa: S311 (jitter, not a secret)


def _failure_record(*, run: SourceRun, token: str, message: str, permanent: bool, kind: str) -> str:
    now = timezone.now()
    last = permanent or run.attempts >= settings.GATHERING_MAX_ATTEMPTS
    with transaction.atomic():
        if last:
            text = (
                message
                if permanent
                else _("%(message)s (gave up after %(n)d attempts)")
                % {
                    "message": message,
                    "n": run.attempts,
                }
            )
            to = RunStatus.FAILED
            changes: dict[str, Any] = {"finished_at": now, "next_attempt_at": None}
        else:
            # Only a run that waits for its next try says it will be tried again.
            text = _("%(message)s; it will be tried again") % {"message": message}
            to = RunStatus.RETRY_WAIT
            changes = {"next_attempt_at": now + retry_delay(run.attempts)}
        ours = run_move(
            run_id=run.pk,
            where=Q(status=RunStatus.RUNNING, claimed_by=token),
            to=to,
            **changes,
            lease_expires_at=None,
            last_error=text[:2000],
        )
        if ours != 1:
            return RunStatus.RUNNING
        audit_record(
            action="gathering.run_failed" if last else "gathering.run_retry_scheduled",
            category=AuditCategory.STATE_CHANGE,
            object_type="gathering.sourcerun",
            object_id=run.pk,
            fields=["status", *changes, "last_error"],
            details={
                "request_id": run.request_id,
                "source_id": run.source_id,
                "attempts": run.attempts,
                "permanent": permanent,
                "error": kind,
            },
        )
    if last:
        gathering_fan_in(request_id=run.request_id)
    return to


def source_run_execute(*, run_id: int, worker: str) -> str | None:
    """Run one source for its request. Returns the run's new state, or None when the run was not
    ours to run (a duplicate delivery, a retry not yet due)."""
    token = source_run_claim(run_id=run_id, worker=worker)
    if token is None:
        return None
    run = SourceRun.objects.select_related("source", "request").get(pk=run_id)
    attributes = gathering_attributes(user=run.request.subject)
    try:
        records = _lookup_all(run, attributes)
        kept = _gathered(run=run, records=records, attributes=attributes)
    except ConnectorError as error:
        logger.warning("source run %s: %s", run.pk, error.message)
        return _failure_record(
            run=run,
            token=token,
            message=error.message,
            permanent=error.permanent,
            kind="permanent" if error.permanent else "transient",
        )
    except Exception as error:  # a connector's bug must not leave the run running for good
        logger.exception("source run %s failed unexpectedly", run.pk)
        return _failure_record(
            run=run,
            token=token,
            message=_("The connector failed unexpectedly (%(kind)s).")
            % {"kind": type(error).__name__},
            permanent=False,
            kind=type(error).__name__,
        )
    if not _store_and_finish(run=run, token=token, kept=kept):
        return None
    return RunStatus.SUCCEEDED


# --- The reconciler -------------------------------------------------------------------------


def source_runs_reconcile(*, now: datetime | None = None) -> dict[str, int]:
    """Re-send runs whose message may be lost: pending for over a minute, retries now due, and
    leases run out (a killed worker). Logs runs unfinished for longer than GATHERING_STUCK_MINUTES.
    Claims are conditional, so a duplicate nudge does nothing."""
    now = now or timezone.now()
    live = SourceRun.objects.filter(request__status__in=RUNNABLE_REQUEST_STATUSES)
    groups = {
        "pending": live.filter(status=RunStatus.PENDING, created_at__lt=now - timedelta(minutes=1)),
        "retry_due": live.filter(
            Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
            status=RunStatus.RETRY_WAIT,
        ),
        "lease_expired": live.filter(status=RunStatus.RUNNING, lease_expires_at__lt=now),
    }
    counts = {}
    for name, runs in groups.items():
        ids = list(runs.values_list("pk", flat=True))
        _enqueue(ids)
        counts[name] = len(ids)
    stuck = list(
        live.exclude(status__in=[*FINISHED_RUN_STATUSES, RunStatus.WAITING_FOR_STEWARD])
        .filter(created_at__lt=now - timedelta(minutes=settings.GATHERING_STUCK_MINUTES))
        .values_list("pk", "request_id", "status")
    )
    for run_id, request_id, status in stuck:
        logger.warning("source run %s of request %s stuck in %s", run_id, request_id, status)
    counts["stuck"] = len(stuck)
    # A worker that died between finishing the last run and the fan-in leaves its request in
    # gathering with every run finished.
    answered = (
        Request.objects.filter(status=RequestStatus.GATHERING, source_runs__isnull=False)
        .exclude(source_runs__status__in=UNFINISHED_RUN_STATUSES)
        .values_list("pk", flat=True)
        .distinct()
    )
    counts["moved_to_review"] = sum(gathering_fan_in(request_id=pk) for pk in list(answered))
    return counts


# --- A clerk's retry and skip ---------------------------------------------------------------


def _require_clerk(actor: Any, run: SourceRun) -> None:
    if not may_work_requests(actor):
        raise PermissionDenied
    if run.request.status not in RUNNABLE_REQUEST_STATUSES:
        raise GatheringError(_("The request has moved on: its sources can no longer change."))


@transaction.atomic
def source_run_retry(*, run: SourceRun, actor: Any) -> SourceRun:
    """Run a failed source again, from its first attempt."""
    _require_clerk(actor, run)
    changed = run_move(
        run_id=run.pk,
        where=Q(status=RunStatus.FAILED),
        to=RunStatus.PENDING,
        attempts=0,
        next_attempt_at=None,
        lease_expires_at=None,
        claimed_by="",
        finished_at=None,
        created_at=timezone.now(),
    )
    if changed != 1:
        raise GatheringError(_("Only a source that failed can be tried again."))
    audit_record(
        action="gathering.run_retried",
        category=AuditCategory.STATE_CHANGE,
        actor=actor,
        object_type="gathering.sourcerun",
        object_id=run.pk,
        fields=["status", "attempts"],
        details={"request_id": run.request_id, "source_id": run.source_id},
    )
    _enqueue([run.pk])
    run.refresh_from_db()
    return run


@transaction.atomic
def source_run_skip(*, run: SourceRun, actor: Any, reason: str) -> SourceRun:
    """Give up on a source the request can do without, saying why. The request is then partial."""
    _require_clerk(actor, run)
    if not reason.strip():
        raise GatheringError({"reason": _("Enter why this source is skipped.")})
    changed = run_move(
        run_id=run.pk,
        where=~Q(status__in=[RunStatus.SUCCEEDED, RunStatus.SKIPPED]),
        to=RunStatus.SKIPPED,
        skipped_reason=reason.strip(),
        skipped_by=actor,
        finished_at=timezone.now(),
        lease_expires_at=None,
        next_attempt_at=None,
    )
    if changed != 1:
        raise GatheringError(_("This source has already finished."))
    # A steward need no longer search for a source the clerk gave up on.
    _work_items_cancel(WorkItem.objects.filter(run_id=run.pk))
    audit_record(
        action="gathering.run_skipped",
        category=AuditCategory.DECISION,
        actor=actor,
        object_type="gathering.sourcerun",
        object_id=run.pk,
        fields=["status", "skipped_reason", "skipped_by"],
        details={"request_id": run.request_id, "source_id": run.source_id},
    )
    gathering_fan_in(request_id=run.request_id)
    run.refresh_from_db()
    return run


# --- A steward's answer for a manual source -------------------------------------------------


def _work_items_cancel(items: Any) -> int:
    now = timezone.now()
    return sum(
        work_item_move(
            item_id=item_id,
            where=Q(status=WorkItemStatus.OPEN),
            to=WorkItemStatus.CANCELLED,
            completed_at=now,
        )
        for item_id in items.filter(status=WorkItemStatus.OPEN).values_list("pk", flat=True)
    )


def work_items_cancel(*, request_id: int) -> int:
    """Cancel the open work items of a request that has finished. Returns how many."""
    return _work_items_cancel(WorkItem.objects.filter(run__request_id=request_id))


@transaction.atomic
def work_item_complete(
    *,
    item: WorkItem,
    actor: Any,
    records: Sequence[SourceRecord],
    found_nothing: bool,
    note: str = "",
) -> WorkItem:
    """Store what the department's steward found, finish the run and fan in. What a steward
    enters is matched like any record; anything short of exact or strong waits for a clerk."""
    if item.department_id not in steward_department_ids(actor):
        raise PermissionDenied
    if found_nothing == bool(records):
        raise GatheringError(_("Enter the records you found, or say you found none."))
    status = Request.objects.filter(source_runs__pk=item.run_id).values_list("status", flat=True)
    if status.first() not in RUNNABLE_REQUEST_STATUSES:
        raise GatheringError(_("The request has finished: this search is no longer needed."))
    now = timezone.now()
    closed = work_item_move(
        item_id=item.pk,
        where=Q(status=WorkItemStatus.OPEN),
        to=WorkItemStatus.DONE,
        found_nothing=found_nothing,
        note=note.strip(),
        completed_by=actor,
        completed_at=now,
    )
    if closed != 1:
        raise GatheringError(_("This work item is already done."))
    run = SourceRun.objects.select_related("request").get(pk=item.run_id)
    attributes = gathering_attributes(user=run.request.subject)
    policy_version_id = policy_version_in_force_id()
    stored = []
    for record in records:
        found = match_record(resident=attributes.resident, record_attributes=record.fields)
        strong = found.strength in (MatchStrength.EXACT, MatchStrength.STRONG)
        stored.append(
            GatheredRecord(
                run=run,
                key=_record_key(record),
                record_type=record.record_type[:100],
                fields_encrypted=fields_encrypt(dict(record.fields)),
                match_strength=found.strength if strong else MatchStrength.WEAK,
                matched_attributes=list(found.matched),
                needs_confirmation=found.needs_confirmation or not strong,
                policy_version_id=policy_version_id,
            )
        )
    GatheredRecord.objects.bulk_create(stored, ignore_conflicts=True)
    found_count = GatheredRecord.objects.filter(run=run).count()
    run_move(
        run_id=run.pk,
        where=Q(status=RunStatus.WAITING_FOR_STEWARD),
        to=RunStatus.SUCCEEDED,
        records_found=found_count,
        finished_at=now,
    )
    audit_record(
        action="gathering.work_item_completed",
        category=AuditCategory.RECORD,
        actor=actor,
        obj=item,
        fields=["status", "found_nothing", "note", "completed_by", "completed_at"],
        details={
            "request_id": run.request_id,
            "run_id": run.pk,
            "records_found": found_count,
            "found_nothing": found_nothing,
        },
    )
    gathering_fan_in(request_id=run.request_id)
    item.refresh_from_db()
    return item
