"""Public pages in a real Chromium, each with an axe-core check."""

import pytest

from tests.browser.axe import assert_no_axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_tells_residents_what_they_can_do_and_passes_axe(page):
    page.goto("/")

    assert page.locator("h1").count() == 1
    assert "Westfield" in page.title()
    assert page.get_by_role("link", name="Skip to main content").count() == 1
    assert page.get_by_role("main").count() == 1
    assert page.get_by_role("link", name="Sign in").first.is_visible()
    assert_no_axe_violations(page)


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page):
    page.goto("/")

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"


def test_home_page_fits_a_320_pixel_screen(page):
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto("/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/", "/no-such-page/"])
def test_sign_in_sign_up_and_not_found_pages_pass_axe(page, path):
    page.goto(path)

    assert page.locator("h1").count() == 1
    assert_no_axe_violations(page)


def test_pages_break_no_content_security_policy_rule(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto("/")
    page.goto("/accounts/login/")

    assert violations == []
