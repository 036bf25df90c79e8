"""The two clocks of a signed-in session: idle time and total time (WCAG 2.2.1, DESIGN.md).

The server is the judge: `SessionTimeoutMiddleware` signs a person out once either limit has
passed, whatever the browser does. The page script only warns beforehand and lets the person
ask for more time, which restarts the idle clock; nothing restarts the total clock but signing in.
Times are POSIX seconds in the session, so they survive JSON serialisation.
"""

from enum import StrEnum

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.utils import timezone

SIGNED_IN_AT_KEY = "portal_signed_in_at"
LAST_ACTIVITY_AT_KEY = "portal_last_activity_at"


class Expiry(StrEnum):
    IDLE = "idle"
    ABSOLUTE = "absolute"


def now_timestamp() -> float:
    return timezone.now().timestamp()


def session_clock_start(session: SessionBase, *, now: float) -> None:
    """Both clocks start when the person signs in."""
    session[SIGNED_IN_AT_KEY] = now
    session[LAST_ACTIVITY_AT_KEY] = now


def session_clock_touch(session: SessionBase, *, now: float) -> None:
    """The person did something: the idle clock starts again."""
    if SIGNED_IN_AT_KEY not in session:
        session[SIGNED_IN_AT_KEY] = now
    session[LAST_ACTIVITY_AT_KEY] = now


def session_expiry(session: SessionBase, *, now: float) -> Expiry | None:
    """Which limit, if any, has passed. A session without clocks has not expired: it starts
    them on its next request."""
    signed_in_at = session.get(SIGNED_IN_AT_KEY)
    last_activity_at = session.get(LAST_ACTIVITY_AT_KEY)
    absolute_limit = settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS
    idle_limit = settings.SESSION_IDLE_TIMEOUT_SECONDS
    if signed_in_at is not None and now - signed_in_at >= absolute_limit:
        return Expiry.ABSOLUTE
    if last_activity_at is not None and now - last_activity_at >= idle_limit:
        return Expiry.IDLE
    return None


def session_seconds_left(session: SessionBase, *, now: float) -> tuple[int, int]:
    """Seconds until the idle limit and until the total limit."""
    signed_in_at = session.get(SIGNED_IN_AT_KEY, now)
    last_activity_at = session.get(LAST_ACTIVITY_AT_KEY, now)
    idle_left = settings.SESSION_IDLE_TIMEOUT_SECONDS - (now - last_activity_at)
    absolute_left = settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS - (now - signed_in_at)
    return max(0, int(idle_left)), max(0, int(absolute_left))
