"""The steward's pages for a manual source: the list of their departments' work items, and one
item with what to search for and the form to say what was found.

Open to stewards of at least one department; anyone else signed in gets 404. Clerks and the
privacy officer follow a manual source on the request page (its state and what it found); only a
steward of the item's department answers it (requests.gathering.services.work_item_complete), so
the resident's attributes are shown to the person who searches for them and nobody else.
Items are found through portal.access.scope: a steward of another department gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from portal.access.scope import steward_department_ids, visible
from portal.access.services import access_record
from portal.profiles.models import IdentifierKind
from requests.gathering.attributes import ACCOUNT_ID, gathering_attributes
from requests.gathering.forms import (
    ANSWER_NOTHING,
    ANSWER_RECORDS,
    ANSWER_UPLOAD,
    NothingAnswerForm,
    RecordsAnswer,
    UploadAnswerForm,
)
from requests.gathering.models import WorkItem, WorkItemStatus
from requests.gathering.selectors import (
    WORK_ITEM_VIEWS,
    steward_work_items,
    work_item_records,
)
from requests.gathering.services import GatheringError, fields_decrypt, work_item_complete

PAGE_SIZE = 25
ACCESS_ITEM = "work_item"

SHOW_CHOICES = (
    ("open", gettext_lazy("To do")),
    ("done", gettext_lazy("Done")),
    ("cancelled", gettext_lazy("No longer needed")),
    ("all", gettext_lazy("All")),
)


def steward_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not steward_department_ids(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


# --- The list -------------------------------------------------------------------------------


class WorkItemFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=gettext_lazy("Show"), choices=SHOW_CHOICES, required=False, widget=forms.RadioSelect
    )


@steward_required
def work_item_list(request: HttpRequest) -> HttpResponse:
    form = WorkItemFilterForm(request.GET or None)
    show = "open"
    if form.is_bound and form.is_valid() and form.cleaned_data["show"] in WORK_ITEM_VIEWS:
        show = form.cleaned_data["show"]
    if not form.is_bound or not form.is_valid():
        form = WorkItemFilterForm(initial={"show": show})
    page = Paginator(steward_work_items(user=request.user, show=show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "staff/work_items/list.html",
        {
            "form": form,
            "show": show,
            "show_label": dict(SHOW_CHOICES)[show],
            "page": page,
            "today": timezone.localdate(),
        },
    )


# --- One item -------------------------------------------------------------------------------


def _search_attributes(item: WorkItem) -> dict[str, Any]:
    """What the steward searches by: the resident's legal name, date of birth, addresses and the
    City numbers they proved (not the portal's own account number, which no department holds)."""
    resident = gathering_attributes(user=item.run.request.subject).resident
    labels = dict(IdentifierKind.choices)
    return {
        "legal_name": resident.legal_name,
        "date_of_birth": resident.date_of_birth,
        "current_address": resident.current_address,
        "previous_addresses": resident.previous_addresses,
        "identifiers": [
            (labels.get(kind, kind), ", ".join(values))
            for kind, values in resident.proved_identifiers.items()
            if kind != ACCOUNT_ID and values
        ],
    }


def _entered(item: WorkItem) -> list[dict[str, Any]]:
    """What the steward entered, decrypted, each record's number without its kind's prefix."""
    rows = []
    for record in work_item_records(item=item):
        prefix = f"{record.record_type}/"
        key = record.key[len(prefix) :] if record.key.startswith(prefix) else record.key
        rows.append(
            {
                "record_type": record.record_type,
                "key": key,
                "fields": sorted(fields_decrypt(record).items()),
                "match": record.get_match_strength_display(),
            }
        )
    return rows


def _log_view(request: HttpRequest, item: WorkItem) -> None:
    access_record(
        actor=request.user,
        subject=item.run.request.subject,
        item=ACCESS_ITEM,
        obj=item,
        request=item.run.request,
    )


def _answer(request: HttpRequest, item: WorkItem, context: dict[str, Any]) -> HttpResponse | None:
    """Save the posted answer, or put its problems into `context`. A response when saved."""
    answer = request.POST.get("answer")
    records: list[Any] = []
    found_nothing = False
    if answer == ANSWER_RECORDS:
        form: Any = RecordsAnswer(request.POST)
        grow = request.POST.get("add", "")
        if grow:
            context["records_form"] = form.grown(grow)
            return None
        if not form.is_valid():
            context["records_form"] = form
            return None
        records, note = form.source_records, form.cleaned_note
    elif answer == ANSWER_UPLOAD:
        form = UploadAnswerForm(request.POST, request.FILES)
        if not form.is_valid():
            context["upload_form"] = form
            return None
        records, note = form.source_records, form.cleaned_data["note"]
    elif answer == ANSWER_NOTHING:
        form = NothingAnswerForm(request.POST)
        if not form.is_valid():
            context["nothing_form"] = form
            return None
        found_nothing, note = True, form.cleaned_data["note"]
    else:
        context["answer_problem"] = _("Choose how you answer: enter records, upload, or none.")
        return None
    try:
        work_item_complete(
            item=item, actor=request.user, records=records, found_nothing=found_nothing, note=note
        )
    except GatheringError as error:
        if WorkItem.objects.filter(pk=item.pk, status=WorkItemStatus.OPEN).exists():
            context["answer_problem"] = " ".join(error.messages)
            context[f"{answer}_form"] = form
            return None
        messages.error(request, " ".join(error.messages))
        return redirect("requests:work_item", pk=item.pk)
    if found_nothing:
        done = _("Saved: you found no records. The clerk has been told.")
    else:
        done = ngettext(
            "Saved: %(count)d record. The clerk will review it.",
            "Saved: %(count)d records. The clerk will review them.",
            len(records),
        ) % {"count": len(records)}
    messages.success(request, done)
    return redirect("requests:work_item", pk=item.pk)


@steward_required
@require_http_methods(["GET", "POST"])
def work_item_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        visible(request.user, WorkItem).select_related(
            "run__request__subject", "run__source", "department", "completed_by"
        ),
        pk=pk,
    )
    # A request that finished meanwhile (withdrawn, closed) needs no search, and its resident's
    # attributes are no longer the steward's to see.
    request_finished = item.run.request.is_finished
    is_open = item.status == WorkItemStatus.OPEN and not request_finished
    if request.method == "POST" and not is_open:
        if item.status == WorkItemStatus.DONE:
            refusal = _("This work item is already done.")
        elif item.status == WorkItemStatus.CANCELLED:
            refusal = _(
                "This work item is no longer needed: the request has finished, or the clerk "
                "stopped waiting for it."
            )
        else:
            refusal = _("This work item is no longer needed: the request has finished.")
        messages.error(request, refusal)
        return redirect("requests:work_item", pk=item.pk)
    context: dict[str, Any] = {
        "item": item,
        "request_record": item.run.request,
        "source": item.run.source,
        "is_open": is_open,
        "request_finished": request_finished,
        "overdue": is_open and item.due_on < timezone.localdate(),
    }
    if request.method == "POST":
        response = _answer(request, item, context)
        if response is not None:
            return response
    if is_open:
        context.setdefault("records_form", RecordsAnswer())
        context.setdefault("upload_form", UploadAnswerForm())
        context.setdefault("nothing_form", NothingAnswerForm())
        context["attributes"] = _search_attributes(item)
        context["has_errors"] = bool(
            context.get("answer_problem")
            or context["records_form"].errors
            or context["upload_form"].errors
            or context["nothing_form"].errors
        )
        _log_view(request, item)
    elif item.status == WorkItemStatus.DONE:
        # What was entered, and the steward's note, are the resident's data.
        context["entered"] = _entered(item)
        _log_view(request, item)
    return render(request, "staff/work_items/detail.html", context)
