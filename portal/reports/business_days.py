"""Business days counted inside the database, so requests can be grouped by how long they took
rather than by every (received, answered) pair of dates.

Holidays and the City's closure days live in requests/calendar.py, not in the database, so the
calendar goes to the database as a list: the business-day ordinal of each day of a span (the
number of business days since the span's first day). Business days between two dates are the
difference of their ordinals, as requests.calendar counts them. The list is one query parameter
with a number per day from the first request received to the last answer (a few thousand for
ten years), however many requests there are.

The day a moment falls on in the City's time zone is found the same way, among the midnights
of the span (LocalDate): converting every row to the local time zone costs more than the rest
of the query.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import DateField, Func, IntegerField
from django.utils import timezone


class BusinessDayCounter:
    """Business days between two dates in constant time, after one pass over the span of dates
    involved (a few thousand days at most, however many requests there are)."""

    def __init__(self, days: Iterable[date]) -> None:
        from requests.calendar import business_calendar

        days = list(days)
        self.first: date | None = None
        self.last: date | None = None
        self._ordinal: dict[date, int] = {}
        if not days:
            return
        calendar = business_calendar()
        first, last = min(days), max(days)
        self.first, self.last = first, last
        count = 0
        day = first
        while day <= last:
            if day != first and calendar.is_business_day(day):
                count += 1
            self._ordinal[day] = count
            day += timedelta(days=1)

    def between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end` (0 when end <= start), as
        requests.calendar.BusinessCalendar.business_days_between counts them."""
        if end <= start:
            return 0
        return self._ordinal[end] - self._ordinal[start]

    def ordinals(self) -> list[int]:
        """The ordinal of each day of the span, from its first day on."""
        return list(self._ordinal.values())

    def days(self) -> list[date]:
        """Each day of the span, from its first day on."""
        return list(self._ordinal)

    def midnights(self) -> list[datetime]:
        """The moment each day of the span begins, in the City's time zone."""
        zone = timezone.get_current_timezone()
        return [datetime.combine(day, time.min, tzinfo=zone) for day in self._ordinal]


class LocalDate(Func):
    """The day (or the first day of its month, when `month`) in the City's time zone of a
    date-and-time expression. Meant for moments within the counter's span: outside it,
    PostgreSQL gives the span's first or last day."""

    output_field = DateField()

    def __init__(self, expression: Any, *, counter: BusinessDayCounter, month: bool = False):
        if counter.first is None:
            raise ValueError("the counter's span is empty")
        self.counter = counter
        self.month = month
        super().__init__(expression)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        moment_sql, moment_params = compiler.compile(self.source_expressions[0])
        days = self.counter.days()
        if self.month:
            days = [day.replace(day=1) for day in days]
        # Found among the span's midnights by a binary search: cheaper than converting every
        # row to the local time zone.
        sql = f"(%s::date[])[GREATEST(width_bucket({moment_sql}, %s::timestamptz[]), 1)]"
        return sql, (days, *moment_params, self.counter.midnights())

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        moment_sql, moment_params = compiler.compile(self.source_expressions[0])
        sql, params = connection.ops.datetime_cast_date_sql(
            moment_sql, tuple(moment_params), timezone.get_current_timezone_name()
        )
        if self.month:
            sql, params = connection.ops.date_trunc_sql("month", sql, params)
        return sql, params

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # Only PostgreSQL (production) and SQLite (development, tests) are supported.
        raise NotImplementedError(f"local dates are not worked out on {connection.vendor}")


class BusinessDayOrdinal(Func):
    """The business-day ordinal of a date expression, or of the local day of a date-and-time
    expression when `moment`. A day before the counter's span counts as its first day and one
    after as its last: an answer dated before every receipt then takes no business days, as
    BusinessDayCounter.between counts it. Subtract two ordinals to get the business days
    between two days (negative when the second is earlier: clamp to 0)."""

    output_field = IntegerField()

    def __init__(self, expression: Any, *, counter: BusinessDayCounter, moment: bool = False):
        if counter.first is None:
            raise ValueError("the counter's span is empty")
        self.counter = counter
        self.moment = moment
        super().__init__(expression)

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        value_sql, value_params = compiler.compile(self.source_expressions[0])
        ordinals = self.counter.ordinals()
        if self.moment:
            # The day's place in the span, found among the span's midnights by a binary search:
            # cheaper than converting every row to the local time zone.
            sql = f"(%s::integer[])[GREATEST(width_bucket({value_sql}, %s::timestamptz[]), 1)]"
            return sql, (ordinals, *value_params, self.counter.midnights())
        # PostgreSQL arrays count from 1; date minus date is a number of days.
        sql = (
            f"(%s::integer[])[LEAST(GREATEST(({value_sql})::date, %s::date), %s::date)"
            " - %s::date + 1]"
        )
        first, last = self.counter.first, self.counter.last
        return sql, (ordinals, *value_params, first, last, first)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        day_sql, day_params = compiler.compile(self.source_expressions[0])
        if self.moment:
            day_sql, day_params = connection.ops.datetime_cast_date_sql(
                day_sql, tuple(day_params), timezone.get_current_timezone_name()
            )
        # Dates are ISO text in SQLite, so min() and max() order them.
        sql = (
            "json_extract(%s, '$[' || "
            f"CAST(julianday(min(max({day_sql}, %s), %s)) - julianday(%s) AS INTEGER) || ']')"
        )
        first, last = self.counter.first.isoformat(), self.counter.last.isoformat()
        return sql, (json.dumps(self.counter.ordinals()), *day_params, first, last, first)

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # Only PostgreSQL (production) and SQLite (development, tests) are supported.
        raise NotImplementedError(f"business days are not counted on {connection.vendor}")
