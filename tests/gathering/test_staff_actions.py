"""The clerk's retry and skip of one department source, each on a page that says what will
happen, and the links to them in the request page's sources table."""

from unittest import mock
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import reverse

from portal.access.models import AccessLogEntry
from portal.audit.models import AuditEvent
from requests.gathering.models import RunStatus, SourceRun
from requests.gathering.services import GatheringError, source_run_execute
from requests.services import request_assign, request_withdraw
from requests.states import RequestStatus
from tests.factories import StaffFactory
from tests.gathering.conftest import permanent

pytestmark = pytest.mark.django_db


def _run(request, slug):
    return SourceRun.objects.get(request=request, source__slug=slug)


def _retry_url(run):
    return reverse("requests:staff_run_retry", args=[run.request.number, run.pk])


def _skip_url(run):
    return reverse("requests:staff_run_skip", args=[run.request.number, run.pk])


@pytest.fixture
def gathering(file_request, assessors_source, water_source, scripted_connector, clerk):
    """alice's request, assigned to the clerk: the water source failed for good, the
    assessors' source has not run yet."""
    scripted_connector.script["water-people"] = [permanent("the meter database is gone")]
    request, _callbacks = file_request()
    source_run_execute(run_id=_run(request, "water-people").pk, worker="w1")
    request_assign(requests=[request], assignee=clerk, actor=clerk)
    request.refresh_from_db()
    return request


@pytest.fixture
def failed(gathering):
    return _run(gathering, "water-people")


@pytest.fixture
def pending(gathering):
    return _run(gathering, "assessors-people")


# --- Retry ------------------------------------------------------------------------------------


def test_the_retry_page_says_the_departments_system_is_asked_again(client, clerk, failed):
    client.force_login(clerk)

    response = client.get(_retry_url(failed))

    assert response.status_code == 200
    body = response.content.decode()
    assert "ask the department's system again now" in body
    assert "Water People" in body
    assert failed.request.number in body
    assert AccessLogEntry.objects.filter(actor=clerk, subject=failed.request.subject).exists()


def test_retrying_a_failed_source_sends_it_to_a_worker_again_and_is_audited(
    client, clerk, failed, django_capture_on_commit_callbacks
):
    client.force_login(clerk)

    with (
        mock.patch("tasks.gathering.run_source.delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(_retry_url(failed), follow=True)

    failed.refresh_from_db()
    assert failed.status == RunStatus.PENDING
    assert failed.attempts == 0
    delay.assert_called_once_with(failed.pk)
    assert response.redirect_chain[-1][0] == reverse(
        "requests:staff_detail", args=[failed.request.number]
    )
    assert "will be asked again now" in response.content.decode()
    retried = AuditEvent.objects.get(action="gathering.run_retried")
    assert retried.actor_id == clerk.pk
    assert retried.object_id == str(failed.pk)


def test_a_source_that_did_not_fail_cannot_be_retried(client, clerk, pending):
    client.force_login(clerk)

    response = client.post(_retry_url(pending))

    assert response.status_code == 409
    assert "Only a source that failed can be tried again" in response.content.decode()
    pending.refresh_from_db()
    assert pending.status == RunStatus.PENDING
    assert not AuditEvent.objects.filter(action="gathering.run_retried").exists()


def test_nothing_can_be_retried_once_the_request_has_moved_on(client, clerk, failed):
    request_withdraw(request=failed.request, actor=clerk, reason="Asked by phone")
    client.force_login(clerk)

    response = client.post(_retry_url(failed))

    assert response.status_code == 409
    assert "can no longer change" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED


# --- Skip -------------------------------------------------------------------------------------


def test_the_skip_page_asks_why_and_says_the_request_will_be_partial(client, clerk, pending):
    client.force_login(clerk)

    response = client.get(_skip_url(pending))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Why is this source skipped?" in body
    assert "marked partial" in body
    assert "Assessors People" in body


def test_skipping_with_a_reason_skips_the_source_and_the_request_shows_partial(
    client, clerk, pending
):
    client.force_login(clerk)

    response = client.post(
        _skip_url(pending), {"reason": "Their server is down all week"}, follow=True
    )

    pending.refresh_from_db()
    assert pending.status == RunStatus.SKIPPED
    assert pending.skipped_reason == "Their server is down all week"
    assert pending.skipped_by == clerk
    body = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "requests:staff_detail", args=[pending.request.number]
    )
    assert "The source was skipped" in body
    assert "may not be complete" in body
    # Every source has now finished: the request goes on to review.
    pending.request.refresh_from_db()
    assert pending.request.status == RequestStatus.IN_REVIEW
    skipped = AuditEvent.objects.get(action="gathering.run_skipped")
    assert "server" not in str(skipped.details)


def test_skipping_without_a_reason_says_so_and_skips_nothing(client, clerk, pending):
    client.force_login(clerk)

    response = client.post(_skip_url(pending), {"reason": "   "})

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Enter why this source is skipped." in body
    pending.refresh_from_db()
    assert pending.status == RunStatus.PENDING


def test_a_reason_too_long_is_refused_and_kept_on_the_page(client, clerk, pending):
    client.force_login(clerk)
    reason = "The department asked us to wait. " * 70

    response = client.post(_skip_url(pending), {"reason": reason})

    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert reason.strip() in body
    pending.refresh_from_db()
    assert pending.status == RunStatus.PENDING


def test_a_refusal_by_the_service_is_shown_with_the_typed_reason_kept(client, clerk, pending):
    client.force_login(clerk)

    with mock.patch(
        "requests.views.sources_staff.source_run_skip",
        side_effect=GatheringError("This source has already finished."),
    ):
        response = client.post(_skip_url(pending), {"reason": "Their server is down"})

    assert response.status_code == 200
    body = response.content.decode()
    assert "This source has already finished." in body
    assert "Their server is down" in body


def test_a_finished_source_cannot_be_skipped(client, clerk, failed):
    client.force_login(clerk)

    response = client.post(_skip_url(failed), {"reason": "Gone"})

    assert response.status_code == 409
    assert "Only a source that has not finished can be skipped" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED


# --- The links in the sources table -----------------------------------------------------------


def test_the_sources_table_links_retry_for_failed_and_skip_for_unfinished(
    client, clerk, failed, pending
):
    client.force_login(clerk)

    body = client.get(reverse("requests:staff_detail", args=[failed.request.number])).content
    body = body.decode()

    assert _retry_url(failed) in body
    assert _skip_url(failed) not in body
    assert _skip_url(pending) in body
    assert _retry_url(pending) not in body


def test_the_sources_table_has_no_links_once_the_request_has_moved_on(client, clerk, failed):
    request_withdraw(request=failed.request, actor=clerk, reason="Asked by phone")
    client.force_login(clerk)

    body = client.get(reverse("requests:staff_detail", args=[failed.request.number])).content
    body = body.decode()

    assert "Department sources" in body
    assert "/sources/" not in body


# --- Who may reach the pages ------------------------------------------------------------------


def _sign_in_path():
    return urlsplit(resolve_url(settings.LOGIN_URL)).path


@pytest.mark.parametrize("url_of", [_retry_url, _skip_url])
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_people_are_sent_to_sign_in(client, pending, url_of, method):
    response = getattr(client, method)(url_of(pending))

    assert response.status_code == 302
    assert urlsplit(response.url).path == _sign_in_path()


@pytest.mark.parametrize("persona", ["alice", "other_resident", "steward_a", "auditor"])
@pytest.mark.parametrize("url_of", [_retry_url, _skip_url])
def test_people_who_do_not_work_requests_get_404(client, request, failed, persona, url_of):
    person = (
        StaffFactory(role="auditor") if persona == "auditor" else request.getfixturevalue(persona)
    )
    client.force_login(person)

    assert client.get(url_of(failed)).status_code == 404
    assert client.post(url_of(failed), {"reason": "No"}).status_code == 404
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED


def test_a_source_of_another_request_is_not_found(client, clerk, failed, file_request):
    other, _callbacks = file_request()
    request_assign(requests=[other], assignee=clerk, actor=clerk)
    client.force_login(clerk)

    url = reverse("requests:staff_run_retry", args=[other.number, failed.pk])

    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_a_clerk_not_assigned_says_why_first(client, failed, pending):
    colleague = StaffFactory(email="cora.colleague@example.org")
    client.force_login(colleague)

    for url in (_retry_url(failed), _skip_url(pending)):
        response = client.get(url)
        assert response.status_code == 302
        purpose = reverse("requests:staff_purpose", args=[failed.request.number])
        assert urlsplit(response.url).path == purpose

    response = client.post(_retry_url(failed))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED
