"""The Celery application. Its configuration is the `CELERY_*` settings in portal/settings.py."""

import os
from pathlib import Path

from celery import Celery
from celery.signals import worker_process_shutdown, worker_ready

from tasks import TASK_MODULES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.imports = TASK_MODULES


def _ensure_filesystem_broker_folders() -> None:
    """The filesystem transport expects its folders to exist before the first message."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


@app.on_after_configure.connect
def _on_after_configure(sender: Celery, **kwargs: object) -> None:
    _ensure_filesystem_broker_folders()


@worker_ready.connect
def _send_first_heartbeat(sender: object, **kwargs: object) -> None:
    """A fresh worker reports in at once rather than at beat's next tick."""
    app.send_task("tasks.health.heartbeat", expires=60)


@worker_process_shutdown.connect
def _close_department_connections(**kwargs: object) -> None:
    from tasks.connectors.sql import dispose_engines

    dispose_engines()
