"""A new resident signs up, confirms their email by code, links their account with a demo water
bill (checked by a real Celery worker against the demo City's store) and sees level 2.
axe-core checks every page visited."""

import re
import sqlite3

import pytest

from portal.demo.setup import demo_setup
from portal.identity.matching import ENTITY_WORDS, name_tokens
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.processes import wait_until

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long unusual passphrase 93"


@pytest.fixture
def demo_city(settings, tmp_path):
    """A small demo City: its department stores, departments and data sources."""
    settings.DEMO_DATA_DIR = tmp_path / "demo"
    demo_setup(seed=11, residents=200, log=lambda line: None)
    return settings.DEMO_DATA_DIR


def _a_water_customer(directory) -> tuple[str, str, str, float]:
    """An account billed to one person, with the amount due on its most recent bill."""
    with sqlite3.connect(directory / "water_sewer.sqlite3") as connection:
        rows = connection.execute(
            "SELECT a.account_number, a.billing_name, b.amount_due FROM accounts a "
            "JOIN bills b ON b.account_number = a.account_number "
            "WHERE b.bill_number = (SELECT latest.bill_number FROM bills latest "
            "WHERE latest.account_number = a.account_number "
            "ORDER BY latest.bill_date DESC, latest.bill_number DESC LIMIT 1) "
            "ORDER BY a.account_number"
        ).fetchall()
    connection.close()
    for number, name, amount in rows:
        words = name.split()
        if len(words) == 2 and "&" not in name and not ENTITY_WORDS & set(name_tokens(name)):
            return number, words[0], words[1], amount
    raise AssertionError("the demo has no water account billed to one person")


def _verification_code(message_body: str) -> str:
    match = re.search(r"^\s*([A-Z0-9]{4,}(?:-[A-Z0-9]{4,})*)\s*$", message_body, re.MULTILINE)
    assert match, message_body
    return match.group(1)


def _continue(page) -> None:
    page.get_by_role("button", name="Continue").click()


def test_a_new_resident_signs_up_links_a_water_bill_and_reaches_level_2(
    page, demo_city, celery_worker, mailoutbox
):
    csp_violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            csp_violations.append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    number, first, last, amount = _a_water_customer(demo_city)
    email = "new.resident@example.org"

    page.goto("/accounts/signup/")
    assert_no_axe_violations(page)
    page.locator("#id_email").fill(email)
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator("main button[type=submit]").first.click()

    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert_no_axe_violations(page)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [email]
    page.locator("#id_code").fill(_verification_code(mailoutbox[0].body))
    page.get_by_role("button", name="Confirm").click()

    page.wait_for_url(re.compile(r"/account/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your account"
    assert "Level 1: email address confirmed" in page.locator("#identity-level").inner_text()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Use a City bill with your name on it").click()
    page.wait_for_url(re.compile(r"/account/link/$"))
    assert_no_axe_violations(page)
    page.get_by_label("A water and sewer bill").check()
    _continue(page)

    page.wait_for_url(re.compile(r"/account/link/number/$"))
    assert_no_axe_violations(page)
    page.get_by_label("What is your water and sewer account number?").fill(number.lower())
    _continue(page)

    page.wait_for_url(re.compile(r"/account/link/amount/$"))
    assert_no_axe_violations(page)
    amount_field = page.get_by_label("How much was due on your most recent water bill?")
    amount_field.fill("about forty dollars")
    _continue(page)
    assert_error_page(page)
    assert page.get_by_role("link", name=re.compile("Enter the amount in dollars")).is_visible()
    assert amount_field.input_value() == "about forty dollars"
    assert_no_axe_violations(page)
    amount_field.fill(f"${amount:,.2f}")
    _continue(page)

    # A new account has no profile name yet: the flow asks for it (the bill's name is compared).
    page.wait_for_url(re.compile(r"/account/link/name/$"))
    assert_no_axe_violations(page)
    page.get_by_label("First name").fill(first)
    page.get_by_label("Last name").fill(last)
    _continue(page)

    page.wait_for_url(re.compile(r"/account/link/check/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers"
    assert page.get_by_text(number).is_visible()
    assert page.get_by_text(f"{first} {last}").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send").click()

    page.wait_for_url(re.compile(r"/account/link/tries/\d+/$"))
    assert_no_axe_violations(page)
    # The worker checks the bill; the page's script notices and shows the result.
    linked = page.get_by_role("heading", name="Your account is linked to your City records")
    linked.wait_for(timeout=60_000)
    assert page.get_by_text("Level 2: linked to your City records").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Go to your account").click()
    page.wait_for_url(re.compile(r"/account/$"))
    assert "Level 2: linked to your City records" in page.locator("#identity-level").inner_text()
    assert page.locator("#step-link").get_by_text("Done").is_visible()
    assert_no_axe_violations(page)
    assert csp_violations == []


def _signed_in(page, live_server, user) -> None:
    """Give the browser a session for `user` (staff personas already use a second factor and
    acknowledged the safeguards)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_a_resident_sends_a_photo_id_and_a_clerk_accepts_it(
    page, live_server, resident, clerk, tmp_path
):
    from portal.identity.models import IdentityDocument
    from tests.factories import ID_IMAGE_PNG_BYTES, ProfileFactory

    ProfileFactory(user=resident, legal_first_name="Alice", legal_last_name="Archer")
    not_an_image = tmp_path / "licence.png"
    not_an_image.write_bytes(b"<!DOCTYPE html><html><body>not a photo</body></html>")
    image = tmp_path / "licence-photo.png"
    image.write_bytes(ID_IMAGE_PNG_BYTES)
    _signed_in(page, live_server, resident)

    page.goto("/account/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Upload a photo of your ID").click()
    page.wait_for_url(re.compile(r"/account/photo-id/$"))
    assert_no_axe_violations(page)
    page.get_by_label("State ID card").check()
    page.get_by_label("Photo of your ID").set_input_files(str(not_an_image))
    _continue(page)
    assert_error_page(page)
    assert page.get_by_role(
        "link", name=re.compile("must be a JPEG image or PNG image")
    ).is_visible()
    assert page.get_by_label("State ID card").is_checked()
    assert_no_axe_violations(page)
    page.get_by_label("Photo of your ID").set_input_files(str(image))
    _continue(page)

    page.wait_for_url(re.compile(r"/account/photo-id/check/$"))
    assert page.get_by_text("licence-photo.png").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send for checking").click()
    page.wait_for_url(re.compile(r"/account/$"))
    assert page.locator("#step-photo-id").get_by_text("Waiting for a clerk").is_visible()
    assert_no_axe_violations(page)

    page.context.clear_cookies()
    _signed_in(page, live_server, clerk)
    page.goto("/staff/identity/")
    assert_no_axe_violations(page)
    page.get_by_label("Email address or name").fill("archer")
    page.get_by_role("button", name="Search").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=resident.email).click()
    assert page.get_by_role("heading", name="Identity of a resident").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Photo IDs to check").click()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=resident.email).click()
    # The image is streamed by a staff-only view; it loads in the page.
    photo = page.locator("img.identity-document")
    wait_until(
        lambda: photo.evaluate("image => image.complete && image.naturalWidth") == 1,
        timeout=10,
        what="the photo ID image to load",
    )
    assert_no_axe_violations(page)
    _continue(page)
    assert_error_page(page)
    assert_no_axe_violations(page)
    page.get_by_label("Accept it", exact=True).check()
    _continue(page)
    assert page.get_by_role("heading", name="Confirm your decision").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record the decision").click()

    page.wait_for_url(re.compile(r"/staff/identity/photo-ids/$"))
    assert page.get_by_text("No photo IDs are waiting.").is_visible()
    assert_no_axe_violations(page)
    assert IdentityDocument.objects.get().status == "approved"


def test_staff_record_a_counter_check_ask_for_an_override_and_withdraw_a_check(
    page, live_server, resident, clerk, privacy_officer
):
    from tests.factories import ProfileFactory

    ProfileFactory(user=resident, legal_first_name="Alice", legal_last_name="Archer")
    _signed_in(page, live_server, clerk)

    page.goto(f"/staff/identity/residents/{resident.pk}/override/")
    assert_no_axe_violations(page)
    page.get_by_label("Level 2: linked to your City records").check()
    page.get_by_label("Why is this needed without the usual evidence?").fill("Too short.")
    page.get_by_role("button", name="Ask for approval").click()
    assert_error_page(page)
    assert_no_axe_violations(page)
    page.get_by_label("Why is this needed without the usual evidence?").fill(
        "Known at the counter for years; has no City bill in her own name."
    )
    page.get_by_role("button", name="Ask for approval").click()
    page.wait_for_url(re.compile(r"/staff/identity/overrides/\d+/$"))
    assert page.get_by_text("A different staff member must approve").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Overrides", exact=True).click()
    assert_no_axe_violations(page)

    page.goto(f"/staff/identity/residents/{resident.pk}/in-person/")
    assert_no_axe_violations(page)
    page.get_by_label("Passport").check()
    page.get_by_label("Last 4 letters or numbers of the ID number").fill("12")
    _continue(page)
    assert_error_page(page)
    assert_no_axe_violations(page)
    page.get_by_label("Last 4 letters or numbers of the ID number").fill("A123")
    page.get_by_label("The photo on the ID looks like the person in front of me").check()
    _continue(page)
    assert page.get_by_role("heading", name="Confirm the photo ID check").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record the check").click()
    page.wait_for_url(re.compile(rf"/staff/identity/residents/{resident.pk}/$"))
    assert page.get_by_text("Photo ID checked in person").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name=re.compile("^Withdraw")).click()
    assert_no_axe_violations(page)
    page.get_by_label("Why are you withdrawing this check?").fill("Recorded on the wrong account.")
    _continue(page)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Withdraw the check").click()
    page.wait_for_url(re.compile(rf"/staff/identity/residents/{resident.pk}/$"))
    assert page.get_by_text("Recorded on the wrong account.").is_visible()

    page.context.clear_cookies()
    _signed_in(page, live_server, privacy_officer)
    page.goto("/staff/identity/overrides/")
    page.get_by_role("link", name=resident.email).click()
    page.get_by_role("radio", name="Do not accept it").check()
    _continue(page)
    assert_error_page(page)
    assert_no_axe_violations(page)
    page.get_by_label("Accept it", exact=True).check()
    _continue(page)
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Record the decision").click()
    page.wait_for_url(re.compile(r"/staff/identity/overrides/$"))
    assert page.get_by_text("Approved").is_visible()
    assert_no_axe_violations(page)
