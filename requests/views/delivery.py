"""The resident's download of their released records, and the clerk's reissue of a package.

The download is found inside the resident's own requests (anyone else's, a package not ready
or replaced: 404), refused with a clear page once its link has expired, and asks the person to
confirm who they are unless they signed in or confirmed it in the last few minutes.
"""

from __future__ import annotations

import time
from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import get_authentication_records
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.access.decorators import request_access_record
from portal.access.scope import visible
from requests.release.delivery import (
    PackageExpired,
    package_download_open,
    package_reissuable,
    package_reissue,
    resident_packages,
)
from requests.release.models import ReleasePackage
from requests.selectors import resident_requests
from requests.views.staff import request_page, workbench_required

# --- The resident's download ----------------------------------------------------------------


def _signed_in_recently(request: HttpRequest) -> bool:
    """A sign-in or a confirmation of who they are in this session, within the last
    ACCOUNT_REAUTHENTICATION_TIMEOUT seconds, by a method that would also do to confirm it."""
    records = get_authentication_records(request, request.user)
    recent = [
        record
        for record in records
        if record.get("method") in account_settings.REAUTHENTICATION_METHODS
    ]
    if not recent:
        return False
    return time.time() - recent[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT


def _expired_page(request: HttpRequest, package: ReleasePackage) -> HttpResponse:
    return render(
        request,
        "requests/records/expired.html",
        {"record": package.request, "package": package},
        status=410,
    )


@reauthentication_required(enabled=lambda request: not _signed_in_recently(request))
def _stream(request: HttpRequest, *, package: ReleasePackage) -> HttpResponse:
    try:
        chunks = package_download_open(package=package, user=request.user)
    except PackageExpired:
        return _expired_page(request, package)
    response = StreamingHttpResponse(chunks, content_type="application/zip")
    filename = f"{package.request.number}-records.zip"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def package_download(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    record = get_object_or_404(resident_requests(user=request.user), number=number)
    package = get_object_or_404(
        resident_packages(user=request.user, request=record).select_related("request"), pk=pk
    )
    if package.is_expired:
        return _expired_page(request, package)
    return _stream(request, package=package)


# --- The clerk's reissue --------------------------------------------------------------------


def _staff_package(request: HttpRequest, record: Any, pk: int) -> ReleasePackage:
    return get_object_or_404(visible(request.user, ReleasePackage).filter(request=record), pk=pk)


@workbench_required
@require_http_methods(["GET", "POST"])
@request_page
def package_reissue_page(request: HttpRequest, number: str, pk: int, record: Any) -> HttpResponse:
    package = _staff_package(request, record, pk)
    context: dict[str, Any] = {"record": record, "section": "overview", "package": package}
    # The page names the requester (the identity bar): it is an access to their data.
    request_access_record(request, record=record, item="request", obj=record)
    if not package_reissuable(package, record):
        return render(request, "requests/records/reissue_unavailable.html", context, status=409)
    errors: list[str] = []
    if request.method == "POST":
        try:
            package_reissue(package=package, actor=request.user)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(
                request,
                _(
                    "A new copy is being made. The requester is emailed a new link when it is "
                    "ready; the old link no longer works."
                ),
            )
            return redirect("requests:staff_detail", number=number)
    context["errors"] = errors
    return render(request, "requests/records/reissue.html", context, status=409 if errors else 200)
