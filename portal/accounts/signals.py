"""Signal receivers, connected in `AccountsConfig.ready`."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from portal.accounts.session_timeout import now_timestamp, session_clock_start


def start_session_clock(
    sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: object
) -> None:
    """Signing in starts both session clocks (idle and total)."""
    if request is not None and hasattr(request, "session"):
        session_clock_start(request.session, now=now_timestamp())
