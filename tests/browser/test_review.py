"""The clerk's review and release in a real Chromium, checked by axe-core: a weak match
confirmed, a field redacted with an exemption, someone else's data redacted, every source
answered, then the release confirmed on its own page."""

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from portal.access.models import AccessLogEntry
from requests.gathering.models import GatheredRecord, SourceRun
from requests.release.models import PackageStatus, Redaction, ReleasePackage, SourceDecision
from requests.services import request_assign
from requests.states import RequestStatus
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
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
    """The records are gathered here, through the scripted connector no worker has: in a
    transactional test the runs' messages would reach the session's worker on commit, and a
    worker claiming a run first would leave the request gathering."""
    monkeypatch.setattr("requests.gathering.services._enqueue", lambda run_ids: None)


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


def test_a_clerk_reviews_redacts_answers_and_releases(clerk_page, in_review, clerk):  # noqa: F811
    page = clerk_page
    request_assign(requests=[in_review], assignee=clerk, actor=clerk)
    number = in_review.number
    weak = GatheredRecord.objects.get(run__request=in_review, needs_confirmation=True)
    owner = GatheredRecord.objects.get(run__request=in_review, key="owner/P-1")

    page.goto(reverse("requests:staff_detail", args=[number]))
    page.get_by_role("link", name="Review the records found and release them").click()
    page.get_by_role("heading", name=f"Review of request {number}").wait_for()
    assert "Confirm or reject the 1 records found on a weak match" in page.inner_text("#blockers")
    assert_no_axe_violations(page)

    # The weak match, confirmed.
    page.get_by_role("button", name="Confirm W-7 is the resident's").click()
    expect(page.get_by_text("The match is confirmed")).to_be_visible()
    assert "weak match" not in page.inner_text("#blockers")

    # A field redacted with an exemption; a forgotten exemption first comes back as a problem.
    record = page.locator(f"#record-{owner.pk}")
    record.get_by_text("Redact a field of P-1").click()
    record.get_by_label("Field", exact=True).select_option("date_of_birth")
    record.get_by_role("button", name="Redact", exact=True).click()
    assert_error_page(page)
    expect(page.get_by_role("alert")).to_contain_text("Choose the exemption for this redaction.")
    record = page.locator(f"#record-{owner.pk}")
    assert record.get_by_label("Field", exact=True).input_value() == "date_of_birth"
    record.get_by_label("Exemption", exact=True).select_option("26a")
    record.get_by_role("button", name="Redact", exact=True).click()
    expect(page.get_by_text("The field date_of_birth is redacted.")).to_be_visible()
    expect(page.locator(f"#record-{owner.pk}")).to_contain_text("Redacted (26a)")

    # The co-owner's name, someone else's data: redacted under 26(c), chosen already.
    page.get_by_role("button", name="Redact co_owner").click()
    expect(page.get_by_text("The other person's data in co_owner is redacted.")).to_be_visible()

    # An answer for each source.
    for run in SourceRun.objects.filter(request=in_review).select_related("source"):
        section = page.locator(f"#run-{run.pk}")
        section.get_by_label("Held: released").check()
        section.get_by_role("button", name=f"Save the answer for {run.source.name}").click()
        expect(page.get_by_text(f"Answer saved for {run.source.name}.")).to_be_visible()
    assert "Nothing: every source is answered" in page.inner_text("#blockers")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Release the records").click()
    page.get_by_role("heading", name="Release the records").wait_for()
    expect(page.get_by_text("Not needed")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Release", exact=True).click()
    expect(page.get_by_text("The records are released.")).to_be_visible()

    in_review.refresh_from_db()
    assert in_review.status == RequestStatus.RELEASED
    assert ReleasePackage.objects.get(request=in_review).status in {
        PackageStatus.QUEUED,
        PackageStatus.BUILDING,
        PackageStatus.READY,
    }
    weak.refresh_from_db()
    assert weak.confirmed is True
    assert SourceDecision.objects.filter(request=in_review).count() == 2
    assert set(Redaction.objects.values_list("field", "exemption")) == {
        ("date_of_birth", "26a"),
        ("co_owner", "26c"),
    }
    assert AccessLogEntry.objects.filter(item="review_records", request=in_review).exists()


def test_a_problem_on_the_review_page_passes_axe(clerk_page, in_review, clerk):  # noqa: F811
    page = clerk_page
    request_assign(requests=[in_review], assignee=clerk, actor=clerk)
    run = SourceRun.objects.filter(request=in_review).first()

    page.goto(reverse("requests:staff_review", args=[in_review.number]))
    section = page.locator(f"#run-{run.pk}")
    section.get_by_label("Held, but withheld").check()
    section.get_by_role("button", name=f"Save the answer for {run.source.name}").click()

    assert_error_page(page)
    expect(page.get_by_role("alert")).to_contain_text("Say why these records are withheld.")
    assert page.locator(f"#run-{run.pk}").get_by_label("Held, but withheld").is_checked()
    assert_no_axe_violations(page)
