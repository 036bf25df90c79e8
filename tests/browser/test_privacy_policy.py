"""The privacy policy in a real Chromium: the privacy officer writes and publishes a version (the
30-day rule refusing too short a notice), then the public pages show the coming change, the
banner shows on every page and the notice sits beside a form. axe-core checks every page."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django.utils.dateformat import format as date_format

from portal.policies.first_version import first_version_ensure
from portal.policies.models import PolicyVersion
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.factories import ProfileFactory

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


def _fill_date(page, day: dt.date) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_the_privacy_officer_publishes_a_version_and_residents_see_the_change(
    page, live_server, privacy_officer, resident
):
    first_version_ensure(PolicyVersion)
    ProfileFactory(user=resident)
    today = timezone.localdate()
    takes_effect = today + dt.timedelta(days=30)
    long_date = date_format(takes_effect, "j F Y")

    # The privacy officer writes a draft.
    _sign_in_as(page, live_server, privacy_officer)
    page.goto("/staff/privacy-policy/")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Write a new version").click()
    _at(page, "/staff/privacy-policy/new/")
    assert_no_axe_violations(page)
    text = page.get_by_label("Text of the policy")
    text.fill(
        text.input_value().replace(
            "We do not sell any personally identifiable information",
            "We never sell or rent any personally identifiable information",
        )
    )
    page.get_by_role("button", name="Save the draft").click()
    assert_error_page(page)
    assert_no_axe_violations(page)
    page.get_by_label("What changes, in plain words").fill("We also never rent it.")
    page.get_by_role("button", name="Save the draft").click()
    _at(page, r"/staff/privacy-policy/drafts/\d+/")
    assert page.get_by_text("[added]").first.is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Change the draft").click()
    _at(page, r"/staff/privacy-policy/drafts/\d+/edit/")
    assert_no_axe_violations(page)
    page.get_by_label("What changes, in plain words").fill("We never sell or rent it.")
    page.get_by_role("button", name="Save the draft").click()
    _at(page, r"/staff/privacy-policy/drafts/\d+/")
    assert page.get_by_text("We never sell or rent it.").is_visible()

    # 29 days of notice is refused; 30 is accepted after a confirmation.
    page.get_by_role("link", name="Publish this version").click()
    _at(page, r"/staff/privacy-policy/drafts/\d+/publish/")
    assert_no_axe_violations(page)
    _fill_date(page, today + dt.timedelta(days=29))
    page.get_by_label("Yes: it changes what we collect").check()
    page.get_by_role("button", name="Continue").click()
    assert_error_page(page)
    assert page.get_by_role("alert").get_by_text("is only 29 days away").is_visible()
    assert_no_axe_violations(page)
    _fill_date(page, takes_effect)
    page.get_by_role("button", name="Continue").click()
    assert page.get_by_role("heading", name="Publish this version?").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Publish this version").click()
    _at(page, "/staff/privacy-policy/")
    assert page.get_by_text("Version 2 is published.").is_visible()
    assert PolicyVersion.objects.get(number=2).effective_on == takes_effect
    assert_no_axe_violations(page)

    # Anyone: the banner, the coming version and every change.
    page.context.clear_cookies()
    page.goto("/")
    banner = page.get_by_role("region", name="Change to the privacy policy")
    assert banner.get_by_text(f"changes on {long_date}").is_visible()
    banner.get_by_role("link", name="See what is changing").click()
    _at(page, "/privacy/")
    assert page.get_by_role("heading", name=f"The policy changes on {long_date}").is_visible()
    assert page.locator("del.diff__del").first.is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Read version 2 in full").click()
    _at(page, "/privacy/versions/2/")
    assert_no_axe_violations(page)
    page.goto("/privacy/versions/1/")
    assert_no_axe_violations(page)

    # A resident's form: the notice beside it, with the banner above.
    _sign_in_as(page, live_server, resident)
    page.goto("/account/profile/name/")
    notice = page.get_by_role("group", name="Why we ask for this")
    assert notice.get_by_text("City departments file records by name.").is_visible()
    assert_no_axe_violations(page)
    page.goto("/account/profile/")
    assert page.get_by_text("Collected under the").first.is_visible()
    assert_no_axe_violations(page)


def test_the_privacy_page_fits_a_320_pixel_screen(page):
    first_version_ensure(PolicyVersion)
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/privacy/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_axe_violations(page)
