"""A resident who proved who they are, department sources (a scripted connector, a real SQLite
department database reached through the `sql` connector, and a web service on loopback), requests
in gathering, and real workers of a test's own on a queue of its own."""

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from portal.identity.models import IdentityLevel, VerificationMethod
from portal.identity.services import identity_verification_record
from requests.models import ConnectorKind, DataSource
from requests.services import request_submit
from tasks.connectors import registry
from tasks.connectors.base import Connector, ConnectorError, SourceRecord
from tasks.connectors.sql import dispose_engines
from tests.factories import ProfileFactory
from tests.processes import (
    WorkerProcess,
    purge_queue,
    start_celery_worker,
    stop,
    wait_for_idle_worker,
    wait_until,
)

BORN = dt.date(1980, 3, 14)
ALICE = {"name": "Alice Archer", "date_of_birth": "1980-03-14"}
NAMESAKE = {"name": "Alice Archer", "date_of_birth": "1955-07-01"}


class ScriptedConnector(Connector):
    """Answers each lookup with the next outcome scripted for its source (records, or an error
    to raise); with nothing scripted, Alice's one record. Records the parameters it was asked."""

    kind = "scripted"
    script: ClassVar[dict[str, list[Any]]] = {}
    asked: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    def lookup(self, *, name: str, parameters: Mapping[str, Any]) -> list[SourceRecord]:
        self.asked.append((self.source.slug, dict(parameters)))
        outcomes = self.script.get(self.source.slug) or []
        outcome = outcomes.pop(0) if outcomes else [SourceRecord("P-1", "person", dict(ALICE))]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    @classmethod
    def configuration_problems(cls, configuration: Mapping[str, Any]) -> list[str]:
        return []


def transient(message: str = "the service did not answer") -> ConnectorError:
    return ConnectorError(message, permanent=False)


def permanent(message: str = "the query names a column that does not exist") -> ConnectorError:
    return ConnectorError(message, permanent=True)


@pytest.fixture(autouse=True)
def scripted_connector(monkeypatch):
    monkeypatch.setitem(registry.CONNECTORS, ScriptedConnector.kind, ScriptedConnector)
    ScriptedConnector.script = {}
    ScriptedConnector.asked = []
    yield ScriptedConnector
    dispose_engines()


def verify(user, level=IdentityLevel.REMOTE):
    return identity_verification_record(
        user=user,
        level=level,
        method=VerificationMethod.ACCOUNT_KNOWLEDGE
        if level == IdentityLevel.REMOTE
        else VerificationMethod.IN_PERSON_ID,
        evidence={"test": True},
    )


@pytest.fixture
def alice(resident):
    """Alice Archer, born 14 March 1980, identity level 2."""
    ProfileFactory(
        user=resident, legal_first_name="Alice", legal_last_name="Archer", date_of_birth=BORN
    )
    verify(resident)
    return resident


def make_source(department, slug, *, kind="scripted", **fields):
    defaults = {
        "name": slug.replace("-", " ").title(),
        "configuration": {"lookups": {"people": {}}},
        "attribute_map": {"legal_name": "name", "date_of_birth": "dob"},
        "responsible_officer": "Department head",
        "timeout_seconds": 5,
    }
    return DataSource.objects.create(
        department=department, slug=slug, kind=kind, **{**defaults, **fields}
    )


@pytest.fixture
def assessors_source(department_a):
    return make_source(department_a, "assessors-people")


@pytest.fixture
def water_source(department_b):
    return make_source(department_b, "water-people")


@pytest.fixture
def file_request(alice, django_capture_on_commit_callbacks):
    """Alice files an access request; the runs' broker messages are captured, not sent."""

    def _file(**kwargs):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            request = request_submit(requester=alice, subject=alice, kind="access", **kwargs)
        return request, callbacks

    return _file


PEOPLE = [
    ("P-1", "Alice Archer", "1980-03-14"),
    ("P-2", "Alice Archer", "1955-07-01"),
    ("P-3", "Bob Booker", "1979-01-02"),
]


def department_database(path) -> str:
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE people (person_id TEXT PRIMARY KEY, name TEXT, date_of_birth TEXT);"
            "CREATE TABLE residents (id INTEGER PRIMARY KEY);"
        )
        connection.executemany("INSERT INTO people VALUES (?, ?, ?)", PEOPLE)
    connection.close()
    return f"sqlite:///{path}"


def sql_source(department, slug, url):
    return make_source(
        department,
        slug,
        kind=ConnectorKind.SQL,
        configuration={
            "database_url": url,
            "lookups": {
                "people": {
                    "sql": "SELECT * FROM people WHERE name = :name",
                    "key": "person_id",
                    "record_type": "person",
                }
            },
        },
        attribute_map={"legal_name": "name"},
    )


# --- A worker of the test's own, on a queue of its own --------------------------------------

# Small enough for a test to see a lease run out and retries come due in seconds.
FAST_GATHERING_ENV = {
    "GATHERING_LEASE_SECONDS": "30",
    "GATHERING_MAX_ATTEMPTS": "3",
    "GATHERING_BACKOFF_BASE_SECONDS": "1",
    "GATHERING_BACKOFF_CAP_SECONDS": "2",
}


def _router_reset(app) -> None:
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)


@pytest.fixture
def own_queue(transactional_db) -> Iterator[str]:
    """Gathering's tasks, as the portal sends them, go to a queue only this test's workers
    consume: the session's worker cannot take them."""
    from portal.celery import app

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_routes
    app.conf.task_routes = {"tasks.gathering.*": {"queue": queue}}
    _router_reset(app)
    # Declared, as a worker that ran before would have left it: Redis drops a message sent to
    # a queue no one ever declared.
    with app.connection_for_write() as broker:
        app.amqp.queues[queue].bind(broker.default_channel).declare()
    yield queue
    app.conf.task_routes = previous
    _router_reset(app)
    purge_queue(queue)


@pytest.fixture
def start_worker(own_queue, tmp_path) -> Iterator[Callable[..., WorkerProcess]]:
    """Starts workers on the test's queue with FAST_GATHERING_ENV (and `env`); each is idle and
    stopped before the test's tables are emptied. The solo pool runs a task in the worker's one
    process (killing it kills the task), and starts and stops quicker than a pool of one."""
    started: list[WorkerProcess] = []

    def start(name: str = "worker", *, env: dict[str, str] | None = None, pool: str = "solo"):
        worker = start_celery_worker(
            log=tmp_path / f"{name}.log",
            hostname=f"{name}-{uuid.uuid4().hex[:8]}@localhost",
            queue=own_queue,
            env={**FAST_GATHERING_ENV, **(env or {})},
            pool=pool,
        )
        started.append(worker)
        return worker

    yield start
    for worker in started:
        wait_for_idle_worker(worker)
        stop(worker.process)


def wait_for_review(request, worker: WorkerProcess, *, timeout: float = 45, nudge=None) -> None:
    """Wait until the request reaches review; `nudge` is called on each check (a reconciler)."""
    from requests.models import Request
    from requests.states import RequestStatus

    def reached() -> bool:
        if nudge is not None:
            nudge()
        return Request.objects.get(pk=request.pk).status == RequestStatus.IN_REVIEW

    wait_until(
        reached,
        timeout=timeout,
        what="the request to reach review",
        process=worker.process,
        log=worker.log,
    )


# --- A department's web service on loopback -------------------------------------------------


@dataclass
class Call:
    path: str
    query: dict[str, list[str]]
    at: float


class DepartmentService:
    """Answers each path with `answers[path](call)` -> (status, body, delay seconds); records
    every call with the time it came in."""

    def __init__(self) -> None:
        self.answers: dict[str, Callable[[Call], tuple[int, Any, float]]] = {}
        self.calls: list[Call] = []
        self.received = threading.Event()
        self.release = threading.Event()
        self.url = ""

    def calls_to(self, path: str) -> list[Call]:
        return [call for call in self.calls if call.path == path]

    def handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                call = Call(url.path, parse_qs(url.query), time.monotonic())
                service.calls.append(call)
                service.received.set()
                answer = service.answers.get(url.path)
                status, body, delay = answer(call) if answer else (404, {"error": "none"}, 0)
                if delay:
                    service.release.wait(delay)
                data = json.dumps(body).encode()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def department_service() -> Iterator[DepartmentService]:
    service = DepartmentService()
    server = ThreadingHTTPServer(("127.0.0.1", 0), service.handler())
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    service.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield service
    service.release.set()
    server.shutdown()
    server.server_close()


def http_source(department, slug, base_url, *, path="/people", timeout_seconds=5):
    """An `http` source asking `path` by the resident's name and date of birth."""
    return make_source(
        department,
        slug,
        kind=ConnectorKind.HTTP,
        configuration={
            "base_url": base_url,
            "lookups": {
                "people": {
                    "path": path,
                    "params": {"name": "{name}", "dob": "{dob}"},
                    "record_type": "person",
                    "key": "person_id",
                    "records": "people",
                }
            },
        },
        timeout_seconds=timeout_seconds,
    )


@pytest.fixture
def postgresql_only():
    """Some guarantees (row locks between connections) only PostgreSQL can show. Outside CI a
    SQLite run skips them; CI runs on PostgreSQL, so there a skip would hide a failure."""
    from django.db import connection

    if connection.vendor != "postgresql":
        message = "needs two PostgreSQL connections (row locks); SQLite serialises writers"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
