"""`{% session_timeout_warning %}`: the time-out warning of a signed-in person's page."""

from django import template
from django.conf import settings

from portal.accounts.session_timeout import now_timestamp, session_seconds_left

register = template.Library()


@register.inclusion_tag("accounts/includes/session_timeout.html", takes_context=True)
def session_timeout_warning(context: template.Context) -> dict[str, object]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    idle_left, absolute_left = session_seconds_left(request.session, now=now_timestamp())
    return {
        "show": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "idle_seconds_left": idle_left,
        "absolute_seconds_left": absolute_left,
        "warning_seconds": settings.SESSION_TIMEOUT_WARNING_SECONDS,
        "idle_minutes": max(1, round(settings.SESSION_IDLE_TIMEOUT_SECONDS / 60)),
        "absolute_hours": max(1, round(settings.SESSION_ABSOLUTE_TIMEOUT_SECONDS / 3600)),
    }
