"""The department sources on the clerk's request page, in a real Chromium, checked by axe-core."""

from unittest import mock

import pytest
from django.conf import settings

from requests.gathering.models import SourceRun
from requests.gathering.services import source_run_execute
from requests.services import request_submit
from tests.browser.axe import assert_no_axe_violations
from tests.gathering.conftest import permanent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_privacy_officer_sees_which_sources_answered_and_which_failed(
    browser,
    live_server,
    client,
    privacy_officer,
    alice,
    assessors_source,
    water_source,
    scripted_connector,
):
    scripted_connector.script["water-people"] = [permanent("the meter database is gone")]
    with mock.patch("tasks.gathering.run_source.delay"):
        request = request_submit(requester=alice, subject=alice, kind="access")
    for run in SourceRun.objects.filter(request=request):
        source_run_execute(run_id=run.pk, worker="w1")
    client.force_login(privacy_officer)
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
    page = context.new_page()

    page.goto(f"/staff/requests/{request.number}/")

    table = page.get_by_role("table", name="Where the portal looked for records")
    assert "the meter database is gone" in table.inner_text()
    assert page.get_by_text("may not be complete").is_visible()
    assert_no_axe_violations(page)
    context.close()


def test_the_clerk_tries_a_failed_source_again_and_skips_another(
    browser,
    live_server,
    client,
    privacy_officer,
    alice,
    assessors_source,
    water_source,
    scripted_connector,
):
    scripted_connector.script["water-people"] = [permanent("the meter database is gone")]
    with mock.patch("tasks.gathering.run_source.delay"):
        request = request_submit(requester=alice, subject=alice, kind="access")
    water = SourceRun.objects.get(request=request, source=water_source)
    source_run_execute(run_id=water.pk, worker="w1")
    client.force_login(privacy_officer)
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
    page = context.new_page()
    page.goto(f"/staff/requests/{request.number}/")

    page.get_by_role("link", name="Try again Water People").click()
    page.get_by_role("heading", name="Try this source again").wait_for()
    assert page.get_by_text("ask the department's system again now").is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Cancel").click()

    page.get_by_role("link", name="Skip Assessors People").click()
    page.get_by_role("heading", name="Skip this source").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Skip this source").click()
    page.get_by_role("alert").wait_for()
    assert page.get_by_role("link", name="Enter why this source is skipped.").is_visible()
    assert_no_axe_violations(page)
    page.get_by_label("Why is this source skipped?").fill("Their server is down all week")
    page.get_by_role("button", name="Skip this source").click()
    page.get_by_text("The source was skipped").wait_for()
    assert page.get_by_text("may not be complete").is_visible()

    # The failed source has finished: skipping it says it cannot be done now.
    page.goto(f"/staff/requests/{request.number}/sources/{water.pk}/skip/")
    page.get_by_role("heading", name="This cannot be done now").wait_for()
    assert_no_axe_violations(page)
    context.close()
