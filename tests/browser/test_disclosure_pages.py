"""Disclosures and legal process in a real Chromium: a clerk records a disclosure (after a
mistake), records a subpoena, and finds release refused until the notice period has passed.
axe-core checks every page visited."""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from portal.disclosures.models import Disclosure, LegalProcess
from tests.browser.axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_as(page, live_server, user) -> None:
    """Replace the browser's session with one for `user` (staff personas already use a second
    factor and acknowledged the safeguards)."""
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
    page.wait_for_url(re.compile(path + r"(\?[^#]*)?(#.*)?$"))


def test_a_clerk_records_a_disclosure_and_a_subpoena(page, live_server, clerk, resident):
    _sign_in_as(page, live_server, clerk)

    page.goto("/staff/")
    page.get_by_role("link", name="Disclosures outside the City").click()
    _at(page, "/staff/disclosures/")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Record a disclosure").click()
    _at(page, "/staff/disclosures/new/")
    assert_no_axe_violations(page)
    page.get_by_label("The resident's email address or City account number").fill(
        "alice@example.org"
    )
    page.get_by_label("Given to").fill("Massachusetts Department of Revenue")
    page.get_by_label("Another government agency").check()
    page.get_by_label("A law or regulation allows it").check()
    page.get_by_label("Which information was given").fill("Assessed value for fiscal 2026.")
    page.get_by_label("What the recipient will use it for").fill("An abatement check.")
    page.get_by_role("button", name="Record the disclosure").click()

    # The citation is missing: the error summary says so, and what was typed is still there.
    expect(page).to_have_title(re.compile(r"^Error:"))
    summary = page.locator(".error-summary")
    assert "Enter the law or regulation" in summary.inner_text()
    assert page.get_by_label("Given to").input_value() == "Massachusetts Department of Revenue"
    assert_no_axe_violations(page)
    page.get_by_label("Law or regulation relied on").fill("M.G.L. c. 62C §21(b)(1)")
    page.get_by_role("button", name="Record the disclosure").click()

    disclosure = Disclosure.objects.get()
    _at(page, f"/staff/disclosures/{disclosure.pk}/")
    assert "M.G.L. c. 62C §21(b)(1)" in page.content()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Subpoenas and court orders").click()
    _at(page, "/staff/legal-process/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Record a subpoena or court order").click()
    _at(page, "/staff/legal-process/new/")
    assert_no_axe_violations(page)
    page.get_by_label("The resident's email address or City account number").fill(
        "alice@example.org"
    )
    page.get_by_label("Subpoena").check()
    page.get_by_label("Issued by").fill("Hampden County Superior Court")
    page.get_by_label("Which information it asks for").fill("Water bills for 2025.")
    page.get_by_role("button", name="Record it and notify the resident").click()

    legal_process = LegalProcess.objects.get()
    _at(page, f"/staff/legal-process/{legal_process.pk}/")
    assert "so the resident can ask a court to quash it" in page.content()
    assert_no_axe_violations(page)

    assert page.get_by_role("link", name="Release the information").count() == 0
    page.goto(f"/staff/legal-process/{legal_process.pk}/release/")
    assert "Nothing may be released yet" in page.content()
    assert_no_axe_violations(page)

    page.goto(f"/staff/legal-process/{legal_process.pk}/dispense/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record the court order").click()
    expect(page).to_have_title(re.compile(r"^Error:"))
    assert "If you chose a file, choose it again" in page.content()
    assert_no_axe_violations(page)

    page.goto(f"/staff/legal-process/{legal_process.pk}/withdraw/")
    assert_no_axe_violations(page)
    page.get_by_label("The issuer withdrew it").check()
    page.get_by_role("button", name="Record it").click()
    _at(page, f"/staff/legal-process/{legal_process.pk}/")
    assert "The issuer withdrew it on" in page.content()
    assert_no_axe_violations(page)

    # The lists with rows in them.
    page.goto("/staff/legal-process/")
    assert "The issuer withdrew it on" in page.content()
    assert_no_axe_violations(page)
    page.goto("/staff/disclosures/")
    assert "Massachusetts Department of Revenue" in page.content()
    assert_no_axe_violations(page)
