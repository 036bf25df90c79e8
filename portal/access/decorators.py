"""View helpers for the pages of one request on the staff side: ask for a stated purpose before
anything of the request shows, and write the access-log entry with what was stated."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from portal.access.models import AccessAction, AccessLogEntry
from portal.access.purpose import access_circumstances, purpose_missing
from portal.access.services import access_record

View = Callable[..., HttpResponse]
RequestFinder = Callable[[HttpRequest, str], Any]


def purpose_url(record: Any, next_url: str = "") -> str:
    url = reverse("requests:staff_purpose", args=[record.number])
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def stated_purpose_required(find: RequestFinder) -> Callable[[View], View]:
    """Find the request with `find(request, number)` (404 outside the person's reach); when
    they must say why first (a clerk, not assigned), send them to the purpose page and back.
    The view receives the request it found as `record`."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, number: str, *args: Any, **kwargs: Any) -> HttpResponse:
            record = find(request, number)
            if purpose_missing(user=request.user, session=request.session, request=record):
                next_url = request.get_full_path() if request.method == "GET" else ""
                return HttpResponseRedirect(purpose_url(record, next_url))
            return view(request, number, *args, record=record, **kwargs)

        return wrapper

    return decorator


def request_access_record(
    request: HttpRequest,
    *,
    record: Any,
    item: str,
    obj: Any = None,
    action: str = AccessAction.VIEW,
    record_ids: list[int] | None = None,
) -> AccessLogEntry:
    """The access-log entry for a staff page or file of one request: about the person the
    request is about, with the purpose stated in this session when one was needed, and the
    gathered records the page showed."""
    circumstances = access_circumstances(user=request.user, session=request.session, request=record)
    return access_record(
        actor=request.user,
        subject=record.subject,
        item=item,
        action=action,
        obj=obj,
        request=record,
        purpose=circumstances.purpose,
        outside_assignment=circumstances.outside_assignment,
        record_ids=record_ids,
    )
