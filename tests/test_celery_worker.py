"""A real worker process consumes from the configured broker and writes to the database."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.health.models import WorkerHeartbeat
from tasks.health import heartbeat
from tests.processes import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_consumes_task_from_broker_and_writes_to_database(celery_worker, settings):
    wait_until(
        lambda: WorkerHeartbeat.objects.filter(worker=celery_worker.hostname).exists(),
        timeout=60,
        what="the worker's start-up heartbeat",
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
