"""Level 2 by a code mailed to the address of record, in a real Chromium, with axe on every page:
a resident asks, a clerk prints the batch, the resident types the code from the letter."""

import io
import re

import pytest
from django.conf import settings
from django.test import Client
from pypdf import PdfReader

from portal.demo.stores import city_clerk
from portal.identity.models import IdentityLevel
from portal.identity.selectors import identity_level
from portal.postal.demo import postal_demo_sources_ensure
from portal.postal.models import MailedCode, MailedCodeStatus
from portal.postal.services import mailed_code_find_address
from tasks.connectors.sql import dispose_engines
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.factories import StaffFactory, UserFactory
from tests.postal.helpers import ALICE_BORN, StreetListing, profile_set
from tests.processes import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"\b([A-Z0-9]{5}-[A-Z0-9]{5})\b")


@pytest.fixture
def street_listing(transactional_db, tmp_path):
    """The demo's address-of-record source over a listing of the test's own."""
    listing = StreetListing(tmp_path / city_clerk.FILENAME)
    postal_demo_sources_ensure(directory=tmp_path)
    yield listing
    dispose_engines()


def _signed_in_page(browser, live_server, user):
    """A browser of its own for one person, signed in."""
    client = Client()
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


def _settle_lookup(user) -> MailedCode:
    """What the worker does once the request commits (tested with a real worker elsewhere). When
    the session's worker is running it may get there first; either way one lookup settles it."""
    mailed_code = MailedCode.objects.get(user=user)
    mailed_code_find_address(mailed_code_id=str(mailed_code.id))
    wait_until(
        lambda: MailedCode.objects.get(pk=mailed_code.pk).status != MailedCodeStatus.FINDING,
        timeout=30,
        what="the address lookup",
    )
    return MailedCode.objects.get(pk=mailed_code.pk)


def test_resident_asks_clerk_prints_resident_enters_the_code_and_reaches_level_two(
    browser, live_server, street_listing
):
    resident = UserFactory(email="alice.mail@example.org")
    profile_set(resident)
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="12 Elm Street")
    clerk = StaffFactory(email="carol.print@example.org", first_name="Carol", last_name="Clark")
    resident_context, page = _signed_in_page(browser, live_server, resident)
    clerk_context, staff_page = _signed_in_page(browser, live_server, clerk)
    try:
        page.goto("/account/mailed-code/")
        assert page.get_by_role("heading", level=1).inner_text() == "Get a code by post"
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Continue").click()

        assert page.get_by_role("heading", level=1).inner_text() == "Check your answers"
        assert "Alice Archer" in page.content() and "14 March 1980" in page.content()
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Ask for a code by post").click()

        assert page.get_by_role("heading", level=1).inner_text() == "Your code by post"
        assert "We are looking for your address" in page.content()
        assert_no_axe_violations(page)

        assert _settle_lookup(resident).status == MailedCodeStatus.READY
        page.reload()
        assert "We are preparing your letter" in page.content()
        assert "12 Elm Street" not in page.content()
        assert_no_axe_violations(page)

        staff_page.goto("/staff/mailed-codes/")
        assert "Alice Archer" in staff_page.content()
        assert_no_axe_violations(staff_page)
        staff_page.get_by_role("link", name="Create print batch").click()
        assert "This makes one PDF with 1 letter" in staff_page.content()
        assert_no_axe_violations(staff_page)
        staff_page.get_by_role("button", name="Create print batch").click()
        assert "The print batch is ready" in staff_page.content()
        assert_no_axe_violations(staff_page)
        with staff_page.expect_download() as download:
            staff_page.get_by_role("link", name="Download the letters (PDF)").click()
        letter = PdfReader(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
        [text] = [sheet.extract_text() for sheet in letter.pages]
        assert "12 Elm Street" in text
        code = CODE.search(text).group(1)

        page.reload()
        assert "We mailed your letter on" in page.content()
        assert_no_axe_violations(page)
        page.get_by_role("link", name="Enter your code").click()
        assert_no_axe_violations(page)
        wrong = "ACDEF-GHJK3" if code != "ACDEF-GHJK3" else "ACDEF-GHJK4"
        page.get_by_label("Enter the code from your letter").fill(wrong)
        page.get_by_role("button", name="Check the code").click()
        assert_error_page(page)
        assert "That code is not right" in page.content()
        assert_no_axe_violations(page)
        assert identity_level(user=resident) == IdentityLevel.EMAIL

        page.get_by_label("Enter the code from your letter").fill(code.lower())
        page.get_by_role("button", name="Check the code").click()
        assert "We have confirmed who you are" in page.content()
        assert_no_axe_violations(page)
        assert identity_level(user=resident) == IdentityLevel.REMOTE
    finally:
        resident_context.close()
        clerk_context.close()


def test_new_resident_gives_an_address_and_a_clerk_approves_it_with_a_reason(
    browser, live_server, street_listing
):
    resident = UserFactory(email="nina.new@example.org")
    profile_set(resident, first="Nina", last="Newcomer")
    clerk = StaffFactory(email="carol.review@example.org", first_name="Carol", last_name="Clark")
    resident_context, page = _signed_in_page(browser, live_server, resident)
    clerk_context, staff_page = _signed_in_page(browser, live_server, clerk)
    try:
        page.goto("/account/mailed-code/check/")
        # The answer page must have loaded before it is reloaded: a reload while the form's
        # answer is still on its way finds no page to reload.
        with page.expect_navigation():
            page.get_by_role("button", name="Ask for a code by post").click()
        assert _settle_lookup(resident).status == MailedCodeStatus.NEEDS_REVIEW
        page.reload()
        assert "A clerk needs to check your details" in page.content()
        assert_no_axe_violations(page)

        page.get_by_role("link", name="Give your address").click()
        assert_no_axe_violations(page)
        page.get_by_label("Street address").fill("7 Orchard Lane")
        page.get_by_label("ZIP code").fill("1085")
        page.get_by_role("button", name="Continue").click()
        assert_error_page(page)
        assert_no_axe_violations(page)
        page.get_by_label("ZIP code").fill("01085")
        page.get_by_role("button", name="Continue").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Check your address"
        assert_no_axe_violations(page)
        page.get_by_role("button", name="Send to a clerk").click()
        assert "You gave us an address" in page.content()

        staff_page.goto("/staff/mailed-codes/")
        staff_page.get_by_role("link", name=re.compile("^Review")).click()
        assert "7 Orchard Lane" in staff_page.content()
        assert_no_axe_violations(staff_page)
        staff_page.get_by_label("Approve the address the resident typed").check()
        staff_page.get_by_role("button", name="Continue").click()
        assert_error_page(staff_page)
        assert_no_axe_violations(staff_page)
        staff_page.get_by_label("Reason").fill("New to Westfield; lease seen at the counter")
        staff_page.get_by_role("button", name="Continue").click()
        assert staff_page.get_by_role("heading", level=1).inner_text() == "Check your decision"
        assert_no_axe_violations(staff_page)
        staff_page.get_by_role("button", name="Confirm the decision").click()
        assert "The letter will go to the address the resident gave" in staff_page.content()
        assert_no_axe_violations(staff_page)

        mailed_code = MailedCode.objects.get(user=resident)
        assert mailed_code.status == MailedCodeStatus.READY
        assert mailed_code.address_line1 == "7 Orchard Lane"
        page.reload()
        assert "We are preparing your letter" in page.content()
    finally:
        resident_context.close()
        clerk_context.close()
