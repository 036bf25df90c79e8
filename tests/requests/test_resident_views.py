"""The resident's pages: filing one question per page, their requests, replies, withdrawal."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from requests.models import Delivery, Request, RequestDocument, RequestMessage
from requests.services import (
    request_information_ask,
    request_letter_send,
    request_message_send,
    request_note_add,
    request_submit,
)
from requests.states import RequestStatus
from tests.factories import PROOF_PDF_BYTES, DepartmentFactory

pytestmark = pytest.mark.django_db


def _walk_to_check(client, *, kind="access", description="Everything since 2015", departments=()):
    assert client.post(reverse("requests:new_kind"), {"kind": kind}).status_code == 302
    assert (
        client.post(reverse("requests:new_about"), {"description": description}).status_code == 302
    )
    response = client.post(
        reverse("requests:new_departments"), {"departments": [d.pk for d in departments]}
    )
    assert response.status_code == 302
    response = client.post(reverse("requests:new_delivery"), {"delivery": Delivery.PORTAL})
    assert response["Location"] == reverse("requests:check")


def test_anonymous_people_are_sent_to_sign_in(client):
    for name in ("requests:list", "requests:start", "requests:new_kind", "requests:check"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_start_page_explains_and_has_one_start_button(client, resident):
    client.force_login(resident)

    response = client.get(reverse("requests:start"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "10 business days" in content
    assert "25 business days" in content
    assert content.count("button--start") == 1


def test_resident_files_an_access_request_through_the_review_step(
    client, verified_resident, department_a
):
    client.force_login(verified_resident)
    _walk_to_check(client, departments=[department_a])

    check = client.get(reverse("requests:check"))
    assert check.status_code == 200
    for answer in ("A copy of my information", "Everything since 2015", "Assessors"):
        assert answer in check.content.decode()
    assert Request.objects.count() == 0

    response = client.post(reverse("requests:check"))

    filed = Request.objects.get()
    assert response["Location"] == reverse("requests:submitted", args=[filed.number])
    assert filed.requester == verified_resident
    assert filed.description == "Everything since 2015"
    assert list(filed.departments.all()) == [department_a]
    assert filed.status == RequestStatus.GATHERING
    confirmation = client.get(response["Location"]).content.decode()
    assert filed.number in confirmation
    assert "panel" in confirmation
    assert "records@localhost" in confirmation
    assert "requests_draft" not in client.session


def test_change_link_returns_to_the_summary(client, verified_resident):
    client.force_login(verified_resident)
    _walk_to_check(client)

    page = client.get(reverse("requests:new_kind") + "?change=1")
    assert reverse("requests:check") in page.content.decode()  # the Back link
    response = client.post(reverse("requests:new_kind") + "?change=1", {"kind": "inquiry"})

    assert response["Location"] == reverse("requests:check")
    assert "Do you hold information about me?" in client.get(response["Location"]).content.decode()


def test_skipping_ahead_goes_back_to_the_first_unanswered_question(client, verified_resident):
    client.force_login(verified_resident)

    assert client.get(reverse("requests:new_delivery"))["Location"] == reverse("requests:new_kind")
    assert client.get(reverse("requests:check"))["Location"] == reverse("requests:new_kind")


def test_missing_answer_shows_an_error_summary_and_keeps_what_was_typed(client, verified_resident):
    client.force_login(verified_resident)

    response = client.post(reverse("requests:new_kind"), {})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in content
    assert 'class="error-summary"' in content
    assert 'href="#id_kind_0"' in content
    assert "Choose what you want to ask for." in content

    client.post(reverse("requests:new_kind"), {"kind": "correction"})
    response = client.post(reverse("requests:new_about"), {"description": "  "})
    assert "Tell us what is wrong and what it should say." in response.content.decode()


def test_too_long_description_is_refused_and_kept(client, verified_resident):
    client.force_login(verified_resident)
    client.post(reverse("requests:new_kind"), {"kind": "access"})

    response = client.post(reverse("requests:new_about"), {"description": "x" * 4001})

    assert "4,000 characters or fewer" in response.content.decode()
    assert "x" * 4001 in response.content.decode()


def test_unknown_choices_are_refused(client, verified_resident):
    client.force_login(verified_resident)

    response = client.post(reverse("requests:new_kind"), {"kind": "everything"})
    assert "<title>Error:" in response.content.decode()

    client.post(reverse("requests:new_kind"), {"kind": "access"})
    client.post(reverse("requests:new_about"), {"description": ""})
    response = client.post(reverse("requests:new_departments"), {"departments": ["999999"]})
    assert "Choose departments from the list." in response.content.decode()


def test_posted_state_assignee_or_due_date_change_nothing(client, verified_resident, clerk):
    """Must show 5: a resident's forms have no such fields, so posting them does nothing."""
    client.force_login(verified_resident)
    smuggled = {
        "status": RequestStatus.RELEASED,
        "assignee": str(clerk.pk),
        "final_due_on": "2030-01-01",
        "response_due_on": "2030-01-01",
        "received_at": "2020-01-01T00:00",
        "number": "FIPA-2020-999999",
        "requester": str(clerk.pk),
    }
    for url, data in (
        (reverse("requests:new_kind"), {"kind": "access"}),
        (reverse("requests:new_about"), {"description": "Tax records"}),
        (reverse("requests:new_departments"), {}),
        (reverse("requests:new_delivery"), {"delivery": Delivery.PORTAL}),
        (reverse("requests:check"), {}),
    ):
        client.post(url, {**data, **smuggled})
    filed = Request.objects.get()
    before = Request.objects.values().get(pk=filed.pk)

    client.post(reverse("requests:reply", args=[filed.number]), {"body": "Hi", **smuggled})
    client.post(reverse("requests:withdraw", args=[filed.number]), {**smuggled, "reason": ""})

    filed.refresh_from_db()
    assert filed.status == RequestStatus.WITHDRAWN  # what the withdraw form itself does
    assert filed.assignee is None
    assert filed.requester == verified_resident
    assert filed.number != "FIPA-2020-999999"
    after = Request.objects.values().get(pk=filed.pk)
    for column in ("final_due_on", "response_due_on", "received_at", "assignee_id", "number"):
        assert after[column] == before[column]
    assert before["status"] == RequestStatus.GATHERING


def test_daily_limit_shows_a_clear_message(client, verified_resident, settings):
    settings.REQUESTS_DAILY_LIMIT = 1
    request_submit(requester=verified_resident, subject=verified_resident, kind="inquiry")
    client.force_login(verified_resident)

    start = client.get(reverse("requests:start")).content.decode()
    response = client.get(reverse("requests:new_kind"))

    assert "the most you can send in one day" in start
    assert "button--start" not in start
    assert response.status_code == 429
    assert "You cannot send more requests today" in response.content.decode()


def test_limit_reached_between_questions_and_sending_is_explained(
    client, verified_resident, settings
):
    settings.REQUESTS_DAILY_LIMIT = 1
    client.force_login(verified_resident)
    _walk_to_check(client)
    request_submit(requester=verified_resident, subject=verified_resident, kind="inquiry")

    response = client.post(reverse("requests:check"))

    assert response.status_code == 429
    assert Request.objects.count() == 1


def test_list_shows_only_my_requests(client, verified_resident, other_resident):
    mine = request_submit(requester=verified_resident, subject=verified_resident, kind="access")
    theirs = request_submit(requester=other_resident, subject=other_resident, kind="access")
    client.force_login(verified_resident)

    content = client.get(reverse("requests:list")).content.decode()

    assert mine.number in content
    assert theirs.number not in content


def test_other_residents_request_answers_404_everywhere(
    client, verified_resident, other_resident, clerk
):
    theirs = request_submit(requester=other_resident, subject=other_resident, kind="access")
    letter = request_letter_send(request=theirs, kind="written_response", actor=clerk)
    client.force_login(verified_resident)

    for name, args in (
        ("requests:detail", [theirs.number]),
        ("requests:submitted", [theirs.number]),
        ("requests:reply", [theirs.number]),
        ("requests:withdraw", [theirs.number]),
        ("requests:letter", [theirs.number, letter.pk]),
        ("requests:letter_pdf", [theirs.number, letter.pk]),
    ):
        assert client.get(reverse(name, args=args)).status_code == 404
    assert client.post(reverse("requests:withdraw", args=[theirs.number])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == RequestStatus.AWAITING_IDENTITY


def test_my_request_shows_due_date_timeline_and_messages_but_no_internal_notes(
    client, verified_resident, clerk
):
    filed = request_submit(requester=verified_resident, subject=verified_resident, kind="access")
    request_message_send(request=filed, author=clerk, body="We are searching the archives.")
    request_note_add(request=filed, author=clerk, text="SECRET: requester called twice")
    client.force_login(verified_resident)

    content = client.get(reverse("requests:detail", args=[filed.number])).content.decode()

    assert "We are searching the archives." in content
    assert "We received your request" in content
    assert "We are looking for your records" in content
    assert filed.response_due_on.strftime("%-d %B %Y") in content
    assert "SECRET" not in content
    assert "Internal" not in content
    assert "Assigned" not in content


def test_reply_with_a_document_answers_the_question_and_restarts_the_clock(
    client, verified_resident, clerk
):
    filed = request_submit(requester=verified_resident, subject=verified_resident, kind="access")
    request_information_ask(request=filed, actor=clerk, question="Please send your lease.")
    client.force_login(verified_resident)

    response = client.post(
        reverse("requests:reply", args=[filed.number]),
        {"body": "Here it is", "documents": [SimpleUploadedFile("lease.pdf", PROOF_PDF_BYTES)]},
    )

    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.status == RequestStatus.GATHERING
    document = RequestDocument.objects.get()
    download = client.get(reverse("requests:document", args=[filed.number, document.pk]))
    assert b"".join(download.streaming_content) == PROOF_PDF_BYTES


def test_reply_with_a_bad_file_shows_the_error_and_keeps_the_message(client, verified_resident):
    filed = request_submit(requester=verified_resident, subject=verified_resident, kind="access")
    client.force_login(verified_resident)

    response = client.post(
        reverse("requests:reply", args=[filed.number]),
        {"body": "My lease", "documents": [SimpleUploadedFile("lease.pdf", b"not a pdf at all")]},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in content
    assert "My lease" in content
    assert RequestMessage.objects.count() == 0


def test_empty_reply_is_refused(client, verified_resident):
    filed = request_submit(requester=verified_resident, subject=verified_resident, kind="access")
    client.force_login(verified_resident)

    response = client.post(reverse("requests:reply", args=[filed.number]), {"body": ""})

    assert "Write a message or attach a document." in response.content.decode()


def test_withdraw_asks_first_then_withdraws(client, verified_resident):
    filed = request_submit(requester=verified_resident, subject=verified_resident, kind="access")
    client.force_login(verified_resident)

    page = client.get(reverse("requests:withdraw", args=[filed.number]))
    assert "Are you sure" in page.content.decode()
    filed.refresh_from_db()
    assert filed.status == RequestStatus.GATHERING

    client.post(reverse("requests:withdraw", args=[filed.number]), {"reason": "Not needed"})

    filed.refresh_from_db()
    assert filed.status == RequestStatus.WITHDRAWN
    again = client.post(reverse("requests:withdraw", args=[filed.number]), {})
    assert "You cannot withdraw this request now" in again.content.decode()


def test_resident_reads_and_downloads_letters(client, verified_resident, clerk):
    filed = request_submit(requester=verified_resident, subject=verified_resident, kind="access")
    letter = request_letter_send(request=filed, kind="written_response", actor=clerk)
    client.force_login(verified_resident)

    page = client.get(reverse("requests:letter", args=[filed.number, letter.pk]))
    pdf = client.get(reverse("requests:letter_pdf", args=[filed.number, letter.pk]))

    assert "Your right to appeal" in page.content.decode()
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_unknown_departments_page_lists_every_department(client, verified_resident):
    DepartmentFactory(slug="treasurer", name="Treasurer and Collector")
    client.force_login(verified_resident)
    client.post(reverse("requests:new_kind"), {"kind": "inquiry"})
    client.post(reverse("requests:new_about"), {"description": ""})

    content = client.get(reverse("requests:new_departments")).content.decode()

    assert "Treasurer and Collector" in content


def test_contest_asks_what_they_disagree_with(client, verified_resident):
    client.force_login(verified_resident)
    client.post(reverse("requests:new_kind"), {"kind": "contest"})

    response = client.post(reverse("requests:new_about"), {"description": ""})

    content = response.content.decode()
    assert "What do you disagree with, and why?" in content
    assert "Tell us what you disagree with." in content


def test_withdraw_raced_by_a_clerk_is_explained(client, verified_resident):
    from unittest import mock

    from requests.states import IllegalTransition

    filed = request_submit(requester=verified_resident, subject=verified_resident, kind="access")
    client.force_login(verified_resident)
    with mock.patch(
        "requests.views.resident.request_withdraw", side_effect=IllegalTransition("moved")
    ):
        response = client.post(reverse("requests:withdraw", args=[filed.number]), {})

    assert "You cannot withdraw this request now" in response.content.decode()


def test_purged_letter_pdf_is_gone(client, verified_resident, clerk):
    from portal.files.services import stored_file_purge

    filed = request_submit(requester=verified_resident, subject=verified_resident, kind="access")
    letter = request_letter_send(request=filed, kind="written_response", actor=clerk)
    stored_file_purge(stored=letter.pdf)
    client.force_login(verified_resident)

    response = client.get(reverse("requests:letter_pdf", args=[filed.number, letter.pk]))

    assert response.status_code == 404
