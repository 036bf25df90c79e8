"""Filing, the identity hold, the clock's pause and extension, decisions and assignments."""

import threading
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

from portal.files.models import StoredFile
from portal.files.services import stored_file_read
from portal.identity.models import IdentityLevel
from requests.models import (
    Channel,
    LetterKind,
    MessageDirection,
    Request,
    RequestDocument,
    RequestEventKind,
)
from requests.services import (
    RequestLimitReached,
    letter_html,
    request_assign,
    request_clock_resume,
    request_close,
    request_deny,
    request_extend,
    request_information_ask,
    request_letter_send,
    request_message_send,
    request_note_add,
    request_reply,
    request_review_start,
    request_submit,
    request_withdraw,
    requests_release_identity_hold,
)
from requests.states import IllegalTransition, RequestStatus
from tests.factories import PROOF_PDF_BYTES, StaffFactory, UserFactory, searches_finished
from tests.requests.conftest import at, verify

pytestmark = pytest.mark.django_db


# --- Filing ---------------------------------------------------------------------------------


@time_machine.travel(at(2026, 11, 25), tick=False)
def test_verified_resident_files_access_request_that_goes_to_gathering(verified_resident):
    request = request_submit(requester=verified_resident, subject=verified_resident, kind="access")

    assert request.number == "FIPA-2026-000001"
    assert request.status == RequestStatus.GATHERING
    assert request.channel == Channel.WEB
    assert request.filed_by is None
    assert request.response_due_on == date(2026, 12, 10)
    assert request.final_due_on == date(2027, 1, 4)
    kinds = list(request.events.order_by("id").values_list("kind", "to_status"))
    assert kinds == [
        (RequestEventKind.FILED, ""),
        (RequestEventKind.STATUS_CHANGED, RequestStatus.GATHERING),
    ]


def test_numbers_count_up_within_a_year_and_restart_the_next(verified_resident):
    with time_machine.travel(at(2026, 12, 30), tick=False):
        first = request_submit(
            requester=verified_resident, subject=verified_resident, kind="access"
        )
        second = request_submit(
            requester=verified_resident, subject=verified_resident, kind="inquiry"
        )
    with time_machine.travel(at(2027, 1, 4), tick=False):
        third = request_submit(
            requester=verified_resident, subject=verified_resident, kind="inquiry"
        )

    assert [first.number, second.number, third.number] == [
        "FIPA-2026-000001",
        "FIPA-2026-000002",
        "FIPA-2027-000001",
    ]


def test_resident_with_only_an_email_address_waits_for_identity(resident):
    request = request_submit(requester=resident, subject=resident, kind="access")

    assert request.status == RequestStatus.AWAITING_IDENTITY


def test_access_log_needs_only_a_confirmed_email(resident):
    request = request_submit(requester=resident, subject=resident, kind="access_log")

    assert request.status == RequestStatus.GATHERING


def test_identity_level_each_type_needs_is_a_setting(resident, settings):
    settings.REQUESTS_IDENTITY_LEVEL_NEEDED = {
        **settings.REQUESTS_IDENTITY_LEVEL_NEEDED,
        "access_log": 2,
    }

    request = request_submit(requester=resident, subject=resident, kind="access_log")

    assert request.status == RequestStatus.AWAITING_IDENTITY


def test_proving_identity_releases_the_waiting_requests(resident):
    waiting = request_submit(requester=resident, subject=resident, kind="access")

    verify(resident)

    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.GATHERING
    assert waiting.events.filter(
        from_status=RequestStatus.AWAITING_IDENTITY, to_status=RequestStatus.GATHERING
    ).exists()


def test_release_leaves_requests_that_need_a_higher_level(resident, settings):
    settings.REQUESTS_IDENTITY_LEVEL_NEEDED = {
        **settings.REQUESTS_IDENTITY_LEVEL_NEEDED,
        "access": 3,
    }
    waiting = request_submit(requester=resident, subject=resident, kind="access")
    verify(resident, IdentityLevel.REMOTE)

    assert requests_release_identity_hold(user=resident) == 0
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.AWAITING_IDENTITY

    verify(resident, IdentityLevel.ATTENDED)
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.GATHERING


def test_resident_cannot_file_about_someone_else(resident, other_resident):
    with pytest.raises(PermissionDenied):
        request_submit(requester=resident, subject=other_resident, kind="access")
    assert Request.objects.count() == 0


def test_daily_limit_stops_the_next_request(verified_resident, settings):
    settings.REQUESTS_DAILY_LIMIT = 2
    for _ in range(2):
        request_submit(requester=verified_resident, subject=verified_resident, kind="inquiry")

    with pytest.raises(RequestLimitReached):
        request_submit(requester=verified_resident, subject=verified_resident, kind="inquiry")
    assert Request.objects.count() == 2


def test_daily_limit_starts_again_the_next_day(verified_resident, settings):
    settings.REQUESTS_DAILY_LIMIT = 1
    with time_machine.travel(at(2026, 11, 24, 23, 50), tick=False):
        request_submit(requester=verified_resident, subject=verified_resident, kind="inquiry")
    with time_machine.travel(at(2026, 11, 25, 0, 10), tick=False):
        request_submit(requester=verified_resident, subject=verified_resident, kind="inquiry")
        with pytest.raises(RequestLimitReached):
            request_submit(requester=verified_resident, subject=verified_resident, kind="inquiry")


def test_clerk_files_from_the_counter_counting_from_the_day_received(verified_resident, clerk):
    with time_machine.travel(at(2026, 11, 30), tick=False):
        request = request_submit(
            requester=verified_resident,
            subject=verified_resident,
            kind="access",
            channel=Channel.MAIL,
            filed_by=clerk,
            received_at=at(2026, 11, 25, 9),
        )

    assert request.filed_by == clerk
    assert request.channel == Channel.MAIL
    assert request.response_due_on == date(2026, 12, 10)
    assert request.events.get(kind=RequestEventKind.FILED).actor == clerk


def test_clerk_filings_do_not_count_against_the_residents_limit(verified_resident, clerk, settings):
    settings.REQUESTS_DAILY_LIMIT = 1
    request_submit(
        requester=verified_resident,
        subject=verified_resident,
        kind="access",
        channel=Channel.PHONE,
        filed_by=clerk,
    )

    request_submit(requester=verified_resident, subject=verified_resident, kind="access")


def test_received_date_cannot_be_in_the_future(verified_resident, clerk):
    with time_machine.travel(at(2026, 11, 25), tick=False), pytest.raises(ValidationError):
        request_submit(
            requester=verified_resident,
            subject=verified_resident,
            kind="access",
            channel=Channel.EMAIL,
            filed_by=clerk,
            received_at=at(2026, 11, 26),
        )


def test_steward_cannot_file_for_a_resident(verified_resident, steward_a):
    with pytest.raises(PermissionDenied):
        request_submit(
            requester=verified_resident,
            subject=verified_resident,
            kind="access",
            channel=Channel.EMAIL,
            filed_by=steward_a,
        )


@pytest.mark.django_db(transaction=True)
def test_two_filings_at_once_get_different_numbers(postgresql_only):
    people = [UserFactory(email=f"same-moment-{n}@example.org") for n in range(2)]
    for person in people:
        verify(person)
    start = threading.Barrier(2)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def file(person) -> None:
        try:
            start.wait(timeout=10)
            numbers.append(request_submit(requester=person, subject=person, kind="access").number)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=file, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert len(set(numbers)) == 2
    assert sorted(number[-6:] for number in numbers) == ["000001", "000002"]


# --- The clock ------------------------------------------------------------------------------


def _filed(resident, clerk=None, kind="access"):
    return request_submit(requester=resident, subject=resident, kind=kind)


def test_asking_the_requester_stops_the_clock_and_their_reply_moves_the_dates(
    verified_resident, clerk
):
    with time_machine.travel(at(2026, 11, 25), tick=False):
        request = _filed(verified_resident)
    with time_machine.travel(at(2026, 12, 4), tick=False):
        request_information_ask(
            request=request, actor=clerk, question="Which address did you live at in 2019?"
        )
    request.refresh_from_db()
    assert request.status == RequestStatus.AWAITING_REQUESTER
    assert request.messages.get().direction == MessageDirection.TO_REQUESTER

    with time_machine.travel(at(2026, 12, 9), tick=False):
        request_reply(request=request, requester=verified_resident, body="12 Elm Street")

    request.refresh_from_db()
    assert request.status == RequestStatus.GATHERING
    assert request.paused_business_days == 3
    assert request.response_due_on == date(2026, 12, 15)
    assert request.final_due_on == date(2027, 1, 7)
    assert request.paused_at is None


def test_clerk_starts_the_clock_again_and_the_request_returns_where_it_was(
    verified_resident, clerk
):
    request = _filed(verified_resident)
    searches_finished(request)
    request_review_start(request=request, actor=clerk, reason="Records found by hand")
    request_information_ask(request=request, actor=clerk, question="Please confirm your address.")

    request_clock_resume(request=request, actor=clerk, reason="She answered by phone")

    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW


def test_a_request_that_waited_for_identity_goes_on_once_identity_is_proved_meanwhile(
    resident, clerk
):
    request = _filed(resident)
    request_information_ask(request=request, actor=clerk, question="Can you come to City Hall?")
    verify(resident)

    request_clock_resume(request=request, actor=clerk, reason="ID seen")

    request.refresh_from_db()
    assert request.status == RequestStatus.GATHERING


def test_resume_when_not_waiting_raises(verified_resident, clerk):
    request = _filed(verified_resident)

    with pytest.raises(IllegalTransition):
        request_clock_resume(request=request, actor=clerk)


@time_machine.travel(at(2026, 11, 25), tick=False)
def test_one_extension_with_reason_and_new_date(verified_resident, clerk):
    request = _filed(verified_resident)

    request_extend(
        request=request, actor=clerk, new_due_on=date(2027, 1, 15), reason="Four departments"
    )

    request.refresh_from_db()
    assert request.final_due_on == date(2027, 1, 15)
    assert request.due_before_extension == date(2027, 1, 4)
    assert request.extension_reason == "Four departments"
    event = request.events.get(kind=RequestEventKind.EXTENDED)
    assert event.visible_to_requester
    with pytest.raises(ValidationError, match="already extended"):
        request_extend(request=request, actor=clerk, new_due_on=date(2027, 1, 20), reason="More")


@time_machine.travel(at(2026, 11, 25), tick=False)
@pytest.mark.parametrize(
    ("new_due_on", "reason", "message"),
    [
        (date(2027, 1, 4), "Busy", "must be after 4 January 2027"),
        (date(2027, 1, 9), "Busy", "must be a business day"),
        (date(2027, 3, 1), "Busy", "at most 30 more business days"),
        (date(2027, 1, 15), "  ", "Enter why you need more time"),
    ],
)
def test_bad_extensions_are_refused_with_a_reason(
    verified_resident, clerk, new_due_on, reason, message
):
    request = _filed(verified_resident)

    with pytest.raises(ValidationError, match=message):
        request_extend(request=request, actor=clerk, new_due_on=new_due_on, reason=reason)

    request.refresh_from_db()
    assert request.extended_at is None
    assert request.final_due_on == date(2027, 1, 4)


# --- Decisions and people -------------------------------------------------------------------


def test_denial_needs_an_exemption_and_sends_the_denial_letter(verified_resident, clerk):
    request = _filed(verified_resident)
    with pytest.raises(ValidationError):
        request_deny(request=request, actor=clerk, reason="Other people's data", exemptions=[])
    with pytest.raises(ValidationError):
        request_deny(request=request, actor=clerk, reason="x", exemptions=["26z"])

    request_deny(request=request, actor=clerk, reason="Other people's data", exemptions=["26c"])

    request.refresh_from_db()
    assert request.status == RequestStatus.DENIED
    assert request.denial_exemptions == ["26c"]
    letter = request.letters.get()
    assert letter.kind == LetterKind.DENIAL
    assert "privacy of other people" in letter_html(letter=letter)
    assert "Supervisor of Records" in letter_html(letter=letter)
    assert stored_file_read(letter.pdf).startswith(b"%PDF")


def test_close_after_denial_and_nothing_after_close(verified_resident, clerk):
    request = _filed(verified_resident)
    request_deny(request=request, actor=clerk, reason="Exempt", exemptions=["26n"])

    request_close(request=request, actor=clerk, reason="Letter sent")

    with pytest.raises(IllegalTransition):
        request_withdraw(request=request, actor=verified_resident)
    request.refresh_from_db()
    assert request.status == RequestStatus.CLOSED


def test_requester_withdraws_their_request(verified_resident):
    request = _filed(verified_resident)

    request_withdraw(request=request, actor=verified_resident, reason="Found it myself")

    request.refresh_from_db()
    assert request.status == RequestStatus.WITHDRAWN


def test_residents_and_stewards_cannot_use_clerk_services(verified_resident, steward_a):
    request = _filed(verified_resident)
    for person in (verified_resident, steward_a):
        with pytest.raises(PermissionDenied):
            request_review_start(request=request, actor=person, reason="x")
        with pytest.raises(PermissionDenied):
            request_note_add(request=request, author=person, text="x")
        with pytest.raises(PermissionDenied):
            request_assign(requests=[request], assignee=None, actor=person)
    request.refresh_from_db()
    assert request.status == RequestStatus.GATHERING


def test_assignment_is_recorded_for_staff_only(verified_resident, clerk, privacy_officer):
    request = _filed(verified_resident)

    assert request_assign(requests=[request], assignee=privacy_officer, actor=clerk) == 1
    assert request_assign(requests=[request], assignee=privacy_officer, actor=clerk) == 0

    request.refresh_from_db()
    assert request.assignee == privacy_officer
    event = request.events.get(kind=RequestEventKind.ASSIGNED)
    assert not event.visible_to_requester


def test_requests_cannot_be_assigned_to_a_resident_or_steward(verified_resident, clerk, steward_a):
    request = _filed(verified_resident)
    for person in (verified_resident, steward_a):
        with pytest.raises(ValidationError):
            request_assign(requests=[request], assignee=person, actor=clerk)


def test_written_response_sets_the_response_date_and_moves_the_next_deadline(
    verified_resident, clerk
):
    request = _filed(verified_resident)
    assert request.next_due_on == request.response_due_on

    letter = request_letter_send(
        request=request,
        kind=LetterKind.WRITTEN_RESPONSE,
        actor=clerk,
        fields={"records_not_held": "Police records are held by the Police Department."},
    )

    request.refresh_from_db()
    assert request.responded_at is not None
    assert request.next_due_on == request.final_due_on
    html = letter_html(letter=letter)
    assert "Police records are held by the Police Department." in html
    assert "90 calendar days" in html
    assert request.number in html


def test_letters_are_kept_encrypted(verified_resident, clerk):
    request = _filed(verified_resident)

    letter = request_letter_send(request=request, kind=LetterKind.WRITTEN_RESPONSE, actor=clerk)

    assert request.number.encode() not in bytes(letter.html_encrypted)
    assert StoredFile.objects.get(pk=letter.pdf_id).purpose == "request_letter"


def test_reply_with_a_pdf_keeps_the_document(verified_resident):
    request = _filed(verified_resident)

    message = request_reply(
        request=request,
        requester=verified_resident,
        body="My lease",
        uploads=[SimpleUploadedFile("lease.pdf", PROOF_PDF_BYTES)],
    )

    document = RequestDocument.objects.get()
    assert document.message == message
    assert stored_file_read(document.stored_file) == PROOF_PDF_BYTES


def test_reply_with_a_disguised_file_keeps_nothing(verified_resident):
    request = _filed(verified_resident)

    with pytest.raises(ValidationError):
        request_reply(
            request=request,
            requester=verified_resident,
            body="See attached",
            uploads=[SimpleUploadedFile("lease.pdf", b"<html><script>x</script></html>")],
        )

    assert request.messages.count() == 0
    assert RequestDocument.objects.count() == 0


def test_someone_else_cannot_reply(verified_resident, other_resident):
    request = _filed(verified_resident)

    with pytest.raises(PermissionDenied):
        request_reply(request=request, requester=other_resident, body="Hello")


def test_a_clerk_cannot_be_the_one_replying_as_requester(verified_resident):
    request = _filed(verified_resident)
    clerk = StaffFactory(email="another.clerk@example.org")

    with pytest.raises(PermissionDenied):
        request_reply(request=request, requester=clerk, body="Hello")


# --- Bad input to the services --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_number_allocation_needs_the_filing_transaction():
    from requests.services import request_number_allocate

    with pytest.raises(RuntimeError):
        request_number_allocate(year=2026)


def test_resident_files_only_through_the_website(verified_resident):
    with pytest.raises(ValueError):
        request_submit(
            requester=verified_resident,
            subject=verified_resident,
            kind="access",
            channel=Channel.PHONE,
        )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda r, c: request_note_add(request=r, author=c, text=" "), "Enter the note"),
        (lambda r, c: request_message_send(request=r, author=c, body=""), "Enter the message"),
        (
            lambda r, c: request_information_ask(request=r, actor=c, question=""),
            "Enter what you need",
        ),
        (lambda r, c: request_review_start(request=r, actor=c, reason=""), "ready for review"),
        (lambda r, c: request_close(request=r, actor=c, reason=""), "why the request is closed"),
        (
            lambda r, c: request_deny(request=r, actor=c, reason="", exemptions=["26c"]),
            "why the request is denied",
        ),
    ],
)
def test_empty_input_is_refused_with_a_message(verified_resident, clerk, call, message):
    request = _filed(verified_resident)

    with pytest.raises(ValidationError, match=message):
        call(request, clerk)

    request.refresh_from_db()
    assert request.status == RequestStatus.GATHERING


def test_empty_reply_is_refused(verified_resident):
    request = _filed(verified_resident)

    with pytest.raises(ValidationError, match="Enter a message or choose a file"):
        request_reply(request=request, requester=verified_resident, body=" ")


def test_no_reply_to_a_withdrawn_request(verified_resident):
    request = _filed(verified_resident)
    request_withdraw(request=request, actor=verified_resident)

    with pytest.raises(ValidationError, match="closed"):
        request_reply(request=request, requester=verified_resident, body="Hello?")


def test_finished_request_cannot_be_extended(verified_resident, clerk):
    request = _filed(verified_resident)
    request_withdraw(request=request, actor=verified_resident)

    with pytest.raises(ValidationError, match="finished"):
        request_extend(request=request, actor=clerk, new_due_on=date(2030, 1, 2), reason="x")


@time_machine.travel(at(2026, 11, 25), tick=False)
def test_correction_deadline_has_no_legal_cap_on_its_extension(verified_resident, clerk):
    request = _filed(verified_resident, kind="correction")
    assert request.final_due_on == date(2026, 12, 28)

    request_extend(request=request, actor=clerk, new_due_on=date(2027, 6, 1), reason="Steward away")

    request.refresh_from_db()
    assert request.final_due_on == date(2027, 6, 1)


def test_a_stale_copy_cannot_extend_twice(verified_resident, clerk):
    request = _filed(verified_resident)
    stale = Request.objects.get(pk=request.pk)
    request_extend(
        request=request,
        actor=clerk,
        new_due_on=_business_day_after(request.final_due_on),
        reason="Busy",
    )

    with pytest.raises(ValidationError, match="already extended"):
        request_extend(
            request=stale,
            actor=clerk,
            new_due_on=_business_day_after(stale.final_due_on, 2),
            reason="Busier",
        )


def _business_day_after(day, count=1):
    from requests.calendar import business_calendar

    return business_calendar().add_business_days(day, count)


def test_release_skips_a_request_someone_else_moved_meanwhile(resident):
    from unittest import mock

    request_submit(requester=resident, subject=resident, kind="access")
    with mock.patch("requests.services.request_transition", side_effect=IllegalTransition("moved")):
        verify(resident)
    assert Request.objects.get().status == RequestStatus.AWAITING_IDENTITY
    assert requests_release_identity_hold(user=resident) == 1


def test_unassigning_records_the_change(verified_resident, clerk):
    request = _filed(verified_resident)
    request_assign(requests=[request], assignee=clerk, actor=clerk)

    assert request_assign(requests=[request], assignee=None, actor=clerk) == 1
    assert request_assign(requests=[request], assignee=None, actor=clerk) == 0

    request.refresh_from_db()
    assert request.assignee is None
