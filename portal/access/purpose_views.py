"""The page that asks a clerk why they are opening a request that is not assigned to them
(`requests:staff_purpose`). It shows nothing of the resident: only the request's number, type
and who has it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.access.forms import PurposeForm
from portal.access.purpose import purpose_missing, purpose_state, request_assign_to_self
from requests.models import Request
from requests.selectors import staff_requests
from requests.views.staff import workbench_required


def _next_url(request: HttpRequest, record: Request) -> str:
    """Back to the page they asked for, if it is a page of this request; else its overview."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    prefix = reverse("requests:staff_detail", args=[record.number])
    allowed = url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if allowed and wanted.startswith(prefix):
        return wanted
    return prefix


@workbench_required
@require_http_methods(["GET", "POST"])
def staff_purpose(request: HttpRequest, number: str) -> HttpResponse:
    record = get_object_or_404(
        staff_requests(user=request.user).select_related("assignee"), number=number
    )
    next_url = _next_url(request, record)
    if not purpose_missing(user=request.user, session=request.session, request=record):
        return redirect(next_url)
    form = PurposeForm(
        request.POST if request.method == "POST" and "assign" not in request.POST else None
    )
    if request.method == "POST" and "assign" in request.POST:
        if request_assign_to_self(user=request.user, request=record):
            messages.success(request, _("The request is assigned to you."))
            return redirect(next_url)
        messages.error(
            request,
            _("Someone assigned this request to a colleague a moment ago. Say why you need it."),
        )
        record.refresh_from_db(fields=["assignee"])
    elif request.method == "POST" and form.is_valid():
        purpose_state(
            user=request.user,
            session=request.session,
            request=record,
            kind=form.cleaned_data["kind"],
            description=form.cleaned_data["description"],
        )
        return redirect(next_url)
    return render(
        request,
        "access/purpose.html",
        {"record": record, "form": form, "next_url": next_url},
        status=400 if form.is_bound and form.errors else 200,
    )
