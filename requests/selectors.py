"""Reads of the request domain. Residents reach only their own requests; the workbench is for
clerks and the privacy officer. Every queryset here is already scoped to the person asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Case, DateField, F, Q, QuerySet, When
from django.utils import timezone
from django.utils.translation import gettext

from portal.access.scope import is_resident, may_work_requests, visible
from portal.accounts.models import Role, User
from requests.models import (
    Department,
    ReplyTemplate,
    Request,
    RequestEvent,
    RequestKind,
    RequestLetter,
    RequestMessage,
)
from requests.states import FINISHED_STATUSES, TERMINAL_STATUSES, RequestStatus
from requests.wording import requester_text, requester_title, staff_title

# Who works the queue. Stewards see their department's work items (a later issue), auditors read
# the audit trail; neither opens requests here.
WORKBENCH_ROLES = frozenset({Role.CLERK, Role.PRIVACY_OFFICER})

# The next deadline of a request: the written response until it is sent, then the final one.
NEXT_DUE_ON = Case(
    When(
        response_due_on__isnull=False,
        responded_at__isnull=True,
        then=F("response_due_on"),
    ),
    default=F("final_due_on"),
    output_field=DateField(),
)


def is_request_staff(user: Any) -> bool:
    return may_work_requests(user)


# --- Residents ------------------------------------------------------------------------------


def resident_requests(*, user: Any) -> QuerySet[Request]:
    """The requests about the resident (filed by them or by their representative), and those of
    residents they represent while a grant covering that kind of request is in force. Staff
    open requests on the workbench only, where the access log and stated purposes apply."""
    if not is_resident(user):
        return Request.objects.none()
    return visible(user, Request)


def resident_request_list(*, user: Any) -> QuerySet[Request]:
    return resident_requests(user=user).order_by("-received_at")


def requests_filed_today(*, user: Any) -> int:
    """Requests the resident filed themselves since local midnight (the daily limit)."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))
    return Request.objects.filter(
        requester=user, filed_by__isnull=True, created_at__gte=midnight
    ).count()


# --- Both sides -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    title: str
    when: datetime
    text: str = ""
    internal: bool = False
    actor: str = ""
    exemptions: list[str] = field(default_factory=list)


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.email


def _exemption_labels(event: RequestEvent) -> list[str]:
    return [
        str(settings.REQUESTS_EXEMPTIONS.get(code, code))
        for code in event.details.get("exemptions", [])
    ]


def request_timeline(*, request: Request, for_requester: bool) -> list[TimelineEntry]:
    """Everything that happened, newest first. The requester's view leaves out internal notes,
    assignments and the reasons written for the record only."""
    events = request.events.select_related("actor", "request", "message").order_by(
        "-created_at", "-id"
    )
    if for_requester:
        return [
            TimelineEntry(
                title=requester_title(event),
                when=event.created_at,
                text=requester_text(event),
                exemptions=_exemption_labels(event),
            )
            for event in events.filter(visible_to_requester=True)
        ]
    return [
        TimelineEntry(
            title=staff_title(event),
            when=event.created_at,
            text=event.message.body if event.message else event.text,
            internal=not event.visible_to_requester,
            actor=_person(event.actor) or gettext("System"),
            exemptions=_exemption_labels(event),
        )
        for event in events
    ]


def request_messages(*, request: Request) -> QuerySet[RequestMessage]:
    return request.messages.select_related("author").prefetch_related("documents__stored_file")


def request_letters(*, request: Request) -> QuerySet[RequestLetter]:
    return request.letters.select_related("pdf", "created_by")


# --- The workbench --------------------------------------------------------------------------


def staff_requests(*, user: Any) -> QuerySet[Request]:
    """The requests this clerk or the privacy officer may open (ACCESS_CLERKS_SEE)."""
    if not is_request_staff(user):
        return Request.objects.none()
    return visible(user, Request)


def workbench_staff() -> QuerySet[User]:
    """The people a request can be assigned to."""
    return User.objects.filter(is_active=True, role__in=WORKBENCH_ROLES).order_by(
        "first_name", "last_name", "email"
    )


def queue_departments() -> QuerySet[Department]:
    return Department.objects.order_by("name")


def reply_templates() -> QuerySet[ReplyTemplate]:
    return ReplyTemplate.objects.filter(active=True)


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    due_soon: bool = False
    overdue: bool = False
    # "" any, "me" the person looking, "none" unassigned, or a user's id.
    assignee: str = ""
    department: int | None = None


QUEUE_SORTS = {
    "number": ("number",),
    "requester": ("requester__last_name", "requester__first_name", "requester__email"),
    "kind": ("kind",),
    "status": ("status",),
    "due": ("next_due",),
    "received": ("received_at",),
}


def request_queue(
    *,
    user: Any,
    filters: QueueFilters,
    sort: str = "due",
    descending: bool = False,
    today: date | None = None,
    due_soon_by: date | None = None,
) -> QuerySet[Request]:
    """The workbench queue, filtered and sorted. Its query count does not depend on its size:
    requester and assignee come in the same query."""
    today = today or timezone.localdate()
    queryset = (
        staff_requests(user=user)
        .select_related("requester", "assignee")
        .annotate(next_due=NEXT_DUE_ON)
    )
    if filters.statuses:
        queryset = queryset.filter(status__in=filters.statuses)
    else:
        queryset = queryset.exclude(status__in=TERMINAL_STATUSES)
    if filters.kinds:
        queryset = queryset.filter(kind__in=filters.kinds)
    open_clock = ~Q(status__in=FINISHED_STATUSES) & ~Q(status=RequestStatus.AWAITING_REQUESTER)
    if filters.overdue and filters.due_soon:
        queryset = queryset.filter(open_clock, next_due__lte=due_soon_by or today)
    elif filters.overdue:
        queryset = queryset.filter(open_clock, next_due__lt=today)
    elif filters.due_soon:
        queryset = queryset.filter(
            open_clock, next_due__gte=today, next_due__lte=due_soon_by or today
        )
    if filters.assignee == "me":
        queryset = queryset.filter(assignee=user)
    elif filters.assignee == "none":
        queryset = queryset.filter(assignee__isnull=True)
    elif filters.assignee.isdigit():
        queryset = queryset.filter(assignee_id=int(filters.assignee))
    if filters.department is not None:
        queryset = queryset.filter(departments__id=filters.department).distinct()
    fields = QUEUE_SORTS.get(sort, QUEUE_SORTS["due"])
    order = [f"-{name}" if descending else name for name in fields]
    return queryset.order_by(*order, "number" if not descending else "-number")


def requests_due_by(*, day: date) -> QuerySet[Request]:
    """Open requests whose clock is running and whose next deadline is on or before `day`."""
    return (
        Request.objects.exclude(status__in=FINISHED_STATUSES)
        .exclude(status=RequestStatus.AWAITING_REQUESTER)
        .select_related("assignee")
        .annotate(next_due=NEXT_DUE_ON)
        .filter(next_due__lte=day)
        .order_by("next_due", "number")
    )


def kind_needs_level(kind: str) -> int:
    return settings.REQUESTS_IDENTITY_LEVEL_NEEDED[RequestKind(kind).value]
