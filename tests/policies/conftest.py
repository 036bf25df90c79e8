"""Helpers for the privacy policy tests: version 1 as every installation has it, and moments in
the City's time zone to travel to."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from portal.policies.first_version import first_version_ensure
from portal.policies.models import PolicyVersion
from portal.policies.services import policy_draft_create, policy_version_publish

WESTFIELD = ZoneInfo("America/New_York")


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment in Westfield's time zone."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=WESTFIELD)


def travel(moment: dt.datetime):
    """The clock stopped at `moment` (a context manager)."""
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def version_1(db) -> PolicyVersion:
    """The data migration makes it; a test that empties the database (transaction=True) may have
    removed it, so it is made again here the same way."""
    return first_version_ensure(PolicyVersion)


def publish(
    officer,
    *,
    effective_on: dt.date,
    text: str = "# Privacy Policy\n\nWe keep what you tell us for five years.\n",
    summary: str = "We now say how long we keep what you tell us.",
    substantive: bool = True,
    reason: str = "",
) -> PolicyVersion:
    """A draft written and published today (whatever today is in the test) by `officer`."""
    draft = policy_draft_create(author=officer, text=text, summary=summary)
    return policy_version_publish(
        version=draft,
        actor=officer,
        effective_on=effective_on,
        substantive=substantive,
        reason=reason,
    )


def published(number: int, *, effective_on: dt.date, text: str = "", **fields) -> PolicyVersion:
    """A published version written straight to the database, for a history to read."""
    posted = dt.datetime.combine(effective_on - dt.timedelta(days=30), dt.time(9), WESTFIELD)
    return PolicyVersion.objects.create(
        number=number,
        text=text or f"# Privacy Policy\n\nVersion {number} of the policy.\n",
        summary=fields.pop("summary", f"What version {number} changed."),
        effective_on=effective_on,
        posted_at=fields.pop("posted_at", posted),
        **fields,
    )
