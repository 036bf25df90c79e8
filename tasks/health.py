"""The worker heartbeat behind /healthz."""

from celery import Task

from portal.celery import app
from portal.health.services import heartbeat_record


@app.task(bind=True, name="tasks.health.heartbeat")
def heartbeat(self: Task) -> None:
    """Record that a worker consumed a task just now."""
    heartbeat_record(worker=self.request.hostname or "unknown")
