"""A request's path in a real Chromium: a resident files an access request through the review
step; a clerk finds it in the queue, assigns it and writes to the requester; the resident reads
the message. axe-core checks every page either of them sees."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from requests.models import Request
from tests.browser.axe import assert_no_axe_violations
from tests.factories import TEST_PASSWORD
from tests.requests.conftest import verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _csp_watch(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _sign_in_through_the_form(page, email: str) -> None:
    page.goto("/accounts/login/")
    assert_no_axe_violations(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    _navigate(page, page.get_by_role("button", name="Sign In"))
    page.wait_for_load_state()


def _navigate(page, control) -> None:
    """Click a link or button and wait for the next page, so checks never see a page half-way."""
    with page.expect_navigation():
        control.click()


def _signed_in_context(browser, live_server, client, user):
    """A browser context carrying the session `client.force_login` made (staff have their second
    factor and the safeguards on record through the persona factory)."""
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
    return context


def test_resident_files_clerk_assigns_and_writes_resident_reads(
    page, browser, live_server, client, resident, clerk, department_a
):
    verify(resident)
    csp = _csp_watch(page)

    # The resident signs in and files an access request, one question a page.
    _sign_in_through_the_form(page, resident.email)
    page.goto("/requests/")
    assert_no_axe_violations(page)
    _navigate(page, page.get_by_role("link", name="Make a new request"))
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Ask the City about your information"
    )
    assert_no_axe_violations(page)
    _navigate(page, page.get_by_role("link", name="Start"))

    _navigate(page, page.get_by_role("button", name="Continue"))  # nothing chosen
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_role("link", name="Choose what you want to ask for.")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_label("A copy of my information").check()
    _navigate(page, page.get_by_role("button", name="Continue"))

    assert_no_axe_violations(page)
    page.get_by_label("What are you asking about?").fill("My property tax records since 2019")
    _navigate(page, page.get_by_role("button", name="Continue"))

    assert_no_axe_violations(page)
    page.get_by_label("Assessors").check()
    _navigate(page, page.get_by_role("button", name="Continue"))

    assert_no_axe_violations(page)
    page.get_by_label("Download from this website").check()
    _navigate(page, page.get_by_role("button", name="Continue"))

    # Check your answers, change one, come back, send.
    page.wait_for_url(re.compile(r"/requests/new/check/$"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Check your answers before sending your request"
    )
    expect(page.get_by_text("My property tax records since 2019")).to_be_visible()
    assert_no_axe_violations(page)
    _navigate(page, page.get_by_role("link", name="Change what you are asking about"))
    page.get_by_label("What are you asking about?").fill("My property tax records since 2018")
    _navigate(page, page.get_by_role("button", name="Continue"))
    page.wait_for_url(re.compile(r"/requests/new/check/$"))
    expect(page.get_by_text("My property tax records since 2018")).to_be_visible()
    _navigate(page, page.get_by_role("button", name="Send request"))

    page.wait_for_url(re.compile(r"/requests/FIPA-\d{4}-\d{6}/submitted/$"))
    filed = Request.objects.get()
    assert page.locator(".panel__reference").inner_text() == filed.number
    assert_no_axe_violations(page)

    # The clerk finds it in the queue, assigns it to herself and writes to the requester.
    clerk_context = _signed_in_context(browser, live_server, client, clerk)
    clerk_page = clerk_context.new_page()
    clerk_csp = _csp_watch(clerk_page)
    clerk_page.goto("/staff/requests/")
    expect(clerk_page.get_by_role("link", name=filed.number)).to_be_visible()
    assert_no_axe_violations(clerk_page)
    clerk_page.get_by_label("A copy of my information").check()
    _navigate(clerk_page, clerk_page.get_by_role("button", name="Apply filters"))
    expect(
        clerk_page.get_by_role("link", name=re.compile("Type: A copy of my information"))
    ).to_be_visible()
    assert_no_axe_violations(clerk_page)
    clerk_page.get_by_label(f"Choose {filed.number}").check()
    clerk_page.get_by_label("Assign the chosen requests to").select_option(label="Carol Clark")
    _navigate(clerk_page, clerk_page.get_by_role("button", name="Assign", exact=True))
    expect(clerk_page.get_by_text("1 of 1 requests assigned to Carol Clark.")).to_be_visible()
    assert_no_axe_violations(clerk_page)

    _navigate(clerk_page, clerk_page.get_by_role("link", name=filed.number))
    expect(clerk_page.locator(".identity-bar").get_by_text("Carol Clark")).to_be_visible()
    assert_no_axe_violations(clerk_page)
    _navigate(clerk_page, clerk_page.get_by_role("link", name="Messages"))
    assert_no_axe_violations(clerk_page)
    clerk_page.get_by_label("Message to the requester").fill(
        "We have asked the Assessors for your records."
    )
    _navigate(clerk_page, clerk_page.get_by_role("button", name="Send message"))
    expect(clerk_page.get_by_text("Message sent to the requester.")).to_be_visible()
    assert_no_axe_violations(clerk_page)
    _navigate(clerk_page, clerk_page.get_by_role("link", name="History and notes"))
    assert_no_axe_violations(clerk_page)

    # The resident sees the message on their request.
    page.goto("/requests/")
    assert_no_axe_violations(page)
    _navigate(page, page.get_by_role("link", name=filed.number))
    expect(page.get_by_text("We have asked the Assessors for your records.")).to_be_visible()
    expect(page.get_by_role("heading", name="We sent you a message")).to_be_visible()
    assert_no_axe_violations(page)

    assert csp == []
    assert clerk_csp == []
    clerk_context.close()


def test_clerk_action_pages_pass_axe(browser, live_server, client, resident, clerk):
    verify(resident)
    from requests.services import request_assign, request_submit

    filed = request_submit(requester=resident, subject=resident, kind="access")
    # Her own work: a request assigned to someone else asks for a stated purpose first.
    request_assign(requests=[filed], assignee=clerk, actor=clerk)
    context = _signed_in_context(browser, live_server, client, clerk)
    page = context.new_page()

    for path in (
        f"/staff/requests/{filed.number}/do/deny/",
        f"/staff/requests/{filed.number}/do/extend/",
        f"/staff/requests/{filed.number}/letters/",
        f"/staff/requests/{filed.number}/letters/new/",
        "/staff/requests/new/",
    ):
        page.goto(path)
        assert page.locator("h1").count() >= 1
        assert_no_axe_violations(page)

    page.goto(f"/staff/requests/{filed.number}/do/deny/")
    _navigate(page, page.get_by_role("button", name="Deny the request"))
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_no_axe_violations(page)

    page.goto(f"/staff/requests/{filed.number}/letters/new/")
    _navigate(page, page.get_by_role("button", name="Preview the letter"))
    expect(page.get_by_role("heading", name="Preview: what the requester will get")).to_be_visible()
    assert_no_axe_violations(page)
    _navigate(page, page.get_by_role("button", name="Send the letter"))
    _navigate(
        page, page.get_by_role("link", name="Our written response to your request", exact=True)
    )
    assert_no_axe_violations(page)
    context.close()
