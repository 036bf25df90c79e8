"""Issue 8, "Must show" 2 (PostgreSQL, two connections): two stewards of the department approving
the same change at once make one approval and one write to the department's table; the other is
told the change is decided. Two workers running the same write-back at once write once."""

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone

from requests.corrections.models import ChangeStatus, ProposedChange, WriteBack, WriteBackStatus
from requests.corrections.services import (
    CorrectionError,
    Proposal,
    change_decide,
    correction_request_submit,
)
from requests.corrections.writeback import write_back_execute
from tests.corrections.test_write_back import (
    NEW,
    SAW,
    _approved,
    _held,
    _writes,
    water_store,  # noqa: F401 (fixture)
)
from tests.corrections.test_write_back_worker import own_queue  # noqa: F401 (fixture)
from tests.factories import StaffFactory
from tests.gathering.conftest import postgresql_only  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3
W = WriteBackStatus


def _together(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run each call on a thread of its own (its own database connection), started together;
    each result is what it returned or the error it raised."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            barrier.wait(10)
            results[index] = calls[index]()
        except Exception as error:  # noqa: BLE001 (reported by the assertions)
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def _reset_store(path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE accounts SET name = ?", (SAW,))
        connection.execute("DELETE FROM writes")
    connection.close()


def _second_steward(department):
    steward = StaffFactory(role="steward")
    department.stewards.add(steward)
    return steward


def _propose(alice, record) -> ProposedChange:
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[Proposal(record=record, field_name="name", proposed_value=NEW, reason="Wed")],
    )
    return request.proposed_changes.get()


def test_two_stewards_approving_at_once_make_one_approval_and_one_write(
    postgresql_only,  # noqa: F811
    own_queue,  # noqa: F811
    alice,
    water_record,
    water_store,  # noqa: F811
    steward_b,
    department_b,
):
    other = _second_steward(department_b)
    for _round in range(ROUNDS):
        _reset_store(water_store)
        change = _propose(alice, water_record)

        results = _together(
            [
                lambda steward=steward, pk=change.pk: change_decide(
                    change=ProposedChange.objects.get(pk=pk),
                    actor=steward,
                    decision="approved",
                )
                for steward in (steward_b, other)
            ]
        )

        decided = [result for result in results if isinstance(result, ProposedChange)]
        refused = [result for result in results if isinstance(result, CorrectionError)]
        assert (len(decided), len(refused)) == (1, 1), results
        assert refused[0].messages == ["This change has already been decided."]
        change.refresh_from_db()
        assert change.status == ChangeStatus.APPROVED
        assert change.decided_by_id == decided[0].decided_by.pk
        (write_back,) = WriteBack.objects.filter(change=change)

        # Its message and the reconciler's nudge reach two workers at the same moment.
        ran = _together(
            [
                lambda worker=worker, pk=write_back.pk: write_back_execute(
                    write_back_id=pk, worker=worker
                )
                for worker in ("worker-1", "worker-2")
            ]
        )

        assert sorted(ran, key=str) == [None, WriteBackStatus.APPLIED], ran
        write_back.refresh_from_db()
        assert write_back.attempts == 1
        assert _held(water_store) == NEW
        assert _writes(water_store) == 1
        change.refresh_from_db()
        assert change.status == ChangeStatus.APPLIED


def test_two_workers_taking_over_a_dead_workers_write_back_at_once_settle_it_once(
    postgresql_only,  # noqa: F811
    own_queue,  # noqa: F811
    alice,
    water_record,
    water_store,  # noqa: F811
    steward_b,
):
    """A worker died holding the write-back after its write reached the store: both survivors
    see the lease ended; one claims it and reads the value back, and nothing is written again."""
    for _round in range(ROUNDS):
        _reset_store(water_store)
        write_back = _approved(alice, water_record, steward_b)
        assert write_back_execute(write_back_id=write_back.pk, worker="doomed") == W.APPLIED
        # As if it had died before recording the outcome.
        WriteBack.objects.filter(pk=write_back.pk).update(
            status=W.RUNNING, lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
        )
        ProposedChange.objects.filter(pk=write_back.change_id).update(
            status=ChangeStatus.APPROVED, applied_at=None
        )

        ran = _together(
            [
                lambda worker=worker, pk=write_back.pk: write_back_execute(
                    write_back_id=pk, worker=worker
                )
                for worker in ("survivor-1", "survivor-2")
            ]
        )

        assert sorted(ran, key=str) == [None, W.APPLIED], ran
        write_back.refresh_from_db()
        assert write_back.attempts == 2
        assert _writes(water_store) == 1
