"""Gathering loses nothing and stores nothing twice, with real workers on the configured broker:
a worker killed mid-run, a broker queue emptied, sources that time out or fail, a task delivered
twice. Each test's workers consume a queue of the test's own, with short leases and backoff."""

import itertools
import os
import re
import signal
import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from requests.gathering.models import GatheredRecord, RunStatus, SourceRun
from requests.gathering.selectors import request_is_partial
from requests.gathering.services import source_run_execute, source_runs_reconcile
from requests.models import Request
from requests.services import request_submit
from requests.states import RequestStatus
from tasks.gathering import reconcile, run_source
from tests.gathering.conftest import (
    ALICE,
    department_database,
    http_source,
    sql_source,
    wait_for_review,
)
from tests.processes import purge_queue, queued_messages, wait_for_idle_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ALICE_RECORDS = [
    {"person_id": "H-1", **ALICE},
    {"person_id": "H-2", **ALICE, "note": "a second record of hers"},
]


def _people(*, delay_first: float = 0.0):
    """An answer for /people: Alice's two records, the first call held for `delay_first`."""

    def answer(call):
        first = len(call_log) == 0
        call_log.append(call)
        return 200, {"people": ALICE_RECORDS}, delay_first if first else 0.0

    call_log: list = []
    return answer


def _run(request, slug) -> SourceRun:
    return SourceRun.objects.get(request=request, source__slug=slug)


def _keys(request) -> list[str]:
    return list(GatheredRecord.objects.filter(run__request=request).values_list("key", flat=True))


# --- A worker killed in the middle of a run --------------------------------------------------


def test_a_worker_killed_mid_run_leaves_the_run_to_the_next_worker_and_nothing_is_stored_twice(
    start_worker, alice, department_a, department_b, department_service, tmp_path
):
    department_service.answers["/people"] = _people(delay_first=60)
    http_source(department_a, "assessors-http", department_service.url)
    sql_source(department_b, "water-sql", department_database(tmp_path / "water.sqlite3"))
    # The solo pool runs the task in the worker's one process: killing it kills the run.
    doomed = start_worker("doomed")

    request = request_submit(requester=alice, subject=alice, kind="access")
    wait_until(
        department_service.received.is_set,
        timeout=30,
        what="the worker to call the department's service",
        process=doomed.process,
        log=doomed.log,
    )
    os.kill(doomed.process.pid, signal.SIGKILL)
    doomed.process.wait(10)
    department_service.release.set()

    run = _run(request, "assessors-http")
    assert run.status == RunStatus.RUNNING
    assert run.attempts == 1
    assert run.claimed_by.startswith(doomed.hostname)
    assert run.lease_expires_at - run.started_at == timedelta(seconds=30)
    # Time passes beyond the lease (without waiting for it).
    SourceRun.objects.filter(pk=run.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    survivor = start_worker("survivor")
    reconcile.delay()

    wait_for_review(request, survivor)
    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.attempts == 2
    assert run.claimed_by.startswith(survivor.hostname)
    assert run.records_found == 2
    assert _run(request, "water-sql").status == RunStatus.SUCCEEDED
    keys = _keys(request)
    assert sorted(keys) == ["person/H-1", "person/H-2", "person/P-1"]
    assert len(department_service.calls_to("/people")) == 2


# --- The broker's queue emptied (a restart without persistence) ----------------------------


def test_runs_whose_messages_were_lost_from_the_queue_are_sent_again_by_the_reconciler(
    start_worker, own_queue, alice, department_a, department_b, tmp_path
):
    sql_source(department_a, "assessors-sql", department_database(tmp_path / "a.sqlite3"))
    sql_source(department_b, "water-sql", department_database(tmp_path / "w.sqlite3"))

    request = request_submit(requester=alice, subject=alice, kind="access")
    assert queued_messages(own_queue) == 2
    purge_queue(own_queue)
    assert queued_messages(own_queue) == 0
    worker = start_worker()

    # Young pending runs are left alone: their message may simply not be taken yet.
    assert source_runs_reconcile()["pending"] == 0
    SourceRun.objects.filter(request=request).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    assert Request.objects.get(pk=request.pk).status == RequestStatus.GATHERING
    reconcile.delay()

    wait_for_review(request, worker)
    runs = SourceRun.objects.filter(request=request)
    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    assert [run.attempts for run in runs] == [1, 1]
    assert sorted(_keys(request)) == ["person/P-1", "person/P-1"]
    assert "tasks.gathering.reconcile" in worker.output()


# --- Sources that time out or fail --------------------------------------------------------


def _gaps(calls) -> list[float]:
    return [later.at - earlier.at for earlier, later in itertools.pairwise(calls)]


def test_sources_timing_out_or_failing_are_retried_with_backoff_then_failed_request_partial(
    start_worker,
    own_queue,
    alice,
    department_a,
    department_b,
    department_service,
    tmp_path,
    client,
    privacy_officer,
):
    department_service.answers["/slow"] = lambda call: (200, {"people": ALICE_RECORDS}, 3)
    department_service.answers["/broken"] = lambda call: (500, {"error": "internal"}, 0)
    http_source(department_a, "slow-http", department_service.url, path="/slow", timeout_seconds=1)
    http_source(department_b, "broken-http", department_service.url, path="/broken")
    sql_source(department_b, "water-sql", department_database(tmp_path / "w.sqlite3"))
    worker = start_worker()
    last_nudge = [0.0]

    def nudge() -> None:
        # As beat would, more often and only once the last nudge was taken: the run's due
        # time, not the nudge, decides when each try is made.
        now = timezone.now().timestamp()
        if now - last_nudge[0] >= 0.5 and queued_messages(own_queue) == 0:
            last_nudge[0] = now
            source_runs_reconcile()

    request = request_submit(requester=alice, subject=alice, kind="access")

    wait_for_review(request, worker, timeout=50, nudge=nudge)
    slow, broken = _run(request, "slow-http"), _run(request, "broken-http")
    assert (slow.status, broken.status) == (RunStatus.FAILED, RunStatus.FAILED)
    assert (slow.attempts, broken.attempts) == (3, 3)
    assert slow.next_attempt_at is None and broken.next_attempt_at is None
    assert "did not answer within 1 seconds" in slow.last_error
    assert "HTTP 500" in broken.last_error
    for run in (slow, broken):
        assert "gave up after 3 attempts" in run.last_error
    # Try n+1 waits base·2^(n-1) s (base 1 s) with jitter of at least half: after the first
    # failure at least 0.5 s, after the second at least 1 s; a timed-out try also lasts 1 s.
    assert [len(department_service.calls_to(path)) for path in ("/slow", "/broken")] == [3, 3]
    broken_gaps = _gaps(department_service.calls_to("/broken"))
    slow_gaps = _gaps(department_service.calls_to("/slow"))
    assert broken_gaps[0] >= 0.5 and broken_gaps[1] >= 1.0, broken_gaps
    assert slow_gaps[0] >= 1.5 and slow_gaps[1] >= 2.0, slow_gaps
    water = _run(request, "water-sql")
    assert (water.status, water.attempts, water.records_found) == (RunStatus.SUCCEEDED, 1, 1)
    request.refresh_from_db()
    assert request_is_partial(request)

    client.force_login(privacy_officer)
    page = client.get(reverse("requests:staff_detail", args=[request.number]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "may not be complete" in body
    assert "did not answer within 1 seconds" in body
    assert "HTTP 500" in body


def test_a_source_given_up_on_does_not_say_it_will_be_tried_again(
    start_worker, alice, department_a, department_service
):
    department_service.answers["/broken"] = lambda call: (500, {"error": "internal"}, 0)
    http_source(department_a, "broken-http", department_service.url, path="/broken")
    worker = start_worker(env={"GATHERING_MAX_ATTEMPTS": "1"})

    request = request_submit(requester=alice, subject=alice, kind="access")

    wait_for_review(request, worker)
    run = _run(request, "broken-http")
    assert run.status == RunStatus.FAILED
    assert "tried again" not in run.last_error


# --- A task delivered twice -----------------------------------------------------------------


def test_a_run_sent_twice_is_run_once_and_stores_its_records_once(
    start_worker, alice, department_a, department_service
):
    department_service.answers["/people"] = _people(delay_first=1)
    http_source(department_a, "assessors-http", department_service.url)
    worker = start_worker()

    request = request_submit(requester=alice, subject=alice, kind="access")
    run = _run(request, "assessors-http")
    run_source.delay(run.pk)

    wait_for_review(request, worker)
    assert wait_for_idle_worker(worker)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.records_found) == (RunStatus.SUCCEEDED, 1, 2)
    assert sorted(_keys(request)) == ["person/H-1", "person/H-2"]
    assert len(department_service.calls_to("/people")) == 1
    output = worker.output()
    assert len(re.findall(r"run_source\[[^\]]+\] received", output)) == 2
    answers = re.findall(r"run_source\[[^\]]+\] succeeded in [\d.]+s: (.+)", output)
    assert sorted(answers) == ["'succeeded'", "None"]


def test_two_connections_running_one_run_at_once_store_its_records_once(
    postgresql_only, own_queue, alice, department_a, department_service
):
    department_service.answers["/people"] = _people(delay_first=1)
    http_source(department_a, "assessors-http", department_service.url)
    # The run's message waits on the test's own queue, which no worker consumes.
    request = request_submit(requester=alice, subject=alice, kind="access")
    run = _run(request, "assessors-http")
    start = threading.Barrier(2)
    results: dict[str, object] = {}

    def execute(name: str) -> None:
        try:
            start.wait(10)
            results[name] = source_run_execute(run_id=run.pk, worker=name)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=execute, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(results.values(), key=str) == [None, RunStatus.SUCCEEDED], results
    run.refresh_from_db()
    assert (run.status, run.attempts, run.records_found) == (RunStatus.SUCCEEDED, 1, 2)
    assert sorted(_keys(request)) == ["person/H-1", "person/H-2"]
    assert len(department_service.calls_to("/people")) == 1
    assert Request.objects.get(pk=request.pk).status == RequestStatus.IN_REVIEW
