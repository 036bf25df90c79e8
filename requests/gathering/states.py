"""The moves of a source run and a work item between their states, each a conditional update:
it changes the row only while the row still matches `where` (its state, its claim), so two
workers, or a worker and a clerk, can never both move one run. Returns how many rows moved
(0 or 1). The request's own state machine is requests/states.py."""

from typing import Any

from django.db.models import Q

from requests.gathering.models import SourceRun, WorkItem


def run_move(*, run_id: int, where: Q | None = None, to: str, **changes: Any) -> int:
    rows = SourceRun.objects.filter(pk=run_id)
    if where is not None:
        rows = rows.filter(where)
    return rows.update(status=to, **changes)


def work_item_move(*, item_id: int, where: Q | None = None, to: str, **changes: Any) -> int:
    rows = WorkItem.objects.filter(pk=item_id)
    if where is not None:
        rows = rows.filter(where)
    return rows.update(status=to, **changes)
