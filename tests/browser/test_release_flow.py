"""The whole release in a real Chromium, checked by axe-core on each page: the clerk reviews
alice's records, confirms the weak match, redacts a field with an exemption, answers each source
and releases; the session's Celery worker builds the package; alice confirms her password,
downloads the ZIP, its manifest verifies, the redacted values are in none of its files, and its
index.html, opened from the unzipped folder, shows the redaction as withheld."""

import hashlib
import json
import re
import zipfile

import pytest
from django.conf import settings
from playwright.sync_api import expect

from portal.access.models import AccessLogEntry
from requests.gathering.models import GatheredRecord, SourceRun
from requests.release.models import PackageStatus, ReleasePackage
from requests.services import request_assign
from requests.states import RequestStatus
from tests.browser.axe import assert_no_axe_violations
from tests.factories import TEST_PASSWORD
from tests.gathering.conftest import (  # noqa: F401 (fixtures)
    alice,
    assessors_source,
    file_request,
    scripted_connector,
    water_source,
)
from tests.processes import wait_until
from tests.release.conftest import in_review  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# In alice's record P-1 (tests/release/conftest.py): the field the clerk redacts under 26(a),
# and the co-owner, someone else's data, redacted under 26(c).
REDACTED_DATE_OF_BIRTH = b"1980-03-14"
CO_OWNER = b"Bruno Archer"


@pytest.fixture(autouse=True)
def _gathered_in_this_process(monkeypatch):
    """The records are gathered here, through the scripted connector the worker does not have.
    In a transactional test the runs' messages would reach the broker on commit, and the
    session's worker could claim a run before this process does: they are not sent."""
    monkeypatch.setattr("requests.gathering.services._enqueue", lambda run_ids: None)


@pytest.fixture
def signed_in(browser, live_server, client):
    """A browser context per user, signed in earlier: a session cookie with no recent sign-in
    recorded, so a download asks for the password again."""
    contexts = []

    def _open(user):
        client.logout()
        client.force_login(user)
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
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


@pytest.fixture
def file_page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def _clerk_reviews_and_releases(page, request):
    number = request.number
    owner = GatheredRecord.objects.get(run__request=request, key="owner/P-1")

    page.goto(f"/staff/requests/{number}/", wait_until="load")
    page.get_by_role("link", name="Review the records found and release them").click()
    page.get_by_role("heading", name=f"Review of request {number}").wait_for()
    assert "Confirm or reject the 1 records found on a weak match" in page.inner_text("#blockers")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Confirm W-7 is the resident's").click()
    expect(page.get_by_text("The match is confirmed")).to_be_visible()
    assert "weak match" not in page.inner_text("#blockers")

    record = page.locator(f"#record-{owner.pk}")
    record.get_by_text("Redact a field of P-1").click()
    record.get_by_label("Field", exact=True).select_option("date_of_birth")
    record.get_by_label("Exemption", exact=True).select_option("26a")
    record.get_by_role("button", name="Redact", exact=True).click()
    expect(page.get_by_text("The field date_of_birth is redacted.")).to_be_visible()
    expect(page.locator(f"#record-{owner.pk}")).to_contain_text("Redacted (26a)")

    page.get_by_role("button", name="Redact co_owner").click()
    expect(page.get_by_text("The other person's data in co_owner is redacted.")).to_be_visible()

    for run in SourceRun.objects.filter(request=request).select_related("source"):
        section = page.locator(f"#run-{run.pk}")
        section.get_by_label("Held: released").check()
        section.get_by_role("button", name=f"Save the answer for {run.source.name}").click()
        expect(page.get_by_text(f"Answer saved for {run.source.name}.")).to_be_visible()
    assert "Nothing: every source is answered" in page.inner_text("#blockers")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Release the records").click()
    page.get_by_role("heading", name="Release the records").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Release", exact=True).click()
    expect(page.get_by_text("The records are released.")).to_be_visible()


def _package_built(package_id) -> bool:
    return ReleasePackage.objects.get(pk=package_id).status in {
        PackageStatus.READY,
        PackageStatus.FAILED,
    }


def _resident_downloads(page, number, tmp_path):
    page.goto(f"/requests/{number}/", wait_until="load")
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
    assert download.failure() is None
    assert download.suggested_filename == f"{number}-records.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    return saved


def test_a_clerk_releases_and_the_resident_downloads_and_reads_the_package(
    signed_in,
    file_page,
    celery_worker,
    in_review,  # noqa: F811
    clerk,
    resident,
    tmp_path,
):
    request_assign(requests=[in_review], assignee=clerk, actor=clerk)
    number = in_review.number

    _clerk_reviews_and_releases(signed_in(clerk), in_review)
    in_review.refresh_from_db()
    assert in_review.status == RequestStatus.RELEASED
    package = ReleasePackage.objects.get(request=in_review)
    wait_until(
        lambda: _package_built(package.pk),
        timeout=90,
        what="the worker to build the package",
        process=celery_worker.process,
        log=celery_worker.log,
    )
    package.refresh_from_db()
    assert package.status == PackageStatus.READY
    assert package.record_count == 2

    saved = _resident_downloads(signed_in(resident), number, tmp_path)

    with zipfile.ZipFile(saved) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        names = set(archive.namelist())
        assert {"index.html", "letter.pdf", "data.json"} <= names
        assert set(manifest["files"]) == names - {"manifest.json"}
        for name, entry in manifest["files"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == entry["sha256"], name
        for name in names:
            data = archive.read(name)
            assert REDACTED_DATE_OF_BIRTH not in data, name
            assert CO_OWNER not in data, name
        folder = tmp_path / "unzipped"
        archive.extractall(folder)

    file_page.goto((folder / "index.html").as_uri(), wait_until="load")
    assert file_page.locator("h1").count() == 1
    assert file_page.get_by_text("Alice Archer").count() >= 1
    label = settings.REQUESTS_EXEMPTIONS["26a"]
    expect(file_page.get_by_text(f"[withheld: {label}]")).to_have_count(1)
    assert_no_axe_violations(file_page)

    package.refresh_from_db()
    assert package.downloads == 1
    assert AccessLogEntry.objects.filter(item="review_records", request=in_review).exists()
