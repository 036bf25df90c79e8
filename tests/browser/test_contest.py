"""Contesting a denial in a real Chromium: the resident finds the link on her denied request,
sends her reasons after a mistake, and the privacy officer overturns the denial after a
confirmation. axe-core checks every page."""

import re

import pytest
from django.conf import settings
from django.test import Client

from requests.services import request_deny, request_submit
from requests.states import RequestStatus
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.gathering.conftest import alice  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_as(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def _at(page, path: str) -> None:
    page.wait_for_url(re.compile(re.escape(path) + r"(\?[^#]*)?(#.*)?$"))


def test_a_resident_contests_a_denial_and_the_privacy_officer_overturns_it(
    page,
    live_server,
    alice,  # noqa: F811
    clerk,
    privacy_officer,
):
    denied = request_submit(requester=alice, subject=alice, kind="access", description="Dogs")
    denied.refresh_from_db()
    request_deny(
        request=denied, actor=clerk, reason="Held for an investigation.", exemptions=["26a"]
    )

    _sign_in_as(page, live_server, alice)
    page.goto(f"/requests/{denied.number}/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Contest this denial").click()
    _at(page, f"/requests/{denied.number}/contest/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send my challenge").click()
    assert_error_page(page)
    assert "Say why the denial is wrong." in page.locator(".error-summary").inner_text()
    assert_no_axe_violations(page)
    page.get_by_label("Why is the denial wrong?").fill("The investigation ended in 2025.")
    page.get_by_role("button", name="Send my challenge").click()
    contest = denied.contests.get()
    _at(page, f"/requests/{contest.number}/submitted/")
    assert_no_axe_violations(page)

    _sign_in_as(page, live_server, privacy_officer)
    page.goto(f"/staff/requests/{contest.number}/")
    page.get_by_role("link", name="decide this contest").click()
    _at(page, f"/staff/requests/{contest.number}/contest/")
    assert "The investigation ended in 2025." in page.content()
    assert_no_axe_violations(page)
    page.get_by_label("Overturn the denial: a clerk reviews the records again").check()
    page.get_by_label("Reason for the decision").fill("No investigation is open.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("button", name="Confirm the decision").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm the decision").click()
    _at(page, f"/staff/requests/{contest.number}/")
    denied.refresh_from_db()
    assert denied.status == RequestStatus.IN_REVIEW
    assert_no_axe_violations(page)
