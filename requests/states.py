"""The request's state machine: its states, the moves allowed between them, and the one function
that makes a move.

Nothing else in the code base assigns a request's `status` (CONTRIBUTING.md, "Dangerous
constructs"). A move is checked against the table, applied with compare-and-set on the old status
(so two clerks acting at once cannot both win), written to the request's history, and the
requester is told by email once the transaction commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from requests.models import Request, RequestEvent


class RequestStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Received")
    AWAITING_IDENTITY = "awaiting_identity", _("Waiting for identity check")
    GATHERING = "gathering", _("Finding records")
    IN_REVIEW = "in_review", _("In review")
    RELEASED = "released", _("Records released")
    DECIDED = "decided", _("Decided")
    DENIED = "denied", _("Denied")
    CLOSED = "closed", _("Closed")
    AWAITING_REQUESTER = "awaiting_requester", _("Waiting for the requester")
    WITHDRAWN = "withdrawn", _("Withdrawn")


S = RequestStatus


class Mover(models.TextChoices):
    """Who may make a move: the system on its own, the requester, or City staff."""

    SYSTEM = "system"
    REQUESTER = "requester"
    STAFF = "staff"


STAFF = frozenset({Mover.STAFF})
SYSTEM = frozenset({Mover.SYSTEM})
REQUESTER = frozenset({Mover.REQUESTER})

# (from, to) -> who may make that move. Any pair not listed is illegal.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    # Intake: the identity check decides where a new request goes.
    (S.SUBMITTED, S.AWAITING_IDENTITY): SYSTEM,
    (S.SUBMITTED, S.GATHERING): SYSTEM,
    (S.SUBMITTED, S.WITHDRAWN): REQUESTER | STAFF,
    # The requester reached the level the request needs (the identity service raises levels;
    # staff never wave a request past the check).
    (S.AWAITING_IDENTITY, S.GATHERING): SYSTEM,
    (S.AWAITING_IDENTITY, S.AWAITING_REQUESTER): STAFF,
    (S.AWAITING_IDENTITY, S.CLOSED): STAFF,
    (S.AWAITING_IDENTITY, S.WITHDRAWN): REQUESTER | STAFF,
    # Gathering (the fan-out to departments) ends in review.
    (S.GATHERING, S.IN_REVIEW): SYSTEM | STAFF,
    (S.GATHERING, S.AWAITING_REQUESTER): STAFF,
    (S.GATHERING, S.DENIED): STAFF,
    (S.GATHERING, S.WITHDRAWN): REQUESTER | STAFF,
    # Review ends in a release, a decision or a denial.
    (S.IN_REVIEW, S.RELEASED): STAFF,
    (S.IN_REVIEW, S.DECIDED): STAFF,
    (S.IN_REVIEW, S.DENIED): STAFF,
    (S.IN_REVIEW, S.AWAITING_REQUESTER): STAFF,
    (S.IN_REVIEW, S.WITHDRAWN): REQUESTER | STAFF,
    # Waiting for the requester: the clock is stopped until the request goes back where it was.
    (S.AWAITING_REQUESTER, S.AWAITING_IDENTITY): REQUESTER | STAFF,
    (S.AWAITING_REQUESTER, S.GATHERING): REQUESTER | STAFF,
    (S.AWAITING_REQUESTER, S.IN_REVIEW): REQUESTER | STAFF,
    (S.AWAITING_REQUESTER, S.CLOSED): STAFF,
    (S.AWAITING_REQUESTER, S.WITHDRAWN): REQUESTER | STAFF,
    # A denial overturned when the resident contested it: the records are reviewed again.
    (S.DENIED, S.IN_REVIEW): STAFF,
    # The end.
    (S.RELEASED, S.CLOSED): STAFF,
    (S.DECIDED, S.CLOSED): STAFF,
    (S.DENIED, S.CLOSED): STAFF,
}

# No move leaves these.
TERMINAL_STATUSES = frozenset({S.CLOSED, S.WITHDRAWN})
# The clock has stopped for good: the request was answered, or ended.
FINISHED_STATUSES = frozenset({S.RELEASED, S.DECIDED, S.DENIED, S.CLOSED, S.WITHDRAWN})
# States a requester may withdraw from.
WITHDRAWABLE_STATUSES = frozenset(
    source for (source, target) in TRANSITIONS if target == S.WITHDRAWN
)


class IllegalTransition(Exception):
    """The move is not in the table, the actor may not make it, or the request moved meanwhile."""


def targets_from(status: str, *, mover: str | None = None) -> list[str]:
    """Where a request in `status` may go (by `mover`, when given), in the table's order."""
    return [
        target
        for (source, target), movers in TRANSITIONS.items()
        if source == status and (mover is None or mover in movers)
    ]


def is_allowed(source: str, target: str, *, mover: str) -> bool:
    return mover in TRANSITIONS.get((source, target), frozenset())


def mover_of(*, request: Request, actor: Any | None) -> str:
    if actor is None:
        return Mover.SYSTEM
    if getattr(actor, "is_city_staff", False):
        return Mover.STAFF
    if actor.pk == request.requester_id:
        return Mover.REQUESTER
    raise IllegalTransition(f"{actor} may not act on {request.number}")


def request_transition(
    *,
    request: Request,
    to: str,
    actor: Any | None,
    reason: str = "",
    changes: Mapping[str, Any] | None = None,
    event_details: dict[str, Any] | None = None,
) -> RequestEvent:
    """Move `request` to `to`, or raise IllegalTransition and change nothing.

    `actor` is the person who acts (None for the system). `changes` are other columns that change
    with the status (the clock, the denial's reasons); the same update writes them, so a move and
    its consequences are never seen apart. Returns the history row.
    """
    from portal.audit.models import AuditCategory
    from portal.audit.services import audit_record
    from requests.models import Request, RequestEvent, RequestEventKind
    from requests.notifications import requester_notification_schedule

    source = request.status
    target = RequestStatus(to)
    mover = mover_of(request=request, actor=actor)
    if not is_allowed(source, target, mover=mover):
        raise IllegalTransition(f"{request.number}: {source} → {target} is not allowed ({mover})")

    changes = dict(changes or {})
    if "status" in changes:
        raise ValueError("the status is the transition's target, not one of its changes")
    now = timezone.now()
    fields = {**changes, "status": target, "updated_at": now}
    if target in FINISHED_STATUSES and source not in FINISHED_STATUSES:
        fields["finished_at"] = now
    with transaction.atomic():
        updated = Request.objects.filter(pk=request.pk, status=source).update(**fields)
        if updated != 1:
            raise IllegalTransition(f"{request.number} is no longer {source}")
        event = RequestEvent.objects.create(
            request=request,
            kind=RequestEventKind.STATUS_CHANGED,
            from_status=source,
            to_status=target,
            actor=actor,
            text=reason,
            details=event_details or {},
            visible_to_requester=True,
            created_at=now,
        )
        audit_record(
            action="request.status_changed",
            category=AuditCategory.STATE_CHANGE,
            actor=actor,
            obj=request,
            fields=["status", *changes],
            details={"from_status": str(source), "to_status": str(target), "event_id": event.pk},
        )
        requester_notification_schedule(event=event)
        if target in FINISHED_STATUSES:
            from requests.gathering.services import work_items_cancel

            # A steward need no longer search for an answered or withdrawn request.
            work_items_cancel(request_id=request.pk)
        if target == S.WITHDRAWN:
            from requests.corrections.services import changes_withdraw

            changes_withdraw(request_id=request.pk)
    for name, value in fields.items():
        setattr(request, name, value)
    return event
