"""A resident who proved who they are, department sources (a scripted connector, and a real
SQLite department database reached through the `sql` connector), and requests in gathering."""

import datetime as dt
import sqlite3
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest

from portal.identity.models import IdentityLevel, VerificationMethod
from portal.identity.services import identity_verification_record
from requests.models import ConnectorKind, DataSource
from requests.services import request_submit
from tasks.connectors import registry
from tasks.connectors.base import Connector, ConnectorError, SourceRecord
from tasks.connectors.sql import dispose_engines
from tests.factories import ProfileFactory

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
