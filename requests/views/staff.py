"""The clerk's workbench: the queue, one request's pages, and the actions on it.

Open to clerks and the privacy officer; anyone else signed in gets 404, so the pages' existence
is not revealed. (Everything under /staff/ also passes the staff middleware: second factor and
the safeguards acknowledgment.)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from portal.access.decorators import request_access_record, stated_purpose_required
from portal.access.models import AccessAction
from portal.access.scope import visible
from portal.files.services import stored_file_read
from portal.identity.selectors import identity_level
from requests import forms, letters
from requests.calendar import business_calendar
from requests.models import LetterKind, Request, RequestDocument, RequestKind, RequestLetter
from requests.selectors import (
    QUEUE_SORTS,
    QueueFilters,
    is_request_staff,
    kind_needs_level,
    queue_departments,
    reply_templates,
    request_letters,
    request_messages,
    request_queue,
    request_timeline,
    staff_requests,
    workbench_staff,
)
from requests.services import (
    extension_latest_allowed,
    letter_html,
    reply_template_render,
    request_assign,
    request_clock_resume,
    request_close,
    request_deny,
    request_extend,
    request_information_ask,
    request_letter_send,
    request_message_send,
    request_note_add,
    request_review_start,
    request_submit,
    request_withdraw,
)
from requests.states import (
    FINISHED_STATUSES,
    IllegalTransition,
    Mover,
    RequestStatus,
    targets_from,
)

PAGE_SIZE = 25


def workbench_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_request_staff(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _staff_request(request: HttpRequest, number: str) -> Request:
    return get_object_or_404(
        staff_requests(user=request.user).select_related("requester", "subject", "assignee"),
        number=number,
    )


# Every page of one request: found within the person's reach, and a clerk who is not assigned
# to it says why first (portal.access.purpose). The view gets the request as `record`.
request_page = stated_purpose_required(_staff_request)


def _staff_letter(request: HttpRequest, record: Request, pk: int) -> RequestLetter:
    return get_object_or_404(
        visible(request.user, RequestLetter)
        .filter(request=record)
        .select_related("pdf", "created_by"),
        pk=pk,
    )


def _staff_document(request: HttpRequest, record: Request, pk: int) -> RequestDocument:
    return get_object_or_404(
        visible(request.user, RequestDocument).filter(request=record).select_related("stored_file"),
        pk=pk,
    )


# --- The queue ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FilterTag:
    label: str
    remove_url: str


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    url: str
    sort: str  # "ascending", "descending" or "none"


COLUMNS = (
    ("number", gettext_lazy("Number")),
    ("requester", gettext_lazy("Requester")),
    ("kind", gettext_lazy("Type")),
    ("status", gettext_lazy("State")),
    ("due", gettext_lazy("Due")),
)


def _without(query: QueryDict, name: str, value: str) -> str:
    remaining = query.copy()
    remaining.setlist(name, [item for item in query.getlist(name) if item != value])
    remaining.pop("page", None)
    encoded = remaining.urlencode()
    return "?" + encoded if encoded else "?"


def _filter_tags(form: forms.QueueFilterForm, query: QueryDict) -> list[FilterTag]:
    tags = []
    for name in ("status", "kind", "due", "assignee", "department"):
        field = form.fields[name]
        choices = {
            str(key): str(label)
            for key, label in (
                [(d.pk, d.name) for d in field.queryset] if name == "department" else field.choices
            )
        }
        for value in query.getlist(name):
            if value and value in choices:
                tags.append(
                    FilterTag(
                        label=f"{field.label}: {choices[value]}",
                        remove_url=_without(query, name, value),
                    )
                )
    return tags


def _columns(query: QueryDict, sort: str, descending: bool) -> list[Column]:
    columns = []
    for key, label in COLUMNS:
        params = query.copy()
        params.pop("page", None)
        params["sort"] = key
        params["dir"] = "desc" if key == sort and not descending else "asc"
        state = "none" if key != sort else ("descending" if descending else "ascending")
        columns.append(Column(key=key, label=str(label), url="?" + params.urlencode(), sort=state))
    return columns


@workbench_required
def queue(request: HttpRequest) -> HttpResponse:
    staff = list(workbench_staff())
    departments = queue_departments()
    form = forms.QueueFilterForm(request.GET or None, staff=staff, departments=departments)
    filters = QueueFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = QueueFilters(
            statuses=tuple(data["status"]),
            kinds=tuple(data["kind"]),
            due_soon="soon" in data["due"],
            overdue="overdue" in data["due"],
            assignee=data["assignee"] or "",
            department=data["department"].pk if data["department"] else None,
        )
    sort = request.GET.get("sort", "due")
    sort = sort if sort in QUEUE_SORTS else "due"
    descending = request.GET.get("dir") == "desc"
    today = timezone.localdate()
    due_soon_by = business_calendar().add_business_days(
        today, settings.REQUESTS_DUE_SOON_BUSINESS_DAYS
    )
    queryset = request_queue(
        user=request.user,
        filters=filters,
        sort=sort,
        descending=descending,
        today=today,
        due_soon_by=due_soon_by,
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page_query = request.GET.copy()
    page_query.pop("page", None)
    return render(
        request,
        "requests/staff/queue.html",
        {
            "form": form,
            "page": page,
            "tags": _filter_tags(form, request.GET),
            "columns": _columns(request.GET, sort, descending),
            "page_query": page_query.urlencode(),
            "bulk_form": forms.BulkAssignForm(numbers=[], auto_id="bulk_%s"),
            "today": today,
            "due_soon_by": due_soon_by,
            "finished_statuses": FINISHED_STATUSES,
            "return_query": request.GET.urlencode(),
        },
    )


@workbench_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    numbers = request.POST.getlist("numbers")
    known = list(
        staff_requests(user=request.user)
        .filter(number__in=numbers)
        .values_list("number", flat=True)
    )
    form = forms.BulkAssignForm(request.POST, numbers=known)
    back = reverse("requests:queue")
    return_query = request.POST.get("return_query", "")
    if return_query:
        back += "?" + QueryDict(return_query).urlencode()
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    chosen = list(staff_requests(user=request.user).filter(number__in=form.cleaned_data["numbers"]))
    assignee = form.assignee_user()
    changed = request_assign(requests=chosen, assignee=assignee, actor=request.user)
    who = (assignee.get_full_name() or assignee.email) if assignee else _("nobody")
    messages.success(
        request,
        _("%(count)d of %(total)d requests assigned to %(who)s.")
        % {"count": changed, "total": len(chosen), "who": who},
    )
    return redirect(back)


@workbench_required
@require_http_methods(["GET", "POST"])
def file_for_resident(request: HttpRequest) -> HttpResponse:
    form = forms.StaffFileForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            filed = request_submit(
                requester=form.resident,
                subject=form.resident,
                kind=data["kind"],
                channel=data["channel"],
                filed_by=request.user,
                description=data["description"],
                departments=data["departments"],
                delivery=data["delivery"],
                received_at=form.received_at(),
            )
        except ValidationError as error:
            form.add_error("received_on", error.messages)
        else:
            messages.success(request, _("Request %(number)s filed.") % {"number": filed.number})
            return redirect("requests:staff_detail", number=filed.number)
    return render(request, "requests/staff/file.html", {"form": form})


# --- One request ----------------------------------------------------------------------------


ACTION_LABELS = {
    "review": gettext_lazy("Start the review"),
    "ask": gettext_lazy("Ask the requester for information"),
    "resume": gettext_lazy("Start the clock again"),
    "extend": gettext_lazy("Extend the deadline"),
    "deny": gettext_lazy("Deny the request"),
    "close": gettext_lazy("Close the request"),
    "withdraw": gettext_lazy("Withdraw for the requester"),
}

# Which move each action makes (extend changes the deadline, not the state).
ACTION_TARGETS = {
    "review": RequestStatus.IN_REVIEW,
    "ask": RequestStatus.AWAITING_REQUESTER,
    "deny": RequestStatus.DENIED,
    "close": RequestStatus.CLOSED,
    "withdraw": RequestStatus.WITHDRAWN,
}


def available_actions(record: Request) -> list[tuple[str, str]]:
    targets = set(targets_from(record.status, mover=Mover.STAFF))
    actions = []
    for name, label in ACTION_LABELS.items():
        if name == "resume":
            allowed = record.status == RequestStatus.AWAITING_REQUESTER
        elif name == "extend":
            allowed = record.extended_at is None and not record.is_finished
        else:
            allowed = ACTION_TARGETS[name] in targets
        if allowed:
            actions.append((name, str(label)))
    return actions


def _request_context(record: Request, section: str) -> dict[str, Any]:
    return {"record": record, "section": section}


@workbench_required
@request_page
def detail(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    context = _request_context(record, "overview")
    context.update(
        {
            "actions": available_actions(record),
            "assign_form": forms.AssignForm(initial={"assignee": record.assignee_id}),
            "level": identity_level(user=record.requester),
            "needs_level": kind_needs_level(record.kind),
            "departments": list(record.departments.all()),
        }
    )
    request_access_record(request, record=record, item="request", obj=record)
    return render(request, "requests/staff/detail.html", context)


@workbench_required
@require_POST
@request_page
def assign(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    form = forms.AssignForm(request.POST)
    if form.is_valid():
        request_assign(
            requests=[record], assignee=form.cleaned_data["assignee"], actor=request.user
        )
        messages.success(request, _("Assignment saved."))
    else:
        messages.error(request, _("Choose a clerk from the list."))
    return redirect("requests:staff_detail", number=number)


@workbench_required
@require_http_methods(["GET", "POST"])
@request_page
def messages_page(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    initial = {}
    template_id = request.GET.get("template", "")
    if template_id.isdigit():
        chosen = reply_templates().filter(pk=int(template_id)).first()
        if chosen is not None:
            initial["body"] = reply_template_render(body=chosen.body, request=record)
    form = forms.MessageForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        request_message_send(request=record, author=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Message sent to the requester."))
        return redirect("requests:staff_messages", number=number)
    context = _request_context(record, "messages")
    context.update(
        {
            "form": form,
            "messages_list": request_messages(request=record),
            "templates": reply_templates(),
            "chosen_template": template_id,
        }
    )
    request_access_record(request, record=record, item="request_messages", obj=record)
    return render(request, "requests/staff/messages.html", context)


@workbench_required
@require_http_methods(["GET", "POST"])
@request_page
def history(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    form = forms.NoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        request_note_add(request=record, author=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("Note added."))
        return redirect("requests:staff_history", number=number)
    context = _request_context(record, "history")
    context.update(
        {"form": form, "timeline": request_timeline(request=record, for_requester=False)}
    )
    request_access_record(request, record=record, item="request_history", obj=record)
    return render(request, "requests/staff/history.html", context)


@workbench_required
@request_page
def letters_page(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    context = _request_context(record, "letters")
    context["letters"] = request_letters(request=record)
    context["can_write"] = not record.is_finished
    request_access_record(request, record=record, item="request_letter")
    return render(request, "requests/staff/letters.html", context)


@workbench_required
@require_http_methods(["GET", "POST"])
@request_page
def letter_new(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    """The written response: fill in, preview exactly what the requester will get, then send."""
    if record.is_finished:
        context = _request_context(record, "letters")
        context.update({"action": "letter", "action_label": _("Write the written response")})
        return render(request, "requests/staff/action_unavailable.html", context, status=409)
    form = forms.WrittenResponseForm(request.POST if request.method == "POST" else None)
    preview = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == "send":
            request_letter_send(
                request=record,
                kind=LetterKind.WRITTEN_RESPONSE,
                actor=request.user,
                fields=form.letter_fields(),
            )
            messages.success(request, _("Letter sent to the requester."))
            return redirect("requests:staff_letters", number=number)
        preview = letters.letter_preview(
            request=record, kind=LetterKind.WRITTEN_RESPONSE, fields=form.letter_fields()
        )
    context = _request_context(record, "letters")
    context.update({"form": form, "preview": preview})
    # The form and its preview show the requester's details, like the letters themselves.
    request_access_record(request, record=record, item="request_letter")
    return render(request, "requests/staff/letter_new.html", context)


@workbench_required
@request_page
def letter(request: HttpRequest, number: str, pk: int, record: Request) -> HttpResponse:
    sent = _staff_letter(request, record, pk)
    # The fragment is the letter engine's escaped output, decrypted from storage.
    fragment = mark_safe(letter_html(letter=sent))  # noqa: S308
    context = _request_context(record, "letters")
    context.update({"letter": sent, "fragment": fragment})
    request_access_record(request, record=record, item="request_letter", obj=sent)
    return render(request, "requests/staff/letter.html", context)


def _file_response(stored: Any, filename: str) -> FileResponse:
    try:
        data = stored_file_read(stored)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        BytesIO(data), as_attachment=True, filename=filename, content_type=stored.content_type
    )


@workbench_required
@request_page
def letter_pdf(request: HttpRequest, number: str, pk: int, record: Request) -> HttpResponse:
    sent = _staff_letter(request, record, pk)
    response = _file_response(sent.pdf, f"{record.number}-{sent.kind}.pdf")
    request_access_record(
        request, record=record, item="request_letter_pdf", obj=sent, action=AccessAction.DOWNLOAD
    )
    return response


@workbench_required
@request_page
def document(request: HttpRequest, number: str, pk: int, record: Request) -> HttpResponse:
    attached = _staff_document(request, record, pk)
    response = _file_response(attached.stored_file, attached.stored_file.original_name)
    request_access_record(
        request, record=record, item="request_document", obj=attached, action=AccessAction.DOWNLOAD
    )
    return response


# --- Actions, each on a page that says what will happen -------------------------------------


def _action_form(name: str, data: Any) -> Any:
    if name == "ask":
        return forms.AskForm(data)
    if name == "deny":
        return forms.DenyForm(data)
    if name == "extend":
        return forms.ExtendForm(data)
    return forms.ReasonForm(data)


def _perform(name: str, record: Request, actor: Any, data: dict[str, Any]) -> None:
    if name == "review":
        request_review_start(request=record, actor=actor, reason=data["reason"])
    elif name == "ask":
        request_information_ask(request=record, actor=actor, question=data["question"])
    elif name == "resume":
        request_clock_resume(request=record, actor=actor, reason=data["reason"])
    elif name == "extend":
        request_extend(
            request=record, actor=actor, new_due_on=data["new_due_on"], reason=data["reason"]
        )
    elif name == "deny":
        request_deny(
            request=record, actor=actor, reason=data["reason"], exemptions=data["exemptions"]
        )
    elif name == "close":
        request_close(request=record, actor=actor, reason=data["reason"])
    elif name == "withdraw":
        request_withdraw(request=record, actor=actor, reason=data["reason"])


ACTION_DONE = {
    "review": gettext_lazy("The request is in review."),
    "ask": gettext_lazy(
        "Your question was sent. The clock is stopped until the requester answers."
    ),
    "resume": gettext_lazy("The clock is running again."),
    "extend": gettext_lazy("The deadline was extended. The requester was told."),
    "deny": gettext_lazy("The request was denied and the denial letter sent."),
    "close": gettext_lazy("The request is closed."),
    "withdraw": gettext_lazy("The request was withdrawn."),
}


@workbench_required
@require_http_methods(["GET", "POST"])
@request_page
def action(request: HttpRequest, number: str, name: str, record: Request) -> HttpResponse:
    if name not in ACTION_LABELS:
        raise Http404
    allowed = dict(available_actions(record))
    context = _request_context(record, "overview")
    context.update({"action": name, "action_label": ACTION_LABELS[name]})
    if name not in allowed:
        return render(request, "requests/staff/action_unavailable.html", context, status=409)
    form = _action_form(name, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            _perform(name, record, request.user, form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, field_errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, field_errors)
            else:
                form.add_error(None, error.messages)
        except IllegalTransition:
            return render(request, "requests/staff/action_unavailable.html", context, status=409)
        else:
            messages.success(request, ACTION_DONE[name])
            return redirect("requests:staff_detail", number=number)
    context.update(
        {
            "form": form,
            "latest_extension": extension_latest_allowed(request=record)
            if name == "extend"
            else None,
            "kind_label": RequestKind(record.kind).label,
        }
    )
    # The page says what will happen to whom: the requester's name and email address.
    request_access_record(request, record=record, item="request", obj=record)
    return render(request, "requests/staff/action.html", context)
