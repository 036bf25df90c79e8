"""What residents and staff read about each event: plain language, nothing meant for staff only."""

import pytest

from requests.models import LetterKind
from requests.selectors import request_timeline
from requests.services import (
    request_clock_resume,
    request_deny,
    request_extend,
    request_information_ask,
    request_letter_send,
    request_reply,
    request_review_start,
    request_submit,
    request_withdraw,
)
from requests.states import RequestStatus, request_transition
from tests.factories import searches_finished
from tests.requests.conftest import verify

pytestmark = pytest.mark.django_db


def _titles(request, *, for_requester):
    return [entry.title for entry in request_timeline(request=request, for_requester=for_requester)]


def test_requester_timeline_tells_the_story_newest_first(resident, clerk):
    request = request_submit(requester=resident, subject=resident, kind="access")
    verify(resident)
    request.refresh_from_db()
    request_information_ask(request=request, actor=clerk, question="Which years?")
    request_reply(request=request, requester=resident, body="2019 to 2024")
    request.refresh_from_db()
    request_extend(
        request=request,
        actor=clerk,
        new_due_on=_next_business_day(request),
        reason="Many departments",
    )
    searches_finished(request)
    request_review_start(request=request, actor=clerk, reason="Found by hand")
    request_letter_send(request=request, kind=LetterKind.WRITTEN_RESPONSE, actor=clerk)
    request_transition(request=request, to=RequestStatus.DECIDED, actor=clerk)

    titles = _titles(request, for_requester=True)

    assert titles == [
        "We made a decision on your request",
        "We sent you a letter: Our written response to your request",
        "We are checking the records we found",
        titles[3],
        "We have what we asked for. The clock is running again",
        "You sent us a message",
        "We asked you for more information. The clock is stopped until you answer",
        "We checked who you are. We are looking for your records",
        "We need to check who you are before we look for your records",
        "We received your request",
    ]
    assert titles[3].startswith("We need more time. The new due date is ")


def _next_business_day(request):
    from requests.calendar import business_calendar

    return business_calendar().add_business_days(request.final_due_on, 1)


def test_requester_reads_the_denial_with_its_exemptions(resident, clerk):
    verify(resident)
    request = request_submit(requester=resident, subject=resident, kind="access")
    request_deny(request=request, actor=clerk, reason="Other people's records", exemptions=["26c"])

    denied = request_timeline(request=request, for_requester=True)[1]

    assert denied.title == "We decided not to give you these records"
    assert denied.text == "Other people's records"
    assert denied.exemptions == ["c. 4 §7 cl. 26 (c): privacy of other people named in the records"]


def test_withdrawals_say_who_withdrew(resident, other_resident, clerk):
    verify(resident)
    verify(other_resident)
    mine = request_submit(requester=resident, subject=resident, kind="access")
    theirs = request_submit(requester=other_resident, subject=other_resident, kind="access")

    request_withdraw(request=mine, actor=resident)
    request_withdraw(request=theirs, actor=clerk, reason="Asked by phone")

    assert _titles(mine, for_requester=True)[0] == "You withdrew your request"
    assert _titles(theirs, for_requester=True)[0] == "Your request was withdrawn"


def test_release_title():
    from requests.models import RequestEvent, RequestEventKind
    from requests.wording import requester_title

    event = RequestEvent(
        kind=RequestEventKind.STATUS_CHANGED,
        from_status=RequestStatus.IN_REVIEW,
        to_status=RequestStatus.RELEASED,
    )

    assert requester_title(event) == "Your records are ready"


def test_staff_timeline_names_each_move_and_who_made_it(resident, clerk):
    verify(resident)
    request = request_submit(requester=resident, subject=resident, kind="access")
    request_extend(
        request=request,
        actor=clerk,
        new_due_on=_next_business_day(request),
        reason="Busy",
    )
    request_letter_send(request=request, kind=LetterKind.WRITTEN_RESPONSE, actor=clerk)
    request_information_ask(request=request, actor=clerk, question="Which years?")
    request_clock_resume(request=request, actor=clerk)

    entries = request_timeline(request=request, for_requester=False)

    assert entries[0].title == "Waiting for the requester → Finding records"
    assert entries[0].actor == "Carol Clark"
    assert entries[2].title == "Letter sent: Our written response to your request"
    assert entries[3].title.startswith("Deadline extended to ")
    assert entries[-1].title == "Request received"
    assert entries[-2].actor == "System"
