"""Summary statistics (c. 66A: "generating summary statistics about usage, auditing applications
and detecting fraud"): one function per table, each a few aggregate queries.

Every figure is counted, grouped and averaged in the database. Business days are the one thing
the database cannot count on its own (holidays and the City's closure days live in
requests/calendar.py): the calendar goes to the database as one list of business-day ordinals
(portal/reports/business_days.py), so requests are grouped by business days taken, and the
Python loop runs over a few hundred groups, never over requests.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least, TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from portal.reports.business_days import BusinessDayCounter, BusinessDayOrdinal, LocalDate
from portal.reports.tables import COUNT, DERIVED, Chart, Column, Table

# Shown where there is nothing to work a figure out from.
NONE = "none"

KIND_LABELS = {
    "inquiry": "Inquiry",
    "access": "Copy of records",
    "correction": "Correction",
    "contest": "Contest",
    "access_log": "Access log",
}
CHANNEL_LABELS = {
    "web": "Website",
    "email": "Email",
    "mail": "Mail",
    "in_person": "In person",
    "phone": "Phone",
}
ROLE_LABELS = {
    "clerk": "Clerk",
    "steward": "Department steward",
    "privacy_officer": "Privacy officer",
    "auditor": "Auditor",
    "": "The system",
}
# Business days since a request was received, in bands that follow the law's clock: the written
# response (10), production (25) and the longest extension (30 more).
AGE_BANDS = ((0, 10, "0 to 10"), (11, 25, "11 to 25"), (26, 55, "26 to 55"), (56, None, "over 55"))


@dataclass(frozen=True)
class ReportFilters:
    """The period (both days included), and optionally one type of request and one department."""

    date_from: date
    date_to: date
    kind: str = ""
    department_id: int | None = None

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.date_from, time.min))

    @property
    def end(self) -> datetime:
        """The first moment after the period."""
        return timezone.make_aware(datetime.combine(self.date_to + timedelta(days=1), time.min))

    def codes(self) -> dict[str, Any]:
        return {
            "date_from": self.date_from.isoformat(),
            "date_to": self.date_to.isoformat(),
            "kind": self.kind,
            "department_id": self.department_id,
        }


# --- Shared pieces --------------------------------------------------------------------------


def _unfinished_statuses() -> list[str]:
    """Named rather than excluded, so the database can find them on the status index."""
    from requests.models import RequestStatus
    from requests.states import FINISHED_STATUSES

    return sorted(set(RequestStatus) - FINISHED_STATUSES)


def _requests(filters: ReportFilters, *, by_received: bool = True) -> QuerySet:
    """Requests of the chosen type and department, received in the period when `by_received`.
    A request's answer is its `finished_at`: its last move into a finished state from an
    unfinished one, which the state machine records on the request (nothing leaves a finished
    state except to close, or to review again a denial overturned on contest)."""
    from requests.models import Request

    queryset = Request.objects.order_by()
    if by_received:
        queryset = queryset.filter(_received_in(filters))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    if filters.department_id:
        # (request, department) pairs are unique, so this join never repeats a request.
        queryset = queryset.filter(departments=filters.department_id)
    return queryset


def _month(value: date | datetime | None) -> str:
    if value is None:
        return NONE
    return date_format(value, "F Y")


def _percent(part: int, whole: int) -> str:
    if not whole:
        return NONE
    return f"{round(100 * part / whole)}%"


def _duration(value: timedelta | None) -> str:
    if value is None:
        return NONE
    seconds = round(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes} min"
    if minutes:
        return f"{minutes} min {seconds} s"
    return f"{seconds} s"


def nearest_rank(weighted: list[tuple[int, int]], share: float) -> int | None:
    """The nearest-rank percentile of values given as (value, how many): the smallest value with
    at least `share` of all values at or below it."""
    total = sum(weight for _value, weight in weighted)
    if not total:
        return None
    rank = max(1, math.ceil(share * total))
    seen = 0
    for value, weight in sorted(weighted):
        seen += weight
        if seen >= rank:
            return value
    return None  # pragma: no cover - the loop always reaches the rank


# --- Requests received and closed ------------------------------------------------------------


Memo = dict[str, Any]


def _memoized(memo: Memo | None, key: str, compute: Any) -> Any:
    """Grouped rows that two tables read, queried once per page when the page passes a memo."""
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def _count(condition: Q | None = None) -> Count:
    """The rows (matching `condition`), counted without naming a column: the database then
    carries no column just to count it, and its rows stay narrow enough to group in memory."""
    if condition is None:
        return Count("*")
    return Count(Value(1), filter=condition)


def _channel_counts() -> dict[str, Count]:
    return {f"channel_{code}": _count(Q(channel=code)) for code in CHANNEL_LABELS}


def _received_in(filters: ReportFilters) -> Q:
    return Q(received_on__gte=filters.date_from, received_on__lte=filters.date_to)


def _answered_in(filters: ReportFilters) -> Q:
    return Q(finished_at__gte=filters.start, finished_at__lt=filters.end)


def _month_groups(filters: ReportFilters, memo: Memo | None = None) -> list[dict[str, Any]]:
    """Requests received or answered in the period, in one pass: grouped by type, the month
    each was received in the period (or None) and the month it was answered in the period (or
    None); per group, per channel, how many in all, how many extended and how many answered by
    their final due date (which includes any extension). The groups are bounded by types and
    months, never by the number of requests."""

    def compute() -> list[dict[str, Any]]:
        counter = _day_span(filters, memo)
        return list(
            _requests(filters, by_received=False)
            .filter(_received_in(filters) | _answered_in(filters))
            .annotate(
                received_month=Case(
                    When(_received_in(filters), then=TruncMonth("received_on")), default=None
                ),
                answered_month=Case(
                    When(
                        _answered_in(filters),
                        then=LocalDate(F("finished_at"), counter=counter, month=True),
                    ),
                    default=None,
                ),
                answered_on=LocalDate(F("finished_at"), counter=counter),
            )
            .values("kind", "received_month", "answered_month")
            .annotate(
                **_channel_counts(),
                total=_count(),
                extended=_count(Q(extended_at__isnull=False)),
                on_time=_count(Q(answered_on__lte=F("final_due_on"))),
            )
            .order_by()
        )

    return _memoized(memo, "months", compute)


def _by_month(groups: list[dict[str, Any]], month: str, *names: str) -> list[dict[str, Any]]:
    """The groups summed by type and one of their two months, leaving out those without it."""
    sums: dict[tuple[Any, str], dict[str, Any]] = {}
    for group in groups:
        if group[month] is None:
            continue
        key = (group[month], group["kind"])
        found = sums.setdefault(key, {"month": key[0], "kind": key[1], **dict.fromkeys(names, 0)})
        for name in names:
            found[name] += group[name]
    return list(sums.values())


CHANNEL_COUNTS = tuple(f"channel_{code}" for code in CHANNEL_LABELS)


def _received_groups(filters: ReportFilters, memo: Memo | None = None) -> list[dict[str, Any]]:
    """Requests received in the period by month and type: per channel, and how many extended."""
    return _by_month(
        _month_groups(filters, memo), "received_month", *CHANNEL_COUNTS, "total", "extended"
    )


def _closed_groups(filters: ReportFilters, memo: Memo | None = None) -> list[dict[str, Any]]:
    """Requests answered in the period by month (of the answer) and type: per channel, how many
    in all, and how many by their final due date."""
    return _by_month(
        _month_groups(filters, memo), "answered_month", *CHANNEL_COUNTS, "total", "on_time"
    )


def _kind_order(kind: str) -> int:
    return list(KIND_LABELS).index(kind) if kind in KIND_LABELS else len(KIND_LABELS)


def _by_kind(groups: list[dict[str, Any]], *names: str) -> dict[str, dict[str, int]]:
    """Sums of the named counts per type, over the months."""
    totals: dict[str, dict[str, int]] = {}
    for group in groups:
        kind_totals = totals.setdefault(group["kind"], dict.fromkeys(names, 0))
        for name in names:
            kind_totals[name] += group[name]
    return dict(sorted(totals.items(), key=lambda item: _kind_order(item[0])))


def _by_month_type_and_channel(
    groups: list[dict[str, Any]], *, slug: str, title: str, description: str
) -> Table:
    """One row per month and type, one column per channel: at most 12 x 5 rows a year, however
    many requests."""
    groups = sorted(groups, key=lambda group: (group["month"], group["kind"]))
    return Table(
        slug=slug,
        title=title,
        description=description,
        columns=(
            Column("Month"),
            Column("Type"),
            *(Column(label, COUNT) for label in CHANNEL_LABELS.values()),
        ),
        rows=tuple(
            (
                _month(group["month"]),
                KIND_LABELS.get(group["kind"], group["kind"]),
                *(group[f"channel_{code}"] for code in CHANNEL_LABELS),
            )
            for group in groups
        ),
        chart=Chart(
            "line",
            label_column=0,
            value_columns=tuple(range(2, 2 + len(CHANNEL_LABELS))),
            measure="requests",
        ),
    )


def requests_received(filters: ReportFilters, memo: Memo | None = None) -> Table:
    return _by_month_type_and_channel(
        _received_groups(filters, memo),
        slug="received",
        title=_("Requests received, by month, type and channel"),
        description=_(
            "Requests counted in the month they count as received, by how they reached the City."
        ),
    )


def requests_closed(filters: ReportFilters, memo: Memo | None = None) -> Table:
    return _by_month_type_and_channel(
        _closed_groups(filters, memo),
        slug="closed",
        title=_("Requests closed, by month, type and channel"),
        description=_(
            "Requests counted in the month they were answered (released, decided, denied, closed "
            "or withdrawn), by how they reached the City."
        ),
    )


# --- Time taken -------------------------------------------------------------------------------


def _business_days_taken(answered_at: Any, counter: BusinessDayCounter) -> Any:
    """Business days from the day a request counts as received to the day of `answered_at`."""
    return BusinessDayOrdinal(answered_at, counter=counter, moment=True) - BusinessDayOrdinal(
        F("received_on"), counter=counter
    )


def _response_day_groups(filters: ReportFilters, counter: BusinessDayCounter) -> QuerySet:
    """Requests first answered or released in the period, in one pass: grouped by type, the
    business days to the first answer when that came in the period (or None) and the business
    days to the release when the request was released in the period (or None).

    The first answer is the written response when it came before the answer (or with no answer
    yet), and otherwise the answer itself. A release is always a request's last answer (only
    review leads to it, and only closing follows), so its time is the request's `finished_at`;
    the history says which answers were releases."""
    from requests.models import RequestEvent, RequestEventKind, RequestStatus

    # The earlier of the two, whichever is set (NULL only when neither is).
    first_at = Least(
        Coalesce("responded_at", "finished_at"), Coalesce("finished_at", "responded_at")
    )
    releases = RequestEvent.objects.filter(
        kind=RequestEventKind.STATUS_CHANGED,
        to_status=RequestStatus.RELEASED,
        created_at__gte=filters.start,
        created_at__lt=filters.end,
    ).values("request_id")
    return (
        _requests(filters, by_received=False)
        .filter(
            Q(responded_at__gte=filters.start, responded_at__lt=filters.end) | _answered_in(filters)
        )
        .annotate(first_at=first_at)
        .annotate(
            first_days=Case(
                When(
                    Q(first_at__gte=filters.start, first_at__lt=filters.end),
                    then=_business_days_taken(F("first_at"), counter),
                ),
                default=None,
            ),
            release_days=Case(
                When(
                    _answered_in(filters) & Q(pk__in=releases),
                    then=_business_days_taken(F("finished_at"), counter),
                ),
                default=None,
            ),
        )
        .values_list("kind", "first_days", "release_days")
        .annotate(total=_count())
        .order_by()
    )


def _day_span(filters: ReportFilters, memo: Memo | None = None) -> BusinessDayCounter:
    """A counter over every day a request counts as received and every day one was answered (a
    few lookups on indexes); the period's first day when there are no requests."""
    from requests.models import Request

    def compute() -> BusinessDayCounter:
        span = Request.objects.order_by().aggregate(
            first=Min("received_on"),
            last=Max("received_on"),
            first_finished=Min("finished_at"),
            last_finished=Max("finished_at"),
            first_responded=Min("responded_at"),
            last_responded=Max("responded_at"),
        )
        days = [span["first"], span["last"]]
        days += [
            timezone.localdate(span[name])
            for name in ("first_finished", "last_finished", "first_responded", "last_responded")
            if span[name] is not None
        ]
        return BusinessDayCounter([day for day in days if day is not None] or [filters.date_from])

    return _memoized(memo, "span", compute)


def response_times(filters: ReportFilters, memo: Memo | None = None) -> Table:
    """Median and 90th percentile business days from receipt to the first response (requests
    first answered in the period) and to the release of records (released in the period)."""
    counter = _day_span(filters, memo)
    by_measure: dict[str, dict[str, list[tuple[int, int]]]] = {
        "first response": defaultdict(list),
        "release": defaultdict(list),
    }
    for kind, first_days, release_days, total in _response_day_groups(filters, counter):
        # Answered on or before the day it counts as received: no business days.
        if first_days is not None:
            by_measure["first response"][kind].append((max(0, first_days), total))
        if release_days is not None:
            by_measure["release"][kind].append((max(0, release_days), total))
    rows = []
    for measure, label in (("first response", "First response"), ("release", "Release")):
        by_kind = by_measure[measure]
        for kind in KIND_LABELS:
            if kind not in by_kind:
                continue
            weighted = by_kind[kind]
            rows.append(
                (
                    KIND_LABELS[kind],
                    label,
                    sum(weight for _value, weight in weighted),
                    str(nearest_rank(weighted, 0.5)),
                    str(nearest_rank(weighted, 0.9)),
                )
            )
    return Table(
        slug="response-times",
        title=_("Business days to the first response and to release"),
        description=_(
            "Business days from the day a request counts as received, for requests first "
            "answered (or released) in the period. Median and 90th percentile by nearest rank: "
            "half (nine in ten) of the requests took that many business days or fewer."
        ),
        columns=(
            Column("Type"),
            Column("Measured to"),
            Column("Requests", COUNT),
            Column("Median business days", DERIVED),
            Column("90th percentile business days", DERIVED),
        ),
        rows=tuple(rows),
    )


def answered_on_time(filters: ReportFilters, memo: Memo | None = None) -> Table:
    """Requests answered in the period, and how many by their final due date."""
    found = _by_kind(_closed_groups(filters, memo), "total", "on_time")
    return Table(
        slug="on-time",
        title=_("Requests answered on time"),
        description=_(
            "Requests answered in the period, and how many were answered by their due date "
            "(after any extension)."
        ),
        columns=(
            Column("Type"),
            Column("Answered", COUNT),
            Column("On time", COUNT),
            Column("Late", COUNT),
            Column("Share on time", DERIVED),
        ),
        rows=tuple(
            (
                KIND_LABELS.get(kind, kind),
                counts["total"],
                counts["on_time"],
                counts["total"] - counts["on_time"],
                _percent(counts["on_time"], counts["total"]),
            )
            for kind, counts in found.items()
        ),
        chart=Chart("bar", label_column=0, value_columns=(2,)),
    )


def open_by_age(filters: ReportFilters, memo: Memo | None = None) -> Table:
    """Requests open today, by business days since they count as received. The period does not
    apply: this is today's queue."""
    groups = list(
        _requests(filters, by_received=False)
        .filter(status__in=_unfinished_statuses())
        .values_list("kind", "received_on")
        .annotate(total=_count())
        .order_by()
    )
    today = timezone.localdate()
    counter = BusinessDayCounter([today, *(received_on for _kind, received_on, _n in groups)])
    totals: dict[tuple[str, str], int] = defaultdict(int)
    for kind, received_on, total in groups:
        age = counter.between(received_on, today)
        for low, high, label in AGE_BANDS:
            if age >= low and (high is None or age <= high):
                totals[(label, kind)] += total
                break
    rows = [
        (label, KIND_LABELS[kind], totals[(label, kind)])
        for _low, _high, label in AGE_BANDS
        for kind in KIND_LABELS
        if (label, kind) in totals
    ]
    return Table(
        slug="open-by-age",
        title=_("Open requests by age"),
        description=_(
            "Requests not yet answered today, by business days since they count as received."
        ),
        columns=(Column("Business days open"), Column("Type"), Column("Open requests", COUNT)),
        rows=tuple(rows),
        chart=Chart("bar", label_column=0, value_columns=(2,)),
    )


def extensions(filters: ReportFilters, memo: Memo | None = None) -> Table:
    found = _by_kind(_received_groups(filters, memo), "total", "extended")
    return Table(
        slug="extensions",
        title=_("Extensions"),
        description=_("Requests received in the period, and how many had their deadline extended."),
        columns=(
            Column("Type"),
            Column("Received", COUNT),
            Column("Extended", COUNT),
            Column("Share extended", DERIVED),
        ),
        rows=tuple(
            (
                KIND_LABELS.get(kind, kind),
                counts["total"],
                counts["extended"],
                _percent(counts["extended"], counts["total"]),
            )
            for kind, counts in found.items()
        ),
        chart=Chart("bar", label_column=0, value_columns=(2,)),
    )


# --- Denials and exemptions -------------------------------------------------------------------


def _cites(field: str, code: str) -> Q:
    # The codes are a JSON list; its text holds the code in quotes exactly when the list has it.
    # (SQLite cannot search inside a JSON list, so this works on its text on both databases.)
    return Q(**{f"{field}__icontains": f'"{code}"'})


def denials_by_exemption(filters: ReportFilters, memo: Memo | None = None) -> Table:
    from requests.release.models import Redaction, SourceAnswer, SourceDecision

    codes = list(settings.REQUESTS_EXEMPTIONS)
    requests = _requests(filters)
    denied = requests.filter(status__in=["denied", "closed"]).aggregate(
        **{code: _count(_cites("denial_exemptions", code)) for code in codes}
    )
    in_period = requests.values("pk")
    withheld = (
        SourceDecision.objects.filter(request__in=in_period, answer=SourceAnswer.WITHHELD)
        .order_by()
        .aggregate(**{code: _count(_cites("exemptions", code)) for code in codes})
    )
    redactions = dict(
        Redaction.objects.filter(request__in=in_period, withdrawn_at__isnull=True)
        .order_by()
        .values_list("exemption")
        .annotate(total=_count())
    )
    return Table(
        slug="denials",
        title=_("Denials by exemption"),
        description=_(
            "For requests received in the period: whole requests denied, departments' records "
            "withheld and parts of records redacted, by the exemption cited (one denial may cite "
            "several)."
        ),
        columns=(
            Column("Exemption"),
            Column("Requests denied", COUNT),
            Column("Records withheld", COUNT),
            Column("Redactions", COUNT),
        ),
        rows=tuple(
            (
                str(settings.REQUESTS_EXEMPTIONS[code]),
                denied[code],
                withheld[code],
                redactions.get(code, 0),
            )
            for code in codes
        ),
        chart=Chart("bar", label_column=0, value_columns=(1,)),
    )


# --- Corrections ------------------------------------------------------------------------------

CORRECTION_COLUMNS = (
    ("proposed", "Waiting for a decision"),
    ("approved", "Approved"),
    ("denied", "Denied"),
    ("applied", "Applied"),
    ("conflict", "In conflict"),
    ("withdrawn", "Withdrawn"),
)


def corrections(filters: ReportFilters, memo: Memo | None = None) -> Table:
    from requests.corrections.models import ProposedChange

    changes = ProposedChange.objects.filter(
        created_at__gte=filters.start, created_at__lt=filters.end
    ).order_by()
    if filters.kind:
        changes = changes.filter(request__kind=filters.kind)
    if filters.department_id:
        changes = changes.filter(department=filters.department_id)
    rows = (
        changes.values("department__name")
        .annotate(**{status: _count(Q(status=status)) for status, _l in CORRECTION_COLUMNS})
        .order_by("department__name")
    )
    return Table(
        slug="corrections",
        title=_("Corrections by department"),
        description=_(
            "Changes to one field of one record that residents proposed in the period, by where "
            "each stands now."
        ),
        columns=(
            Column("Department"),
            *(Column(label, COUNT) for _status, label in CORRECTION_COLUMNS),
        ),
        rows=tuple(
            (row["department__name"], *(row[status] for status, _l in CORRECTION_COLUMNS))
            for row in rows
        ),
    )


# --- Gathering from departments ---------------------------------------------------------------


def source_runs(filters: ReportFilters, memo: Memo | None = None) -> Table:
    from requests.gathering.models import RunStatus, SourceRun

    runs = SourceRun.objects.filter(
        created_at__gte=filters.start, created_at__lt=filters.end
    ).order_by()
    if filters.kind:
        runs = runs.filter(request__kind=filters.kind)
    if filters.department_id:
        runs = runs.filter(source__department=filters.department_id)
    took = ExpressionWrapper(F("finished_at") - F("created_at"), output_field=DurationField())
    finished = Q(finished_at__isnull=False, status=RunStatus.SUCCEEDED)
    rows = (
        runs.values("source__department__name", "source__name")
        .annotate(
            total=_count(),
            failed=_count(Q(status=RunStatus.FAILED)),
            average=Avg(took, filter=finished),
            longest=Max(took, filter=finished),
        )
        .order_by("source__department__name", "source__name")
    )
    return Table(
        slug="sources",
        title=_("Gathering from each department's sources"),
        description=_(
            "Source runs started in the period; the time to gather runs from the request's filing "
            "to the run's successful end, retries and waits included."
        ),
        columns=(
            Column("Department"),
            Column("Source"),
            Column("Runs", COUNT),
            Column("Failed", COUNT),
            Column("Average time to gather", DERIVED),
            Column("Longest", DERIVED),
        ),
        rows=tuple(
            (
                row["source__department__name"],
                row["source__name"],
                row["total"],
                row["failed"],
                _duration(row["average"]),
                _duration(row["longest"]),
            )
            for row in rows
        ),
        chart=Chart("bar", label_column=1, value_columns=(2,)),
    )


# --- The access log ----------------------------------------------------------------------------


def _access_entries(filters: ReportFilters) -> QuerySet:
    from portal.access.models import AccessLogEntry

    entries = AccessLogEntry.objects.filter(
        occurred_at__gte=filters.start, occurred_at__lt=filters.end
    ).order_by()
    if filters.kind:
        entries = entries.filter(request__kind=filters.kind)
    if filters.department_id:
        entries = entries.filter(request__departments=filters.department_id)
    return entries


def access_by_role(filters: ReportFilters, memo: Memo | None = None) -> Table:
    from portal.access.models import AccessAction

    actions = dict(AccessAction.choices)
    rows = (
        _access_entries(filters)
        .values("actor_role", "action")
        .annotate(
            total=_count(),
            outside=_count(Q(outside_assignment=True)),
        )
        .order_by("actor_role", "action")
    )
    return Table(
        slug="access-by-role",
        title=_("Access-log activity by staff role"),
        description=_(
            "Each time staff saw, exported, downloaded or disclosed a resident's data in the "
            "period, by the staff member's role."
        ),
        columns=(
            Column("Role"),
            Column("What they did"),
            Column("Entries", COUNT),
            Column("Outside an assignment", COUNT),
        ),
        rows=tuple(
            (
                ROLE_LABELS.get(row["actor_role"], row["actor_role"]),
                str(actions.get(row["action"], row["action"])),
                row["total"],
                row["outside"],
            )
            for row in rows
        ),
        chart=Chart("bar", label_column=0, value_columns=(2,)),
    )


def unusual_access(filters: ReportFilters, memo: Memo | None = None) -> Table:
    """Staff members who opened the records of at least REPORTS_UNUSUAL_RESIDENTS residents
    outside their assigned requests in the period: listed for the privacy officer's review."""
    threshold = settings.REPORTS_UNUSUAL_RESIDENTS
    rows = list(
        _access_entries(filters)
        .filter(outside_assignment=True, actor__isnull=False)
        .values("actor_id", "actor__first_name", "actor__last_name", "actor__email", "actor_role")
        .annotate(residents=Count("subject", distinct=True), total=_count())
        .filter(residents__gte=threshold)
        .order_by("-residents", "actor_id")
    )
    links = {}
    for index, row in enumerate(rows):
        query = urlencode(
            {
                "actor": row["actor_id"],
                "flagged": "on",
                "date_from": filters.date_from.isoformat(),
                "date_to": filters.date_to.isoformat(),
            }
        )
        links[index] = (_("Their accesses"), f"{reverse('access:log')}?{query}")
    return Table(
        slug="unusual-access",
        title=_("Unusual patterns for review"),
        description=_(
            "Staff members who opened the records of %(threshold)d or more residents outside "
            "requests assigned to them in the period."
        )
        % {"threshold": threshold},
        columns=(
            Column("Staff member"),
            Column("Role"),
            Column("Residents outside an assignment", COUNT),
            Column("Entries outside an assignment", COUNT),
        ),
        rows=tuple(
            (
                " ".join(
                    part for part in (row["actor__first_name"], row["actor__last_name"]) if part
                )
                or row["actor__email"],
                ROLE_LABELS.get(row["actor_role"], row["actor_role"]),
                row["residents"],
                row["total"],
            )
            for row in rows
        ),
        links=links,
    )


# --- The sets of tables -------------------------------------------------------------------------

# The staff dashboard: everything, exact.
DASHBOARD = (
    requests_received,
    requests_closed,
    response_times,
    answered_on_time,
    open_by_age,
    extensions,
    denials_by_exemption,
    corrections,
    source_runs,
    access_by_role,
    unusual_access,
)
# What the Records Access Officer publishes: figures about requests only, never about staff.
PUBLISHED = (
    requests_received,
    requests_closed,
    response_times,
    answered_on_time,
    extensions,
    denials_by_exemption,
    corrections,
)


def dashboard_tables(filters: ReportFilters) -> list[Table]:
    memo: Memo = {}
    return [function(filters, memo) for function in DASHBOARD]


def published_tables(filters: ReportFilters) -> list[Table]:
    """The published figures, with small cells suppressed (portal/reports/suppression.py)."""
    from portal.reports.suppression import suppress

    memo: Memo = {}
    return [suppress(function(filters, memo)) for function in PUBLISHED]


SLUGS = {
    "received": requests_received,
    "closed": requests_closed,
    "response-times": response_times,
    "on-time": answered_on_time,
    "open-by-age": open_by_age,
    "extensions": extensions,
    "denials": denials_by_exemption,
    "corrections": corrections,
    "sources": source_runs,
    "access-by-role": access_by_role,
    "unusual-access": unusual_access,
}
