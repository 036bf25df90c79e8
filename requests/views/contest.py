"""Contesting a denial of access: the resident's form, and the privacy officer's decision
(requests/corrections/contest.py holds the rules)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.access.decorators import request_access_record
from portal.access.scope import may_decide_appeals
from requests.corrections.contest import (
    contest_deadline,
    denial_contest_decide,
    denial_contest_submit,
    denial_contestable,
    withheld_sources,
)
from requests.corrections.contest_forms import DenialContestDecisionForm, DenialContestForm
from requests.models import Request
from requests.views.resident import _requester_request
from requests.views.staff import request_page, workbench_required


@login_required
@require_http_methods(["GET", "POST"])
def contest_denial(request: HttpRequest, number: str) -> HttpResponse:
    denied = _requester_request(request, number)
    context = {"record": denied}
    if not denial_contestable(request=denied):
        return render(request, "requests/contest/unavailable.html", context, status=409)
    form = DenialContestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            contest = denial_contest_submit(
                requester=request.user,
                contested=denied,
                reason=form.cleaned_data["reason"],
                grant=denied.representation_grant,
            )
        except ValidationError as error:
            form.add_error("reason", error.messages)
        else:
            return redirect("requests:submitted", number=contest.number)
    context.update(
        {
            "form": form,
            "deadline": contest_deadline(denied),
            "withheld": _withheld(denied),
        }
    )
    return render(request, "requests/contest/form.html", context)


def _withheld(request: Request) -> list:
    """The departments' records a released answer held back, with the reasons given."""
    return list(withheld_sources(request).select_related("source__department"))


def privacy_officer_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_decide_appeals(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@workbench_required
@privacy_officer_only
@require_http_methods(["GET", "POST"])
@request_page
def staff_contest(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    """The privacy officer decides a contested denial: the form, then a confirmation."""
    if record.contested_request_id is None:
        raise Http404
    contested = Request.objects.select_related("requester").get(pk=record.contested_request_id)
    form = DenialContestDecisionForm(request.POST if request.method == "POST" else None)
    confirming = False
    if request.method == "POST" and form.is_valid():
        if not form.cleaned_data["confirmed"]:
            confirming = True
        else:
            try:
                denial_contest_decide(
                    contest=record,
                    actor=request.user,
                    overturn=form.cleaned_data["outcome"] == DenialContestDecisionForm.OVERTURN,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                messages.success(request, _("The contest is decided and the resident told."))
                return redirect("requests:staff_detail", number=number)
    # The page shows the resident's reasons and the denial of their request.
    request_access_record(request, record=record, item="request", obj=record)
    return render(
        request,
        "requests/contest/decide.html",
        {
            "record": record,
            "contested": contested,
            "withheld": _withheld(contested),
            "form": form,
            "confirming": confirming,
            "section": "overview",
            "open": record.status == "in_review",
        },
    )
