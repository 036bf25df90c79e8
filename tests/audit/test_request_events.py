"""Every move of a request, and every decision and record about it, leaves one audit event."""

from collections import deque

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.accounts.models import Role, User
from portal.audit.models import AuditCategory, AuditEvent
from portal.audit.verify import audit_chain_verify
from requests.calendar import business_calendar
from requests.models import Request
from requests.services import (
    RequestLimitReached,
    request_assign,
    request_close,
    request_deny,
    request_extend,
    request_information_ask,
    request_message_send,
    request_note_add,
    request_reply,
    request_review_start,
    request_submit,
)
from requests.states import TRANSITIONS, IllegalTransition, Mover, RequestStatus, request_transition
from tests.factories import PROOF_PDF_BYTES, search_by_hand_source, searches_finished
from tests.requests.conftest import verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _a_department_searches_by_hand(db):
    """Filed requests rest in gathering, where the clerk's moves these tests make start from."""
    return search_by_hand_source()


def _new_request(requester) -> Request:
    today = timezone.localdate()
    return Request.objects.create(
        number=f"FIPA-2099-{Request.objects.count() + 1:06d}",
        kind="access",
        requester=requester,
        subject=requester,
        received_at=timezone.now(),
        received_on=today,
        final_due_on=today,
    )


def _actor(mover, requester, clerk):
    return {Mover.SYSTEM: None, Mover.REQUESTER: requester, Mover.STAFF: clerk}[mover]


def _path_to(target):
    queue = deque([(RequestStatus.SUBMITTED, [])])
    seen = {RequestStatus.SUBMITTED}
    while queue:
        status, path = queue.popleft()
        if status == target:
            return path
        for (source, destination), movers in TRANSITIONS.items():
            if source == status and destination not in seen:
                seen.add(destination)
                queue.append((destination, [*path, (destination, sorted(movers)[0])]))
    raise AssertionError(f"{target} cannot be reached")


@pytest.fixture
def people():
    return (
        User.objects.create(email="walker@example.org", role=Role.RESIDENT),
        User.objects.create(email="clara@example.org", role=Role.CLERK),
    )


def _status_events(request):
    return AuditEvent.objects.filter(
        action="request.status_changed", object_type="requests.request", object_id=str(request.pk)
    )


@pytest.mark.parametrize(("source", "target"), list(TRANSITIONS))
def test_every_allowed_move_writes_exactly_one_status_event(people, source, target):
    requester, clerk = people
    request = _new_request(requester)
    for destination, mover in _path_to(source):
        request_transition(request=request, to=destination, actor=_actor(mover, requester, clerk))
    before = set(_status_events(request).values_list("sequence", flat=True))
    mover = sorted(TRANSITIONS[(source, target)])[0]
    actor = _actor(mover, requester, clerk)

    request_transition(request=request, to=target, actor=actor, reason="a reason")

    new = _status_events(request).exclude(sequence__in=before)
    assert new.count() == 1
    event = new.get()
    assert event.category == AuditCategory.STATE_CHANGE
    assert event.details["from_status"] == source
    assert event.details["to_status"] == target
    assert event.actor_id == (actor.pk if actor else None)
    assert "status" in event.field_names
    assert "a reason" not in str(event.details)


def test_a_refused_move_writes_no_event(people):
    requester, clerk = people
    request = _new_request(requester)
    count = AuditEvent.objects.count()

    with pytest.raises(IllegalTransition):
        request_transition(request=request, to=RequestStatus.RELEASED, actor=clerk)

    assert AuditEvent.objects.count() == count


def _actions(request):
    return list(
        AuditEvent.objects.filter(object_type="requests.request", object_id=str(request.pk))
        .order_by("sequence")
        .values_list("action", flat=True)
    )


def test_filing_assigning_and_notes_are_recorded_with_ids(resident, clerk):
    verify(resident)
    filed = request_submit(requester=resident, subject=resident, kind="access")
    request_assign(requests=[filed], assignee=clerk, actor=clerk)
    request_note_add(request=filed, author=clerk, text="Called her back.")

    assert _actions(filed) == [
        "request.filed",
        "request.status_changed",
        "gathering.started",
        "request.assigned",
        "request.note_added",
    ]
    filing = AuditEvent.objects.get(action="request.filed")
    assert filing.details["kind"] == "access"
    assert filing.details["requester_id"] == resident.pk
    assigned = AuditEvent.objects.get(action="request.assigned")
    assert assigned.category == AuditCategory.DECISION
    assert assigned.details == {"assignee_id": clerk.pk}
    assert assigned.actor_id == clerk.pk


def test_the_clock_messages_extension_and_decisions_are_recorded(resident, clerk):
    verify(resident)
    filed = request_submit(requester=resident, subject=resident, kind="access")
    request_message_send(request=filed, author=clerk, body="We are looking.")
    request_information_ask(request=filed, actor=clerk, question="Which years?")
    request_reply(
        request=filed,
        requester=resident,
        body="2019 to 2021.",
        uploads=[SimpleUploadedFile("proof.pdf", PROOF_PDF_BYTES)],
    )
    filed.refresh_from_db()
    new_due = business_calendar().add_business_days(filed.final_due_on, 5)
    request_extend(request=filed, actor=clerk, new_due_on=new_due, reason="Many files.")
    searches_finished(filed)
    request_review_start(request=filed, actor=clerk, reason="Found them.")
    request_deny(request=filed, actor=clerk, reason="Exempt.", exemptions=["26c"])
    request_close(request=filed, actor=clerk, reason="Done.")

    actions = _actions(filed)
    for action in (
        "request.message_sent",
        "request.clock_paused",
        "request.message_received",
        "request.clock_resumed",
        "request.extended",
        "request.denied",
        "request.letter_sent",
        "request.closed",
    ):
        assert actions.count(action) == 1, action
    received = AuditEvent.objects.get(action="request.message_received")
    assert len(received.details["document_ids"]) == 1
    extended = AuditEvent.objects.get(action="request.extended")
    assert extended.details["new_due_on"] == new_due.isoformat()
    assert "final_due_on" in extended.field_names
    denied = AuditEvent.objects.get(action="request.denied")
    assert denied.details["exemptions"] == ["26c"]
    letter = AuditEvent.objects.get(action="request.letter_sent")
    assert letter.details["letter_kind"] == "denial"
    assert letter.details["letter_id"] == filed.letters.get().pk
    assert audit_chain_verify().intact


def test_a_refused_filing_leaves_no_event(resident, settings):
    settings.REQUESTS_DAILY_LIMIT = 0
    count = AuditEvent.objects.count()

    with pytest.raises(RequestLimitReached):
        request_submit(requester=resident, subject=resident, kind="access")

    assert AuditEvent.objects.count() == count
