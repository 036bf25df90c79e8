"""Real processes for integration tests: a Celery worker, and waiting on them."""

import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent


def database_url_for_subprocess() -> str:
    """DATABASE_URL naming the test database, so a child process writes where the test reads."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def wait_until(
    condition: Callable[[], bool],
    *,
    timeout: float,
    what: str,
    process: subprocess.Popen | None = None,
    log: Path | None = None,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if process is not None and process.poll() is not None:
            raise AssertionError(
                f"process exited ({process.returncode}) before {what}:\n{tail(log)}"
            )
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}:\n{tail(log)}")


def tail(log: Path | None, lines: int = 40) -> str:
    if log is None or not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def stop(process: subprocess.Popen, *, grace: float = 20) -> int:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
    return process.returncode


@dataclass
class WorkerProcess:
    process: subprocess.Popen
    log: Path
    hostname: str
    # The queue it consumes, when not this run's default one.
    queue: str | None = None

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def unfinished_tasks(self) -> set[str]:
        """Task ids the worker logged as received and not yet as finished."""
        output = self.output()
        received = set(_RECEIVED.findall(output))
        return received - set(_FINISHED.findall(output))


_RECEIVED = re.compile(r"Task [\w.]+\[([0-9a-f-]+)\] received")
_FINISHED = re.compile(r"Task [\w.]+\[([0-9a-f-]+)\] (?:succeeded|raised|retry|failed)")


def queued_messages(queue: str | None = None) -> int:
    """Messages waiting on a queue (by default this run's) in the broker, not yet taken by a
    worker. Counted directly: kombu's passive declare looks for the Redis key without the run's
    key prefix, so it would call every queue empty. Both brokers the portal runs on (Redis, the
    filesystem) are kombu virtual transports, which count a queue this way."""
    from django.conf import settings

    from portal.celery import app

    with app.connection_for_read() as broker:
        return broker.default_channel._size(queue or settings.CELERY_TASK_DEFAULT_QUEUE)


def wait_for_idle_worker(worker: WorkerProcess, *, timeout: float = 30) -> bool:
    """Wait until nothing is queued and the worker has finished every task it took, seen twice
    in a row so a message between the broker and the log is not missed. False on timeout."""
    deadline = time.monotonic() + timeout
    idle_checks = 0
    while time.monotonic() < deadline and worker.process.poll() is None:
        if queued_messages(worker.queue) == 0 and not worker.unfinished_tasks():
            idle_checks += 1
            if idle_checks == 2:
                return True
        else:
            idle_checks = 0
        time.sleep(0.05)
    return False


def purge_queue(queue: str) -> int:
    """Empty a queue in the broker, as a broker restarted without persistence would; returns how
    many messages were dropped."""
    from portal.celery import app

    with app.connection_for_write() as broker:
        return broker.default_channel.queue_purge(queue) or 0


def start_celery_worker(
    *,
    log: Path,
    hostname: str,
    queue: str | None = None,
    env: dict[str, str] | None = None,
    pool: str = "prefork",
    concurrency: int = 1,
) -> WorkerProcess:
    """A worker on this run's queue, or on `queue`, with `env` added to the inherited
    environment. With pool="solo" tasks run in the worker's own process, so killing that one
    process stops the task it was running. `concurrency` is the number of pool processes (or
    threads) running tasks at once."""
    env = {**os.environ, **(env or {}), "DATABASE_URL": database_url_for_subprocess()}
    if queue:
        env["CELERY_TASK_DEFAULT_QUEUE"] = queue
    command = [
        sys.executable,
        "-m",
        "celery",
        "--app=portal",
        "worker",
        "--loglevel=INFO",
        f"--concurrency={concurrency}",
        f"--pool={pool}",
        "--without-gossip",
        "--without-mingle",
        f"--hostname={hostname}",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=BASE_DIR, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    worker = WorkerProcess(process=process, log=log, hostname=hostname, queue=queue)
    wait_until(
        lambda: " ready." in worker.output(),
        timeout=90,
        what="the Celery worker to be ready",
        process=process,
        log=log,
    )
    return worker
