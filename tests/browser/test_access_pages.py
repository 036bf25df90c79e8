"""The access-log pages in a real Chromium, each checked with axe-core: the resident's "Who has
seen my data", a clerk's stated purpose, the privacy officer's flagged accesses and the staff
access log."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from portal.access.services import access_record
from requests.services import request_submit
from tests.access.conftest import disclose
from tests.browser.axe import assert_no_axe_violations
from tests.factories import StaffFactory, identity_document
from tests.requests.conftest import verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(browser, live_server, client, user):
    """A browser page carrying the session `client.force_login` made (staff made by the factory
    have their second factor and the safeguards on record)."""
    client.force_login(user)
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
    return context, context.new_page()


def _navigate(page, control) -> None:
    with page.expect_navigation():
        control.click()


def test_resident_reads_who_has_seen_their_data(
    browser, live_server, client, resident, clerk, privacy_officer
):
    verify(resident)
    filed = request_submit(requester=resident, subject=resident, kind="access")
    document = identity_document(user=resident)
    access_record(actor=clerk, subject=resident, item="request", request=filed, obj=filed)
    access_record(
        actor=clerk,
        subject=resident,
        item="identity_document_image",
        obj=document,
    )
    access_record(
        actor=clerk,
        subject=resident,
        item="request_history",
        request=filed,
        purpose="I am covering for a colleague: Dana is away",
        outside_assignment=True,
    )
    disclose(subject=resident, recorded_by=privacy_officer)
    context, page = _signed_in_page(browser, live_server, client, resident)

    page.goto("/account/")
    _navigate(page, page.get_by_role("link", name="Who has seen your information"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Who has seen your information")
    expect(page.get_by_text(f"Opened your request {filed.number}")).to_be_visible()
    expect(page.get_by_text("Looked at the photo ID you uploaded")).to_be_visible()
    expect(page.get_by_text("Dana is away")).to_be_visible()
    expect(page.get_by_text(re.compile("to Westfield Housing Authority because"))).to_be_visible()
    assert_no_axe_violations(page)
    _navigate(
        page,
        page.get_by_role("link", name="Show only what was given to people outside the City"),
    )
    expect(page.get_by_text("Opened your request")).to_have_count(0)
    assert_no_axe_violations(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert_no_axe_violations(page)
    context.close()


def test_clerk_states_a_purpose_before_opening_someone_elses_request(
    browser, live_server, client, resident, clerk
):
    verify(resident)
    filed = request_submit(requester=resident, subject=resident, kind="access")
    context, page = _signed_in_page(browser, live_server, client, clerk)

    page.goto(f"/staff/requests/{filed.number}/history/")
    page.wait_for_url(re.compile(r"/purpose/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("This request is not assigned to you")
    assert_no_axe_violations(page)

    _navigate(page, page.get_by_role("button", name="Open the request"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(
        page.get_by_role("link", name="Choose why you are opening this request.")
    ).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("I am answering the requester's call or visit").check()
    page.get_by_label("Say in a few words what you need to do").fill(
        "She phoned about the due date"
    )
    _navigate(page, page.get_by_role("button", name="Open the request"))
    page.wait_for_url(re.compile(rf"/staff/requests/{filed.number}/history/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    context.close()


def test_privacy_officer_reviews_a_flagged_access(
    browser, live_server, client, resident, clerk, privacy_officer
):
    verify(resident)
    filed = request_submit(requester=resident, subject=resident, kind="access")
    for item in ("request", "request_messages"):
        access_record(
            actor=clerk,
            subject=resident,
            item=item,
            request=filed,
            purpose="I am covering for a colleague: Dana is away",
            outside_assignment=True,
        )
    context, page = _signed_in_page(browser, live_server, client, privacy_officer)

    page.goto("/staff/")
    expect(page.locator("#access-flags")).to_contain_text("2 to review")
    _navigate(page, page.get_by_role("link", name="Accesses outside an assignment"))
    assert_no_axe_violations(page)
    _navigate(page, page.locator("tbody").get_by_role("link").first)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Review an access outside an assignment"
    )
    assert_no_axe_violations(page)

    _navigate(page, page.get_by_role("button", name="Record the conclusion"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)
    page.get_by_label("What did you conclude?").fill("Covering confirmed with the supervisor.")
    _navigate(page, page.get_by_role("button", name="Record the conclusion"))
    expect(page.get_by_text("Your conclusion is recorded for 2 flagged accesses.")).to_be_visible()
    expect(page.get_by_text("Nothing to review.")).to_be_visible()
    assert_no_axe_violations(page)
    context.close()


def test_auditor_filters_the_access_log(browser, live_server, client, resident, clerk):
    verify(resident)
    filed = request_submit(requester=resident, subject=resident, kind="access")
    access_record(actor=clerk, subject=resident, item="request", request=filed)
    auditor = StaffFactory(email="audrey.auditor@example.org", role="auditor")
    context, page = _signed_in_page(browser, live_server, client, auditor)

    page.goto("/staff/")
    _navigate(page, page.get_by_role("link", name="Access log", exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text("Access log")
    expect(page.get_by_text(filed.number)).to_be_visible()
    assert_no_axe_violations(page)

    page.get_by_label("Staff member (account number)").fill("carol")
    _navigate(page, page.get_by_role("button", name="Apply filters"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)

    page.get_by_label("Staff member (account number)").fill(str(clerk.pk))
    page.get_by_label("Only accesses outside an assignment").check()
    _navigate(page, page.get_by_role("button", name="Apply filters"))
    expect(page.get_by_text("No entries match these filters.")).to_be_visible()
    assert_no_axe_violations(page)
    context.close()
