"""An auditor in a real Chromium: from the staff pages to the audit trail, a filter (with a
mistake first), one event and the chain check. axe-core checks every page the auditor sees."""

import pytest
from django.conf import settings

from portal.audit.models import AuditCategory, AuditEvent
from portal.audit.services import audit_record
from tests.audit.test_chain import _without_append_only_trigger
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _signed_in_page(browser, live_server, client, user):
    """A browser page carrying the session `client.force_login` made (staff made by the persona
    factory have their second factor and the safeguards on record)."""
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


def test_an_auditor_filters_the_trail_reads_an_event_and_checks_the_chain(
    browser, live_server, client, clerk
):
    auditor = StaffFactory(email="avery.auditor@example.org", role="auditor")
    for number in range(3):
        audit_record(
            action="request.assigned",
            category=AuditCategory.DECISION,
            actor=clerk,
            object_type="requests.request",
            object_id=number + 1,
            fields=["assignee"],
            details={"assignee_id": clerk.pk},
        )
    context, page = _signed_in_page(browser, live_server, client, auditor)
    try:
        page.goto("/staff/")
        assert_no_axe_violations(page)
        _navigate(page, page.get_by_role("link", name="Audit trail"))
        assert page.get_by_role("heading", level=1).inner_text() == "Audit trail"
        assert_no_axe_violations(page)

        page.get_by_label("By (user id)").fill("carol")
        _navigate(page, page.get_by_role("button", name="Apply filters"))
        assert_error_page(page)
        assert page.get_by_label("By (user id)").input_value() == "carol"
        assert_no_axe_violations(page)

        page.get_by_label("By (user id)").fill(str(clerk.pk))
        page.get_by_label("What happened").select_option("request.assigned")
        page.get_by_label("Object id").fill("2")
        _navigate(page, page.get_by_role("button", name="Apply filters"))
        rows = page.locator("table tbody tr")
        assert rows.count() == 1
        assert_no_axe_violations(page)

        _navigate(page, rows.first.get_by_role("link"))
        assert "Audit event" in page.get_by_role("heading", level=1).inner_text()
        assert_no_axe_violations(page)

        page.goto("/staff/audit/verify/")
        assert_no_axe_violations(page)
        _navigate(page, page.get_by_role("button", name="Check the audit trail"))
        assert page.get_by_text("The audit trail is intact").is_visible()
        assert_no_axe_violations(page)

        changed = AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)[1]
        _without_append_only_trigger(
            "UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["x.hidden", changed]
        )
        _navigate(page, page.get_by_role("button", name="Check again"))
        assert page.get_by_text(f"The chain breaks at event {changed}").is_visible()
        assert_no_axe_violations(page)
    finally:
        context.close()
    assert (
        AuditEvent.objects.filter(action="audit.chain_verified", actor_id=auditor.pk).count() == 2
    )
