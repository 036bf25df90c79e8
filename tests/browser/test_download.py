"""The resident's download in a real Chromium: the request page with its records panel, the
password asked again, the ZIP downloaded, its index.html opened from the unzipped folder; and
the page of an expired link. axe-core checks each page."""

import re
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from requests.gathering.models import GatheredRecord, SourceRun
from requests.models import Request
from requests.release.build import package_build
from requests.release.models import PackageStatus, ReleasePackage, SourceAnswer
from requests.release.services import match_decide, request_release, source_decide
from tests.browser.axe import assert_no_axe_violations
from tests.factories import TEST_PASSWORD
from tests.gathering.conftest import (  # noqa: F401 (fixtures)
    alice,
    assessors_source,
    file_request,
    scripted_connector,
    water_source,
)
from tests.release.conftest import in_review  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _gathered_in_this_process(monkeypatch):
    """The records are gathered here, through the scripted connector the worker does not have.
    In a transactional test the runs' messages would reach the broker on commit, and the
    session's worker could claim a run before this process does: they are not sent."""
    monkeypatch.setattr("requests.gathering.services._enqueue", lambda run_ids: None)


@pytest.fixture
def ready(in_review, clerk, django_capture_on_commit_callbacks):  # noqa: F811
    for run in SourceRun.objects.filter(request=in_review).select_related("source"):
        source_decide(request=in_review, source=run.source, actor=clerk, answer=SourceAnswer.HELD)
    for weak in GatheredRecord.objects.filter(run__request=in_review, needs_confirmation=True):
        match_decide(record=weak, actor=clerk, confirmed=True)
    with django_capture_on_commit_callbacks(execute=False):
        package = request_release(request=in_review, actor=clerk)
    assert package_build(package_id=package.pk, worker="w1") == PackageStatus.READY
    package.refresh_from_db()
    return package


@pytest.fixture
def resident_page(browser, live_server, client, resident):
    """Alice's browser, signed in earlier (a session with no recent sign-in recorded), so the
    download asks for her password again."""
    client.force_login(resident)
    context = browser.new_context(base_url=live_server.url, accept_downloads=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def file_page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def test_resident_confirms_their_password_downloads_and_reads_the_index(
    resident_page, file_page, ready, tmp_path
):
    page = resident_page
    page.goto(f"/requests/{ready.request.number}/", wait_until="load")
    expect(page.get_by_role("heading", name="Your records", level=2, exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    with page.expect_navigation():
        page.get_by_role("link", name="Download your records").click()
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    with page.expect_download() as info:
        page.get_by_role("button", name="Confirm").click()
    download = info.value

    assert download.suggested_filename == f"{ready.request.number}-records.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    folder = tmp_path / "unzipped"
    with zipfile.ZipFile(saved) as archive:
        archive.extractall(folder)
    file_page.goto((folder / "index.html").as_uri(), wait_until="load")
    assert file_page.locator("h1").count() == 1
    assert file_page.get_by_text("Alice Archer").count() >= 1
    assert_no_axe_violations(file_page)
    assert ReleasePackage.objects.get(pk=ready.pk).downloads == 1


def test_an_expired_link_shows_a_page_that_says_how_to_get_a_new_one(resident_page, ready):
    ReleasePackage.objects.filter(pk=ready.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    page = resident_page

    page.goto(f"/requests/{ready.request.number}/", wait_until="load")
    expect(page.get_by_text("The download link expired")).to_be_visible()
    assert_no_axe_violations(page)

    response = page.goto(f"/requests/{ready.request.number}/records/{ready.pk}/download/")
    page.wait_for_load_state()

    assert response.status == 410
    expect(page).to_have_title(re.compile("This download link has expired"))
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.fixture
def clerk_page(browser, live_server, client, clerk):
    client.force_login(clerk)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    yield page
    context.close()


def test_a_clerk_reissues_an_expired_download_from_the_request_page(clerk_page, ready, clerk):
    Request.objects.filter(pk=ready.request_id).update(assignee=clerk)
    ReleasePackage.objects.filter(pk=ready.pk).update(expires_at=timezone.now() - timedelta(days=1))
    page = clerk_page
    page.goto(f"/staff/requests/{ready.request.number}/", wait_until="load")

    with page.expect_navigation():
        page.get_by_role("link", name="Reissue the download").click()
    expect(page.get_by_role("heading", name="Reissue the download", level=1)).to_be_visible()
    assert_no_axe_violations(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Reissue the download").click()

    expect(page.get_by_text("A new copy is being made.")).to_be_visible()
    old = ReleasePackage.objects.get(pk=ready.pk)
    assert old.status == PackageStatus.REPLACED
    # Queued for a worker (the session's worker, when one runs, may be building it already).
    assert old.replaced_by.released_by == clerk

    page.goto(f"/staff/requests/{ready.request.number}/records/{ready.pk}/reissue/")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="This cannot be done now", level=1)).to_be_visible()
    assert_no_axe_violations(page)
