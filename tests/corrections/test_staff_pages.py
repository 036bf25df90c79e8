"""The staff's pages on corrections: the steward's queue and decision (with its confirmation),
the steward's word on a change applied by hand, conflicts decided again, the privacy officer's
appeals and the clerk's notices to outside recipients."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.access.models import AccessLogEntry
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
from requests.corrections.values import value_decrypt
from requests.services import request_assign
from tests.factories import PROOF_PDF_BYTES, StaffFactory

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("requests:staff_corrections")
APPEALS_URL = reverse("requests:staff_appeals")
NOTICES_URL = reverse("requests:staff_recipient_notices")


def _propose(alice, record, field="name", value="Alice B. Archer", evidence=()):
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(record=record, field_name=field, proposed_value=value, reason="I married")
        ],
        evidence=evidence,
    )
    return request.proposed_changes.get()


@pytest.fixture
def change(alice, owner_record):
    """alice asks the Assessors (department_a) to change the name on her owner record."""
    return _propose(alice, owner_record)


def page_url(change):
    return reverse("requests:staff_correction", args=[change.pk])


def decide_url(change):
    return reverse("requests:staff_correction_decide", args=[change.pk])


def applied_url(change):
    return reverse("requests:staff_correction_applied", args=[change.pk])


def _approve(client, change, **data):
    """The decision through both pages: the form, then the confirmation's button."""
    form = {"decision": "approved", "approved_value": "", "reason": "", **data}
    checked = client.post(decide_url(change), form)
    assert checked.status_code == 200
    assert "staff/corrections/confirm.html" in [t.name for t in checked.templates]
    return client.post(decide_url(change), {**form, "confirmed": "1"})


# --- The queue ------------------------------------------------------------------------------


def test_the_steward_sees_their_departments_changes_without_values_or_a_log_entry(
    client, steward_a, change
):
    client.force_login(steward_a)

    response = client.get(QUEUE_URL)

    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [change]
    body = response.content.decode()
    assert change.request.number in body and "name" in body
    assert "Alice Archer" not in body and "Alice B. Archer" not in body
    assert not AccessLogEntry.objects.exists()


def test_a_steward_of_another_department_sees_none_of_them(client, steward_b, change):
    client.force_login(steward_b)

    assert list(client.get(QUEUE_URL).context["page"].object_list) == []
    assert client.get(page_url(change)).status_code == 404
    assert client.post(decide_url(change), {"decision": "denied"}).status_code == 404


def test_the_queue_filters_conflicts_and_changes_to_apply_by_hand(client, steward_a, change):
    change_decide(change=change, actor=steward_a, decision="approved")
    client.force_login(steward_a)

    assert list(client.get(QUEUE_URL).context["page"].object_list) == []
    apply = client.get(QUEUE_URL, {"show": "apply"}).context["page"].object_list
    assert list(apply) == [change]
    assert list(client.get(QUEUE_URL, {"show": "conflicts"}).context["page"].object_list) == []
    assert list(client.get(QUEUE_URL, {"show": "decided"}).context["page"].object_list) == [change]


def test_the_queue_query_count_does_not_grow_with_rows(
    client, steward_a, alice, owner_record, django_assert_max_num_queries
):
    _propose(alice, owner_record)
    client.force_login(steward_a)
    client.get(QUEUE_URL)
    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE_URL)
    # Each in a request of its own: more rows, more requests and due dates.
    _propose(alice, owner_record, field="date_of_birth", value="1980-03-15")
    _propose(alice, owner_record, field="co_owner", value="Bruno B. Archer")

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(QUEUE_URL)

    assert len(response.context["page"].object_list) == 3


def test_residents_get_404_on_the_staff_pages(client, alice, change):
    client.force_login(alice)

    for url in (QUEUE_URL, page_url(change), APPEALS_URL, NOTICES_URL):
        assert client.get(url).status_code == 404


# --- One change and the decision ------------------------------------------------------------


def test_the_change_page_shows_the_values_and_logs_the_view(client, steward_a, change):
    client.force_login(steward_a)

    response = client.get(page_url(change))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Alice Archer" in body and "Alice B. Archer" in body and "I married" in body
    assert response.context["show_decision_form"]
    entry = AccessLogEntry.objects.get()
    assert entry.item == "correction" and entry.subject_id == change.request.subject_id
    assert entry.object_id == str(change.pk) and entry.actor_id == steward_a.pk


def test_an_approval_is_confirmed_on_a_second_page_before_it_is_made(client, steward_a, change):
    client.force_login(steward_a)

    checked = client.post(decide_url(change), {"decision": "approved"})

    assert checked.status_code == 200
    assert "You are about to approve" in checked.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED

    done = client.post(decide_url(change), {"decision": "approved", "confirmed": "1"})

    assert done.status_code == 302 and done.url == page_url(change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED and change.decided_by == steward_a
    assert change.write_backs.get().status == WriteBackStatus.WAITING_FOR_STEWARD


def test_changing_the_decision_from_the_confirmation_keeps_what_was_typed(
    client, steward_a, change
):
    client.force_login(steward_a)
    typed = {"decision": "denied", "approved_value": "", "reason": "The deed says otherwise"}

    response = client.post(decide_url(change), {**typed, "edit": "1"})

    assert response.status_code == 200
    form = response.context["decision_form"]
    assert form.initial["reason"] == "The deed says otherwise"
    assert form.initial["decision"] == "denied"
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED


def test_a_denial_without_a_reason_is_refused_with_the_input_kept(client, steward_a, change):
    client.force_login(steward_a)

    response = client.post(
        decide_url(change), {"decision": "denied", "reason": "  ", "confirmed": "1"}
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Give the reason for the denial" in body and "Error:" in body
    assert response.context["decision_form"].data["decision"] == "denied"
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED


def test_a_denial_with_a_reason_is_made(client, steward_a, change):
    client.force_login(steward_a)

    client.post(decide_url(change), {"decision": "denied", "reason": "Deed", "confirmed": "1"})

    change.refresh_from_db()
    assert change.status == ChangeStatus.DENIED and change.decision_reason == "Deed"


def test_approving_a_different_value_needs_the_value_and_a_reason(client, steward_a, change):
    client.force_login(steward_a)

    refused = client.post(decide_url(change), {"decision": "approved_edited", "confirmed": "1"})

    assert refused.status_code == 200
    errors = refused.context["decision_form"].errors
    assert "approved_value" in errors and "reason" in errors

    _approve(
        client,
        change,
        decision="approved_edited",
        approved_value="Alice Beth Archer",
        reason="As on the deed",
    )

    change.refresh_from_db()
    assert value_decrypt(change.approved_value_encrypted) == "Alice Beth Archer"


def test_the_confirmation_names_the_value_to_be_written(client, steward_a, change):
    client.force_login(steward_a)
    edited = {
        "decision": "approved_edited",
        "approved_value": "Alice Beth Archer",
        "reason": "As on the deed",
    }

    body = client.post(decide_url(change), edited).content.decode()
    as_proposed = client.post(
        decide_url(change), {"decision": "approved", "approved_value": "Ignored"}
    ).content.decode()

    assert "it will hold “Alice Beth Archer”" in body
    assert "it will hold “Alice B. Archer”" in as_proposed and "“Ignored”" not in as_proposed


def test_a_decided_change_is_not_decided_again(client, steward_a, change):
    change_decide(change=change, actor=steward_a, decision="denied", reason="Deed")
    client.force_login(steward_a)

    assert not client.get(page_url(change)).context["show_decision_form"]
    response = client.post(decide_url(change), {"decision": "approved", "confirmed": "1"})

    assert response.status_code == 302 and response.url == page_url(change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.DENIED


def test_the_drafter_sees_the_change_but_is_told_someone_else_must_decide(
    client, steward_a, change
):
    change.drafted_by = steward_a
    change.save(update_fields=["drafted_by"])
    client.force_login(steward_a)

    page = client.get(page_url(change))

    assert page.status_code == 200
    assert not page.context["show_decision_form"]
    assert "someone else must decide it" in page.content.decode()

    refused = client.post(decide_url(change), {"decision": "approved", "confirmed": "1"})

    assert refused.status_code == 200
    assert "someone else must decide it" in refused.content.decode()
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED


def test_the_clerk_and_the_privacy_officer_see_the_change_but_only_stewards_decide(
    client, clerk, privacy_officer, change
):
    request_assign(requests=[change.request], assignee=clerk, actor=clerk)
    for person in (clerk, privacy_officer):
        client.force_login(person)
        page = client.get(page_url(change))
        assert page.status_code == 200
        assert not page.context["show_decision_form"]
        assert client.post(decide_url(change), {"decision": "approved"}).status_code == 404
    assert AccessLogEntry.objects.filter(item="correction").count() == 2


def test_a_clerk_not_assigned_the_request_says_why_first(client, clerk, change):
    client.force_login(clerk)

    response = client.get(page_url(change))

    assert response.status_code == 302
    assert response.url.startswith(reverse("requests:staff_purpose", args=[change.request.number]))
    assert not AccessLogEntry.objects.exists()


def test_evidence_downloads_are_logged(client, steward_a, alice, owner_record):
    change = _propose(
        alice,
        owner_record,
        evidence=[SimpleUploadedFile("deed.pdf", PROOF_PDF_BYTES, "application/pdf")],
    )
    document = change.evidence.get()
    client.force_login(steward_a)

    response = client.get(
        reverse("requests:staff_correction_evidence", args=[change.pk, document.pk])
    )

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PROOF_PDF_BYTES
    entry = AccessLogEntry.objects.get(item="correction_evidence")
    assert entry.action == "download" and entry.subject_id == alice.pk


# --- Applied by hand, and conflicts ---------------------------------------------------------


def test_the_steward_confirms_a_change_applied_by_hand(client, steward_a, change):
    client.force_login(steward_a)
    _approve(client, change)
    page = client.get(page_url(change))
    assert page.context["show_applied_form"]
    assert "Apply this change in the department" in page.content.decode()

    response = client.post(applied_url(change), {"outcome": "applied"})

    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPLIED
    write_back = change.write_backs.get()
    assert write_back.status == WriteBackStatus.APPLIED and write_back.confirmed_by == steward_a
    history = client.get(page_url(change)).context["history"]
    assert [(entry.before, entry.after) for entry in history] == [
        ("Alice Archer", "Alice B. Archer")
    ]


def test_a_different_value_needs_the_value_found(client, steward_a, change):
    client.force_login(steward_a)
    _approve(client, change)

    response = client.post(applied_url(change), {"outcome": "different", "found_value": ""})

    assert response.status_code == 200
    assert "found_value" in response.context["applied_form"].errors
    assert change.write_backs.get().status == WriteBackStatus.WAITING_FOR_STEWARD


def test_a_different_value_makes_a_conflict_decided_again_against_it(client, steward_a, change):
    client.force_login(steward_a)
    _approve(client, change)
    client.post(applied_url(change), {"outcome": "different", "found_value": "Alice C. Archer"})
    change.refresh_from_db()
    assert change.status == ChangeStatus.CONFLICT

    page = client.get(page_url(change))

    assert "The value changed after the resident saw it: now Alice C. Archer" in (
        page.content.decode()
    )
    assert page.context["show_decision_form"]
    assert list(client.get(QUEUE_URL, {"show": "conflicts"}).context["page"]) == [change]

    _approve(client, change)

    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    second = change.write_backs.get(round=2)
    assert value_decrypt(second.expected_value_encrypted) == "Alice C. Archer"
    assert value_decrypt(second.new_value_encrypted) == "Alice B. Archer"


def test_nothing_to_apply_by_hand_sends_the_steward_back(client, steward_a, change):
    client.force_login(steward_a)

    response = client.post(applied_url(change), {"outcome": "applied"})

    assert response.status_code == 302 and response.url == page_url(change)
    change.refresh_from_db()
    assert change.status == ChangeStatus.PROPOSED


def test_a_failed_write_back_is_taken_up_again_by_the_steward(client, steward_a, change):
    client.force_login(steward_a)
    _approve(client, change)
    # As a worker leaves one that the department's system refused for good.
    change.write_backs.update(status=WriteBackStatus.FAILED, last_error="no such column")
    retry_url = reverse("requests:staff_correction_retry", args=[change.pk])
    page = client.get(page_url(change))
    assert page.context["show_retry_form"]
    assert "no such column" in page.content.decode()

    missing = client.post(retry_url, {})
    assert missing.status_code == 200 and "how" in missing.context["retry_form"].errors

    done = client.post(retry_url, {"how": "by_hand"})
    assert done.status_code == 302
    assert change.write_backs.get().status == WriteBackStatus.WAITING_FOR_STEWARD
    again = client.post(retry_url, {"how": "try_again"})
    assert again.status_code == 302 and again.url == page_url(change)
    assert change.write_backs.get().status == WriteBackStatus.WAITING_FOR_STEWARD


# --- Appeals --------------------------------------------------------------------------------


@pytest.fixture
def appeal(alice, steward_a, change):
    change_decide(change=change, actor=steward_a, decision="denied", reason="Deed shows old name")
    return appeal_file(change=change, actor=alice, reason="The deed was amended in 2024")


def appeal_url(appeal):
    return reverse("requests:staff_appeal", args=[appeal.pk])


def test_appeals_are_the_privacy_officers_alone(client, steward_a, clerk, appeal):
    for person in (steward_a, clerk):
        client.force_login(person)
        assert client.get(APPEALS_URL).status_code == 404
        assert client.get(appeal_url(appeal)).status_code == 404


def test_the_privacy_officer_reads_and_overturns_an_appeal(client, privacy_officer, appeal, change):
    client.force_login(privacy_officer)
    assert list(client.get(APPEALS_URL).context["page"]) == [appeal]

    page = client.get(appeal_url(appeal))

    body = page.content.decode()
    assert "Deed shows old name" in body and "The deed was amended in 2024" in body
    assert AccessLogEntry.objects.filter(item="correction_appeal").count() == 1

    response = client.post(
        appeal_url(appeal), {"outcome": "overturn", "reason": "The amended deed shows it"}
    )

    assert response.status_code == 302
    appeal.refresh_from_db()
    change.refresh_from_db()
    assert appeal.status == AppealStatus.OVERTURNED
    assert change.status == ChangeStatus.APPROVED


def test_an_appeal_decision_without_a_reason_keeps_the_input(client, privacy_officer, appeal):
    client.force_login(privacy_officer)

    response = client.post(appeal_url(appeal), {"outcome": "uphold", "reason": ""})

    assert response.status_code == 200
    assert "Give the reason for the decision" in response.content.decode()
    assert response.context["form"].data["outcome"] == "uphold"
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.OPEN


# --- Notices to outside recipients ----------------------------------------------------------


@pytest.fixture
def notice(client, alice, clerk, steward_a, change):
    """alice's data went to her lender this year; the change to it was then applied."""
    _disclose(clerk, alice, "Pioneer Valley Credit Union")
    client.force_login(steward_a)
    _approve(client, change)
    client.post(applied_url(change), {"outcome": "applied"})
    client.logout()
    return RecipientNotice.objects.get(change=change)


def test_the_clerk_sees_whom_to_tell_and_marks_it_done(client, clerk, alice, notice):
    client.force_login(clerk)

    page = client.get(NOTICES_URL)

    body = page.content.decode()
    assert "Pioneer Valley Credit Union" in body and "Alice B. Archer" in body
    assert AccessLogEntry.objects.filter(item="correction_notices", subject=alice).count() == 1

    refused = client.post(
        reverse("requests:staff_recipient_notice_done", args=[notice.pk]),
        {f"notice-{notice.pk}-how_told": ""},
    )
    assert refused.status_code == 200
    assert "Say how and when the recipient was told" in refused.content.decode()

    done = client.post(
        reverse("requests:staff_recipient_notice_done", args=[notice.pk]),
        {f"notice-{notice.pk}-how_told": "Letter posted on 3 March"},
    )

    assert done.status_code == 302
    notice.refresh_from_db()
    assert notice.status == RecipientNoticeStatus.DONE and notice.done_by == clerk
    assert list(client.get(NOTICES_URL).context["rows"]) == []


def test_stewards_and_auditors_get_404_on_the_notices(client, steward_a, notice):
    auditor = StaffFactory(email="audrey.auditor@example.org", role="auditor")
    for person in (steward_a, auditor):
        client.force_login(person)
        assert client.get(NOTICES_URL).status_code == 404
        done_url = reverse("requests:staff_recipient_notice_done", args=[notice.pk])
        assert client.post(done_url, {}).status_code == 404


def _disclose(clerk, alice, recipient):
    return disclosure_record(
        actor=clerk,
        subject=alice,
        recipient_name=recipient,
        recipient_kind=RecipientKind.AGENCY,
        basis=DisclosureBasis.LAW,
        legal_basis="M.G.L. c. 59 §52",
        written_request_reference="PV-2026-7",
        intended_use="Checking the owner of a parcel.",
        data_disclosed="The owner record of 12 Elm Street.",
        departments=[],
        disclosed_on=timezone.localdate(),
    )


def _applied_by_hand(change, steward):
    from requests.corrections.writeback import write_back_confirm

    change_decide(change=change, actor=steward, decision="approved")
    write_back = change.write_backs.get(status=WriteBackStatus.WAITING_FOR_STEWARD)
    write_back_confirm(write_back=write_back, actor=steward, applied=True)


def test_the_notices_query_count_does_not_grow_with_rows(
    client, clerk, steward_a, alice, owner_record, django_assert_max_num_queries
):
    _disclose(clerk, alice, "Pioneer Valley Credit Union")
    _applied_by_hand(_propose(alice, owner_record), steward_a)
    client.force_login(clerk)
    client.get(NOTICES_URL)
    with CaptureQueriesContext(connection) as one:
        client.get(NOTICES_URL)
    _disclose(clerk, alice, "Westfield Housing Authority")
    _disclose(clerk, alice, "Hampden County Registry")
    _applied_by_hand(
        _propose(alice, owner_record, field="co_owner", value="Bruno B. Archer"), steward_a
    )

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(NOTICES_URL)

    assert len(response.context["rows"]) == 4
