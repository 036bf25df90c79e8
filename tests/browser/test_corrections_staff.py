"""The staff's side of corrections in a real Chromium, checked by axe-core on every page: the
steward's queue, one change, a problem in the decision form, the confirmation and the result,
the change applied by hand; the privacy officer's appeal; the clerk's notices to recipients."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from portal.disclosures.models import DisclosureBasis, RecipientKind
from portal.disclosures.services import disclosure_record
from requests.corrections.models import (
    AppealStatus,
    ChangeStatus,
    RecipientNotice,
    RecipientNoticeStatus,
    WriteBackStatus,
)
from requests.corrections.services import (
    Proposal,
    appeal_file,
    change_decide,
    correction_request_submit,
)
from requests.corrections.writeback import write_back_confirm
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.corrections.conftest import owner_record, released  # noqa: F401 (fixtures)
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
def _nothing_sent_to_a_worker(monkeypatch):
    """The records are gathered here, through the scripted connector, and nothing here needs
    the released package built: no message goes to the broker."""
    monkeypatch.setattr("requests.gathering.services._enqueue", lambda run_ids: None)
    monkeypatch.setattr("requests.release.services._enqueue_build", lambda package: None)


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


@pytest.fixture
def change(alice, owner_record):  # noqa: F811
    """alice asks the Assessors to change the name on her released owner record."""
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(
                record=owner_record,
                field_name="name",
                proposed_value="Alice B. Archer",
                reason="I married in 2025",
            )
        ],
    )
    return request.proposed_changes.get()


def test_the_steward_decides_confirms_and_applies_a_change(signed_in, steward_a, change):
    page = signed_in(steward_a)
    number = change.request.number

    page.goto(reverse("requests:staff_corrections"))
    page.get_by_role("heading", name="Corrections", exact=True).wait_for()
    assert number in page.get_by_role("table", name="1 change").inner_text()
    assert_no_axe_violations(page)

    page.get_by_role("link", name=number).click()
    page.get_by_role("heading", name=f"Change to name, request {number}").wait_for()
    assert page.get_by_text("I married in 2025").is_visible()
    assert_no_axe_violations(page)

    # A denial without a reason: the form comes back with the problem and the choice kept.
    page.get_by_label("Denied").check()
    page.get_by_role("button", name="Continue").click()
    assert_error_page(page)
    page.get_by_role(
        "link", name="Give the reason for the denial: the resident reads it."
    ).wait_for()
    assert page.get_by_label("Denied").is_checked()
    assert_no_axe_violations(page)

    page.get_by_label("Approved as proposed").check()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="Check your decision").wait_for()
    assert page.get_by_text("You are about to approve the change to name").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Approve the change").click()
    page.get_by_text("Approved. Now apply the change in the department's system").wait_for()
    heading = "Apply this change in the department's system, then confirm"
    assert page.get_by_role("heading", name=heading).is_visible()
    assert_no_axe_violations(page)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED

    page.get_by_label("I entered the new value").check()
    page.get_by_role("button", name="Confirm").click()
    page.get_by_text("Recorded: the change is made in the department's system.").wait_for()
    assert "Alice B. Archer" in page.get_by_role("table").inner_text()
    assert_no_axe_violations(page)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED


def test_the_privacy_officer_decides_an_appeal(
    signed_in,
    alice,  # noqa: F811
    steward_a,
    privacy_officer,
    change,
):
    change_decide(change=change, actor=steward_a, decision="denied", reason="The deed says so")
    appeal = appeal_file(change=change, actor=alice, reason="The deed was amended in 2025")
    page = signed_in(privacy_officer)

    page.goto(reverse("requests:staff_appeals"))
    page.get_by_role("heading", name="Appeals of corrections").wait_for()
    assert_no_axe_violations(page)

    page.get_by_role("link", name=change.request.number).click()
    page.get_by_role("heading", name=f"Appeal on request {change.request.number}").wait_for()
    assert page.get_by_text("The deed was amended in 2025").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Decide the appeal").click()
    assert_error_page(page)
    assert_no_axe_violations(page)

    page.get_by_label("Uphold the denial").check()
    page.get_by_label("Reason").fill("The amendment is not recorded at the Registry.")
    page.get_by_role("button", name="Decide the appeal").click()
    page.get_by_text("Denial upheld.").wait_for()
    assert_no_axe_violations(page)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.UPHELD


def test_the_clerk_tells_a_recipient_of_the_corrected_data(
    signed_in,
    alice,  # noqa: F811
    clerk,
    steward_a,
    change,
):
    disclosure_record(
        actor=clerk,
        subject=alice,
        recipient_name="Pioneer Valley Credit Union",
        recipient_kind=RecipientKind.AGENCY,
        basis=DisclosureBasis.LAW,
        legal_basis="M.G.L. c. 59 §52",
        written_request_reference="PV-2026-7",
        intended_use="Checking the owner of a parcel.",
        data_disclosed="The owner record of 12 Elm Street.",
        departments=[],
        disclosed_on=timezone.localdate(),
    )
    change_decide(change=change, actor=steward_a, decision="approved")
    write_back = change.write_backs.get(status=WriteBackStatus.WAITING_FOR_STEWARD)
    write_back_confirm(write_back=write_back, actor=steward_a, applied=True)
    page = signed_in(clerk)

    page.goto(reverse("requests:staff_recipient_notices"))
    page.get_by_role("heading", name="Pioneer Valley Credit Union").wait_for()
    assert page.get_by_text("Alice B. Archer").is_visible()
    assert_no_axe_violations(page)

    page.get_by_role("button", name="Mark as told").click()
    assert_error_page(page)
    assert_no_axe_violations(page)

    page.get_by_label("How and when were they told?").fill("Letter posted on 3 March")
    page.get_by_role("button", name="Mark as told").click()
    page.get_by_text("Marked as told: Pioneer Valley Credit Union.").wait_for()
    assert_no_axe_violations(page)
    assert RecipientNotice.objects.get(change=change).status == RecipientNoticeStatus.DONE
