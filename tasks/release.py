"""Release packages: building one in a worker, and the reconciler that re-sends packages whose
broker message was lost (the database is the truth, as for gathering)."""

from celery import Task

from portal.celery import app
from requests.release.build import package_build, packages_reconcile


@app.task(name="tasks.release.build_package", bind=True)
def build_package(self: Task, package_id: int) -> str | None:
    return package_build(package_id=package_id, worker=self.request.hostname or "worker")


@app.task(name="tasks.release.reconcile")
def reconcile() -> dict[str, int]:
    return packages_reconcile()
