"""The clerk's workbench: who may open it, the queue, one request's pages and the actions."""

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests.models import Channel, LetterKind, Request, RequestEventKind
from requests.services import (
    request_assign,
    request_information_ask,
    request_note_add,
    request_submit,
)
from requests.states import RequestStatus
from tests.factories import ReplyTemplateFactory, StaffFactory, UserFactory, searches_finished
from tests.requests.conftest import at, verify

pytestmark = pytest.mark.django_db


def _filed(resident, kind="access", **kwargs):
    return request_submit(requester=resident, subject=resident, kind=kind, **kwargs)


@pytest.fixture
def filed(verified_resident):
    return _filed(verified_resident)


def _state_purpose(client, record):
    """A clerk opening a request not assigned to them says why first (portal.access.purpose)."""
    response = client.post(
        reverse("requests:staff_purpose", args=[record.number]),
        {"kind": "covering", "description": "Covering for a colleague this week"},
    )
    assert response.status_code == 302


def _staff_urls(number):
    return [
        reverse("requests:queue"),
        reverse("requests:staff_new"),
        reverse("requests:staff_detail", args=[number]),
        reverse("requests:staff_messages", args=[number]),
        reverse("requests:staff_history", args=[number]),
        reverse("requests:staff_letters", args=[number]),
        reverse("requests:staff_letter_new", args=[number]),
        reverse("requests:staff_action", args=[number, "deny"]),
    ]


def test_anonymous_people_are_sent_to_sign_in(client, filed):
    for url in _staff_urls(filed.number):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"]


@pytest.mark.parametrize("persona", ["resident", "steward_a"])
def test_residents_and_stewards_get_404(client, filed, persona, request):
    client.force_login(request.getfixturevalue(persona))

    for url in _staff_urls(filed.number):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("requests:staff_action", args=[filed.number, "close"]), {"reason": "x"}
    )
    assert response.status_code == 404
    filed.refresh_from_db()
    assert filed.status == RequestStatus.GATHERING


def test_auditor_gets_404(client, filed):
    auditor = StaffFactory(email="audrey.auditor@example.org", role="auditor")
    client.force_login(auditor)

    assert client.get(reverse("requests:queue")).status_code == 404


@pytest.mark.parametrize("persona", ["clerk", "privacy_officer"])
def test_clerks_and_the_privacy_officer_open_every_page(client, filed, persona, request):
    client.force_login(request.getfixturevalue(persona))
    if persona == "clerk":
        _state_purpose(client, filed)

    for url in _staff_urls(filed.number):
        assert client.get(url).status_code == 200, url


def test_unknown_request_number_is_404(client, clerk):
    client.force_login(clerk)

    assert (
        client.get(reverse("requests:staff_detail", args=["FIPA-2026-999999"])).status_code == 404
    )
    assert client.get("/staff/requests/not-a-number/").status_code == 404


def test_queue_runs_the_same_number_of_queries_for_1_and_50_requests(client, clerk, department_a):
    """Must show 3."""
    residents = [UserFactory(email=f"queue{n}@example.org") for n in range(50)]
    for person in residents:
        verify(person)
    first = _filed(residents[0])
    first.departments.add(department_a)
    client.force_login(clerk)
    url = reverse("requests:queue") + "?sort=requester&due=soon&due=overdue"
    client.get(url)  # warm up per-session queries

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            assert response.status_code == 200
        return len(queries)

    with_one = count()
    for person in residents[1:]:
        request = _filed(person)
        request_assign(requests=[request], assignee=clerk, actor=clerk)
    with_fifty = count()

    assert Request.objects.count() == 50
    assert with_one == with_fifty


def test_queue_filters_by_state_type_assignee_and_department(
    client, clerk, privacy_officer, verified_resident, other_resident, department_a
):
    verify(other_resident)
    access = _filed(verified_resident, kind="access")
    access.departments.add(department_a)
    inquiry = _filed(other_resident, kind="inquiry")
    request_assign(requests=[inquiry], assignee=privacy_officer, actor=clerk)
    client.force_login(clerk)

    def numbers(query: str) -> set[str]:
        content = client.get(reverse("requests:queue") + query).content.decode()
        return {n for n in (access.number, inquiry.number) if f">{n}</a>" in content}

    assert numbers("") == {access.number, inquiry.number}
    assert numbers("?kind=inquiry") == {inquiry.number}
    assert numbers(f"?assignee={privacy_officer.pk}") == {inquiry.number}
    assert numbers("?assignee=none") == {access.number}
    assert numbers("?assignee=me") == set()
    assert numbers(f"?department={department_a.pk}") == {access.number}
    assert numbers("?status=in_review") == set()
    assert numbers("?status=gathering&kind=access") == {access.number}


def test_queue_shows_removable_filter_tags(client, clerk, filed):
    client.force_login(clerk)

    content = client.get(reverse("requests:queue") + "?kind=inquiry&kind=access").content.decode()

    assert "Type: A copy of my information" in content
    assert 'href="?kind=inquiry"' in content  # removes the "access" filter
    assert "Clear all filters" in content


def test_queue_says_overdue_in_words(client, clerk, verified_resident):
    with time_machine.travel(at(2026, 11, 2), tick=False):
        overdue = _filed(verified_resident, kind="inquiry")

    with time_machine.travel(at(2026, 12, 8), tick=False):
        client.force_login(clerk)
        content = client.get(reverse("requests:queue") + "?due=overdue").content.decode()

    assert overdue.number in content
    assert "Overdue" in content


def test_queue_sorts_by_a_column_and_marks_it(client, clerk, verified_resident, other_resident):
    verify(other_resident)
    first = _filed(verified_resident)
    second = _filed(other_resident)
    client.force_login(clerk)

    ascending = client.get(reverse("requests:queue") + "?sort=number&dir=asc").content.decode()
    descending = client.get(reverse("requests:queue") + "?sort=number&dir=desc").content.decode()

    assert ascending.index(first.number) < ascending.index(second.number)
    assert descending.index(second.number) < descending.index(first.number)
    assert 'aria-sort="descending"' in descending


def test_queue_paginates(client, clerk, verified_resident, settings):
    settings.REQUESTS_DAILY_LIMIT = 100
    for _ in range(27):
        _filed(verified_resident, kind="inquiry")
    client.force_login(clerk)

    page_one = client.get(reverse("requests:queue")).content.decode()
    page_two = client.get(reverse("requests:queue") + "?page=2").content.decode()

    assert "27 requests" in page_one
    assert page_one.count('name="numbers"') == 25
    assert page_two.count('name="numbers"') == 2
    assert client.get(reverse("requests:queue") + "?page=zzz").status_code == 200


def test_bad_filters_do_not_break_the_queue(client, clerk, filed):
    client.force_login(clerk)

    response = client.get(reverse("requests:queue") + "?status=nonsense&department=abc&sort=zz")

    assert response.status_code == 200


def test_bulk_assignment(client, clerk, privacy_officer, verified_resident, other_resident):
    verify(other_resident)
    first = _filed(verified_resident)
    second = _filed(other_resident)
    client.force_login(clerk)

    response = client.post(
        reverse("requests:bulk_assign"),
        {
            "numbers": [first.number, second.number],
            "assignee": str(privacy_officer.pk),
            "return_query": "kind=access",
        },
    )

    assert response["Location"] == reverse("requests:queue") + "?kind=access"
    assert set(Request.objects.values_list("assignee", flat=True)) == {privacy_officer.pk}
    assert "2 of 2 requests assigned" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"assignee": "none"}, "Choose at least one request to assign."),
        ({"numbers": ["FIPA-2026-000001"]}, "Choose who to assign the requests to."),
        ({"numbers": ["FIPA-2026-000001"], "assignee": "123456"}, "Choose a clerk from the list."),
        ({"numbers": ["FIPA-1999-000001"], "assignee": "none"}, "Choose requests from the list."),
    ],
)
def test_bulk_assignment_bad_input_is_explained(client, clerk, filed, data, message):
    client.force_login(clerk)

    response = client.post(reverse("requests:bulk_assign"), data, follow=True)

    assert message in response.content.decode()
    filed.refresh_from_db()
    assert filed.assignee is None


def test_bulk_assignment_cannot_assign_to_a_resident(client, clerk, filed, verified_resident):
    client.force_login(clerk)

    client.post(
        reverse("requests:bulk_assign"),
        {"numbers": [filed.number], "assignee": str(verified_resident.pk)},
    )

    filed.refresh_from_db()
    assert filed.assignee is None


def test_request_page_has_identity_bar_and_identity_level(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)

    content = client.get(reverse("requests:staff_detail", args=[filed.number])).content.decode()

    assert 'class="identity-bar"' in content
    assert "Alice Archer" in content
    assert "identity level is 2" in content
    assert 'aria-current="page"' in content


def test_assign_one_request(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)

    client.post(reverse("requests:staff_assign", args=[filed.number]), {"assignee": clerk.pk})

    filed.refresh_from_db()
    assert filed.assignee == clerk


def test_message_reaches_the_requesters_page(client, clerk, filed, verified_resident):
    client.force_login(clerk)
    _state_purpose(client, filed)

    response = client.post(
        reverse("requests:staff_messages", args=[filed.number]),
        {"body": "Could you tell us your old address?"},
    )

    assert response.status_code == 302
    client.force_login(verified_resident)
    content = client.get(reverse("requests:detail", args=[filed.number])).content.decode()
    assert "Could you tell us your old address?" in content


def test_empty_message_is_refused(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)

    response = client.post(reverse("requests:staff_messages", args=[filed.number]), {"body": ""})

    assert "Enter the message." in response.content.decode()
    assert filed.messages.count() == 0


def test_reply_template_fills_in_the_message(client, clerk, filed):
    template = ReplyTemplateFactory(
        name="Acknowledge", body="Dear {{ requester_name }}, we have {{ number }}."
    )
    client.force_login(clerk)
    _state_purpose(client, filed)

    content = client.get(
        reverse("requests:staff_messages", args=[filed.number]) + f"?template={template.pk}"
    ).content.decode()

    assert f"Dear Alice Archer, we have {filed.number}." in content


def test_internal_notes_are_marked_for_staff_and_never_shown_to_the_requester(
    client, clerk, filed, verified_resident, mailoutbox
):
    client.force_login(clerk)
    _state_purpose(client, filed)
    client.post(
        reverse("requests:staff_history", args=[filed.number]),
        {"text": "Resident sounded upset on the phone"},
    )

    staff_view = client.get(reverse("requests:staff_history", args=[filed.number])).content
    client.force_login(verified_resident)
    resident_view = client.get(reverse("requests:detail", args=[filed.number])).content

    assert b"Resident sounded upset on the phone" in staff_view
    assert b"timeline__item--internal" in staff_view
    assert b"upset" not in resident_view
    assert filed.events.get(kind=RequestEventKind.NOTE).visible_to_requester is False


def test_empty_note_is_refused(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)

    response = client.post(reverse("requests:staff_history", args=[filed.number]), {"text": " "})

    assert "<title>Error:" in response.content.decode()
    assert not filed.events.filter(kind=RequestEventKind.NOTE).exists()


def test_ask_page_says_what_happens_then_stops_the_clock(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)
    url = reverse("requests:staff_action", args=[filed.number, "ask"])

    page = client.get(url).content.decode()
    response = client.post(url, {"question": "Which years?"})

    assert "The clock on" in page and "stops until they answer" in page
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == RequestStatus.AWAITING_REQUESTER


def test_deny_needs_an_exemption_and_keeps_the_reason(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)
    url = reverse("requests:staff_action", args=[filed.number, "deny"])

    response = client.post(url, {"reason": "Other people's data"})

    content = response.content.decode()
    assert "<title>Error:" in content
    assert "Choose at least one exemption." in content
    assert "Other people&#x27;s data" in content
    filed.refresh_from_db()
    assert filed.status == RequestStatus.GATHERING

    client.post(url, {"reason": "Other people's data", "exemptions": ["26c"]})
    filed.refresh_from_db()
    assert filed.status == RequestStatus.DENIED
    assert filed.letters.get().kind == LetterKind.DENIAL


def test_review_then_close_is_refused_until_decided(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)
    searches_finished(filed)

    client.post(
        reverse("requests:staff_action", args=[filed.number, "review"]), {"reason": "Found"}
    )
    response = client.post(
        reverse("requests:staff_action", args=[filed.number, "close"]), {"reason": "Done"}
    )

    assert response.status_code == 409
    filed.refresh_from_db()
    assert filed.status == RequestStatus.IN_REVIEW


def test_unknown_action_is_404(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)

    assert (
        client.get(reverse("requests:staff_action", args=[filed.number, "release"])).status_code
        == 404
    )


@time_machine.travel(at(2026, 11, 25), tick=False)
def test_extend_with_bad_date_shows_the_reason_then_extends(client, clerk, verified_resident):
    filed = _filed(verified_resident)
    client.force_login(clerk)
    _state_purpose(client, filed)
    url = reverse("requests:staff_action", args=[filed.number, "extend"])

    bad = client.post(url, {"new_due_on": "2027-01-09", "reason": "Large request"})
    assert "must be a business day" in bad.content.decode()
    assert (
        'value="Large request"' in bad.content.decode() or "Large request" in bad.content.decode()
    )

    client.post(url, {"new_due_on": "2027-01-15", "reason": "Large request"})
    filed.refresh_from_db()
    assert filed.final_due_on == date(2027, 1, 15)
    assert client.get(url).status_code == 409

    client.force_login(verified_resident)
    content = client.get(reverse("requests:detail", args=[filed.number])).content.decode()
    assert "15 January 2027" in content
    assert "Large request" in content


def test_resume_action_restarts_the_clock(client, clerk, filed):
    request_information_ask(request=filed, actor=clerk, question="Which years?")
    client.force_login(clerk)
    _state_purpose(client, filed)

    client.post(
        reverse("requests:staff_action", args=[filed.number, "resume"]), {"reason": "Phoned"}
    )

    filed.refresh_from_db()
    assert filed.status == RequestStatus.GATHERING


def test_written_response_is_previewed_then_sent(client, clerk, filed, verified_resident):
    client.force_login(clerk)
    _state_purpose(client, filed)
    url = reverse("requests:staff_letter_new", args=[filed.number])
    data = {"records_not_held": "Police records: ask the Police Department.", "fee_estimate": ""}

    preview = client.post(url, {**data, "action": "preview"}).content.decode()
    assert "Police records: ask the Police Department." in preview
    assert filed.letters.count() == 0

    response = client.post(url, {**data, "action": "send"})
    assert response.status_code == 302
    letter = filed.letters.get()
    page = client.get(reverse("requests:staff_letter", args=[filed.number, letter.pk]))
    assert "Police records" in page.content.decode()

    client.force_login(verified_resident)
    content = client.get(reverse("requests:detail", args=[filed.number])).content.decode()
    assert "Our written response to your request" in content


def test_written_response_with_withheld_records_needs_an_exemption(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)

    response = client.post(
        reverse("requests:staff_letter_new", args=[filed.number]),
        {"withheld": "The neighbour's complaint", "action": "send"},
    )

    assert "Choose the exemptions for the records held back." in response.content.decode()
    assert filed.letters.count() == 0


def test_clerk_files_a_request_that_came_by_mail(client, clerk, verified_resident):
    with time_machine.travel(at(2026, 11, 30), tick=False):
        client.force_login(clerk)
        response = client.post(
            reverse("requests:staff_new"),
            {
                "resident_email": "ALICE@example.org",
                "kind": "access",
                "channel": Channel.MAIL,
                "received_on": "2026-11-25",
                "description": "Letter dated 20 November",
                "delivery": "paper",
            },
        )

    filed = Request.objects.get()
    assert response["Location"] == reverse("requests:staff_detail", args=[filed.number])
    assert filed.filed_by == clerk
    assert filed.channel == Channel.MAIL
    assert filed.response_due_on == date(2026, 12, 10)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("resident_email", "nobody@example.org", "No resident has an account"),
        ("resident_email", "not-an-email", "Enter an email address"),
        ("received_on", "2099-01-01", "cannot be in the future"),
        ("received_on", "31/02/2026", "as a real date"),
        ("channel", "web", "Select a valid choice"),
    ],
)
def test_filing_for_a_resident_explains_bad_input(
    client, clerk, verified_resident, field, value, message
):
    client.force_login(clerk)
    data = {
        "resident_email": verified_resident.email,
        "kind": "access",
        "channel": Channel.PHONE,
        "received_on": "2026-11-25",
        "delivery": "portal",
        field: value,
    }

    response = client.post(reverse("requests:staff_new"), data)

    assert message in response.content.decode()
    assert Request.objects.count() == 0


def test_staff_downloads_a_residents_document(client, clerk, filed, verified_resident):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from requests.services import request_reply
    from tests.factories import PROOF_PDF_BYTES

    request_reply(
        request=filed,
        requester=verified_resident,
        body="Lease",
        uploads=[SimpleUploadedFile("lease.pdf", PROOF_PDF_BYTES)],
    )
    document = filed.documents.get()
    client.force_login(clerk)
    _state_purpose(client, filed)

    response = client.get(reverse("requests:staff_document", args=[filed.number, document.pk]))

    assert b"".join(response.streaming_content) == PROOF_PDF_BYTES


def test_note_by_service_is_listed_in_history(client, clerk, filed):
    request_note_add(request=filed, author=clerk, text="Checked twice")
    client.force_login(clerk)
    _state_purpose(client, filed)

    content = client.get(reverse("requests:staff_history", args=[filed.number])).content.decode()

    assert "Checked twice" in content
    assert "Internal: not shown to the requester" in content


def test_assigning_to_someone_not_on_the_list_is_refused(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)

    response = client.post(
        reverse("requests:staff_assign", args=[filed.number]), {"assignee": "999999"}, follow=True
    )

    assert "Choose a clerk from the list." in response.content.decode()
    filed.refresh_from_db()
    assert filed.assignee is None


def test_staff_download_the_letter_pdf_and_a_purged_file_is_gone(client, clerk, filed):
    from portal.files.services import stored_file_purge
    from requests.services import request_letter_send

    letter = request_letter_send(request=filed, kind=LetterKind.WRITTEN_RESPONSE, actor=clerk)
    client.force_login(clerk)
    _state_purpose(client, filed)
    url = reverse("requests:staff_letter_pdf", args=[filed.number, letter.pk])

    assert b"".join(client.get(url).streaming_content).startswith(b"%PDF")
    stored_file_purge(stored=letter.pdf)
    assert client.get(url).status_code == 404


def test_action_raced_by_another_clerk_says_so(client, clerk, filed):
    from unittest import mock

    from requests.states import IllegalTransition

    client.force_login(clerk)
    _state_purpose(client, filed)
    with mock.patch(
        "requests.views.staff.request_review_start", side_effect=IllegalTransition("moved")
    ):
        response = client.post(
            reverse("requests:staff_action", args=[filed.number, "review"]), {"reason": "Found"}
        )

    assert response.status_code == 409
    assert "Someone may have acted on it a moment ago" in response.content.decode()


def test_action_refused_by_a_rule_shows_the_rule(client, clerk, filed):
    from unittest import mock

    from django.core.exceptions import ValidationError

    client.force_login(clerk)
    _state_purpose(client, filed)
    with mock.patch(
        "requests.views.staff.request_close", side_effect=ValidationError("Decide every source.")
    ):
        filed_denied_url = reverse("requests:staff_action", args=[filed.number, "withdraw"])
        with mock.patch(
            "requests.views.staff.request_withdraw",
            side_effect=ValidationError("Decide every source."),
        ):
            response = client.post(filed_denied_url, {"reason": "Phoned"})

    assert "Decide every source." in response.content.decode()
    assert "<title>Error:" in response.content.decode()


def test_filing_today_for_a_resident_keeps_the_time(client, clerk, verified_resident):
    client.force_login(clerk)

    client.post(
        reverse("requests:staff_new"),
        {
            "resident_email": verified_resident.email,
            "kind": "contest",
            "channel": Channel.IN_PERSON,
            "received_on": timezone.localdate().isoformat(),
            "delivery": "portal",
        },
    )

    filed = Request.objects.get()
    assert timezone.localtime(filed.received_at).date() == timezone.localdate()
    assert filed.channel == Channel.IN_PERSON


def test_an_empty_post_is_answered_with_errors_not_ignored(client, clerk, filed):
    client.force_login(clerk)
    _state_purpose(client, filed)

    for name in ("staff_messages", "staff_history"):
        response = client.post(reverse(f"requests:{name}", args=[filed.number]), {})
        assert "<title>Error:" in response.content.decode(), name
    response = client.post(reverse("requests:staff_action", args=[filed.number, "ask"]), {})
    assert "Enter what you need from the requester." in response.content.decode()


def test_due_soon_filter_leaves_out_later_and_overdue_requests(client, clerk, verified_resident):
    with time_machine.travel(at(2026, 11, 2), tick=False):
        overdue = _filed(verified_resident, kind="inquiry")  # due 16 November
    with time_machine.travel(at(2026, 11, 25), tick=False):
        soon = _filed(verified_resident, kind="inquiry")  # due 10 December
    with time_machine.travel(at(2026, 12, 8), tick=False):
        later = _filed(verified_resident, kind="inquiry")  # due 22 December
        client.force_login(clerk)
        content = client.get(reverse("requests:queue") + "?due=soon").content.decode()

    assert soon.number in content
    assert overdue.number not in content
    assert later.number not in content


def test_no_written_response_once_the_request_is_finished(client, clerk, filed, verified_resident):
    from requests.services import request_withdraw

    request_withdraw(request=filed, actor=verified_resident)
    client.force_login(clerk)
    _state_purpose(client, filed)

    letters_page = client.get(reverse("requests:staff_letters", args=[filed.number]))
    response = client.post(
        reverse("requests:staff_letter_new", args=[filed.number]), {"action": "send"}
    )

    assert "Write the written response" not in letters_page.content.decode()
    assert response.status_code == 409
    assert filed.letters.count() == 0
