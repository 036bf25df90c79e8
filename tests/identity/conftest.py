"""A tiny water-and-sewer billing store of the demo's schema, and its data source."""

import sqlite3

import pytest

from portal.demo.sources import WATER_ACCOUNT_KNOWLEDGE
from requests.models import ConnectorKind, DataSource
from tasks.connectors.sql import dispose_engines
from tests.factories import ProfileFactory

WATER_LOOKUP = "account_knowledge_water_sewer_account"

ACCOUNTS = [
    ("WS-0010007", "Alice Archer"),
    ("WS-0010014", "Bob & Mary Booker"),
    ("WS-0010021", "Elm Street Realty Trust"),
]
BILLS = [
    ("2605-000001", "WS-0010007", "2026-05-01", 120.10),
    ("2608-000002", "WS-0010007", "2026-08-03", 84.20),
    ("2608-000003", "WS-0010014", "2026-08-03", 55.00),
    ("2608-000004", "WS-0010021", "2026-08-03", 310.75),
]


@pytest.fixture(autouse=True)
def _close_department_connections():
    yield
    dispose_engines()


@pytest.fixture
def water_store(tmp_path):
    path = tmp_path / "water_sewer.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE accounts (account_number TEXT PRIMARY KEY, billing_name TEXT NOT NULL);"
            "CREATE TABLE bills (bill_number TEXT PRIMARY KEY, account_number TEXT NOT NULL, "
            "bill_date TEXT NOT NULL, amount_due REAL NOT NULL);"
        )
        connection.executemany("INSERT INTO accounts VALUES (?, ?)", ACCOUNTS)
        connection.executemany("INSERT INTO bills VALUES (?, ?, ?, ?)", BILLS)
    connection.close()
    return path


@pytest.fixture
def water_source(department_b, water_store):
    return DataSource.objects.create(
        department=department_b,
        slug="water-sewer-billing",
        name="Water and sewer billing",
        kind=ConnectorKind.SQL,
        configuration={
            "database_url": f"sqlite:///{water_store}",
            "lookups": {
                WATER_LOOKUP: {
                    "sql": WATER_ACCOUNT_KNOWLEDGE,
                    "key": "account_number",
                    "record_type": "water_sewer_bill",
                }
            },
        },
        responsible_officer="Superintendent of Water",
        timeout_seconds=5,
    )


@pytest.fixture
def named_resident(resident):
    """Alice Archer, whose profile carries her legal name."""
    ProfileFactory(user=resident, legal_first_name="Alice", legal_last_name="Archer")
    return resident
