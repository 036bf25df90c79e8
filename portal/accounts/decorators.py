"""Decorators for the portal's own views."""

from collections.abc import Callable
from functools import wraps

from allauth.account.decorators import reauthentication_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse

View = Callable[..., HttpResponse]


def sensitive_action(view: View | None = None, *, allow_get: bool = True) -> View | Callable:
    """Ask the person to confirm who they are (password, or their second factor) before the
    view acts, unless they did so in the last few minutes (`ACCOUNT_REAUTHENTICATION_TIMEOUT`).

    By default only the action itself (POST and the like) asks; showing the page does not. The
    request is kept and carried out once the person has confirmed. Anonymous people are sent to
    sign in.
    """

    def decorator(view_func: View) -> View:
        return login_required(reauthentication_required(view_func, allow_get=allow_get))

    if view is not None:
        return decorator(view)
    return decorator


def staff_required(view_func: View) -> View:
    """Staff pages: anonymous people are sent to sign in; anyone else who is not staff gets
    "Page not found", so residents never learn which staff pages exist. (The staff middleware
    adds the second factor and the safeguards in front of every page under /staff/.)"""

    @wraps(view_func)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_portal_staff:
            raise Http404
        return view_func(request, *args, **kwargs)

    return login_required(wrapper)
