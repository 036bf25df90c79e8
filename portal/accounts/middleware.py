"""Account security applied to every request.

- `SessionTimeoutMiddleware`: signs out a session idle for too long or signed in for too long,
  and says why on the next page.
- `NoStoreMiddleware`: pages shown to a signed-in person are never kept by the browser or a proxy.
- `StaffAccessMiddleware`: staff pages (`/staff/`, the admin) open only to staff who use a second
  factor and have acknowledged the safeguards (M.G.L. c. 66A §2(b), (d)); residents are told such
  pages do not exist.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.accounts.selectors import staff_access_missing_step
from portal.accounts.session_timeout import (
    Expiry,
    now_timestamp,
    session_clock_touch,
    session_expiry,
)

STAFF_PATH_PREFIX = "/staff/"


def _minutes(seconds: int) -> int:
    return max(1, round(seconds / 60))


def _hours(seconds: int) -> int:
    return max(1, round(seconds / 3600))


def _expiry_message(expiry: Expiry) -> str:
    if expiry == Expiry.IDLE:
        minutes = _minutes(settings.SESSION_IDLE_TIMEOUT_SECONDS)
        return ngettext(
            "We signed you out because you did nothing on the portal for %(minutes)d minute. "
            "This keeps your information safe. Please sign in again.",
            "We signed you out because you did nothing on the portal for %(minutes)d minutes. "
            "This keeps your information safe. Please sign in again.",
            minutes,
        ) % {"minutes": minutes}
    hours = _hours(settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS)
    return ngettext(
        "We signed you out because you had been signed in for %(hours)d hour, the longest we "
        "allow. This keeps your information safe. Please sign in again.",
        "We signed you out because you had been signed in for %(hours)d hours, the longest we "
        "allow. This keeps your information safe. Please sign in again.",
        hours,
    ) % {"hours": hours}


class SessionTimeoutMiddleware:
    """Needs the session, the user and messages: place it after `MessageMiddleware`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = now_timestamp()
            expiry = session_expiry(request.session, now=now)
            if expiry is None:
                session_clock_touch(request.session, now=now)
            else:
                logout(request)
                messages.warning(request, _expiry_message(expiry))
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in person: personal data must not
    stay in a shared computer's browser cache or in a proxy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def is_staff_path(path: str) -> bool:
    return path.startswith((STAFF_PATH_PREFIX, reverse("admin:index")))


class StaffAccessMiddleware:
    """The gate in front of every staff page: second factor first, then the safeguards."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if is_staff_path(request.path_info):
            refusal = self.refusal(request)
            if refusal is not None:
                return refusal
        return self.get_response(request)

    def refusal(self, request: HttpRequest) -> HttpResponse | None:
        user = request.user
        in_admin = not request.path_info.startswith(STAFF_PATH_PREFIX)
        if not user.is_authenticated:
            # The admin sends people to its login page, which goes through allauth.
            return None if in_admin else redirect_to_login(request.get_full_path())
        if not user.is_portal_staff:
            if in_admin:
                return None  # the admin refuses non-staff itself
            raise Http404
        missing = staff_access_missing_step(user=user)
        if missing == "mfa":
            messages.warning(
                request,
                _(
                    "Staff accounts must use two-step sign-in before staff pages open. It keeps "
                    "residents' personal information safe even if your password is stolen. Set "
                    "up an authenticator app now."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        safeguards_url = reverse("accounts:safeguards")
        if missing == "safeguards" and request.path_info != safeguards_url:
            next_query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{safeguards_url}?{next_query}")
        return None
