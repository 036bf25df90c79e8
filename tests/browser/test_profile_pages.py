"""The resident's profile in a real Chromium: filled in one question at a time, checked, saved.
axe-core checks every page visited."""

import re

import pytest
from django.conf import settings
from django.test import Client

from portal.profiles.models import Profile, ResidentIdentifier
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in(page, live_server, user) -> None:
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


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _continue(page) -> None:
    page.get_by_role("button", name="Continue").click()
    page.wait_for_load_state()


def test_a_resident_fills_in_the_profile_and_checks_it_before_saving(page, live_server, resident):
    csp = _watch_csp(page)
    _signed_in(page, live_server, resident)

    page.goto("/account/profile/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your profile"
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Fill in your profile").click()

    page.wait_for_url(re.compile(r"/account/profile/name/(#.*)?$"))
    assert_no_axe_violations(page)
    page.get_by_label("First name").fill("Alice")
    page.get_by_label("Last name").fill("Archer")
    page.get_by_label("Suffix (optional)").fill("Jr.")
    _continue(page)

    page.wait_for_url(re.compile(r"/account/profile/date-of-birth/(#.*)?$"))
    assert_no_axe_violations(page)
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("1980")
    _continue(page)
    assert_error_page(page)
    page.get_by_role("link", name="Date of birth must be a real date").click()
    assert page.evaluate("document.activeElement.id") == "id_day"
    assert page.get_by_label("Year").input_value() == "1980"
    assert_no_axe_violations(page)
    page.get_by_label("Day").fill("27")
    page.get_by_label("Month").fill("3")
    _continue(page)

    page.wait_for_url(re.compile(r"/account/profile/address/(#.*)?$"))
    assert_no_axe_violations(page)
    page.get_by_label("Street address").fill("12 Elm Street")
    page.get_by_label("ZIP code").fill("01085")
    _continue(page)

    page.wait_for_url(re.compile(r"/account/profile/phone/(#.*)?$"))
    assert_no_axe_violations(page)
    page.get_by_label("What is your phone number?").fill("413-555-0123")
    _continue(page)

    page.wait_for_url(re.compile(r"/account/profile/language/(#.*)?$"))
    assert_no_axe_violations(page)
    page.get_by_label("Spanish").check()
    _continue(page)

    page.wait_for_url(re.compile(r"/account/profile/check/(#.*)?$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before saving"
    assert page.get_by_text("Alice Archer Jr.").is_visible()
    assert page.get_by_text("27 March 1980").is_visible()
    assert_no_axe_violations(page)
    assert Profile.objects.get(user=resident).legal_last_name == ""

    page.get_by_role("link", name="Change date of birth").click()
    page.wait_for_url(re.compile(r"/account/profile/date-of-birth/\?return=check(#.*)?$"))
    assert page.get_by_label("Day").input_value() == "27"
    assert_no_axe_violations(page)
    page.get_by_label("Day").fill("28")
    _continue(page)
    page.wait_for_url(re.compile(r"/account/profile/check/(#.*)?$"))
    assert page.get_by_text("28 March 1980").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Save these answers").click()
    page.wait_for_url(re.compile(r"/account/profile/(#.*)?$"))
    assert page.get_by_text("Your profile was saved.").is_visible()
    assert page.get_by_text("Spanish").is_visible()
    assert_no_axe_violations(page)
    profile = Profile.objects.get(user=resident)
    assert profile.legal_name == "Alice Archer Jr."
    assert profile.date_of_birth.day == 28
    assert csp == []


def test_a_resident_adds_a_previous_address_and_a_number_then_removes_the_number(
    page, live_server, resident
):
    _signed_in(page, live_server, resident)
    page.goto("/account/profile/")

    page.get_by_role("link", name="Add a previous address").click()
    page.wait_for_url(re.compile(r"/previous-addresses/add/(#.*)?$"))
    assert_no_axe_violations(page)
    page.get_by_label("Street address").fill("9 Oak Avenue")
    page.get_by_label("ZIP code").fill("01085")
    page.get_by_label("Year you moved in").fill("2015")
    page.get_by_label("Year you moved out").fill("2019")
    _continue(page)
    page.wait_for_url(re.compile(r"/account/profile/check/(#.*)?$"))
    assert page.get_by_text("From 2015 to 2019").is_visible()
    page.get_by_role("button", name="Save these answers").click()
    page.wait_for_url(re.compile(r"/account/profile/(#.*)?$"))
    assert page.get_by_role("link", name="Change 9 Oak Avenue").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Add a number").click()
    page.wait_for_url(re.compile(r"/numbers/add/(#.*)?$"))
    assert_no_axe_violations(page)
    page.get_by_label(re.compile("Water and sewer account number")).check()
    page.get_by_label("Number", exact=True).fill("12345")
    _continue(page)
    assert_error_page(page)
    assert page.get_by_role("link", name=re.compile("like WS-0012345")).is_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Number", exact=True).fill("ws 0012345")
    _continue(page)
    page.wait_for_url(re.compile(r"/account/profile/check/(#.*)?$"))
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Save these answers").click()
    page.wait_for_url(re.compile(r"/account/profile/(#.*)?$"))
    assert page.get_by_text("WS-0012345", exact=True).is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Remove Water and sewer account number WS-0012345").click()
    page.wait_for_url(re.compile(r"/numbers/\d+/remove/(#.*)?$"))
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Yes, remove it").click()
    page.wait_for_url(re.compile(r"/account/profile/(#.*)?$"))
    assert page.get_by_text("The number was removed from your profile.").is_visible()
    assert not ResidentIdentifier.objects.exists()


def test_the_profile_fits_a_320_pixel_screen(page, live_server, resident):
    _signed_in(page, live_server, resident)
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto("/account/profile/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_axe_violations(page)
