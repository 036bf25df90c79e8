"""Business days for the Public Records Law clock (M.G.L. c. 66 §10; LAW.md, "Clock").

A business day is a weekday that is neither a Massachusetts legal holiday nor a day the City
closed its offices (`ClosureDay`, set by staff). The legal holidays come from the `holidays`
package for Massachusetts, which includes Patriots' Day and Juneteenth and moves a Sunday holiday
to the Monday (c. 4 §7 cl. 18). Evacuation Day and Bunker Hill Day are holidays in Suffolk County
only, not in Westfield (Hampden County), so they are not business-day exceptions here; a closure
day covers any other day City Hall is shut.

Rules, all in this module:
- a request received on a non-business day counts as received on the next business day;
- counting starts on the business day after that ("10 business days" ends on the 10th);
- a deadline in calendar days that ends on a non-business day moves to the next business day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache

import holidays
from django.conf import settings
from django.utils import timezone

HOLIDAY_COUNTRY = "US"
HOLIDAY_SUBDIVISION = "MA"


@cache
def _legal_holidays(year: int) -> frozenset[date]:
    return frozenset(
        holidays.country_holidays(HOLIDAY_COUNTRY, subdiv=HOLIDAY_SUBDIVISION, years=year)
    )


def legal_holiday_name(day: date) -> str | None:
    names = holidays.country_holidays(HOLIDAY_COUNTRY, subdiv=HOLIDAY_SUBDIVISION, years=day.year)
    return names.get(day)


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekdays minus legal holidays minus the City's closure days.

    Build one with `business_calendar()`, which reads the closure days once, and use it for
    every date of one computation.
    """

    closures: frozenset[date] = frozenset()

    def is_business_day(self, day: date) -> bool:
        return (
            day.weekday() < 5 and day not in _legal_holidays(day.year) and day not in self.closures
        )

    def on_or_after(self, day: date) -> date:
        """`day` if it is a business day, else the next one."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def received_on(self, received_at: datetime) -> date:
        """The business day a request counts as received: its local date, or the next business
        day when that date is not one."""
        return self.on_or_after(timezone.localdate(received_at))

    def add_business_days(self, start: date, count: int) -> date:
        """The `count`-th business day after `start` (`start` itself never counts)."""
        day = start
        remaining = count
        while remaining > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                remaining -= 1
        return day

    def add_calendar_days(self, start: date, count: int) -> date:
        """`count` calendar days after `start`, moved to the next business day if it is not one."""
        return self.on_or_after(start + timedelta(days=count))

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (0 when end <= start)."""
        count = 0
        day = start
        while day < end:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count += 1
        return count


def business_calendar(*, extra_closures: Iterable[date] = ()) -> BusinessCalendar:
    from requests.models import ClosureDay

    closures = set(ClosureDay.objects.values_list("date", flat=True))
    closures.update(extra_closures)
    return BusinessCalendar(closures=frozenset(closures))


@dataclass(frozen=True)
class DueDates:
    received_on: date
    # The written response (c. 66 §10(b)) when records are produced after it; None for an
    # inquiry (the response is the answer) and for corrections and contests.
    response_due_on: date | None
    # Production of the records, or the decision on a correction or contest.
    final_due_on: date


# Types answered on the Public Records Law clock, in business days; the others are FIPA
# corrections and contests, decided in calendar days.
BUSINESS_DAY_KINDS = frozenset({"inquiry", "access", "access_log"})


def due_dates(*, kind: str, received_at: datetime, calendar: BusinessCalendar) -> DueDates:
    received = calendar.received_on(received_at)
    if kind in BUSINESS_DAY_KINDS:
        response = calendar.add_business_days(received, settings.REQUESTS_RESPONSE_BUSINESS_DAYS)
        if kind == "inquiry":
            # The answer to "do you hold data about me?" is the written response itself.
            return DueDates(received_on=received, response_due_on=None, final_due_on=response)
        final = calendar.add_business_days(received, settings.REQUESTS_PRODUCTION_BUSINESS_DAYS)
        return DueDates(received_on=received, response_due_on=response, final_due_on=final)
    final = calendar.add_calendar_days(received, settings.REQUESTS_DECISION_CALENDAR_DAYS)
    return DueDates(received_on=received, response_due_on=None, final_due_on=final)


def shift_after_pause(
    *, kind: str, due: date, paused_on: date, resumed_on: date, calendar: BusinessCalendar
) -> date:
    """A due date moved by the time the clock was stopped: by the business days paused for the
    business-day deadlines, by the calendar days paused for the calendar-day ones."""
    if kind in BUSINESS_DAY_KINDS:
        return calendar.add_business_days(
            due, calendar.business_days_between(paused_on, resumed_on)
        )
    return calendar.add_calendar_days(due, max((resumed_on - paused_on).days, 0))
