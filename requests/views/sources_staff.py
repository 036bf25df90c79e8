"""The clerk's moves on one department source of a request: ask the department's system again
(retry), or go on without it (skip). Each is a page that says what will happen first.

Same doors as every page of one request (requests/views/staff.py): the workbench, then the
request found within the person's reach, and a stated purpose from a clerk not assigned to it.
The run is found among the runs the person may see, of that request only.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.access.decorators import request_access_record
from portal.access.scope import visible
from requests.gathering.models import FINISHED_RUN_STATUSES, RunStatus, SourceRun
from requests.gathering.services import (
    RUNNABLE_REQUEST_STATUSES,
    source_run_retry,
    source_run_skip,
)
from requests.models import Request
from requests.views.staff import request_page, workbench_required

RUN_ACTION_LABELS = {
    "retry": gettext_lazy("Try this source again"),
    "skip": gettext_lazy("Skip this source"),
}

RUN_ACTION_DONE = {
    "retry": gettext_lazy("The department's system will be asked again now."),
    "skip": gettext_lazy("The source was skipped. The request is marked partial."),
}


def run_may_retry(run: SourceRun, record: Request) -> bool:
    return record.status in RUNNABLE_REQUEST_STATUSES and run.status == RunStatus.FAILED


def run_may_skip(run: SourceRun, record: Request) -> bool:
    return record.status in RUNNABLE_REQUEST_STATUSES and run.status not in FINISHED_RUN_STATUSES


RUN_ACTION_ALLOWED = {"retry": run_may_retry, "skip": run_may_skip}


class RunRetryForm(forms.Form):
    """Nothing to fill in: the page asks only for the confirmation."""


class RunSkipForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is this source skipped?"),
        help_text=gettext_lazy(
            "For example: the department's system is being replaced and its records were "
            "searched by hand. This stays in the request's history."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": gettext_lazy("Enter why this source is skipped.")},
    )


def _staff_run(request: HttpRequest, record: Request, run_id: int) -> SourceRun:
    run = get_object_or_404(
        visible(request.user, SourceRun)
        .filter(request=record)
        .select_related("source", "source__department"),
        pk=run_id,
    )
    run.request = record  # the service checks the request's state; it is the one found above
    return run


def _perform(name: str, run: SourceRun, actor: Any, data: dict[str, Any]) -> None:
    if name == "retry":
        source_run_retry(run=run, actor=actor)
    else:
        source_run_skip(run=run, actor=actor, reason=data["reason"])


def _run_action(request: HttpRequest, record: Request, run_id: int, name: str) -> HttpResponse:
    run = _staff_run(request, record, run_id)
    context = {
        "record": record,
        "section": "overview",
        "run": run,
        "action": name,
        "action_label": RUN_ACTION_LABELS[name],
        "request_open": record.status in RUNNABLE_REQUEST_STATUSES,
    }
    if not RUN_ACTION_ALLOWED[name](run, record):
        return render(request, "gathering/staff/run_unavailable.html", context, status=409)
    form_class = RunSkipForm if name == "skip" else RunRetryForm
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            _perform(name, run, request.user, form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                form.add_error(None, error.messages)
        else:
            messages.success(request, RUN_ACTION_DONE[name])
            return redirect("requests:staff_detail", number=record.number)
    context["form"] = form
    # The page shows the request's identity bar: the requester's name.
    request_access_record(request, record=record, item="request", obj=record)
    return render(request, "gathering/staff/run_action.html", context)


@workbench_required
@require_http_methods(["GET", "POST"])
@request_page
def run_retry(request: HttpRequest, number: str, run_id: int, record: Request) -> HttpResponse:
    return _run_action(request, record, run_id, "retry")


@workbench_required
@require_http_methods(["GET", "POST"])
@request_page
def run_skip(request: HttpRequest, number: str, run_id: int, record: Request) -> HttpResponse:
    return _run_action(request, record, run_id, "skip")
