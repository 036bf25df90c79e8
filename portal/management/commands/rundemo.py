"""Run the whole portal on one machine: web server, Celery worker and beat, with the demo data,
and the demo water and sewer billing vendor's online service on loopback.

Ctrl-C (or SIGTERM) stops all of it; if any part exits on its own, the others are stopped too,
so a half-running portal never looks healthy.
"""

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.demo.accounts import read_demo_logins
from portal.demo.water_service import TOKEN_ENV as WATER_TOKEN_ENV
from portal.demo.water_service import water_service_port

STARTUP_TIMEOUT_SECONDS = 90
STOP_GRACE_SECONDS = 15


class Command(BaseCommand):
    help = "Start the web server, a Celery worker and beat with the demo data; Ctrl-C stops all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--residents", type=int, default=5000, help="synthetic residents in the demo"
        )

    def handle(self, *args: Any, host: str, port: int, residents: int, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("rundemo is for the demo; production runs gunicorn and celery.")
        try:
            water_port = water_service_port()
        except ValueError as error:
            raise CommandError(str(error)) from None
        call_command("migrate", interactive=False, verbosity=0)
        call_command("demo_setup", residents=residents, verbosity=1, stdout=self.stdout)

        url = f"http://{host}:{port}/"
        environment = {**os.environ, "PORTAL_DEMO": "true"}
        # The worker calls the water service with the token the service accepts: one per run.
        environment.setdefault(WATER_TOKEN_ENV, secrets.token_urlsafe(32))
        manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]
        celery = [sys.executable, "-m", "celery", "--app=portal"]
        commands = {
            "web": [*manage, "runserver", f"{host}:{port}", "--noreload", "--skip-checks"],
            "worker": [*celery, "worker", "--loglevel=INFO", "--concurrency=2"],
            "beat": [
                *celery,
                "beat",
                "--loglevel=INFO",
                f"--schedule={settings.CELERY_BEAT_SCHEDULE_FILENAME}",
            ],
            "water": [*manage, "run_water_service", f"--port={water_port}", "--skip-checks"],
        }
        processes: dict[str, subprocess.Popen] = {}
        stopping = False

        def request_stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, request_stop)
        try:
            for name, command in commands.items():
                # The argument lists are built above from fixed parts, never from input. Each
                # part gets its own process group so Ctrl-C reaches only this command, which
                # then stops the parts in order instead of interrupting them mid-request.
                processes[name] = subprocess.Popen(  # noqa: S603
                    command, cwd=settings.BASE_DIR, env=environment, process_group=0
                )
            if self._wait_until_serving(url, processes, lambda: stopping):
                self._print_banner(url, water_port)
            while not stopping:
                exited = {n: p.returncode for n, p in processes.items() if p.poll() is not None}
                if exited:
                    raise CommandError(f"stopped because a part exited: {exited}")
                time.sleep(0.5)
        finally:
            self._stop_all(processes)
        self.stdout.write("The portal has stopped.")

    def _wait_until_serving(
        self, url: str, processes: dict[str, subprocess.Popen], stopping: Any
    ) -> bool:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline and not stopping():
            for name, process in processes.items():
                if process.poll() is not None:
                    raise CommandError(f"the {name} process exited during start-up")
            if _healthz_status(url) == 200:
                return True
            time.sleep(0.5)
        if not stopping():
            self.stderr.write(
                f"The portal did not report healthy within {STARTUP_TIMEOUT_SECONDS} s; "
                f"see {url}healthz."
            )
        return False

    def _print_banner(self, url: str, water_port: int) -> None:
        lines = [
            "",
            "=" * 72,
            f"The Westfield Records Portal is running at {url}",
            f"Health: {url}healthz",
            f"Demo water and sewer billing service: http://127.0.0.1:{water_port}/",
            "",
            "Demo logins (synthetic people; demo only):",
        ]
        lines += [
            f"  {login.role:<20} {login.email:<38} {login.password}" for login in read_demo_logins()
        ]
        lines += [
            "",
            "Press Ctrl-C to stop the web server, the worker, beat and the water service.",
            "=" * 72,
            "",
        ]
        self.stdout.write("\n".join(lines))

    def _stop_all(self, processes: dict[str, subprocess.Popen]) -> None:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for process in processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _healthz_status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(f"{url}healthz", timeout=5) as response:  # noqa: S310 - our own loopback URL
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, OSError):
        return None
