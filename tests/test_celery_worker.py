"""A real worker process consumes from the configured broker and writes to the database."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from portal.health.models import WorkerHeartbeat
from tasks.health import heartbeat
from tests.processes import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

HEARTBEAT_DONE = re.compile(r"tasks\.health\.heartbeat\[[^\]]+\] succeeded")


def test_worker_consumes_task_from_broker_and_writes_to_database(celery_worker, settings):
    # The worker's own start-up heartbeat must be out of the way, so that the row awaited below
    # can only come from the task this test sends.
    wait_until(
        lambda: HEARTBEAT_DONE.search(celery_worker.output()) is not None,
        timeout=60,
        what="the worker's start-up heartbeat to be consumed",
        process=celery_worker.process,
        log=celery_worker.log,
    )
    WorkerHeartbeat.objects.all().delete()
    sent_at = timezone.now() - timedelta(seconds=1)

    heartbeat.delay()

    wait_until(
        lambda: WorkerHeartbeat.objects.filter(
            worker=celery_worker.hostname, last_seen__gte=sent_at
        ).exists(),
        timeout=60,
        what="the heartbeat task to be consumed",
        process=celery_worker.process,
        log=celery_worker.log,
    )
    assert "tasks.health.heartbeat" in celery_worker.output()


def test_healthz_is_200_with_every_part_fine(celery_worker, client):
    heartbeat.delay()
    wait_until(
        lambda: WorkerHeartbeat.objects.filter(worker=celery_worker.hostname).exists(),
        timeout=60,
        what="a heartbeat",
        process=celery_worker.process,
        log=celery_worker.log,
    )

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["down"] == []
    assert set(body["checks"]) == {"database", "broker", "worker"}
