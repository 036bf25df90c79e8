"""The worker heartbeat behind /healthz."""

from celery import Task

from portal.celery import app
from portal.health.services import heartbeat_record


@app.task(bind=True, name="tasks.health.heartbeat")
def heartbeat(self: Task) -> None:
    """Record that a worker consumed a task just now."""
    heartbeat_record(worker=self.request.hostname or "unknown")


@app.task(name="tasks.health.noop")
def noop() -> None:
    """Do nothing. The broker/worker round-trip probe: how fast a worker drains tasks that cost
    nothing is the ceiling any real task's rate is measured against (tests/perf)."""
