"""The resident's side: the start page, filing one question per page, checking the answers,
the list of their requests and each request with its timeline, messages, replies and letters.

Every request is looked up inside the resident's own requests, so anyone else's answers 404.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.files.services import stored_file_read
from portal.identity.selectors import identity_level
from portal.representatives.models import Grant
from portal.representatives.selectors import active_grant_for_representative
from requests import forms
from requests.models import Delivery, Request, RequestKind
from requests.selectors import (
    kind_needs_level,
    queue_departments,
    request_letters,
    request_messages,
    request_timeline,
    requests_filed_today,
    resident_request_list,
    resident_requests,
)
from requests.services import (
    RequestLimitReached,
    letter_html,
    request_reply,
    request_submit,
    request_withdraw,
)
from requests.states import TERMINAL_STATUSES, WITHDRAWABLE_STATUSES, IllegalTransition
from requests.views import corrections_resident

DRAFT_KEY = "requests_draft"

# The questions, one a page, in order.
STEPS = ("kind", "about", "departments", "delivery")


def _draft(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(DRAFT_KEY, {}))


def _save_draft(request: HttpRequest, draft: dict[str, Any]) -> None:
    request.session[DRAFT_KEY] = draft


def _draft_grant(request: HttpRequest, draft: dict[str, Any]) -> Grant | None:
    """The grant a representative is filing under, while it is still active; else None."""
    if "grant_id" not in draft:
        return None
    return active_grant_for_representative(representative=request.user, grant_id=draft["grant_id"])


def _first_missing_step(draft: dict[str, Any]) -> str | None:
    for step in STEPS:
        if step == "departments":
            if "departments" not in draft:
                return step
        elif step == "about":
            if "description" not in draft:
                return step
        elif step not in draft:
            return step
    return None


def _step_url(step: str) -> str:
    return reverse(f"requests:new_{step}")


def _limit_reached(user: Any) -> bool:
    return requests_filed_today(user=user) >= settings.REQUESTS_DAILY_LIMIT


def _limit_page(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "requests/limit_reached.html",
        {"limit": settings.REQUESTS_DAILY_LIMIT},
        status=429,
    )


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "requests/list.html", {"requests": resident_request_list(user=request.user)}
    )


@login_required
def start(request: HttpRequest) -> HttpResponse:
    on_behalf_of = request.GET.get("for")
    grant = None
    if on_behalf_of is not None:
        # A representative starts a request for the resident of one of their active grants.
        grant = active_grant_for_representative(
            representative=request.user, grant_id=_whole_number(on_behalf_of)
        )
        if grant is None or grant.resident_id is None:
            raise Http404
        _save_draft(request, {"grant_id": grant.pk})
    elif "grant_id" in _draft(request):
        _save_draft(request, {})
    return render(
        request,
        "requests/start.html",
        {
            "response_days": settings.REQUESTS_RESPONSE_BUSINESS_DAYS,
            "production_days": settings.REQUESTS_PRODUCTION_BUSINESS_DAYS,
            "decision_days": settings.REQUESTS_DECISION_CALENDAR_DAYS,
            "limit_reached": _limit_reached(request.user),
            "limit": settings.REQUESTS_DAILY_LIMIT,
            "level": identity_level(user=request.user),
            "grant": grant,
        },
    )


def _whole_number(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise Http404 from None


def _form_for(step: str, draft: dict[str, Any], data: Any = None) -> Any:
    if step == "kind":
        return forms.KindForm(data, initial={"kind": draft.get("kind")})
    if step == "about":
        return forms.AboutForm(
            data, kind=draft.get("kind", ""), initial={"description": draft.get("description", "")}
        )
    if step == "departments":
        return forms.DepartmentsForm(data, initial={"departments": draft.get("departments", [])})
    return forms.DeliveryForm(data, initial={"delivery": draft.get("delivery")})


def _store(step: str, draft: dict[str, Any], cleaned: dict[str, Any]) -> None:
    if step == "kind":
        draft["kind"] = cleaned["kind"]
    elif step == "about":
        draft["description"] = cleaned["description"].strip()
    elif step == "departments":
        draft["departments"] = [department.pk for department in cleaned["departments"]]
    else:
        draft["delivery"] = cleaned["delivery"]


@login_required
@require_http_methods(["GET", "POST"])
def new_step(request: HttpRequest, step: str) -> HttpResponse:
    if _limit_reached(request.user):
        return _limit_page(request)
    draft = _draft(request)
    index = STEPS.index(step)
    missing = _first_missing_step(draft)
    if missing is not None and STEPS.index(missing) < index:
        return redirect(_step_url(missing))
    changing = request.GET.get("change") == "1"
    form = _form_for(step, draft, request.POST if request.method == "POST" else None)
    grant = _draft_grant(request, draft)
    outside_grant = (
        request.method == "POST"
        and step == "kind"
        and grant is not None
        and form.is_valid()
        and form.cleaned_data["kind"] not in grant.scope
    )
    if outside_grant:
        form.add_error(
            "kind",
            _("You may ask only for: %(allowed)s.") % {"allowed": ", ".join(grant.scope_labels)},
        )
    if request.method == "POST" and form.is_valid():
        _store(step, draft, form.cleaned_data)
        _save_draft(request, draft)
        if step == "kind" and draft["kind"] in (RequestKind.CORRECTION, RequestKind.CONTEST):
            # Corrections are proposed on the released records themselves.
            return redirect(reverse("requests:correction_start") + f"?kind={draft['kind']}")
        following = _first_missing_step(draft)
        if changing or following is None:
            return redirect("requests:check")
        return redirect(_step_url(following))
    back_url = (
        reverse("requests:check")
        if changing
        else (_step_url(STEPS[index - 1]) if index else reverse("requests:start"))
    )
    return render(
        request,
        f"requests/new/{step}.html",
        {
            "form": form,
            "back_url": back_url,
            "changing": changing,
            "kind_hints": forms.KIND_HINTS,
            "delivery_hints": forms.DELIVERY_HINTS,
            "step_number": index + 1,
            "step_count": len(STEPS),
        },
    )


def _check_rows(draft: dict[str, Any]) -> dict[str, Any]:
    chosen = set(draft.get("departments", []))
    return {
        "kind": RequestKind(draft["kind"]).label,
        "description": draft.get("description", ""),
        "departments": [d.name for d in queue_departments() if d.pk in chosen],
        "delivery": Delivery(draft["delivery"]).label,
    }


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    missing = _first_missing_step(draft)
    if missing is not None:
        return redirect(_step_url(missing))
    grant = _draft_grant(request, draft)
    if "grant_id" in draft and grant is None:
        # The authority ended while the request was being written.
        request.session.pop(DRAFT_KEY, None)
        messages.error(request, _("You can no longer act for this person, so nothing was sent."))
        return redirect("representatives:list")
    if request.method == "POST":
        try:
            filed = request_submit(
                requester=request.user,
                subject=grant.resident if grant else request.user,
                kind=draft["kind"],
                description=draft.get("description", ""),
                departments=queue_departments().filter(pk__in=draft.get("departments", [])),
                delivery=draft["delivery"],
                grant=grant,
            )
        except RequestLimitReached:
            return _limit_page(request)
        except PermissionDenied:
            messages.error(
                request, _("Your authority does not cover this kind of request. Choose another.")
            )
            return redirect(_step_url("kind"))
        request.session.pop(DRAFT_KEY, None)
        return redirect("requests:submitted", number=filed.number)
    return render(
        request,
        "requests/new/check.html",
        {
            "answers": _check_rows(draft),
            "back_url": _step_url(STEPS[-1]),
            "needs_level": kind_needs_level(draft["kind"]),
            "level": identity_level(user=request.user),
            "grant": grant,
        },
    )


def _own_request(request: HttpRequest, number: str) -> Request:
    return get_object_or_404(
        resident_requests(user=request.user).select_related("requester"), number=number
    )


def _requester_request(request: HttpRequest, number: str) -> Request:
    """Replying and withdrawing are for the person who filed it; the resident it is about
    (when their representative filed it) reads it but does not act on it here."""
    record = _own_request(request, number)
    if record.requester_id != request.user.pk:
        raise Http404
    return record


@login_required
def submitted(request: HttpRequest, number: str) -> HttpResponse:
    filed = _own_request(request, number)
    return render(request, "requests/submitted.html", {"filed": filed})


@login_required
def detail(request: HttpRequest, number: str) -> HttpResponse:
    record = _own_request(request, number)
    is_requester = record.requester_id == request.user.pk
    return render(
        request,
        "requests/detail.html",
        {
            "record": record,
            "timeline": request_timeline(request=record, for_requester=True),
            "messages_list": request_messages(request=record),
            "letters": request_letters(request=record),
            "can_withdraw": is_requester and record.status in WITHDRAWABLE_STATUSES,
            "can_reply": is_requester and record.status not in TERMINAL_STATUSES,
            **corrections_resident.detail_context(user=request.user, record=record),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def reply(request: HttpRequest, number: str) -> HttpResponse:
    record = _requester_request(request, number)
    form = forms.ReplyForm(
        request.POST if request.method == "POST" else None, request.FILES or None
    )
    if request.method == "POST" and form.is_valid():
        try:
            request_reply(
                request=record,
                requester=request.user,
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["documents"],
            )
        except ValidationError as error:
            form.add_error("documents" if request.FILES else "body", error.messages)
        else:
            return redirect(reverse("requests:detail", kwargs={"number": number}) + "#messages")
    return render(request, "requests/reply.html", {"record": record, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: HttpRequest, number: str) -> HttpResponse:
    record = _requester_request(request, number)
    if record.status not in WITHDRAWABLE_STATUSES:
        return render(request, "requests/withdraw_closed.html", {"record": record})
    form = forms.WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            request_withdraw(request=record, actor=request.user, reason=form.cleaned_data["reason"])
        except IllegalTransition:
            return render(request, "requests/withdraw_closed.html", {"record": record})
        return redirect("requests:detail", number=number)
    return render(request, "requests/withdraw.html", {"record": record, "form": form})


@login_required
def letter(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    record = _own_request(request, number)
    sent = get_object_or_404(request_letters(request=record), pk=pk)
    # The fragment is the letter engine's escaped output, decrypted from storage.
    fragment = mark_safe(letter_html(letter=sent))  # noqa: S308
    return render(
        request, "requests/letter.html", {"record": record, "letter": sent, "fragment": fragment}
    )


def _file_response(stored: Any, filename: str) -> FileResponse:
    try:
        data = stored_file_read(stored)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        BytesIO(data), as_attachment=True, filename=filename, content_type=stored.content_type
    )


@login_required
def letter_pdf(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    record = _own_request(request, number)
    sent = get_object_or_404(request_letters(request=record), pk=pk)
    return _file_response(sent.pdf, f"{record.number}-{sent.kind}.pdf")


@login_required
def document(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    record = _own_request(request, number)
    attached = get_object_or_404(record.documents.select_related("stored_file"), pk=pk)
    return _file_response(attached.stored_file, attached.stored_file.original_name)
