"""Account security in a real Chromium: staff two-step setup and safeguards, the account pages,
and the time-out warning. axe-core checks every page visited."""

import re
import time

import pytest

from portal.accounts.models import SafeguardsAcknowledgment
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.factories import TEST_PASSWORD, StaffFactory, totp_code, totp_code_for_secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _sign_in(page, email: str, *, check_axe: bool = True) -> None:
    page.goto("/accounts/login/")
    if check_axe:
        assert_no_axe_violations(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def _confirm_password(page) -> None:
    page.wait_for_url(re.compile(r"/accounts/reauthenticate/"))
    assert_no_axe_violations(page)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def test_staff_without_mfa_sets_up_totp_and_acknowledges_safeguards_before_staff_pages(page):
    csp_violations = _watch_csp(page)
    staff = StaffFactory(
        email="new.clerk@example.org",
        first_name="Nia",
        last_name="Newcomer",
        mfa=False,
        acknowledged=False,
    )

    _sign_in(page, staff.email)

    # Staff land on /staff/, which sends them to set up two-step sign-in (after allauth asks
    # for the password once more), saying why.
    _confirm_password(page)
    page.wait_for_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Set up an authenticator app"
    assert page.get_by_text("Every City staff account must use two-step sign-in").is_visible()
    assert_no_axe_violations(page)

    page.get_by_label("6-digit code").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert_error_page(page)
    assert page.get_by_role("link", name="That code is not right").is_visible()
    assert_no_axe_violations(page)

    secret = page.locator("#authenticator_secret").input_value()
    code = totp_code_for_secret(secret)
    page.get_by_label("6-digit code").fill(code)
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    page.wait_for_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Your recovery codes"
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Continue to the staff pages").click()

    page.wait_for_url(re.compile(r"/staff/safeguards/\?next="))
    assert page.get_by_role("heading", name="What a person can do if their information is misused")
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Confirm and continue").click()
    assert_error_page(page)
    assert page.get_by_role("link", name=re.compile("Tick the box")).is_visible()
    assert_no_axe_violations(page)
    assert not SafeguardsAcknowledgment.objects.filter(user=staff).exists()

    page.get_by_label(re.compile("I have read the safeguards")).check()
    page.get_by_role("button", name="Confirm and continue").click()

    page.wait_for_url(re.compile(r"/staff/$"))
    assert page.get_by_role("heading", level=1).inner_text() == "Staff pages"
    assert page.get_by_text("Nia Newcomer").is_visible()
    assert page.get_by_text("Clerk", exact=True).is_visible()
    assert_no_axe_violations(page)
    assert SafeguardsAcknowledgment.objects.filter(user=staff).exists()

    page.goto("/staff/safeguards/")
    assert page.get_by_text(re.compile("You confirmed you read these safeguards on")).is_visible()
    assert_no_axe_violations(page)
    assert csp_violations == []


def test_ready_staff_sign_in_with_their_app_code_and_land_on_the_staff_pages(page, steward_a):
    csp_violations = _watch_csp(page)
    _sign_in(page, steward_a.email)

    page.wait_for_url(re.compile(r"/accounts/2fa/authenticate/"))
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill(totp_code(steward_a))
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url(re.compile(r"/staff/$"))
    assert page.get_by_text("Assessors").is_visible()
    assert page.get_by_role("link", name="Staff pages").get_attribute("aria-current") == "page"
    assert_no_axe_violations(page)
    assert csp_violations == []


def test_resident_account_pages_pass_axe(page, resident):
    csp_violations = _watch_csp(page)
    _sign_in(page, resident.email)
    page.wait_for_url(re.compile(r"/(account/)?$"))

    page.goto("/accounts/email/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your email address"
    assert_no_axe_violations(page)

    page.get_by_label("New email address").fill("not an address")
    page.get_by_role("button", name="Change email address").click()
    assert_error_page(page)
    assert_no_axe_violations(page)

    page.get_by_label("New email address").fill("alice.moved@example.org")
    page.get_by_role("button", name="Change email address").click()
    _confirm_password(page)
    page.wait_for_url(re.compile(r"/accounts/confirm-email/"))
    assert page.get_by_text("alice.moved@example.org").first.is_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Code").fill("WRONG1")
    page.get_by_role("button", name="Confirm").click()
    assert_error_page(page)
    assert_no_axe_violations(page)

    page.goto("/accounts/sessions/")
    assert page.get_by_role("heading", level=1).inner_text() == "Where you are signed in"
    assert page.get_by_text("This device").is_visible()
    assert_no_axe_violations(page)

    page.goto("/accounts/2fa/")
    assert_no_axe_violations(page)
    assert csp_violations == []


def test_time_out_warning_lets_the_person_stay_signed_in_then_signs_them_out(
    page, resident, settings
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 8
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 5
    csp_violations = _watch_csp(page)
    _sign_in(page, resident.email)
    page.wait_for_url(re.compile(r"/(account/)?$"))
    loaded_at = time.monotonic()

    dialog = page.get_by_role("dialog", name="You will be signed out soon")
    dialog.wait_for(state="visible", timeout=6000)
    assert page.evaluate("document.activeElement.textContent.trim()") == "Stay signed in"
    assert dialog.get_by_text("we sign you out when you have done nothing").is_visible()
    assert_no_axe_violations(page)

    dialog.get_by_role("button", name="Stay signed in").click()
    dialog.wait_for(state="hidden")

    # Past the first deadline, the server still has the person signed in.
    page.wait_for_timeout(max(0, (loaded_at + 9.5 - time.monotonic()) * 1000))
    response = page.request.get("/accounts/email/", max_redirects=0)
    assert response.status == 200

    # Doing nothing more: the warning comes back, and when time runs out the sign-in page
    # says why.
    page.wait_for_url(re.compile(r"/accounts/login/"), timeout=20000)
    assert page.get_by_text(re.compile("We signed you out because you did nothing")).is_visible()
    assert_no_axe_violations(page)
    assert csp_violations == []


def test_without_javascript_nothing_shows_and_the_server_still_signs_out(
    browser, live_server, resident, settings
):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 3
    settings.SESSION_TIMEOUT_WARNING_SECONDS = 2
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        # axe needs JavaScript; these pages are checked with it in the tests above.
        _sign_in(page, resident.email, check_axe=False)
        page.wait_for_url(re.compile(r"/(account/)?$"))
        assert not page.get_by_role("dialog").is_visible()
        page.wait_for_timeout(3500)
        page.goto("/accounts/email/")
        page.wait_for_url(re.compile(r"/accounts/login/"))
        assert page.get_by_text(
            re.compile("We signed you out because you did nothing")
        ).is_visible()
    finally:
        context.close()
