"""Business days counted inside the database, and the answer's time the state machine keeps on
each request (`Request.finished_at`), which the figures read instead of the history."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.db.models import DateField, Value

from portal.reports import figures
from portal.reports.business_days import BusinessDayCounter, BusinessDayOrdinal, LocalDate
from requests.models import Department, Request, RequestEvent, RequestEventKind
from requests.states import request_transition
from tests.factories import ClosureDayFactory
from tests.reports.dataset import PERIOD, at

pytestmark = pytest.mark.django_db


def _ordinals_in_the_database(days, counter):
    found = (
        Department.objects.order_by()
        .annotate(
            **{
                f"day_{index}": BusinessDayOrdinal(
                    Value(day, output_field=DateField()), counter=counter
                )
                for index, day in enumerate(days)
            }
        )
        .values(*(f"day_{index}" for index in range(len(days))))
        .first()
    )
    return [found[f"day_{index}"] for index in range(len(days))]


def test_business_days_in_the_database_agree_with_the_calendar(department_a):
    from requests.calendar import business_calendar

    # A closure day and Patriots' Day (21 April 2025) fall in the span, besides weekends.
    ClosureDayFactory(date=dt.date(2025, 4, 9))
    calendar = business_calendar()
    days = [dt.date(2025, 3, 20) + dt.timedelta(days=n) for n in range(45)]
    counter = BusinessDayCounter(days)

    ordinals = dict(zip(days, _ordinals_in_the_database(days, counter), strict=True))

    for start in days[::4]:
        for end in days[::3]:
            counted = max(0, ordinals[end] - ordinals[start])
            assert counted == calendar.business_days_between(start, end), (start, end)


def test_days_outside_the_span_count_as_its_first_or_last_day(department_a):
    counter = BusinessDayCounter([dt.date(2025, 3, 3), dt.date(2025, 3, 14)])

    before, first, last, after = _ordinals_in_the_database(
        [dt.date(2025, 2, 1), dt.date(2025, 3, 3), dt.date(2025, 3, 14), dt.date(2025, 6, 1)],
        counter,
    )

    assert (before, first) == (0, 0)
    assert last == after == 9


def test_local_dates_in_the_database_follow_the_city_time_zone(department_a):
    from django.db.models import DateTimeField
    from django.utils import timezone

    counter = BusinessDayCounter([dt.date(2025, 3, 1), dt.date(2025, 11, 30)])
    # Either side of local midnight, and of both daylight-saving changes.
    moments = [
        at(2025, 3, 8, 23, 59, 59),
        at(2025, 3, 9, 0, 0, 0),
        at(2025, 3, 9, 3, 30),
        at(2025, 3, 31, 23, 30),
        at(2025, 4, 1, 0, 30),
        at(2025, 11, 1, 23, 59),
        at(2025, 11, 2, 1, 30),
        at(2025, 11, 2, 23, 59, 59),
    ]
    names = {f"day_{index}": moment for index, moment in enumerate(moments)}

    def local(month: bool):
        return (
            Department.objects.order_by()
            .annotate(
                **{
                    name: LocalDate(
                        Value(moment, output_field=DateTimeField()), counter=counter, month=month
                    )
                    for name, moment in names.items()
                }
            )
            .values(*names)
            .first()
        )

    days, months = local(False), local(True)

    for name, moment in names.items():
        assert days[name] == timezone.localdate(moment), moment
        assert months[name] == timezone.localdate(moment).replace(day=1), moment


def _request_in_review(requester, number: str) -> Request:
    today = dt.date(2025, 3, 3)
    return Request.objects.create(
        number=number,
        kind="access",
        status="in_review",
        requester=requester,
        subject=requester,
        received_at=at(2025, 3, 3),
        received_on=today,
        final_due_on=today + dt.timedelta(days=30),
    )


def test_the_answer_sets_finished_at_and_closing_keeps_it(resident, clerk):
    request = _request_in_review(resident, "TEST-FINISH-1")

    released = request_transition(request=request, to="released", actor=clerk)
    request_transition(request=request, to="closed", actor=clerk)

    request.refresh_from_db()
    assert request.status == "closed"
    assert request.finished_at == released.created_at


def test_a_denial_overturned_keeps_its_time_until_the_new_answer(resident, clerk):
    request = _request_in_review(resident, "TEST-FINISH-2")

    denied = request_transition(request=request, to="denied", actor=clerk)
    request_transition(request=request, to="in_review", actor=clerk)
    request.refresh_from_db()
    assert request.finished_at == denied.created_at

    decided = request_transition(request=request, to="decided", actor=clerk)
    request.refresh_from_db()
    assert request.finished_at == decided.created_at


def test_moves_between_unfinished_states_leave_finished_at_empty(resident, clerk):
    request = _request_in_review(resident, "TEST-FINISH-3")

    request_transition(request=request, to="awaiting_requester", actor=clerk)

    request.refresh_from_db()
    assert request.finished_at is None


def _event(request, from_status, to_status, when):
    RequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.STATUS_CHANGED,
        from_status=from_status,
        to_status=to_status,
        created_at=when,
    )


def test_the_migration_fills_finished_at_from_the_last_answer_in_the_history(resident):
    migration = importlib.import_module("requests.migrations.0014_reports_backfill_finished_at")
    answered = _request_in_review(resident, "TEST-FILL-1")
    _event(answered, "gathering", "in_review", at(2025, 3, 4))
    _event(answered, "in_review", "denied", at(2025, 3, 10))
    _event(answered, "denied", "in_review", at(2025, 3, 12))
    _event(answered, "in_review", "released", at(2025, 3, 20))
    # Closing after the answer is not an answer.
    _event(answered, "released", "closed", at(2025, 4, 1))
    unanswered = _request_in_review(resident, "TEST-FILL-2")
    _event(unanswered, "gathering", "in_review", at(2025, 3, 4))

    migration.finished_at_fill(apps, None)

    answered.refresh_from_db()
    unanswered.refresh_from_db()
    assert answered.finished_at == at(2025, 3, 20)
    assert unanswered.finished_at is None


def test_a_release_later_closed_still_counts_as_a_release(dataset):
    before = figures.response_times(PERIOD).rows
    released = dataset.requests["R1"]
    assert ("Copy of records", "Release", 2, "9", "30") in before

    released.status = "closed"
    released.save(update_fields=["status"])

    assert figures.response_times(PERIOD).rows == before
