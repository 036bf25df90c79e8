"""Corrections: writing one approved change back to its department's system, and the
reconciler that re-sends write-backs whose broker message was lost or whose answer is unknown.

No Celery retries or countdowns here: a transient error waits in the database for its next
attempt, and the reconciler sends it again when due.
"""

from celery import Task

from portal.celery import app
from requests.corrections.writeback import write_back_execute, write_backs_reconcile


@app.task(name="tasks.corrections.write_back", bind=True)
def write_back(self: Task, write_back_id: int) -> str | None:
    return write_back_execute(write_back_id=write_back_id, worker=self.request.hostname or "worker")


@app.task(name="tasks.corrections.reconcile")
def reconcile() -> dict[str, int]:
    return write_backs_reconcile()
