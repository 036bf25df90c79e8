"""Representatives in a real Chromium: someone asks to act for a resident with proof, a clerk
accepts it, the representative then acts under a banner, and the resident can stop it. axe-core
checks every page visited."""

import re

import pytest
from django.conf import settings
from django.test import Client

from portal.representatives.models import Grant, GrantStatus
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.factories import PROOF_PDF_BYTES, GrantFactory, ProfileFactory

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


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _at(page, path: str) -> None:
    page.wait_for_url(re.compile(path + r"(\?[^#]*)?(#.*)?$"))


def test_a_representative_asks_with_proof_a_clerk_accepts_and_the_banner_shows(
    page, live_server, resident, other_resident, clerk, tmp_path
):
    csp = _watch_csp(page)
    ProfileFactory(user=resident)
    html_named_pdf = tmp_path / "proof.pdf"
    html_named_pdf.write_bytes(b"<!DOCTYPE html><html><body>not a document</body></html>")
    real_pdf = tmp_path / "power-of-attorney.pdf"
    real_pdf.write_bytes(PROOF_PDF_BYTES)

    # The representative asks.
    _sign_in_as(page, live_server, other_resident)
    page.goto("/account/representing/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ask to act for someone").click()
    _at(page, "/account/representing/ask/")
    assert_no_axe_violations(page)
    page.get_by_label("Holder of their power of attorney").check()
    page.get_by_label("Their full name").fill("Alice Archer")
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("1980")
    page.get_by_label("Street address").fill("12 Elm Street")
    page.get_by_label("ZIP code").fill("01085")
    page.get_by_label("Their email address (optional)").fill("alice@example.org")
    page.get_by_label("Tell us why you need to act for them").fill(
        "She gave me power of attorney in March 2024."
    )
    page.get_by_label("Upload your proof").set_input_files(str(html_named_pdf))
    page.get_by_role("button", name="Continue").click()

    page.wait_for_load_state()
    assert_error_page(page)
    assert page.get_by_role("link", name=re.compile("whatever its name says")).is_visible()
    assert page.get_by_label("Their full name").input_value() == "Alice Archer"
    assert page.get_by_label("Holder of their power of attorney").is_checked()
    assert (
        page.get_by_label("Tell us why you need to act for them")
        .input_value()
        .startswith("She gave me")
    )
    assert_no_axe_violations(page)
    page.get_by_label("Upload your proof").set_input_files(str(real_pdf))
    page.get_by_role("button", name="Continue").click()

    _at(page, "/account/representing/ask/check/")
    assert page.get_by_text("power-of-attorney.pdf").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send the request").click()
    _at(page, r"/account/representing/ask/sent/\d+/")
    grant = Grant.objects.get()
    assert page.get_by_text(grant.reference).is_visible()
    assert_no_axe_violations(page)

    # A clerk accepts it.
    _sign_in_as(page, live_server, clerk)
    page.goto("/staff/representatives/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=grant.reference).click()
    _at(page, rf"/staff/representatives/{grant.pk}/")
    assert page.get_by_text("The name in their profile matches.").is_visible()
    assert_no_axe_violations(page)
    proof = page.request.get(f"/staff/representatives/{grant.pk}/proof/")
    assert proof.body() == PROOF_PDF_BYTES
    assert proof.headers["content-disposition"].startswith("inline")
    assert "no-store" in proof.headers["cache-control"]
    page.get_by_role("link", name="Accept", exact=True).click()
    _at(page, rf"/staff/representatives/{grant.pk}/accept/")
    assert page.get_by_label("Resident's account (optional)").input_value() == ("alice@example.org")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert_error_page(page)
    assert page.get_by_role("link", name="Choose what they may ask for").is_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Get a copy of their information").check()
    page.get_by_label("Ask whether the City holds information about them").check()
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Accept this request?").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Accept the request").click()
    _at(page, rf"/staff/representatives/{grant.pk}/")
    assert page.get_by_text("The request was accepted.").is_visible()
    assert_no_axe_violations(page)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.ACCEPTED
    assert grant.resident == resident

    # The representative now acts for the resident, under the banner.
    _sign_in_as(page, live_server, other_resident)
    page.goto("/account/representing/")
    assert page.get_by_text("Accepted", exact=True).is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Alice Archer").click()
    _at(page, rf"/account/representing/{grant.pk}/")
    assert page.get_by_text("You are acting on behalf of Alice Archer").is_visible()
    assert page.get_by_text("Get a copy of their information").is_visible()
    assert_no_axe_violations(page)
    assert csp == []


def test_a_resident_stops_someone_acting_for_them(page, live_server, resident, other_resident):
    grant = GrantFactory(accepted=True, representative=other_resident, resident=resident)
    _sign_in_as(page, live_server, resident)

    page.goto("/account/profile/")
    page.get_by_role("link", name="See who can act for you").click()
    _at(page, "/account/profile/representatives/")
    assert page.get_by_text("Holder of their power of attorney").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name=re.compile("^Stop")).click()
    _at(page, rf"/account/profile/representatives/{grant.pk}/stop/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Stop Bob Booker acting for me").click()

    _at(page, "/account/profile/representatives/")
    assert page.get_by_text("Bob Booker can no longer act for you.").is_visible()
    assert_no_axe_violations(page)
    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED

    _sign_in_as(page, live_server, other_resident)
    response = page.goto(f"/account/representing/{grant.pk}/")
    assert response.status == 404
    assert_no_axe_violations(page)


def test_clerks_refuse_and_stop_pages_pass_axe(page, live_server, clerk, resident):
    pending = GrantFactory()
    accepted = GrantFactory(accepted=True, resident=resident)
    _sign_in_as(page, live_server, clerk)

    page.goto(f"/staff/representatives/{pending.pk}/refuse/")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert_error_page(page)
    assert_no_axe_violations(page)
    page.get_by_label("Why is the request not accepted?").fill("The document is not signed.")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Change the reason").click()
    page.wait_for_load_state()
    assert page.get_by_label("Why is the request not accepted?").input_value() == (
        "The document is not signed."
    )
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Refuse the request").click()
    _at(page, rf"/staff/representatives/{pending.pk}/")
    assert_no_axe_violations(page)

    page.goto("/staff/representatives/?status=refused")
    assert page.get_by_role("link", name=pending.reference).is_visible()
    assert_no_axe_violations(page)

    page.goto(f"/staff/representatives/{accepted.pk}/")
    page.get_by_role("link", name="Stop this grant").click()
    _at(page, rf"/staff/representatives/{accepted.pk}/stop/")
    assert_no_axe_violations(page)
    page.get_by_label("Why are you stopping this grant?").fill("The court order ended.")
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Stop the grant").click()
    _at(page, rf"/staff/representatives/{accepted.pk}/")
    assert_no_axe_violations(page)
    assert Grant.objects.get(pk=accepted.pk).status == GrantStatus.REVOKED
