"""/healthz names each part and answers 503 when one is down."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone

from portal.health import probes
from portal.health.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_heartbeat():
    return WorkerHeartbeat.objects.create(worker="worker@test", last_seen=timezone.now())


def test_broker_on_closed_port_answers_503_naming_broker(client, settings, fresh_heartbeat):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}

    response = client.get("/healthz")

    body = response.json()
    assert response.status_code == 503
    assert body["status"] == "down"
    assert body["down"] == ["broker"]
    assert body["checks"]["broker"]["ok"] is False
    assert "redis broker unreachable" in body["checks"]["broker"]["detail"]
    assert body["checks"]["database"]["ok"] is True


def test_worker_without_recent_heartbeat_answers_503_naming_worker(client, settings):
    WorkerHeartbeat.objects.create(
        worker="worker@test",
        last_seen=timezone.now() - timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE_SECONDS + 5),
    )

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["down"] == ["worker"]
    assert "last heartbeat" in response.json()["checks"]["worker"]["detail"]


def test_no_heartbeat_ever_answers_503_naming_worker(client):
    response = client.get("/healthz")

    assert response.status_code == 503
    assert "worker" in response.json()["down"]
    assert response.json()["checks"]["worker"]["detail"] == "no worker has consumed a heartbeat yet"


def test_database_failure_is_reported_not_raised(client, monkeypatch, fresh_heartbeat):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(probes.connection, "cursor", broken_cursor)

    result = probes.probe_database()

    assert result.ok is False
    assert result.detail == "database unreachable: OperationalError"


def test_unwritable_filesystem_broker_is_down(settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the queue folder should be")
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"data_folder_in": str(blocker / "queue")}

    result = probes.probe_broker()

    assert result.ok is False
    assert result.detail.startswith("filesystem broker not writable")


def test_healthz_is_never_cached_and_refuses_post(client, fresh_heartbeat):
    assert "no-cache" in client.get("/healthz")["Cache-Control"]
    assert client.post("/healthz").status_code == 405
