"""A correction in a real Chromium, checked by axe-core on every page: alice opens her released
request, asks to correct the name on her Assessors' record, forgets to say why and is told, says
why, checks her answers and sends them; the Assessors' steward opens the change, approves it,
confirms, and alice's request page shows the decision."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from requests.corrections.models import ChangeStatus, ProposedChange
from requests.corrections.services import Proposal, change_decide, correction_request_submit
from requests.corrections.values import value_decrypt
from requests.gathering.models import GatheredRecord
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.corrections.conftest import released  # noqa: F401 (fixture)
from tests.gathering.conftest import (  # noqa: F401 (fixtures)
    alice,
    assessors_source,
    file_request,
    scripted_connector,
    water_source,
)
from tests.release.conftest import in_review  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _nothing_sent_to_workers(monkeypatch):
    """The records are gathered here, through the scripted connector no worker has, and the
    release's package is not needed: in a transactional test their messages would reach the
    broker on commit."""
    monkeypatch.setattr("requests.gathering.services._enqueue", lambda run_ids: None)
    monkeypatch.setattr("tasks.release.build_package.delay", lambda *args, **kwargs: None)


@pytest.fixture
def signed_in(browser, live_server, client):
    contexts = []

    def _open(user):
        client.logout()
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
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def _resident_proposes(page, released_request, owner):
    page.goto(f"/requests/{released_request.number}/", wait_until="load")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Ask for a correction").click()
    page.get_by_role("heading", name="Which information do you want to correct?").wait_for()
    assert_no_axe_violations(page)

    # Continuing with nothing ticked: told to choose.
    page.get_by_role("button", name="Continue").click()
    assert_error_page(page)
    assert_no_axe_violations(page)

    page.locator(f'input[name="pick"][value="{owner.pk}:name"]').check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Correct “Name”").wait_for()
    expect(page.get_by_text("Alice Archer", exact=True)).to_be_visible()
    assert_no_axe_violations(page)

    # The reason forgotten: the page comes back with the problem and the value typed.
    page.get_by_label("What should it say?").fill("Alice B. Archer")
    page.get_by_role("button", name="Continue").click()
    assert_error_page(page)
    expect(page.get_by_label("What should it say?")).to_have_value("Alice B. Archer")
    expect(page.locator(".error-summary")).to_contain_text("Say why the information should change.")
    assert_no_axe_violations(page)

    page.get_by_label("Why should it change?").fill("I added my middle initial.")
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your corrections before sending them").wait_for()
    expect(page.locator("main")).to_contain_text("Alice B. Archer")
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Send corrections").click()
    page.get_by_role("heading", name="Request sent").wait_for()
    assert_no_axe_violations(page)
    change = ProposedChange.objects.get()
    assert value_decrypt(change.proposed_value_encrypted) == "Alice B. Archer"
    return change


def _steward_approves(page, change):
    number = change.request.number
    page.goto("/staff/corrections/", wait_until="load")
    assert_no_axe_violations(page)
    page.get_by_role("link", name=number).click()
    page.get_by_label("Approved as proposed").wait_for()
    assert_no_axe_violations(page)

    page.get_by_label("Approved as proposed").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your decision").wait_for()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Approve the change").click()
    expect(page.locator(".messages")).to_contain_text("Approved.")
    assert_no_axe_violations(page)


def test_the_resident_proposes_a_correction_and_the_steward_approves_it(
    signed_in,
    released,  # noqa: F811
    resident,
    steward_a,
):
    owner = GatheredRecord.objects.get(run__request=released, key="owner/P-1")

    change = _resident_proposes(signed_in(resident), released, owner)
    assert change.department_id == owner.run.source.department_id

    _steward_approves(signed_in(steward_a), change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert change.decided_by_id == steward_a.pk

    page = signed_in(resident)
    page.goto(f"/requests/{change.request.number}/", wait_until="load")
    expect(page.locator("#changes")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Approved as proposed")
    assert_no_axe_violations(page)


def test_after_a_denial_the_resident_appeals_and_files_a_statement(
    signed_in,
    released,  # noqa: F811
    resident,
    steward_a,
    other_resident,
):
    owner = GatheredRecord.objects.get(run__request=released, key="owner/P-1")
    request = correction_request_submit(
        requester=resident,
        subject=resident,
        proposals=[
            Proposal(record=owner, field_name="name", proposed_value="Alice B.", reason="Married")
        ],
    )
    change = request.proposed_changes.get()
    change_decide(change=change, actor=steward_a, decision="denied", reason="The deed says so")

    page = signed_in(resident)
    page.goto(f"/requests/{request.number}/", wait_until="load")
    expect(page.locator("main")).to_contain_text("The deed says so")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Appeal this decision").click()
    page.get_by_role("heading", name="Appeal the decision").wait_for()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Send appeal").click()
    assert_error_page(page)
    assert_no_axe_violations(page)
    page.get_by_label("Why is the decision wrong?").fill("The deed was amended in 2024.")
    page.get_by_role("button", name="Send appeal").click()
    expect(page.locator(".messages")).to_contain_text("Your appeal was sent")

    page.get_by_role("link", name="File a statement of disagreement").click()
    page.get_by_role("heading", name="File a statement of disagreement").wait_for()
    assert_no_axe_violations(page)
    page.get_by_label("Your statement of disagreement").fill("My name is Alice B. Archer.")
    page.get_by_role("button", name="File statement").click()
    expect(page.locator(".messages")).to_contain_text("Your statement of disagreement was filed")
    expect(page.locator("#changes ~ dl")).to_contain_text("My name is Alice B. Archer.")
    assert_no_axe_violations(page)

    # Someone with no released records is told to ask for a copy first.
    page = signed_in(other_resident)
    page.goto("/requests/correct/?kind=contest", wait_until="load")
    page.get_by_role("heading", name="First ask for a copy of your records").wait_for()
    assert_no_axe_violations(page)
