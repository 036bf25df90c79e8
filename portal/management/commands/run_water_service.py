"""Serve the demo water and sewer billing vendor's online service on loopback; rundemo starts it."""

import os
import signal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from portal.demo.stores import water_sewer
from portal.demo.water_service import PORT_ENV, TOKEN_ENV, water_server, water_service_port


class Command(BaseCommand):
    help = "Serve the demo water and sewer billing service on 127.0.0.1 (read-only JSON)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=None, help=f"default: ${PORT_ENV}")

    def handle(self, *args: Any, port: int | None, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("The demo water service never runs in production.")
        try:
            port = water_service_port() if port is None else port
        except ValueError as error:
            raise CommandError(str(error)) from None
        token = os.environ.get(TOKEN_ENV, "")
        if not token:
            raise CommandError(f"Set {TOKEN_ENV} to the token the service should accept.")
        database = Path(settings.DEMO_DATA_DIR) / water_sewer.FILENAME
        if not database.exists():
            raise CommandError(f"No demo water database at {database}: run demo_setup first.")
        try:
            server = water_server(database=database, token=token, port=port)
        except OSError as error:
            raise CommandError(f"Cannot listen on 127.0.0.1:{port}: {error}") from None

        def stop(signum: int, frame: object) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"The demo water service is listening on http://127.0.0.1:{port}/")
        try:
            server.serve_forever(0.2)
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
