"""The gathering engine: fan-out, claiming, storing, retries, fan-in, and a clerk's retry/skip."""

import sqlite3
from datetime import timedelta
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.identity.models import IdentityLevel
from portal.matching.strength import MatchStrength
from requests.gathering import services
from requests.gathering.models import (
    GatheredRecord,
    RunStatus,
    SourceRun,
    WorkItem,
    WorkItemStatus,
)
from requests.gathering.selectors import request_is_partial, request_source_runs
from requests.gathering.services import (
    GatheringError,
    fields_decrypt,
    gathering_start,
    source_run_execute,
    source_run_retry,
    source_run_skip,
    source_runs_reconcile,
    work_item_complete,
)
from requests.models import Request, RequestEvent
from requests.services import request_review_start, request_withdraw
from requests.states import RequestStatus
from tasks.connectors.base import SourceRecord
from tests.gathering.conftest import (
    ALICE,
    NAMESAKE,
    department_database,
    make_source,
    permanent,
    sql_source,
    transient,
    verify,
)

pytestmark = pytest.mark.django_db


def _status(request):
    request.refresh_from_db()
    return request.status


# --- Fan-out --------------------------------------------------------------------------------


def test_filing_makes_one_run_per_enabled_source_sent_only_after_commit(
    file_request, assessors_source, water_source, department_a
):
    make_source(department_a, "switched-off", enabled=False)
    make_source(department_a, "no-connector", kind="csvx")
    with mock.patch("tasks.gathering.run_source.delay") as delay:
        request, callbacks = file_request()
        assert delay.call_count == 0
        for callback in callbacks:
            callback()

    runs = SourceRun.objects.filter(request=request)
    assert {run.source.slug for run in runs} == {"assessors-people", "water-people"}
    assert all(run.status == RunStatus.PENDING for run in runs)
    assert sorted(call.args[0] for call in delay.call_args_list) == sorted(r.pk for r in runs)
    assert _status(request) == RequestStatus.GATHERING
    started = AuditEvent.objects.get(action="gathering.started")
    assert started.details["count"] == 2


def test_starting_again_keeps_one_run_per_request_and_source(file_request, assessors_source):
    request, _callbacks = file_request()

    gathering_start(request=request)

    assert SourceRun.objects.filter(request=request).count() == 1


def test_a_sensitive_source_is_left_out_below_identity_level_3(
    file_request, assessors_source, department_b
):
    make_source(department_b, "hardship-notes", required_identity_level=3)

    request, _callbacks = file_request()

    assert [run.source.slug for run in request_source_runs(request)] == ["assessors-people"]
    details = AuditEvent.objects.get(action="gathering.started").details
    assert details["sources_needing_higher_identity"] == ["hardship-notes"]


def test_a_level_3_requester_reaches_the_sensitive_source(alice, file_request, department_b):
    verify(alice, IdentityLevel.ATTENDED)
    make_source(department_b, "hardship-notes", required_identity_level=3)

    request, _callbacks = file_request()

    assert request_source_runs(request).get().source.slug == "hardship-notes"


def test_a_request_released_from_the_identity_hold_starts_gathering(
    resident, assessors_source, django_capture_on_commit_callbacks
):
    from requests.services import request_submit

    request = request_submit(requester=resident, subject=resident, kind="access")
    assert request.status == RequestStatus.AWAITING_IDENTITY
    assert not SourceRun.objects.exists()

    verify(resident)  # raising the level releases the requests that waited for it

    assert _status(request) == RequestStatus.GATHERING
    assert SourceRun.objects.filter(request=request).count() == 1


def test_a_manual_source_opens_a_work_item_due_in_business_days(file_request, department_b):
    make_source(department_b, "paper-files", kind="manual", attribute_map={})

    request, _callbacks = file_request()

    run = SourceRun.objects.get(request=request)
    assert run.status == RunStatus.WAITING_FOR_STEWARD
    item = WorkItem.objects.get(run=run)
    assert item.department == department_b
    assert item.due_on > timezone.localdate()
    assert item.due_on.weekday() < 5


# --- Running a source -----------------------------------------------------------------------


def _run(request, slug):
    return SourceRun.objects.get(request=request, source__slug=slug)


def test_a_run_stores_the_residents_records_encrypted_and_drops_a_namesake(
    file_request, assessors_source, scripted_connector
):
    scripted_connector.script["assessors-people"] = [
        [SourceRecord("P-1", "person", dict(ALICE)), SourceRecord("P-2", "person", NAMESAKE)]
    ]
    request, _callbacks = file_request()
    run = _run(request, "assessors-people")

    assert source_run_execute(run_id=run.pk, worker="w1") == RunStatus.SUCCEEDED

    run.refresh_from_db()
    assert run.status == RunStatus.SUCCEEDED
    assert run.records_found == 1
    record = GatheredRecord.objects.get(run=run)
    assert record.match_strength == MatchStrength.STRONG
    assert b"Archer" not in bytes(record.fields_encrypted)
    assert fields_decrypt(record) == ALICE
    assert scripted_connector.asked == [
        ("assessors-people", {"name": "Alice Archer", "dob": "1980-03-14"})
    ]
    assert _status(request) == RequestStatus.IN_REVIEW


def test_a_duplicate_delivery_does_nothing(file_request, assessors_source, scripted_connector):
    request, _callbacks = file_request()
    run = _run(request, "assessors-people")
    source_run_execute(run_id=run.pk, worker="w1")

    assert source_run_execute(run_id=run.pk, worker="w2") is None

    assert len(scripted_connector.asked) == 1
    assert GatheredRecord.objects.filter(run=run).count() == 1


def test_a_run_whose_lease_ran_out_runs_again_without_duplicating_records(
    file_request, assessors_source, water_source, scripted_connector
):
    request, _callbacks = file_request()
    run = _run(request, "assessors-people")
    source_run_execute(run_id=run.pk, worker="w1")
    # As if the first worker died after storing: the run is running again with an old lease.
    SourceRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )

    assert source_run_execute(run_id=run.pk, worker="w2") == RunStatus.SUCCEEDED

    run.refresh_from_db()
    assert run.attempts == 2
    assert GatheredRecord.objects.filter(run=run).count() == 1
    assert run.records_found == 1


def test_a_worker_that_lost_its_lease_stores_nothing(
    file_request, assessors_source, scripted_connector
):
    request, _callbacks = file_request()
    run = _run(request, "assessors-people")
    token = services.source_run_claim(run_id=run.pk, worker="w1")
    SourceRun.objects.filter(pk=run.pk).update(claimed_by="someone else")

    assert not services._store_and_finish(run=run, token=token, kept=[])

    assert SourceRun.objects.get(pk=run.pk).status == RunStatus.RUNNING


@override_settings(GATHERING_BACKOFF_BASE_SECONDS=10, GATHERING_BACKOFF_CAP_SECONDS=1000)
def test_a_transient_error_waits_with_backoff_and_jitter(
    file_request, assessors_source, scripted_connector
):
    scripted_connector.script["assessors-people"] = [transient(), transient()]
    request, _callbacks = file_request()
    run = _run(request, "assessors-people")

    before = timezone.now()
    assert source_run_execute(run_id=run.pk, worker="w1") == RunStatus.RETRY_WAIT
    run.refresh_from_db()
    assert run.last_error == "the service did not answer; it will be tried again"
    assert before + timedelta(seconds=5) <= run.next_attempt_at
    assert run.next_attempt_at <= timezone.now() + timedelta(seconds=15)
    # Not due yet: a nudge now does nothing.
    assert source_run_execute(run_id=run.pk, worker="w1") is None

    SourceRun.objects.filter(pk=run.pk).update(next_attempt_at=timezone.now())
    before = timezone.now()
    assert source_run_execute(run_id=run.pk, worker="w1") == RunStatus.RETRY_WAIT
    run.refresh_from_db()
    assert before + timedelta(seconds=10) <= run.next_attempt_at  # base·2, at least half
    assert run.next_attempt_at <= timezone.now() + timedelta(seconds=30)
    assert _status(request) == RequestStatus.GATHERING


@pytest.mark.parametrize("attempts", [1, 2, 3, 6, 20])
@override_settings(GATHERING_BACKOFF_BASE_SECONDS=30, GATHERING_BACKOFF_CAP_SECONDS=600)
def test_the_retry_delay_doubles_up_to_the_cap(attempts):
    nominal = min(600, 30 * 2 ** (attempts - 1))
    for _ in range(20):
        seconds = services.retry_delay(attempts).total_seconds()
        assert nominal * 0.5 <= seconds <= nominal * 1.5


@override_settings(GATHERING_MAX_ATTEMPTS=2)
def test_the_last_attempt_fails_the_run_with_a_message_and_fans_in(
    file_request, assessors_source, scripted_connector
):
    scripted_connector.script["assessors-people"] = [transient(), transient()]
    request, _callbacks = file_request()
    run = _run(request, "assessors-people")
    source_run_execute(run_id=run.pk, worker="w1")
    SourceRun.objects.filter(pk=run.pk).update(next_attempt_at=timezone.now())

    assert source_run_execute(run_id=run.pk, worker="w1") == RunStatus.FAILED

    run.refresh_from_db()
    assert run.last_error == "the service did not answer (gave up after 2 attempts)"
    assert run.finished_at is not None
    assert _status(request) == RequestStatus.IN_REVIEW
    assert request_is_partial(request)
    failed = AuditEvent.objects.get(action="gathering.run_failed")
    assert failed.details["error"] == "transient"


def test_a_permanent_error_fails_at_once(file_request, assessors_source, scripted_connector):
    scripted_connector.script["assessors-people"] = [permanent()]
    request, _callbacks = file_request()
    run = _run(request, "assessors-people")

    assert source_run_execute(run_id=run.pk, worker="w1") == RunStatus.FAILED

    run.refresh_from_db()
    assert run.attempts == 1
    assert run.last_error == "the query names a column that does not exist"


def test_an_unexpected_error_is_retried_not_left_running(
    file_request, assessors_source, scripted_connector
):
    scripted_connector.script["assessors-people"] = [KeyError("person_id")]
    request, _callbacks = file_request()
    run = _run(request, "assessors-people")

    assert source_run_execute(run_id=run.pk, worker="w1") == RunStatus.RETRY_WAIT

    assert "KeyError" in SourceRun.objects.get(pk=run.pk).last_error


def test_the_request_moves_to_review_only_when_every_run_has_finished(
    file_request, assessors_source, water_source, scripted_connector
):
    request, _callbacks = file_request()

    source_run_execute(run_id=_run(request, "assessors-people").pk, worker="w1")
    assert _status(request) == RequestStatus.GATHERING

    source_run_execute(run_id=_run(request, "water-people").pk, worker="w1")
    assert _status(request) == RequestStatus.IN_REVIEW
    assert not request_is_partial(request)
    assert request.events.filter(to_status=RequestStatus.IN_REVIEW, actor=None).count() == 1


def test_a_withdrawn_requests_runs_are_not_run(file_request, assessors_source, alice):
    from requests.services import request_withdraw

    request, _callbacks = file_request()
    request_withdraw(request=request, actor=alice)

    assert source_run_execute(run_id=_run(request, "assessors-people").pk, worker="w1") is None
    assert source_runs_reconcile()["pending"] == 0


def test_a_hostile_name_is_only_ever_a_parameter(alice, file_request, department_a, tmp_path):
    url = department_database(tmp_path / "assessors.sqlite3")
    sql_source(department_a, "assessors-sql", url)
    alice.profile.legal_first_name = "x'); DROP TABLE residents; --"
    alice.profile.save(update_fields=["legal_first_name"])
    request, _callbacks = file_request()
    run = _run(request, "assessors-sql")

    assert source_run_execute(run_id=run.pk, worker="w1") == RunStatus.SUCCEEDED

    assert SourceRun.objects.get(pk=run.pk).records_found == 0
    with sqlite3.connect(tmp_path / "assessors.sqlite3") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    connection.close()
    assert {"people", "residents"} <= tables


def test_a_real_sql_source_finds_the_resident_and_not_her_namesake(
    file_request, department_a, tmp_path
):
    url = department_database(tmp_path / "assessors.sqlite3")
    sql_source(department_a, "assessors-sql", url)
    request, _callbacks = file_request()
    run = _run(request, "assessors-sql")

    source_run_execute(run_id=run.pk, worker="w1")

    assert list(GatheredRecord.objects.filter(run=run).values_list("key", flat=True)) == [
        "person/P-1"
    ]


# --- The reconciler -------------------------------------------------------------------------


def test_the_reconciler_resends_lost_due_and_abandoned_runs_only(
    file_request, department_a, caplog, django_capture_on_commit_callbacks
):
    slugs = ["fresh", "lost", "due", "not-due", "abandoned", "live", "done"]
    for slug in slugs:
        make_source(department_a, slug)
    request, _callbacks = file_request()
    now = timezone.now()
    long_ago = now - timedelta(hours=5)
    runs = {run.source.slug: run for run in request_source_runs(request)}
    updates = {
        "lost": {"created_at": now - timedelta(minutes=2)},
        "due": {"status": RunStatus.RETRY_WAIT, "next_attempt_at": now - timedelta(seconds=1)},
        "not-due": {"status": RunStatus.RETRY_WAIT, "next_attempt_at": now + timedelta(hours=1)},
        "abandoned": {
            "status": RunStatus.RUNNING,
            "lease_expires_at": now - timedelta(seconds=1),
            "created_at": long_ago,
        },
        "live": {"status": RunStatus.RUNNING, "lease_expires_at": now + timedelta(minutes=5)},
        "done": {"status": RunStatus.SUCCEEDED, "created_at": long_ago},
    }
    for slug, changes in updates.items():
        SourceRun.objects.filter(pk=runs[slug].pk).update(**changes)

    with (
        mock.patch("tasks.gathering.run_source.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        counts = source_runs_reconcile()

    assert counts == {
        "pending": 1,
        "retry_due": 1,
        "lease_expired": 1,
        "stuck": 1,
        "moved_to_review": 0,
    }
    sent = {call.args[0] for call in delay.call_args_list}
    assert sent == {runs["lost"].pk, runs["due"].pk, runs["abandoned"].pk}
    assert f"source run {runs['abandoned'].pk} of request {request.pk} stuck" in caplog.text


# --- A clerk's retry and skip ---------------------------------------------------------------


def test_a_clerk_retries_a_failed_source_and_it_runs_from_the_first_attempt(
    file_request, assessors_source, scripted_connector, clerk, django_capture_on_commit_callbacks
):
    scripted_connector.script["assessors-people"] = [permanent()]
    request, _callbacks = file_request()
    run = _run(request, "assessors-people")
    source_run_execute(run_id=run.pk, worker="w1")

    with (
        mock.patch("tasks.gathering.run_source.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        retried = source_run_retry(run=run, actor=clerk)

    assert retried.status == RunStatus.PENDING
    assert retried.attempts == 0
    delay.assert_called_once_with(run.pk)
    assert source_run_execute(run_id=run.pk, worker="w1") == RunStatus.SUCCEEDED
    assert AuditEvent.objects.filter(action="gathering.run_retried", actor_id=clerk.pk).exists()


def test_only_a_failed_source_can_be_retried(file_request, assessors_source, clerk):
    request, _callbacks = file_request()

    with pytest.raises(ValidationError, match="Only a source that failed"):
        source_run_retry(run=_run(request, "assessors-people"), actor=clerk)


def test_skipping_the_last_unfinished_source_moves_the_request_on_as_partial(
    file_request, assessors_source, water_source, clerk
):
    request, _callbacks = file_request()
    source_run_execute(run_id=_run(request, "water-people").pk, worker="w1")

    run = source_run_skip(
        run=_run(request, "assessors-people"), actor=clerk, reason="Server down all week"
    )

    assert run.status == RunStatus.SKIPPED
    assert run.skipped_by == clerk
    assert _status(request) == RequestStatus.IN_REVIEW
    assert request_is_partial(request)
    skipped = AuditEvent.objects.get(action="gathering.run_skipped")
    assert "Server down" not in str(skipped.details)


def test_skipping_needs_a_reason(file_request, assessors_source, clerk):
    request, _callbacks = file_request()

    with pytest.raises(ValidationError, match="why this source is skipped"):
        source_run_skip(run=_run(request, "assessors-people"), actor=clerk, reason="  ")


@pytest.mark.parametrize("persona", ["resident", "steward_a"])
def test_only_clerks_retry_or_skip(request, file_request, assessors_source, persona):
    person = request.getfixturevalue(persona)
    filed, _callbacks = file_request()
    run = _run(filed, "assessors-people")

    with pytest.raises(PermissionDenied):
        source_run_skip(run=run, actor=person, reason="no")
    with pytest.raises(PermissionDenied):
        source_run_retry(run=run, actor=person)


def test_review_cannot_start_by_hand_while_sources_are_unfinished(
    file_request, assessors_source, clerk
):
    request, _callbacks = file_request()

    with pytest.raises(ValidationError, match="have not finished"):
        request_review_start(request=request, actor=clerk, reason="Looks done")

    source_run_skip(run=_run(request, "assessors-people"), actor=clerk, reason="Not needed")
    assert _status(request) == RequestStatus.IN_REVIEW


def test_with_no_source_to_ask_the_request_goes_straight_to_review(file_request):
    request, _callbacks = file_request()

    assert _status(request) == RequestStatus.IN_REVIEW
    assert not SourceRun.objects.filter(request=request).exists()
    moved = RequestEvent.objects.filter(request=request, to_status=RequestStatus.IN_REVIEW).get()
    assert moved.text == "no department source to ask for this requester"


def test_skipping_a_manual_source_cancels_the_stewards_work_item(file_request, department_a, clerk):
    make_source(department_a, "card-index", kind="manual", attribute_map={})
    request, _callbacks = file_request()
    run = SourceRun.objects.get(request=request)

    source_run_skip(run=run, actor=clerk, reason="The archive is closed for moving")

    item = WorkItem.objects.get(run=run)
    assert item.status == WorkItemStatus.CANCELLED
    assert _status(request) == RequestStatus.IN_REVIEW


# --- A steward's work item ------------------------------------------------------------------


@pytest.fixture
def work_item(file_request, department_a):
    make_source(department_a, "card-index", kind="manual", attribute_map={})
    request, _callbacks = file_request()
    return WorkItem.objects.get(run__request=request)


def test_a_steward_enters_what_they_found_and_the_request_moves_on(work_item, steward_a):
    found = [
        SourceRecord("C-7", "index_card", dict(ALICE)),
        SourceRecord("C-9", "index_card", {"name": "Alice Archer"}),
    ]

    work_item_complete(item=work_item, actor=steward_a, records=found, found_nothing=False)

    run = SourceRun.objects.get(pk=work_item.run_id)
    assert run.status == RunStatus.SUCCEEDED
    assert run.records_found == 2
    thin = GatheredRecord.objects.get(run=run, key="index_card/C-9")
    assert thin.needs_confirmation
    assert _status(run.request) == RequestStatus.IN_REVIEW


def test_a_steward_who_found_nothing_says_so(work_item, steward_a):
    item = work_item_complete(item=work_item, actor=steward_a, records=[], found_nothing=True)

    assert item.found_nothing
    with pytest.raises(ValidationError, match="already done"):
        work_item_complete(item=work_item, actor=steward_a, records=[], found_nothing=True)


def test_a_steward_must_enter_records_or_say_there_are_none(work_item, steward_a):
    with pytest.raises(ValidationError, match="say you found none"):
        work_item_complete(item=work_item, actor=steward_a, records=[], found_nothing=False)


def test_another_departments_steward_cannot_answer(work_item, steward_b):
    with pytest.raises(PermissionDenied):
        work_item_complete(item=work_item, actor=steward_b, records=[], found_nothing=True)


def test_what_the_portal_holds_under_the_account_is_the_residents_own(
    file_request, department_a, scripted_connector, alice
):
    make_source(department_a, "portal-held", attribute_map={"account_id": "account_id"})
    scripted_connector.script["portal-held"] = [
        [SourceRecord("M-1", "message", {"account_id": alice.pk, "body": "Hello"})]
    ]
    request, _callbacks = file_request()
    run = _run(request, "portal-held")

    source_run_execute(run_id=run.pk, worker="w1")

    assert scripted_connector.asked == [("portal-held", {"account_id": str(alice.pk)})]
    record = GatheredRecord.objects.get(run=run)
    assert record.match_strength == MatchStrength.EXACT
    assert fields_decrypt(record) == {"account_id": alice.pk, "body": "Hello"}


def test_a_run_finished_while_the_clock_was_stopped_moves_the_request_on_when_it_resumes(
    file_request, assessors_source, clerk
):
    from requests.services import request_clock_resume, request_information_ask

    request, _callbacks = file_request()
    request_information_ask(request=request, actor=clerk, question="Which years?")
    source_run_execute(run_id=_run(request, "assessors-people").pk, worker="w1")
    assert _status(request) == RequestStatus.AWAITING_REQUESTER

    request_clock_resume(request=request, actor=clerk, reason="Answered by phone")

    assert _status(request) == RequestStatus.IN_REVIEW
    assert SourceRun.objects.filter(request=request).count() == 1


def test_a_withdrawn_request_cancels_its_stewards_work_item(work_item, alice):
    request_withdraw(request=work_item.run.request, actor=alice, reason="")

    work_item.refresh_from_db()
    assert work_item.status == WorkItemStatus.CANCELLED


def test_a_steward_cannot_answer_for_a_finished_request(work_item, steward_a):
    # As if the cancellation were missed: the answer itself is refused too.
    request = work_item.run.request
    Request.objects.filter(pk=request.pk).update(status=RequestStatus.CLOSED)

    with pytest.raises(GatheringError, match="no longer needed"):
        work_item_complete(item=work_item, actor=steward_a, records=[], found_nothing=True)


def test_the_reconciler_moves_on_a_request_whose_last_run_finished_without_its_fan_in(
    file_request, assessors_source
):
    request, _callbacks = file_request()
    run = SourceRun.objects.get(request=request)
    # As if the worker died between committing the run and the fan-in.
    with mock.patch.object(services, "gathering_fan_in"):
        source_run_execute(run_id=run.pk, worker="w1")
    assert _status(request) == RequestStatus.GATHERING

    counts = source_runs_reconcile()

    assert counts["moved_to_review"] == 1
    assert _status(request) == RequestStatus.IN_REVIEW
