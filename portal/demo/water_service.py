"""The demo Water and Sewer billing vendor's online service: a small read-only JSON API over the
vendor's database (portal/demo/stores/water_sewer.py), as the portal's `http` connector meets a
real department's web service.

    GET /accounts/<account_number>       the account with its bills, payments, meter readings
                                         and shut-off notices; 404 when there is no such account
    GET /accounts?name=...&address=...   the accounts whose billing name holds the surname and
                                         whose service or mailing address is that street line
                                         ({"accounts": [...]}, maybe empty); both are required

Every request needs `Authorization: Bearer <token>` (401 without it). Payment plans and their
hardship notes are not served: the vendor keeps them off the online service.

Standard library only (wsgiref), the database opened read-only, one connection per request.
"""

from __future__ import annotations

import hmac
import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs, unquote
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

TOKEN_ENV = "DEMO_WATER_SERVICE_TOKEN"  # noqa: S105 (the variable's name, not a token)
PORT_ENV = "DEMO_WATER_SERVICE_PORT"
DEFAULT_PORT = 8765
ACCOUNT_PATH = re.compile(r"^/accounts/([^/]+)$")
WORDS = re.compile(r"[A-Z0-9]+")
# A name's last word is the surname unless it is a generational suffix.
SUFFIXES = frozenset({"JR", "SR", "II", "III", "IV"})
DETAILS = (
    ("bills", "SELECT * FROM bills WHERE account_number = ? ORDER BY bill_date, bill_number"),
    ("payments", "SELECT * FROM payments WHERE account_number = ? ORDER BY paid_on, payment_id"),
    (
        "meter_readings",
        "SELECT * FROM meter_readings WHERE account_number = ? ORDER BY read_on, reading_id",
    ),
    (
        "shutoff_notices",
        "SELECT * FROM shutoff_notices WHERE account_number = ? ORDER BY notice_date, "
        "notice_number",
    ),
)
Environ = dict[str, Any]
StartResponse = Callable[..., Any]


def water_service_port() -> int:
    """The loopback port the demo serves the water service on, from the environment."""
    value = os.environ.get(PORT_ENV, "").strip()
    if not value:
        return DEFAULT_PORT
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ValueError(f"{PORT_ENV} must be a port number, like {DEFAULT_PORT}")
    return int(value)


def _words(text: str) -> list[str]:
    return WORDS.findall(text.upper())


def _surname(name: str) -> str | None:
    words = [word for word in _words(name) if word not in SUFFIXES]
    return words[-1] if words else None


def _street_key(address: str) -> tuple[str, ...]:
    """The house number and the first word of the street: "12 Elm Street Apt 2" and "12 ELM ST"
    both give ("12", "ELM")."""
    return tuple(_words(address)[:2])


class WaterService:
    """The WSGI application."""

    def __init__(self, *, database: Path, token: str) -> None:
        self.database = Path(database)
        self.token = token

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(
            sqlite3.connect(f"file:{self.database.resolve()}?mode=ro", uri=True, timeout=5)
        ) as connection:
            connection.row_factory = sqlite3.Row
            yield connection

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        status, body = self._answer(environ)
        data = json.dumps(body).encode()
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        if status.startswith("401"):
            headers.append(("WWW-Authenticate", 'Bearer realm="water"'))
        start_response(status, headers)
        return [data]

    def _authorised(self, environ: Environ) -> bool:
        given = environ.get("HTTP_AUTHORIZATION", "")
        scheme, _space, token = given.partition(" ")
        return bool(
            self.token
            and scheme.lower() == "bearer"
            and hmac.compare_digest(token.strip().encode(), self.token.encode())
        )

    def _answer(self, environ: Environ) -> tuple[str, Any]:
        if not self._authorised(environ):
            return "401 Unauthorized", {"error": "a valid bearer token is required"}
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return "405 Method Not Allowed", {"error": "this service is read-only"}
        path = environ.get("PATH_INFO", "")
        if path in ("/accounts", "/accounts/"):
            return self._search(parse_qs(environ.get("QUERY_STRING", "")))
        if match := ACCOUNT_PATH.match(path):
            return self._account(unquote(match.group(1)))
        return "404 Not Found", {"error": "no such address"}

    def _account(self, number: str) -> tuple[str, Any]:
        with self._connection() as connection:
            row = connection.execute(
                "SELECT * FROM accounts WHERE account_number = ?", (number,)
            ).fetchone()
            if row is None:
                return "404 Not Found", {"error": "no such account"}
            account = dict(row)
            for name, query in DETAILS:
                account[name] = [dict(item) for item in connection.execute(query, (number,))]
        return "200 OK", {"account": account}

    def _search(self, query: dict[str, list[str]]) -> tuple[str, Any]:
        name = (query.get("name") or [""])[0]
        address = (query.get("address") or [""])[0]
        surname = _surname(name)
        street = _street_key(address)
        if surname is None or len(street) < 2:
            return "400 Bad Request", {
                "error": "give both name and address (house number and street)"
            }
        with self._connection() as connection:
            # The house number narrows the scan; names and streets are compared word by word.
            rows = connection.execute(
                "SELECT * FROM accounts WHERE service_address LIKE ? OR mailing_address LIKE ? "
                "ORDER BY account_number",
                (f"{street[0]} %", f"{street[0]} %"),
            ).fetchall()
        accounts = [
            dict(row)
            for row in rows
            if surname in _words(row["billing_name"])
            and street in (_street_key(row["service_address"]), _street_key(row["mailing_address"]))
        ]
        return "200 OK", {"accounts": accounts}


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    # Request lines hold names, addresses and account numbers: they are not logged.
    def log_message(self, format: str, *args: Any) -> None:
        pass


def water_server(*, database: Path, token: str, host: str = "127.0.0.1", port: int = 0):
    """A server for the service, bound but not yet serving (port 0 picks a free one)."""
    return make_server(
        host,
        port,
        WaterService(database=database, token=token),
        server_class=_ThreadingServer,
        handler_class=_QuietHandler,
    )


def water_server_in_thread(**kwargs: Any) -> tuple[WSGIServer, threading.Thread]:
    server = water_server(**kwargs)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    return server, thread
