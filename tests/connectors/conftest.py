"""A department's web service on loopback, started in the test, and data sources to reach it."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from requests.models import DataSource
from tests.factories import DepartmentFactory


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # JSON-encoded unless bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Service:
    """Answers by path (without the query string); records every request it receives."""

    def __init__(self) -> None:
        self.answers: dict[str, Answer | Callable[[Received], Answer]] = {}
        self.received: list[Received] = []
        self.release = threading.Event()
        self.url = ""

    def answer(self, received: Received) -> Answer:
        self.received.append(received)
        found = self.answers.get(received.path.split("?", 1)[0])
        if found is None:
            return Answer(404, {"error": "not found"})
        return found(received) if callable(found) else found


def _handler(service: Service) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            received = Received(
                self.command, self.path, dict(self.headers.items()), self.rfile.read(length)
            )
            answer = service.answer(received)
            if answer.delay:
                service.release.wait(answer.delay)
            body = (
                answer.body if isinstance(answer.body, bytes) else json.dumps(answer.body).encode()
            )
            self.send_response(answer.status)
            headers = {"Content-Type": "application/json", **answer.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            # The portal may have given up waiting, as it should.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def service() -> Iterator[Service]:
    found = Service()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(found))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield found
    found.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def make_source(db) -> Callable[..., DataSource]:
    def make(kind: str, configuration: dict, **fields: Any) -> DataSource:
        return DataSource.objects.create(
            department=DepartmentFactory(),
            slug=fields.pop("slug", f"{kind}-source"),
            name=fields.pop("name", f"A {kind} source"),
            kind=kind,
            configuration=configuration,
            responsible_officer=fields.pop("responsible_officer", "Director"),
            timeout_seconds=fields.pop("timeout_seconds", 5),
            **fields,
        )

    return make
