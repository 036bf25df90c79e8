"""Delivery: the resident downloads released records after confirming who they are, every
download is logged, counted and on the timeline; an expired link gets a clear page; a clerk
reissues a package and the old link dies; an inquiry is answered with a letter naming the
departments; an access_log request gets the resident's access log as a package."""

import hashlib
import io
import json
import time
import zipfile
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.access.models import AccessAction, AccessLogEntry
from portal.access.services import access_record
from portal.access.wording import resident_sentence
from portal.audit.models import AuditEvent
from requests.gathering.models import GatheredRecord, SourceRun
from requests.gathering.services import source_run_execute
from requests.models import Request, RequestEvent, RequestEventKind, RequestLetter
from requests.release.build import package_build
from requests.release.delivery import (
    package_reissue,
    request_answer_inquiry,
)
from requests.release.models import PackageContent, PackageStatus, ReleasePackage, SourceAnswer
from requests.release.services import (
    ReleaseError,
    match_decide,
    request_release,
    source_decide,
)
from requests.services import letter_html, request_submit
from requests.states import RequestStatus
from tasks.connectors.base import SourceRecord
from tests.factories import TEST_PASSWORD, GrantFactory, StaffFactory
from tests.gathering.conftest import ALICE

pytestmark = pytest.mark.django_db


# --- Helpers ----------------------------------------------------------------------------------


def _decide_all(request, clerk, answer=SourceAnswer.HELD):
    for run in SourceRun.objects.filter(request=request).select_related("source"):
        source_decide(request=request, source=run.source, actor=clerk, answer=answer)
    for weak in GatheredRecord.objects.filter(run__request=request, needs_confirmation=True):
        match_decide(record=weak, actor=clerk, confirmed=True)


def _release_and_build(request, clerk, capture):
    with capture(execute=False):
        package = request_release(request=request, actor=clerk)
    assert package_build(package_id=package.pk, worker="w1") == PackageStatus.READY
    package.refresh_from_db()
    return package


@pytest.fixture
def ready(in_review, clerk, django_capture_on_commit_callbacks):
    """Alice's records released and built: a ready package with a link."""
    _decide_all(in_review, clerk)
    return _release_and_build(in_review, clerk, django_capture_on_commit_callbacks)


def _url(package, number=None):
    return reverse(
        "requests:package_download",
        kwargs={"number": number or package.request.number, "pk": package.pk},
    )


def _sign_in(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.content[:500]


def _body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def _verify_manifest(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        files = manifest.get("files", manifest)
        for name, entry in files.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == entry["sha256"], name
        return {name: archive.read(name) for name in archive.namelist()}


# --- Re-authentication ----------------------------------------------------------------------


def test_a_fresh_sign_in_downloads_a_zip_whose_manifest_verifies(client, ready, resident):
    _sign_in(client, resident)

    response = client.get(_url(ready))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="{ready.request.number}-records.zip"'
    )
    assert "no-store" in response["Cache-Control"]
    files = _verify_manifest(_body(response))
    assert "index.html" in files
    assert b"Alice Archer" in files["index.html"]


def test_an_old_sign_in_is_sent_to_confirm_who_they_are_then_downloads(
    client, ready, resident, monkeypatch
):
    _sign_in(client, resident)
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)

    response = client.get(_url(ready))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert ReleasePackage.objects.get(pk=ready.pk).downloads == 0

    response = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == _url(ready)
    response = client.get(response["Location"])

    assert response.status_code == 200
    _verify_manifest(_body(response))


def test_a_session_without_a_recorded_sign_in_must_confirm_first(client, ready, resident):
    client.force_login(resident)

    response = client.get(_url(ready))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not AccessLogEntry.objects.filter(item="release_package").exists()


# --- Who may download -----------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client, ready):
    response = client.get(_url(ready))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_other_resident_gets_404(client, ready, other_resident):
    _sign_in(client, other_resident)

    assert client.get(_url(ready)).status_code == 404
    assert ReleasePackage.objects.get(pk=ready.pk).downloads == 0


def test_staff_get_404_on_the_residents_download(client, ready, clerk):
    client.force_login(clerk)

    assert client.get(_url(ready)).status_code == 404


def test_another_request_number_or_an_unknown_package_gets_404(client, ready, resident):
    _sign_in(client, resident)

    assert client.get(_url(ready, number="FIPA-2000-000001")).status_code == 404
    missing = reverse(
        "requests:package_download", kwargs={"number": ready.request.number, "pk": 999999}
    )
    assert client.get(missing).status_code == 404
    assert client.get(f"/requests/{ready.request.number}/records/abc/download/").status_code == 404


def test_only_get_is_allowed(client, ready, resident):
    _sign_in(client, resident)

    assert client.post(_url(ready)).status_code == 405


def test_an_accepted_representative_downloads_a_request_they_may_see(
    client, ready, resident, other_resident
):
    GrantFactory(representative=other_resident, resident=resident, accepted=True)
    _sign_in(client, other_resident)

    response = client.get(_url(ready))

    assert response.status_code == 200
    _verify_manifest(_body(response))
    entry = AccessLogEntry.objects.get(item="release_package")
    assert entry.actor == other_resident
    assert entry.subject == resident


def test_a_representative_whose_grant_does_not_cover_access_gets_404(
    client, ready, resident, other_resident
):
    GrantFactory(representative=other_resident, resident=resident, accepted=True, scope=["inquiry"])
    _sign_in(client, other_resident)

    assert client.get(_url(ready)).status_code == 404


def test_a_package_not_built_yet_gets_404(
    client, in_review, clerk, resident, django_capture_on_commit_callbacks
):
    _decide_all(in_review, clerk)
    with django_capture_on_commit_callbacks(execute=False):
        queued = request_release(request=in_review, actor=clerk)
    _sign_in(client, resident)

    assert client.get(_url(queued)).status_code == 404


# --- Expiry ---------------------------------------------------------------------------------


def test_after_expiry_a_clear_page_says_how_to_get_a_new_link(client, ready, resident):
    ReleasePackage.objects.filter(pk=ready.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    _sign_in(client, resident)

    response = client.get(_url(ready))

    assert response.status_code == 410
    text = response.content.decode()
    assert "This download link has expired" in text
    assert "Ask for a new link" in text
    assert ReleasePackage.objects.get(pk=ready.pk).downloads == 0
    assert not AccessLogEntry.objects.filter(item="release_package").exists()


def test_the_request_page_shows_the_records_panel_and_then_the_expiry(client, ready, resident):
    _sign_in(client, resident)
    page = reverse("requests:detail", kwargs={"number": ready.request.number})

    text = client.get(page).content.decode()

    assert "Your records" in text
    assert _url(ready) in text
    assert f"{ready.expires_at:%-d %B %Y}" in text
    assert "2 records" in text

    ReleasePackage.objects.filter(pk=ready.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    text = client.get(page).content.decode()

    assert _url(ready) not in text
    assert "The download link expired" in text


def test_the_request_page_shows_no_panel_before_the_package_is_ready(client, in_review, resident):
    _sign_in(client, resident)

    text = client.get(reverse("requests:detail", kwargs={"number": in_review.number})).content

    assert b"Download your records" not in text


# --- Each download: the access log, the timeline and the count ------------------------------


def test_each_download_is_logged_counted_and_on_the_timeline(client, ready, resident):
    _sign_in(client, resident)

    for _ in range(2):
        _body(client.get(_url(ready)))

    assert ReleasePackage.objects.get(pk=ready.pk).downloads == 2
    entries = AccessLogEntry.objects.filter(item="release_package")
    assert entries.count() == 2
    entry = entries.first()
    assert entry.action == AccessAction.DOWNLOAD
    assert (entry.actor, entry.subject, entry.request_id) == (resident, resident, ready.request_id)
    assert entry.object_id == str(ready.pk)
    number = ready.request.number
    assert resident_sentence(entry) == f"downloaded the records released for your request {number}"
    events = RequestEvent.objects.filter(
        request=ready.request, kind=RequestEventKind.PACKAGE_DOWNLOADED
    )
    assert events.count() == 2
    assert all(event.visible_to_requester and event.actor == resident for event in events)

    log_page = client.get(reverse("access:my_log")).content.decode()
    assert f"Downloaded the records released for your request {number}" in log_page
    detail = client.get(reverse("requests:detail", kwargs={"number": number})).content.decode()
    assert "Your records were downloaded" in detail


# --- The clerk's reissue --------------------------------------------------------------------


def _reissue_url(package):
    return reverse(
        "requests:staff_package_reissue",
        kwargs={"number": package.request.number, "pk": package.pk},
    )


@pytest.fixture
def assigned(ready, clerk):
    Request.objects.filter(pk=ready.request_id).update(assignee=clerk)
    return ready


def test_a_clerk_reissues_an_expired_package_and_the_old_link_dies(
    client, assigned, clerk, resident, django_capture_on_commit_callbacks
):
    ReleasePackage.objects.filter(pk=assigned.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    client.force_login(clerk)
    detail = reverse("requests:staff_detail", kwargs={"number": assigned.request.number})
    assert _reissue_url(assigned) in client.get(detail).content.decode()

    page = client.get(_reissue_url(assigned))
    assert page.status_code == 200
    assert "The old link stops working at once" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(_reissue_url(assigned))

    assert response.status_code == 302
    assert response["Location"] == detail
    old = ReleasePackage.objects.get(pk=assigned.pk)
    new = old.replaced_by
    assert old.status == PackageStatus.REPLACED
    assert (new.status, new.released_by, new.content) == (
        PackageStatus.QUEUED,
        clerk,
        PackageContent.RECORDS,
    )
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(action="release.package_reissued").count() == 1

    assert package_build(package_id=new.pk, worker="w1") == PackageStatus.READY
    new.refresh_from_db()
    resident_client = client.__class__()
    _sign_in(resident_client, resident)
    assert resident_client.get(_url(old)).status_code == 404
    response = resident_client.get(_url(new))
    assert response.status_code == 200
    _verify_manifest(_body(response))


def test_a_ready_package_reissued_stops_downloading_at_once(
    client, ready, clerk, resident, django_capture_on_commit_callbacks
):
    _sign_in(client, resident)
    assert client.get(_url(ready)).status_code == 200

    with django_capture_on_commit_callbacks(execute=False):
        package_reissue(package=ready, actor=clerk)

    assert client.get(_url(ready)).status_code == 404


def test_a_package_not_ready_nor_failed_cannot_be_reissued(
    client, in_review, clerk, django_capture_on_commit_callbacks
):
    _decide_all(in_review, clerk)
    with django_capture_on_commit_callbacks(execute=False):
        queued = request_release(request=in_review, actor=clerk)
    Request.objects.filter(pk=in_review.pk).update(assignee=clerk)
    client.force_login(clerk)

    assert client.get(_reissue_url(queued)).status_code == 409
    assert client.post(_reissue_url(queued)).status_code == 409
    with pytest.raises(ReleaseError):
        package_reissue(package=queued, actor=clerk)
    assert ReleasePackage.objects.count() == 1


def test_a_failed_package_is_reissued(ready, clerk, django_capture_on_commit_callbacks):
    ReleasePackage.objects.filter(pk=ready.pk).update(status=PackageStatus.FAILED)

    with django_capture_on_commit_callbacks(execute=False):
        new = package_reissue(package=ready, actor=clerk)

    assert new.status == PackageStatus.QUEUED


def test_reissue_keeps_the_second_clerks_approval(ready, clerk, django_capture_on_commit_callbacks):
    second = StaffFactory()
    ReleasePackage.objects.filter(pk=ready.pk).update(
        needs_approval=True, approved_by=second, approved_at=timezone.now()
    )
    third = StaffFactory()

    with django_capture_on_commit_callbacks(execute=False):
        by_third = package_reissue(package=ready, actor=third)
    assert (by_third.approved_by, by_third.needs_approval) == (second, True)

    # The approver reissues: the new copy names the other clerk of the pair, never themselves.
    ReleasePackage.objects.filter(pk=by_third.pk).update(status=PackageStatus.FAILED)
    with django_capture_on_commit_callbacks(execute=False):
        by_second = package_reissue(package=by_third, actor=second)
    assert by_second.released_by == second
    assert by_second.approved_by == third


def test_a_resident_and_a_steward_get_404_on_the_reissue_page(client, ready, resident, steward_a):
    for user in (resident, steward_a):
        client.force_login(user)
        assert client.get(_reissue_url(ready)).status_code == 404
        assert client.post(_reissue_url(ready)).status_code == 404
    assert ReleasePackage.objects.get(pk=ready.pk).status == PackageStatus.READY


def test_anonymous_visitors_are_sent_to_sign_in_from_the_reissue_page(client, ready):
    response = client.post(_reissue_url(ready))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert ReleasePackage.objects.get(pk=ready.pk).status == PackageStatus.READY


def test_a_package_of_another_request_gets_404_on_the_reissue_page(client, assigned, clerk):
    client.force_login(clerk)
    other = request_submit(
        requester=assigned.request.requester, subject=assigned.request.subject, kind="access"
    )
    Request.objects.filter(pk=other.pk).update(assignee=clerk)
    url = reverse(
        "requests:staff_package_reissue", kwargs={"number": other.number, "pk": assigned.pk}
    )

    assert client.get(url).status_code == 404


def test_opening_the_reissue_page_is_in_the_access_log(client, assigned, clerk):
    client.force_login(clerk)

    client.get(_reissue_url(assigned))

    assert AccessLogEntry.objects.filter(actor=clerk, request_id=assigned.request_id).exists()


# --- An inquiry -----------------------------------------------------------------------------


@pytest.fixture
def inquiry(
    alice, assessors_source, water_source, scripted_connector, django_capture_on_commit_callbacks
):
    scripted_connector.script["assessors-people"] = [
        [SourceRecord("P-1", "owner", {**ALICE, "parcel": "PARCEL-77", "co_owner": "Bruno"})]
    ]
    scripted_connector.script["water-people"] = [[SourceRecord("W-7", "account", dict(ALICE))]]
    with django_capture_on_commit_callbacks(execute=False):
        request = request_submit(requester=alice, subject=alice, kind="inquiry")
    for run in SourceRun.objects.filter(request=request):
        source_run_execute(run_id=run.pk, worker="w1")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    return request


def test_an_inquiry_letter_names_the_departments_and_none_of_the_data(
    inquiry, clerk, assessors_source, water_source, django_capture_on_commit_callbacks
):
    source_decide(request=inquiry, source=assessors_source, actor=clerk, answer=SourceAnswer.HELD)
    source_decide(request=inquiry, source=water_source, actor=clerk, answer=SourceAnswer.NOT_HELD)

    with django_capture_on_commit_callbacks(execute=False):
        letter = request_answer_inquiry(request=inquiry, actor=clerk)

    html = letter_html(letter=letter)
    assert "Departments that hold information about you" in html
    holding = html.split("Departments that hold information about you")[1].split("<h2>")[0]
    assert "Assessors" in holding
    assert "Water and Sewer Billing" not in holding
    for value in ("PARCEL-77", "Bruno", "1980-03-14", "P-1", "W-7"):
        assert value not in html
    inquiry.refresh_from_db()
    assert inquiry.status == RequestStatus.DECIDED
    assert inquiry.responded_at is not None
    assert RequestLetter.objects.filter(request=inquiry).get() == letter
    assert RequestEvent.objects.filter(
        request=inquiry, kind=RequestEventKind.LETTER_SENT, visible_to_requester=True
    ).exists()
    assert not ReleasePackage.objects.filter(request=inquiry).exists()


def test_the_resident_reads_the_inquiry_letter_on_their_request(
    client, inquiry, clerk, resident, django_capture_on_commit_callbacks
):
    _decide_all(inquiry, clerk)
    with django_capture_on_commit_callbacks(execute=False):
        letter = request_answer_inquiry(request=inquiry, actor=clerk)
    client.force_login(resident)

    page = client.get(reverse("requests:detail", kwargs={"number": inquiry.number}))

    assert "Which City departments hold information about you" in page.content.decode()
    shown = client.get(
        reverse("requests:letter", kwargs={"number": inquiry.number, "pk": letter.pk})
    )
    assert shown.status_code == 200
    assert "Water and Sewer Billing" in shown.content.decode()


def test_an_inquiry_needs_an_answer_for_every_source_first(
    inquiry, clerk, assessors_source, django_capture_on_commit_callbacks
):
    source_decide(request=inquiry, source=assessors_source, actor=clerk, answer=SourceAnswer.HELD)

    with pytest.raises(ReleaseError, match="every department source"):
        request_answer_inquiry(request=inquiry, actor=clerk)

    inquiry.refresh_from_db()
    assert inquiry.status == RequestStatus.IN_REVIEW
    assert not RequestLetter.objects.filter(request=inquiry).exists()


def test_a_withheld_source_is_named_with_its_exemption_and_a_rejected_match_holds_nothing(
    inquiry, clerk, assessors_source, water_source, django_capture_on_commit_callbacks
):
    source_decide(
        request=inquiry,
        source=assessors_source,
        actor=clerk,
        answer=SourceAnswer.WITHHELD,
        exemptions=["26c"],
        reason="An investigation is open.",
    )
    source_decide(request=inquiry, source=water_source, actor=clerk, answer=SourceAnswer.HELD)
    for record in GatheredRecord.objects.filter(run__request=inquiry, run__source=water_source):
        match_decide(record=record, actor=clerk, confirmed=False)

    with django_capture_on_commit_callbacks(execute=False):
        letter = request_answer_inquiry(request=inquiry, actor=clerk)

    html = letter_html(letter=letter)
    assert "None of the departments we searched holds information about you" in html
    assert "What we cannot tell you, and why" in html
    assert "An investigation is open." not in html


def test_an_inquiry_is_not_released_as_a_package(inquiry, clerk):
    _decide_all(inquiry, clerk)

    with pytest.raises(ReleaseError, match="letter"):
        request_release(request=inquiry, actor=clerk)


def test_only_an_inquiry_in_review_gets_the_inquiry_letter(ready, clerk):
    with pytest.raises(ReleaseError):
        request_answer_inquiry(request=ready.request, actor=clerk)


# --- An access_log request ------------------------------------------------------------------


def test_an_access_log_request_needs_no_source_answers_and_its_package_holds_the_log(
    client, alice, clerk, assessors_source, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        request = request_submit(requester=alice, subject=alice, kind="access_log")
    for run in SourceRun.objects.filter(request=request):
        source_run_execute(run_id=run.pk, worker="w1")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    access_record(actor=clerk, subject=alice, item="request", obj=request, request=request)

    package = _release_and_build(request, clerk, django_capture_on_commit_callbacks)

    assert package.content == PackageContent.ACCESS_LOG
    assert not package.needs_approval
    _sign_in(client, alice)
    files = _verify_manifest(_body(client.get(_url(package))))
    index = files["index.html"].decode()
    assert "Carol Clark, Records Access Office clerk" in index
    assert f"opened your request {request.number}" in index
    data = files["data.json"].decode()
    assert f"opened your request {request.number}" in data
