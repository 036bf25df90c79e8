"""Gathering in a real Celery worker: from filing to review through the broker, after commit."""

import pytest

from requests.gathering.models import GatheredRecord, RunStatus, SourceRun
from requests.models import Request
from requests.services import request_submit
from requests.states import RequestStatus
from tasks.gathering import reconcile
from tests.gathering.conftest import department_database, sql_source
from tests.processes import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_request_with_two_sql_sources_goes_from_gathering_to_review(
    celery_worker, alice, department_a, department_b, tmp_path
):
    sql_source(department_a, "assessors-sql", department_database(tmp_path / "a.sqlite3"))
    sql_source(department_b, "water-sql", department_database(tmp_path / "w.sqlite3"))

    request = request_submit(requester=alice, subject=alice, kind="access")
    assert request.status == RequestStatus.GATHERING

    wait_until(
        lambda: Request.objects.get(pk=request.pk).status == RequestStatus.IN_REVIEW,
        timeout=60,
        what="both sources to be gathered and the request to reach review",
        process=celery_worker.process,
        log=celery_worker.log,
    )
    runs = SourceRun.objects.filter(request=request)
    assert {run.status for run in runs} == {RunStatus.SUCCEEDED}
    assert all(run.attempts == 1 for run in runs)
    assert GatheredRecord.objects.filter(run__request=request).count() == 2
    assert "tasks.gathering.run_source" in celery_worker.output()


def test_the_reconciler_finds_nothing_to_resend_when_all_is_well(alice):
    assert reconcile() == {
        "pending": 0,
        "retry_due": 0,
        "lease_expired": 0,
        "stuck": 0,
        "moved_to_review": 0,
    }
