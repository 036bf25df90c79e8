"""The run command brings up web, worker, beat and the demo water service on the embedded
defaults; Ctrl-C stops all."""

import json
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.processes import BASE_DIR, stop, tail, wait_until

pytestmark = pytest.mark.worker


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthz(port: int) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def _water_status(port: int) -> int | None:
    """The demo water service's answer to a call without its token; None while it is not up."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/WS-0000001", timeout=5):
            return 200
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None


def test_run_command_serves_healthy_portal_with_demo_and_stops_on_ctrl_c(tmp_path):
    port = _free_port()
    water_port = _free_port()
    embedded = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env = {
        **embedded,
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "PORTAL_DEMO": "true",
        "DEMO_WATER_SERVICE_PORT": str(water_port),
    }
    log = tmp_path / "rundemo.log"
    with log.open("wb") as output:
        portal = subprocess.Popen(
            [sys.executable, "manage.py", "rundemo", "--port", str(port), "--residents", "200"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until(
            lambda: "is running at" in log.read_text(errors="replace"),
            timeout=120,
            what="the run command's banner",
            process=portal,
            log=log,
        )
        status, body = _healthz(port)
        assert status == 200, body
        assert body["checks"]["broker"]["detail"] == "filesystem"
        assert body["checks"]["database"]["detail"] == "sqlite"
        printed = log.read_text()
        assert f"http://127.0.0.1:{port}/" in printed
        assert "clerk@demo.example.org" in printed
        assert f"http://127.0.0.1:{water_port}/" in printed
        wait_until(
            lambda: _water_status(water_port) == 401,
            timeout=30,
            what="the demo water service refusing a call without its token",
            process=portal,
            log=log,
        )

        portal.send_signal(signal.SIGINT)
        portal.wait(60)
    finally:
        stop(portal)
    assert "The portal has stopped." in log.read_text(), tail(log)
    for stopped in (port, water_port):
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", stopped), timeout=1).close()
