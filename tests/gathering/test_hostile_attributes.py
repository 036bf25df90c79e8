"""A resident's identity attributes are only ever data (issue 6, "Must show" 2): a legal name,
an address and a proved City number like `x'); DROP TABLE residents; --` reach every kind of
department source as a value, through a real worker, and show escaped on the steward's page.

Each connector's own handling of such values (the SQL on PostgreSQL too, and a hostile path
segment) is tested in tests/connectors; here the whole path from the profile is."""

import csv
import html
import sqlite3

import pytest
from django.urls import reverse

from portal.identity.models import AccountKnowledgeAttempt, AttemptStatus, IdentityLevel
from requests.gathering.models import GatheredRecord, RunStatus, SourceRun, WorkItem
from requests.gathering.services import fields_decrypt, work_item_complete
from requests.models import ConnectorKind
from requests.services import request_submit
from tasks.connectors.base import SourceRecord
from tests.factories import ProfileAddressFactory, ResidentIdentifierFactory
from tests.gathering.conftest import make_source, verify, wait_for_review

HOSTILE = "x'); DROP TABLE residents; --"
HTML_HOSTILE = "<script>alert('x')</script>"
BORN = "1980-03-14"


@pytest.fixture
def hostile_alice(alice, department_b):
    """Alice, whose last name, street and proved water account number are all HOSTILE."""
    profile = alice.profile
    profile.legal_last_name = HOSTILE
    profile.save(update_fields=["legal_last_name"])
    ProfileAddressFactory(profile=profile, kind="current", street=f"12 {HOSTILE}")
    identifier = ResidentIdentifierFactory(
        profile=profile, kind="water_sewer_account", value=HOSTILE
    )
    # The source the number was checked against; not one to gather from here.
    checked_against = make_source(department_b, "water-account-check", enabled=False)
    AccountKnowledgeAttempt.objects.create(
        user=alice,
        identifier_kind="water_sewer_account",
        identifier_last4=HOSTILE[-4:],
        identifier_digest="x",
        status=AttemptStatus.PASSED,
        source=checked_against,
        resident_identifier=identifier,
        verification=verify(alice, IdentityLevel.REMOTE),
    )
    return alice


def _department_database(path) -> str:
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE people (person_id TEXT PRIMARY KEY, name TEXT, date_of_birth TEXT);"
            "CREATE TABLE accounts (account_number TEXT PRIMARY KEY, billing_name TEXT);"
            "CREATE TABLE residents (id INTEGER PRIMARY KEY, name TEXT);"
            "INSERT INTO residents VALUES (1, 'Bob Booker');"
        )
        connection.executemany(
            "INSERT INTO people VALUES (?, ?, ?)",
            [("P-1", f"Alice {HOSTILE}", BORN), ("P-2", "Bob Booker", BORN)],
        )
        connection.executemany(
            "INSERT INTO accounts VALUES (?, ?)",
            [(HOSTILE, f"Alice {HOSTILE}"), ("WS-0000002", "Bob Booker")],
        )
    connection.close()
    return f"sqlite:///{path}"


def _export(folder) -> None:
    folder.mkdir()
    with (folder / "participants-2026.csv").open("w", newline="") as export:
        writer = csv.writer(export)
        writer.writerow(["participant_id", "first_name", "last_name", "date_of_birth"])
        writer.writerow(["R-1", "Alice", HOSTILE, BORN])
        writer.writerow(["R-2", "Alice", "Archer", BORN])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_hostile_name_address_and_number_are_only_data_to_every_connector(
    start_worker, hostile_alice, department_a, department_b, department_service, tmp_path
):
    department_service.answers["/people"] = lambda call: (
        200,
        {"people": [{"person_id": "H-1", "name": f"Alice {HOSTILE}", "date_of_birth": BORN}]},
        0,
    )
    database = tmp_path / "department.sqlite3"
    make_source(
        department_a,
        "hostile-sql",
        kind=ConnectorKind.SQL,
        configuration={
            "database_url": _department_database(database),
            "lookups": {
                "people": {
                    "sql": "SELECT * FROM people WHERE name = :name",
                    "key": "person_id",
                    "record_type": "person",
                },
                "accounts": {
                    "sql": "SELECT * FROM accounts WHERE account_number = :identifier",
                    "key": "account_number",
                    "record_type": "account",
                },
            },
        },
        attribute_map={"legal_name": "name", "water_sewer_account": "identifier"},
    )
    make_source(
        department_b,
        "hostile-http",
        kind=ConnectorKind.HTTP,
        configuration={
            "base_url": department_service.url,
            "lookups": {
                "people": {
                    "path": "/people",
                    "params": {"name": "{name}", "address": "{address}", "account": "{account}"},
                    "record_type": "person",
                    "key": "person_id",
                    "records": "people",
                }
            },
        },
        attribute_map={
            "legal_name": "name",
            "current_address": "address",
            "water_sewer_account": "account",
        },
    )
    _export(tmp_path / "exports")
    make_source(
        department_b,
        "hostile-csv",
        kind=ConnectorKind.CSV,
        configuration={
            "folder": str(tmp_path / "exports"),
            "file": "participants-*.csv",
            "lookups": {
                "participants": {
                    "match": {"last_name": "last_name", "date_of_birth": "date_of_birth"},
                    "record_type": "participant",
                    "key": "participant_id",
                }
            },
        },
        attribute_map={"last_name": "last_name", "date_of_birth": "date_of_birth"},
    )
    make_source(
        department_a,
        "hostile-portal",
        kind=ConnectorKind.PORTAL,
        configuration={"include": ["profile"]},
        attribute_map={"account_id": "account_id"},
    )
    worker = start_worker()

    request = request_submit(requester=hostile_alice, subject=hostile_alice, kind="access")

    wait_for_review(request, worker)
    runs = {run.source.slug: run for run in SourceRun.objects.filter(request=request)}
    assert {slug: run.status for slug, run in runs.items()} == dict.fromkeys(
        ["hostile-sql", "hostile-http", "hostile-csv", "hostile-portal"], RunStatus.SUCCEEDED
    ), {slug: run.last_error for slug, run in runs.items()}
    found = {
        (record.run.source.slug, record.key): fields_decrypt(record)
        for record in GatheredRecord.objects.filter(run__request=request).select_related(
            "run__source"
        )
    }
    # sql: the name and the number matched their rows exactly, and the tables are all there.
    assert found[("hostile-sql", "person/P-1")]["name"] == f"Alice {HOSTILE}"
    assert found[("hostile-sql", f"account/{HOSTILE}")]["account_number"] == HOSTILE
    assert {key for slug, key in found if slug == "hostile-sql"} == {
        "person/P-1",
        f"account/{HOSTILE}",
    }
    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        residents = connection.execute("SELECT count(*) FROM residents").fetchone()[0]
    connection.close()
    assert {"people", "accounts", "residents"} <= tables
    assert residents == 1
    # http: the service received each value exactly as the resident gave it.
    [call] = department_service.calls_to("/people")
    assert call.query == {
        "name": [f"Alice {HOSTILE}"],
        "address": [f"12 {HOSTILE}, Westfield, MA 01085"],
        "account": [HOSTILE],
    }
    assert ("hostile-http", "person/H-1") in found
    # csv: the last name matched its row literally, and no other.
    assert [key for slug, key in found if slug == "hostile-csv"] == ["participant/R-1"]
    # portal: what the portal holds says the same.
    assert found[("hostile-portal", "portal_profile/profile")]["last_name"] == HOSTILE


@pytest.mark.django_db
def test_hostile_attributes_and_entries_show_escaped_on_the_stewards_work_item_page(
    client, alice, steward_a, department_a
):
    profile = alice.profile
    profile.legal_first_name = HTML_HOSTILE
    profile.legal_last_name = HOSTILE
    profile.save(update_fields=["legal_first_name", "legal_last_name"])
    ProfileAddressFactory(profile=profile, kind="current", street=f"12 {HTML_HOSTILE}")
    make_source(department_a, "paper-files", kind=ConnectorKind.MANUAL, configuration={})
    request = request_submit(requester=alice, subject=alice, kind="access")
    item = WorkItem.objects.get(run__request=request)
    client.force_login(steward_a)
    url = reverse("requests:work_item", args=[item.pk])

    before = client.get(url)

    assert before.status_code == 200
    body = before.content.decode()
    assert HTML_HOSTILE not in body
    assert html.escape(HTML_HOSTILE) in body
    assert html.escape(HOSTILE) in body

    work_item_complete(
        item=item,
        actor=steward_a,
        records=[SourceRecord(HTML_HOSTILE, HOSTILE, {HTML_HOSTILE: HOSTILE, "n": HTML_HOSTILE})],
        found_nothing=False,
        note=HTML_HOSTILE,
    )
    after = client.get(url).content.decode()

    assert HTML_HOSTILE not in after
    assert after.count(html.escape(HTML_HOSTILE)) >= 3
    assert html.escape(HOSTILE) in after
