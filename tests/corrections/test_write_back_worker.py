"""Issue 8, "Must show" 1, with a real worker on a queue of the test's own: a resident proposes a
new mailing address for her demo water account, the department's steward approves, and the
worker writes it to the department's SQL store; the same write-back sent again changes nothing;
a change whose value was altered in the store meanwhile goes back to the steward as a conflict
and the store is untouched.

The water source is the demo's own definition (portal/demo/sources.py) over a department store
with the demo's schema (portal/demo/stores/water_sewer.py)."""

import sqlite3
import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings

from portal.demo.setup import departments_ensure
from portal.demo.sources import demo_source_definitions
from portal.demo.stores import water_sewer
from portal.identity.models import AccountKnowledgeAttempt, AttemptStatus, IdentityLevel
from portal.profiles.models import ResidentIdentifier
from requests.corrections.models import ChangeStatus, WriteBack, WriteBackStatus
from requests.corrections.services import Proposal, change_decide, correction_request_submit
from requests.corrections.writeback import write_back_execute
from requests.gathering.models import GatheredRecord, SourceRun
from requests.models import ConnectorKind, DataSource, Department, Request
from requests.release.services import match_decide, request_release, source_decide
from requests.services import request_submit
from requests.states import RequestStatus
from tasks.connectors.sql import dispose_engines
from tasks.corrections import write_back as write_back_task
from tests.factories import StaffFactory
from tests.gathering.conftest import (  # noqa: F401 (fixtures)
    _router_reset,
    alice,
    start_worker,
    verify,
    wait_for_review,
)
from tests.processes import purge_queue, wait_for_idle_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ACCOUNT = "WS-0042137"
OLD_ADDRESS = "12 Elm St"
NEW_ADDRESS = "40 Maple Ave Apt 2"


@pytest.fixture
def own_queue(transactional_db) -> Iterator[str]:
    """Gathering's, release's and corrections' tasks go to a queue only this test's worker
    consumes (start_worker of tests/gathering uses this queue)."""
    from portal.celery import app

    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-{uuid.uuid4().hex[:8]}"
    previous = app.conf.task_routes
    app.conf.task_routes = {
        f"tasks.{name}.*": {"queue": queue} for name in ("gathering", "release", "corrections")
    }
    _router_reset(app)
    with app.connection_for_write() as broker:
        app.amqp.queues[queue].bind(broker.default_channel).declare()
    yield queue
    app.conf.task_routes = previous
    _router_reset(app)
    purge_queue(queue)


@pytest.fixture
def water_store(tmp_path) -> Iterator[str]:
    """The water department's store with the demo's schema, Alice's account, and a table the
    store's own trigger fills with every row an UPDATE changes."""
    path = tmp_path / water_sewer.FILENAME
    with sqlite3.connect(path) as connection:
        connection.executescript(water_sewer.SCHEMA)
        connection.executescript(
            "CREATE TABLE account_writes (account_number TEXT, mailing_address TEXT);"
            "CREATE TRIGGER account_written AFTER UPDATE ON accounts BEGIN "
            "INSERT INTO account_writes VALUES (new.account_number, new.mailing_address); END;"
        )
        connection.execute(
            water_sewer.INSERT_ACCOUNT,
            (
                ACCOUNT,
                "12 Elm St",
                "P-0101",
                "M-553",
                "ARCHER ALICE",
                OLD_ADDRESS,
                "Westfield",
                "MA",
                "01085",
                1,
                "2019-06-01",
                None,
                "Active",
            ),
        )
    connection.close()
    yield path
    dispose_engines()


def _row(path) -> dict:
    with sqlite3.connect(path) as connection:
        connection.row_factory = sqlite3.Row
        row = dict(connection.execute("SELECT * FROM accounts").fetchone())
    connection.close()
    return row


def _writes(path) -> list[tuple]:
    with sqlite3.connect(path) as connection:
        rows = connection.execute("SELECT * FROM account_writes").fetchall()
    connection.close()
    return rows


@pytest.fixture
def water_source(water_store) -> DataSource:
    """The demo's water billing source, exactly as the demo defines it, over the test's store."""
    departments_ensure()
    (definition,) = [
        definition
        for definition in demo_source_definitions(water_store.parent)
        if definition["slug"] == "water-sewer-billing"
    ]
    definition = dict(definition)
    definition["department"] = Department.objects.get(slug=definition["department"])
    return DataSource.objects.create(
        **{"kind": ConnectorKind.SQL, **definition}, enabled=True, timeout_seconds=10
    )


def _prove_account(user, source) -> None:
    identifier = ResidentIdentifier.objects.create(
        profile=user.profile, kind="water_sewer_account", value=ACCOUNT
    )
    AccountKnowledgeAttempt.objects.create(
        user=user,
        identifier_kind="water_sewer_account",
        identifier_last4=ACCOUNT[-4:],
        identifier_digest="x",
        status=AttemptStatus.PASSED,
        source=source,
        resident_identifier=identifier,
        verification=verify(user, IdentityLevel.REMOTE),
    )


def _released_account(alice, source, clerk, worker) -> GatheredRecord:  # noqa: F811
    """Alice's access request, gathered by the worker from the store and released to her."""
    request = request_submit(requester=alice, subject=alice, kind="access")
    wait_for_review(request, worker)
    request.refresh_from_db()
    for record in GatheredRecord.objects.filter(run__request=request, needs_confirmation=True):
        match_decide(record=record, actor=clerk, confirmed=True)
    for run in SourceRun.objects.filter(request=request).select_related("source"):
        source_decide(request=request, source=run.source, actor=clerk, answer="held")
    request_release(request=request, actor=clerk)
    assert Request.objects.get(pk=request.pk).status == RequestStatus.RELEASED
    return GatheredRecord.objects.get(run__request=request, key=f"water_sewer_account/{ACCOUNT}")


def _propose(alice, record, field, value):  # noqa: F811
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(record=record, field_name=field, proposed_value=value, reason="I moved")
        ],
    )
    return request.proposed_changes.get()


def _finished(write_back: WriteBack, worker) -> WriteBack:
    def done() -> bool:
        write_back.refresh_from_db()
        return write_back.status in (WriteBackStatus.APPLIED, WriteBackStatus.CONFLICT)

    wait_until(
        done, timeout=45, what="the write-back to finish", process=worker.process, log=worker.log
    )
    return write_back


def test_an_approved_address_is_written_to_the_department_once_and_a_conflict_leaves_it_alone(
    start_worker,  # noqa: F811
    alice,  # noqa: F811
    water_source,
    water_store,
    clerk,
):
    _prove_account(alice, water_source)
    steward = StaffFactory(role="steward")
    water_source.department.stewards.add(steward)
    worker = start_worker()
    record = _released_account(alice, water_source, clerk, worker)

    # The resident proposes her new mailing address; the steward approves; the worker writes.
    change = _propose(alice, record, "mailing_address", NEW_ADDRESS)
    change_decide(change=change, actor=steward, decision="approved")
    write_back = _finished(change.write_backs.get(), worker)

    assert write_back.status == WriteBackStatus.APPLIED, write_back.last_error
    assert write_back.claimed_by.startswith(worker.hostname)
    assert _row(water_store)["mailing_address"] == NEW_ADDRESS
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED
    assert _writes(water_store) == [(ACCOUNT, NEW_ADDRESS)]

    # The same write-back again: the task sent a second time, and run directly.
    write_back_task.delay(write_back.pk)
    assert wait_for_idle_worker(worker)
    assert write_back_execute(write_back_id=write_back.pk, worker="again") is None
    write_back.refresh_from_db()
    assert (write_back.status, write_back.attempts) == (WriteBackStatus.APPLIED, 1)
    assert _writes(water_store) == [(ACCOUNT, NEW_ADDRESS)]

    # A second change, where the store's value was changed before the steward's approval.
    city_change = _propose(alice, record, "mailing_city", "Springfield")
    with sqlite3.connect(water_store) as connection:
        connection.execute("UPDATE accounts SET mailing_city = 'West Springfield'")
    connection.close()
    writes_before = _writes(water_store)
    change_decide(change=city_change, actor=steward, decision="approved")
    conflict = _finished(city_change.write_backs.get(), worker)

    assert conflict.status == WriteBackStatus.CONFLICT, conflict.last_error
    city_change.refresh_from_db()
    assert city_change.status == ChangeStatus.CONFLICT
    assert _row(water_store)["mailing_city"] == "West Springfield"
    assert _row(water_store)["mailing_address"] == NEW_ADDRESS
    assert _writes(water_store) == writes_before
    assert "tasks.corrections.write_back" in worker.output()
