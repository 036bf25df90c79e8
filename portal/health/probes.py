"""One probe per part the portal needs. Each answers quickly and never raises."""

from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from kombu import Connection

from portal.health.models import WorkerHeartbeat


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def probe_database() -> ProbeResult:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means the database is down
        return ProbeResult(ok=False, detail=f"database unreachable: {type(error).__name__}")
    return ProbeResult(ok=True, detail=connection.vendor)


def probe_broker() -> ProbeResult:
    url = settings.CELERY_BROKER_URL
    transport = url.split("://", 1)[0]
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    if transport == "filesystem":
        return _probe_filesystem_broker(options)
    timeout = settings.HEALTH_CHECK_TIMEOUT_SECONDS
    options.update(socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        with Connection(url, connect_timeout=timeout, transport_options=options) as broker:
            broker.ensure_connection(max_retries=1, timeout=timeout)
    except Exception as error:  # noqa: BLE001 - any failure means the broker is down
        return ProbeResult(
            ok=False, detail=f"{transport} broker unreachable: {type(error).__name__}"
        )
    return ProbeResult(ok=True, detail=transport)


def _probe_filesystem_broker(options: dict[str, str]) -> ProbeResult:
    folder = Path(options["data_folder_in"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".healthz"
        probe.write_text("ok")
        probe.unlink()
    except OSError as error:
        return ProbeResult(ok=False, detail=f"filesystem broker not writable: {error.strerror}")
    return ProbeResult(ok=True, detail="filesystem")


def probe_worker() -> ProbeResult:
    max_age = timedelta(seconds=settings.HEALTH_WORKER_MAX_AGE_SECONDS)
    try:
        last_seen = WorkerHeartbeat.objects.aggregate(last=Max("last_seen"))["last"]
    except Exception as error:  # noqa: BLE001 - the database probe reports the cause
        return ProbeResult(ok=False, detail=f"heartbeat unreadable: {type(error).__name__}")
    if last_seen is None:
        return ProbeResult(ok=False, detail="no worker has consumed a heartbeat yet")
    age = timezone.now() - last_seen
    seconds = int(age.total_seconds())
    if age > max_age:
        return ProbeResult(ok=False, detail=f"last heartbeat {seconds} s ago")
    return ProbeResult(ok=True, detail=f"last heartbeat {seconds} s ago")


PROBES = {"database": probe_database, "broker": probe_broker, "worker": probe_worker}


def run_probes() -> dict[str, ProbeResult]:
    return {name: probe() for name, probe in PROBES.items()}
