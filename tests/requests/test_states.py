"""The state machine: only the moves in the table, by the people the table names, each once."""

import re
import threading
from collections import deque
from pathlib import Path

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from portal.accounts.models import Role, User
from requests.models import Request, RequestEvent
from requests.states import (
    TRANSITIONS,
    IllegalTransition,
    Mover,
    RequestStatus,
    is_allowed,
    request_transition,
)

ALL_STATUSES = list(RequestStatus)
BASE_DIR = Path(__file__).resolve().parents[2]


def _new_request(requester) -> Request:
    """A request row as filing creates it, before its first move."""
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


def _actor_for(mover, requester, clerk):
    return {Mover.SYSTEM: None, Mover.REQUESTER: requester, Mover.STAFF: clerk}[mover]


def _path_to(target):
    """The shortest chain of legal moves from `submitted` to `target`."""
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


def _request_in(status, requester, clerk) -> Request:
    request = _new_request(requester)
    for destination, mover in _path_to(status):
        request_transition(
            request=request, to=destination, actor=_actor_for(mover, requester, clerk)
        )
    request.refresh_from_db()
    assert request.status == status
    return request


@pytest.fixture
def people(db):
    # Plain rows: these tests need roles, not sign-in (no password hashing, no second factor).
    return (
        User.objects.create(email="walker@example.org", role=Role.RESIDENT),
        User.objects.create(email="clara@example.org", role=Role.CLERK),
    )


def test_every_state_can_be_reached_from_submitted():
    for status in ALL_STATUSES:
        assert _path_to(status) is not None


ILLEGAL_PAIRS = [
    (source, target)
    for source in ALL_STATUSES
    for target in ALL_STATUSES
    if (source, target) not in TRANSITIONS
]


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), ILLEGAL_PAIRS)
def test_move_outside_the_table_raises_and_changes_nothing(people, source, target):
    requester, clerk = people
    request = _request_in(source, requester, clerk)
    before = Request.objects.values().get(pk=request.pk)
    events_before = RequestEvent.objects.count()

    for actor in (None, requester, clerk):
        with pytest.raises(IllegalTransition):
            request_transition(request=request, to=target, actor=actor, reason="try")

    assert Request.objects.values().get(pk=request.pk) == before
    assert RequestEvent.objects.count() == events_before
    assert request.status == source


@pytest.mark.django_db
@pytest.mark.parametrize(("source", "target"), list(TRANSITIONS))
def test_move_by_someone_the_table_does_not_name_raises(people, source, target):
    requester, clerk = people
    for mover in Mover:
        if is_allowed(source, target, mover=mover):
            continue
        request = _request_in(source, requester, clerk)
        with pytest.raises(IllegalTransition):
            request_transition(
                request=request, to=target, actor=_actor_for(mover, requester, clerk)
            )
        request.refresh_from_db()
        assert request.status == source


@pytest.mark.django_db
def test_another_resident_cannot_move_a_request(people):
    requester, clerk = people
    request = _request_in(RequestStatus.GATHERING, requester, clerk)
    stranger = User.objects.create(email="stranger@example.org", role=Role.RESIDENT)

    with pytest.raises(IllegalTransition):
        request_transition(request=request, to=RequestStatus.WITHDRAWN, actor=stranger)


@pytest.mark.django_db
def test_legal_move_writes_status_and_history_row(people):
    requester, clerk = people
    request = _request_in(RequestStatus.GATHERING, requester, clerk)

    event = request_transition(
        request=request, to=RequestStatus.IN_REVIEW, actor=clerk, reason="Records found"
    )

    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    assert (event.from_status, event.to_status, event.actor, event.text) == (
        RequestStatus.GATHERING,
        RequestStatus.IN_REVIEW,
        clerk,
        "Records found",
    )


@pytest.mark.django_db
def test_stale_copy_cannot_move_a_request_that_moved_meanwhile(people):
    requester, clerk = people
    request = _request_in(RequestStatus.GATHERING, requester, clerk)
    stale = Request.objects.get(pk=request.pk)
    request_transition(request=request, to=RequestStatus.IN_REVIEW, actor=clerk)

    with pytest.raises(IllegalTransition):
        request_transition(request=stale, to=RequestStatus.WITHDRAWN, actor=requester)

    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    assert request.events.filter(to_status=RequestStatus.WITHDRAWN).count() == 0


@pytest.mark.django_db
def test_changes_cannot_smuggle_a_status(people):
    requester, clerk = people
    request = _request_in(RequestStatus.GATHERING, requester, clerk)

    with pytest.raises(ValueError):
        request_transition(
            request=request,
            to=RequestStatus.IN_REVIEW,
            actor=clerk,
            changes={"status": RequestStatus.RELEASED},
        )


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_moves_from_the_same_state_exactly_one_wins(people, postgresql_only):
    requester, clerk = people
    request = _request_in(RequestStatus.IN_REVIEW, requester, clerk)
    first_holds_lock = threading.Event()
    second_started = threading.Event()
    results: dict[str, str] = {}

    def first() -> None:
        try:
            copy = Request.objects.get(pk=request.pk)
            with transaction.atomic():
                request_transition(request=copy, to=RequestStatus.DENIED, actor=clerk)
                first_holds_lock.set()
                # Keep the row locked until the second connection is waiting on it.
                second_started.wait(timeout=10)
                threading.Event().wait(0.5)
            results["first"] = "moved"
        except IllegalTransition:
            results["first"] = "refused"
        finally:
            connections.close_all()

    def second() -> None:
        try:
            copy = Request.objects.get(pk=request.pk)
            first_holds_lock.wait(timeout=10)
            second_started.set()
            request_transition(request=copy, to=RequestStatus.WITHDRAWN, actor=requester)
            results["second"] = "moved"
        except IllegalTransition:
            results["second"] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values()) == ["moved", "refused"], results
    request.refresh_from_db()
    assert request.status == RequestStatus.DENIED
    assert request.events.filter(from_status=RequestStatus.IN_REVIEW).count() == 1
    assert connection.vendor == "postgresql"


# Assignments of a request's status: `.status = ...`, or `status=` in an update()/create().
STATUS_ASSIGNMENT = re.compile(r"\.status\s*=(?!=)|\.update\([^)]*\bstatus\s*=", re.DOTALL)


def test_nothing_outside_the_state_machine_assigns_a_request_status():
    offenders = []
    for folder in ("requests", "tasks"):
        for path in (BASE_DIR / folder).rglob("*.py"):
            if path.name == "states.py" or "migrations" in path.parts:
                continue
            for match in STATUS_ASSIGNMENT.finditer(path.read_text()):
                offenders.append(f"{path.relative_to(BASE_DIR)}: {match.group(0)!r}")
    assert offenders == []
