"""Who is acting, for audit events written by signal receivers.

A configuration change made in the admin reaches the audit trail through `post_save`, which is
not given the web request. `AuditActorMiddleware` keeps the request in a context variable while
it is handled, so the receiver can name the person who made the change. Outside a web request
(a worker, a management command) there is no actor: the event says the system did it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

_current_request: ContextVar[HttpRequest | None] = ContextVar(
    "portal_audit_current_request", default=None
)


class AuditActorMiddleware:
    """Place after AuthenticationMiddleware. Costs nothing per request: the user is only loaded
    when an audit event asks who acted."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)


def current_request() -> HttpRequest | None:
    """The web request being handled, or None outside one."""
    return _current_request.get()


def current_actor() -> Any | None:
    """The signed-in person of the web request being handled, or None."""
    request = _current_request.get()
    user = getattr(request, "user", None) if request is not None else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None
