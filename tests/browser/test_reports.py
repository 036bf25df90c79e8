"""The reports in a real Chromium: the privacy officer's dashboard (with a filter mistake first),
the annual report, and the public page of figures. axe-core checks every page."""

import pytest
from django.conf import settings

from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.factories import StaffFactory
from tests.reports.dataset import build

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(browser, live_server, client, user):
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


def _navigate(page, control) -> None:
    with page.expect_navigation():
        control.click()


@pytest.fixture
def figures_on_record(department_a, department_b, resident, other_resident):
    return build(
        department_a=department_a,
        department_b=department_b,
        resident=resident,
        other_resident=other_resident,
    )


def test_privacy_officer_reads_the_dashboard_and_the_annual_report(
    browser, live_server, client, figures_on_record
):
    officer = StaffFactory(email="pat.reports@example.org", role="privacy_officer")
    context, page = _signed_in_page(browser, live_server, client, officer)
    try:
        page.goto("/staff/reports/?date_from=2025-03-01&date_to=2025-04-30")
        assert page.get_by_role("heading", level=1).inner_text() == "Reports"
        assert page.get_by_role("img", name="Requests received, by month, type and channel")
        assert_no_axe_violations(page)

        page.get_by_label("Type of request").select_option("access")
        _navigate(page, page.get_by_role("button", name="Apply filters"))
        assert "kind=access" in page.url
        assert_no_axe_violations(page)

        # A date input cannot hold a wrong date, but a link or a typed address can.
        page.goto("/staff/reports/?date_from=2025-02-30")
        assert_error_page(page)
        assert page.get_by_role("link", name="Enter the first day as a date").is_visible()
        assert_no_axe_violations(page)

        page.goto("/staff/reports/annual/?year=2025")
        assert "2025" in page.get_by_role("heading", level=1).inner_text()
        assert page.get_by_text("fewer than 5").first.is_visible()
        assert_no_axe_violations(page)
    finally:
        context.close()


def test_public_page_and_annual_report_pass_axe(page, figures_on_record, settings):
    settings.REPORTS_PUBLIC_PAGE = True

    page.goto("/reports/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert_no_axe_violations(page)

    page.goto("/reports/annual/?year=2025")
    assert page.get_by_text("fewer than 5").first.is_visible()
    assert_no_axe_violations(page)


def test_public_page_fits_a_320_pixel_screen(page, figures_on_record, settings):
    settings.REPORTS_PUBLIC_PAGE = True
    page.set_viewport_size({"width": 320, "height": 640})

    page.goto("/reports/annual/?year=2025")

    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert_no_axe_violations(page)
