"""Retention: data kept no longer than needed (c. 66A §2(l))."""

from portal.celery import app
from portal.files.services import stored_files_purge_due


@app.task(name="tasks.retention.purge_due_files")
def purge_due_files() -> int:
    return stored_files_purge_due()
