"""Gathering: running one department source for a request, and the reconciler that re-sends
runs whose broker message was lost (DESIGN.md, "Celery, made robust").

No Celery retries or countdowns here: a transient error waits in the database for its next
attempt, and the reconciler sends it again when due.
"""

from celery import Task

from portal.celery import app
from requests.gathering.services import source_run_execute, source_runs_reconcile


@app.task(name="tasks.gathering.run_source", bind=True)
def run_source(self: Task, run_id: int) -> str | None:
    return source_run_execute(run_id=run_id, worker=self.request.hostname or "worker")


@app.task(name="tasks.gathering.reconcile")
def reconcile() -> dict[str, int]:
    return source_runs_reconcile()
