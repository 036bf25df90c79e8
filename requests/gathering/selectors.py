"""Reads of gathering: a request's source runs, whether what was gathered is partial, and a
steward's work items."""

from typing import Any

from django.db.models import Case, QuerySet, Value, When

from portal.access.scope import visible
from requests.gathering.models import (
    FINISHED_RUN_STATUSES,
    GatheredRecord,
    RunStatus,
    SourceRun,
    WorkItem,
    WorkItemStatus,
)
from requests.models import Request

PARTIAL_RUN_STATUSES = (RunStatus.FAILED, RunStatus.SKIPPED)


def request_source_runs(request: Request) -> QuerySet[SourceRun]:
    """The request's runs with their sources and departments, in one query."""
    return SourceRun.objects.filter(request=request).select_related("source", "source__department")


def request_is_partial(request: Request) -> bool:
    """Some source failed or was skipped: what was gathered may not be everything."""
    return SourceRun.objects.filter(request=request, status__in=PARTIAL_RUN_STATUSES).exists()


def request_has_unfinished_runs(request: Request) -> bool:
    return (
        SourceRun.objects.filter(request=request).exclude(status__in=FINISHED_RUN_STATUSES).exists()
    )


# --- A steward's work items -----------------------------------------------------------------

# What the steward's list shows: what is still to do, or what was done or is no longer needed.
WORK_ITEM_VIEWS = ("open", "done", "cancelled", "all")


def steward_work_items(*, user: Any, show: str = "open") -> QuerySet[WorkItem]:
    """The work items of the user's departments (portal.access.scope), open ones first, each by
    due date, with what the list shows of its request, source and department in one query."""
    items = visible(user, WorkItem).select_related(
        "run__request", "run__source", "department", "completed_by"
    )
    if show in (WorkItemStatus.OPEN, WorkItemStatus.DONE, WorkItemStatus.CANCELLED):
        items = items.filter(status=show)
    open_first = Case(When(status=WorkItemStatus.OPEN, then=Value(0)), default=Value(1))
    return items.order_by(open_first, "due_on", "pk")


def steward_open_work_item_count(*, user: Any) -> int:
    return visible(user, WorkItem).filter(status=WorkItemStatus.OPEN).count()


def work_item_records(*, item: WorkItem) -> QuerySet[GatheredRecord]:
    """What the steward entered for the item, as stored."""
    return GatheredRecord.objects.filter(run_id=item.run_id).order_by("record_type", "key")
