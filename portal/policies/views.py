"""The public privacy pages, and the privacy officer's pages to draft and publish a version.

Public: /privacy/ (the version in force, the one coming with what changes, the earlier ones) and
/privacy/versions/<number>/. Staff: /staff/privacy-policy/..., for the privacy officer only;
anyone else gets "Page not found" (the staff middleware sends anonymous people to sign in).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.access.scope import may_manage_privacy_policy
from portal.policies import selectors
from portal.policies.forms import DraftForm, PublishForm
from portal.policies.models import PolicyVersion
from portal.policies.rendering import policy_html
from portal.policies.services import (
    NOTICE_DAYS,
    earliest_substantive_date,
    policy_draft_create,
    policy_draft_update,
    policy_publication_check,
    policy_version_publish,
)

# Which field a refusal from the services belongs to, so the error summary links to it.
ERROR_FIELDS = {
    "effective_in_past": "effective_day",
    "before_latest": "effective_day",
    "notice_too_short": "effective_day",
    "reason_required": "reason",
    "text": "text",
    "summary": "summary",
}


def _add_error(form: Any, error: ValidationError) -> None:
    field = ERROR_FIELDS.get(getattr(error, "code", "") or "")
    form.add_error(field if field in form.fields else None, error)


# --- Public ---------------------------------------------------------------------------------


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    timeline = selectors.policy_timeline()
    in_force = timeline.in_force
    upcoming = [
        {
            "entry": entry,
            "diff": selectors.policy_diff_from_previous(version=entry.version, timeline=timeline)[
                1
            ],
        }
        for entry in timeline.upcoming
    ]
    return render(
        request,
        "policies/privacy.html",
        {
            "in_force": in_force,
            "in_force_html": policy_html(in_force.version.text) if in_force else "",
            "upcoming": upcoming,
            "past": timeline.past,
        },
    )


@require_GET
def version(request: HttpRequest, number: int) -> HttpResponse:
    shown = selectors.policy_version_public(user=request.user, number=number)
    if shown is None:
        raise Http404
    timeline = selectors.policy_timeline()
    previous, diff = selectors.policy_diff_from_previous(version=shown, timeline=timeline)
    return render(
        request,
        "policies/version.html",
        {
            "entry": timeline.entry(number),
            "shown": shown,
            "text_html": policy_html(shown.text),
            "previous": previous,
            "diff": diff,
        },
    )


# --- The privacy officer --------------------------------------------------------------------


def privacy_officer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The privacy officer only; for anyone else the page does not exist."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not may_manage_privacy_policy(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _draft(request: HttpRequest, pk: int) -> PolicyVersion:
    draft = selectors.policy_draft_for_staff(user=request.user, pk=pk)
    if draft is None:
        raise Http404
    return draft


@privacy_officer_required
@require_GET
def staff_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "policies/staff/list.html",
        {"versions": selectors.policy_versions_for_staff(user=request.user)},
    )


@privacy_officer_required
@require_http_methods(["GET", "POST"])
def staff_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                draft = policy_draft_create(author=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("The draft is saved. Check it before you publish it."))
                return redirect("policies:staff_draft", pk=draft.pk)
    else:
        latest = selectors.published_versions().last()
        form = DraftForm(initial={"text": latest.text if latest else ""})
    return render(
        request,
        "policies/staff/draft_form.html",
        {"form": form, "draft": None, "back_url": reverse("policies:staff_list")},
        status=400 if form.errors else 200,
    )


@privacy_officer_required
@require_http_methods(["GET", "POST"])
def staff_edit(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            try:
                policy_draft_update(draft=draft, author=request.user, **form.cleaned_data)
            except ValidationError as error:
                _add_error(form, error)
            else:
                messages.success(request, _("The draft is saved."))
                return redirect("policies:staff_draft", pk=draft.pk)
    else:
        form = DraftForm(initial={"text": draft.text, "summary": draft.summary})
    return render(
        request,
        "policies/staff/draft_form.html",
        {
            "form": form,
            "draft": draft,
            "back_url": reverse("policies:staff_draft", args=[draft.pk]),
        },
        status=400 if form.errors else 200,
    )


@privacy_officer_required
@require_GET
def staff_draft(request: HttpRequest, pk: int) -> HttpResponse:
    draft = _draft(request, pk)
    timeline = selectors.policy_timeline()
    previous, diff = selectors.policy_diff_from_previous(version=draft, timeline=timeline)
    return render(
        request,
        "policies/staff/draft.html",
        {
            "draft": draft,
            "text_html": policy_html(draft.text),
            "previous": previous,
            "diff": diff,
            "back_url": reverse("policies:staff_list"),
        },
    )


@privacy_officer_required
@require_http_methods(["GET", "POST"])
def staff_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publishing in two steps: the date and the kind of change, then a page saying exactly what
    will happen, with the button. The 30-day rule is checked at both steps."""
    draft = _draft(request, pk)
    form = PublishForm(request.POST or None)
    context: dict[str, Any] = {
        "draft": draft,
        "form": form,
        "notice_days": NOTICE_DAYS,
        "earliest": earliest_substantive_date(),
        "today": timezone.localdate(),
        "back_url": reverse("policies:staff_draft", args=[draft.pk]),
    }
    if request.method == "POST" and form.is_valid() and "change" not in request.POST:
        arguments = {
            "effective_on": form.effective_on,
            "substantive": form.is_substantive,
            "reason": form.cleaned_data["reason"],
        }
        try:
            if "confirm" in request.POST:
                published = policy_version_publish(version=draft, actor=request.user, **arguments)
                messages.success(
                    request,
                    _("Version %(number)s is published. It takes effect on %(date)s.")
                    % {
                        "number": published.number,
                        "date": date_format(published.effective_on, "j F Y"),
                    },
                )
                return redirect("policies:staff_list")
            policy_publication_check(**arguments)
        except ValidationError as error:
            _add_error(form, error)
        else:
            context.update(
                {
                    "notice_given": (form.effective_on - context["today"]).days,
                    "residents_count": selectors.residents_to_notify().count(),
                    "first_version": not selectors.published_versions().exists(),
                }
            )
            return render(request, "policies/staff/publish_confirm.html", context)
    return render(
        request,
        "policies/staff/publish.html",
        context,
        status=400 if form.is_bound and form.errors else 200,
    )
