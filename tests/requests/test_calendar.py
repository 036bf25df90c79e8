"""The statutory clock: business days, Massachusetts holidays, City closure days, pauses."""

from datetime import date

import pytest

from requests.calendar import (
    BusinessCalendar,
    business_calendar,
    due_dates,
    legal_holiday_name,
    shift_after_pause,
)
from tests.factories import ClosureDayFactory
from tests.requests.conftest import at

pytestmark = pytest.mark.django_db

PLAIN = BusinessCalendar()


def test_massachusetts_holidays_include_patriots_day_and_juneteenth():
    assert legal_holiday_name(date(2026, 4, 20)) == "Patriots' Day"
    assert "Juneteenth" in legal_holiday_name(date(2026, 6, 19))
    assert not PLAIN.is_business_day(date(2026, 4, 20))


def test_suffolk_county_holidays_are_business_days_in_westfield():
    # Evacuation Day (17 March) and Bunker Hill Day (17 June) are Suffolk County only.
    assert PLAIN.is_business_day(date(2026, 3, 17))
    assert PLAIN.is_business_day(date(2026, 6, 17))


def test_sunday_holiday_is_observed_on_monday():
    assert not PLAIN.is_business_day(date(2027, 7, 5))


def test_received_wednesday_before_thanksgiving_2026():
    dates = due_dates(kind="access", received_at=at(2026, 11, 25), calendar=PLAIN)

    assert dates.received_on == date(2026, 11, 25)
    # Thursday 26 November is Thanksgiving; counting starts Friday 27 November.
    assert dates.response_due_on == date(2026, 12, 10)
    # 25 business days, skipping Christmas and New Year's Day.
    assert dates.final_due_on == date(2027, 1, 4)


def test_correction_decision_due_30_calendar_days_moved_off_christmas():
    dates = due_dates(kind="correction", received_at=at(2026, 11, 25), calendar=PLAIN)

    # 25 November + 30 days is Friday 25 December, Christmas: the next business day.
    assert dates.response_due_on is None
    assert dates.final_due_on == date(2026, 12, 28)


def test_inquiry_is_answered_by_the_written_response():
    dates = due_dates(kind="inquiry", received_at=at(2026, 11, 25), calendar=PLAIN)

    assert dates.response_due_on is None
    assert dates.final_due_on == date(2026, 12, 10)


def test_received_on_a_saturday_counts_from_monday():
    dates = due_dates(kind="access", received_at=at(2026, 11, 14), calendar=PLAIN)

    assert dates.received_on == date(2026, 11, 16)
    assert dates.response_due_on == date(2026, 12, 1)


def test_received_late_on_a_saturday_in_boston_time():
    # 23:30 on Saturday in Westfield is already Sunday in UTC: the local day decides.
    dates = due_dates(kind="inquiry", received_at=at(2026, 11, 14, 23, 30), calendar=PLAIN)

    assert dates.received_on == date(2026, 11, 16)


def test_received_on_patriots_day_counts_from_the_next_day():
    dates = due_dates(kind="access", received_at=at(2026, 4, 20), calendar=PLAIN)

    assert dates.received_on == date(2026, 4, 21)
    assert dates.response_due_on == date(2026, 5, 5)


def test_received_on_a_configured_closure_day():
    ClosureDayFactory(date=date(2026, 2, 2), reason="Snowstorm")

    dates = due_dates(kind="access", received_at=at(2026, 2, 2), calendar=business_calendar())

    assert dates.received_on == date(2026, 2, 3)
    # 16 February is Washington's Birthday.
    assert dates.response_due_on == date(2026, 2, 18)


def test_closure_day_inside_the_count_pushes_the_due_date():
    without = due_dates(kind="inquiry", received_at=at(2026, 11, 25), calendar=PLAIN)
    ClosureDayFactory(date=date(2026, 11, 27), reason="Day after Thanksgiving")

    with_closure = due_dates(
        kind="inquiry", received_at=at(2026, 11, 25), calendar=business_calendar()
    )

    assert without.final_due_on == date(2026, 12, 10)
    assert with_closure.final_due_on == date(2026, 12, 11)


def test_pause_moves_business_day_deadline_by_the_business_days_paused():
    # Paused Friday 4 December 2026, answered Wednesday 9 December: 3 business days (7, 8, 9).
    moved = shift_after_pause(
        kind="access",
        due=date(2026, 12, 10),
        paused_on=date(2026, 12, 4),
        resumed_on=date(2026, 12, 9),
        calendar=PLAIN,
    )

    assert PLAIN.business_days_between(date(2026, 12, 4), date(2026, 12, 9)) == 3
    assert moved == date(2026, 12, 15)


def test_pause_over_a_holiday_counts_only_business_days():
    # Paused Wednesday 25 November, resumed Monday 30 November: Friday 27 and Monday 30.
    assert PLAIN.business_days_between(date(2026, 11, 25), date(2026, 11, 30)) == 2


def test_pause_and_resume_the_same_day_moves_nothing():
    assert shift_after_pause(
        kind="access",
        due=date(2026, 12, 10),
        paused_on=date(2026, 12, 4),
        resumed_on=date(2026, 12, 4),
        calendar=PLAIN,
    ) == date(2026, 12, 10)


def test_pause_moves_calendar_day_deadline_by_calendar_days():
    moved = shift_after_pause(
        kind="correction",
        due=date(2026, 12, 28),
        paused_on=date(2026, 12, 1),
        resumed_on=date(2026, 12, 4),
        calendar=PLAIN,
    )

    assert moved == date(2026, 12, 31)


def test_due_day_counts_come_from_settings(settings):
    settings.REQUESTS_RESPONSE_BUSINESS_DAYS = 5
    settings.REQUESTS_PRODUCTION_BUSINESS_DAYS = 7
    settings.REQUESTS_DECISION_CALENDAR_DAYS = 10

    access = due_dates(kind="access", received_at=at(2026, 11, 25), calendar=PLAIN)
    contest = due_dates(kind="contest", received_at=at(2026, 11, 25), calendar=PLAIN)

    assert access.response_due_on == date(2026, 12, 3)
    assert access.final_due_on == date(2026, 12, 7)
    assert contest.final_due_on == date(2026, 12, 7)
