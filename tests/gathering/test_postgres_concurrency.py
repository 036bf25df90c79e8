"""Gathering under concurrency (PostgreSQL, two connections): a run claimed by one connection
while another's claim waits on it is claimed once, and the last two runs of a request finishing
at the same moment, in two transactions, move it to review exactly once."""

import threading
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest
from django.db import connection, connections, transaction

from portal.audit.models import AuditEvent
from requests.gathering.models import RunStatus, SourceRun
from requests.gathering.services import source_run_claim, source_run_execute
from requests.models import Request, RequestEvent, RequestEventKind
from requests.services import request_submit
from requests.states import RequestStatus
from tasks.connectors import registry
from tasks.connectors.base import SourceRecord
from tests.gathering.conftest import ALICE, ScriptedConnector, make_source
from tests.processes import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


class TogetherConnector(ScriptedConnector):
    """Answers only once every run of the round has asked, so their transactions that store the
    records and fan in start together."""

    kind = "together"
    barrier: ClassVar[threading.Barrier]

    def lookup(self, *, name: str, parameters: Mapping[str, Any]) -> list[SourceRecord]:
        self.barrier.wait(10)
        return [SourceRecord(f"{self.source.slug}-1", "person", dict(ALICE))]


@pytest.fixture
def together(monkeypatch):
    monkeypatch.setitem(registry.CONNECTORS, TogetherConnector.kind, TogetherConnector)
    return TogetherConnector


def _finish_together(run_ids: list[int], together) -> dict[int, object]:
    together.barrier = threading.Barrier(len(run_ids))
    results: dict[int, object] = {}

    def execute(run_id: int) -> None:
        try:
            results[run_id] = source_run_execute(run_id=run_id, worker=f"worker-{run_id}")
        except Exception as error:  # noqa: BLE001 (reported by the assertion below)
            results[run_id] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=execute, args=(run_id,)) for run_id in run_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_two_runs_finishing_at_once_move_the_request_to_review_exactly_once(
    postgresql_only, own_queue, together, alice, department_a, department_b
):
    make_source(department_a, "assessors-together", kind="together")
    make_source(department_b, "water-together", kind="together")

    for _round in range(ROUNDS):
        # The runs' messages wait on the test's own queue, which no worker consumes.
        request = request_submit(requester=alice, subject=alice, kind="access")
        run_ids = list(SourceRun.objects.filter(request=request).values_list("pk", flat=True))
        assert len(run_ids) == 2

        results = _finish_together(run_ids, together)

        assert list(results.values()) == [RunStatus.SUCCEEDED] * 2, results
        assert Request.objects.get(pk=request.pk).status == RequestStatus.IN_REVIEW
        moves = RequestEvent.objects.filter(
            request=request,
            kind=RequestEventKind.STATUS_CHANGED,
            to_status=RequestStatus.IN_REVIEW,
        )
        assert moves.count() == 1
        audited = AuditEvent.objects.filter(
            action="request.status_changed",
            object_id=str(request.pk),
            details__to_status=RequestStatus.IN_REVIEW,
        )
        assert audited.count() == 1


def _waiting_on_a_lock() -> int:
    with connection.cursor() as cursor:
        # Within a transaction the activity view is a snapshot unless cleared.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def test_a_claim_that_waited_on_another_connections_claim_does_not_take_the_run_too(
    postgresql_only, own_queue, alice, department_a
):
    make_source(department_a, "assessors-people")
    # The run's message waits on the test's own queue, which no worker consumes.
    request = request_submit(requester=alice, subject=alice, kind="access")
    run = SourceRun.objects.get(request=request)
    second: dict[str, object] = {}
    first_claimed = threading.Event()

    def claim_second() -> None:
        try:
            first_claimed.wait(10)
            second["token"] = source_run_claim(run_id=run.pk, worker="second")
        finally:
            connections.close_all()

    thread = threading.Thread(target=claim_second)
    thread.start()
    with transaction.atomic():
        first = source_run_claim(run_id=run.pk, worker="first")
        first_claimed.set()
        # The second claim has read the run as pending and now waits for this row's lock.
        wait_until(lambda: _waiting_on_a_lock() == 1, timeout=10, what="the second claim to wait")
    thread.join(10)

    assert first is not None
    assert second == {"token": None}
    run.refresh_from_db()
    assert (run.status, run.attempts, run.claimed_by) == (RunStatus.RUNNING, 1, first)
