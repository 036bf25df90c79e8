"""The staff's pages on corrections: the steward's queue of their departments' proposed changes,
one change with the decision (confirmed on a second page) and, for a source without write
access, the steward's word that they applied it by hand; the privacy officer's appeals; the
clerk's notices to the outside recipients of corrected data.

Changes are found through portal.access.scope: a steward sees their departments' changes only
(anyone else's answers 404); clerks and the privacy officer see those of the requests they may
see, and only the department's stewards decide. The queue shows no personal values (kind of
record, field, department, request number), so it writes no access-log entry; every page that
shows a value does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from io import BytesIO
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.access.decorators import purpose_url, request_access_record
from portal.access.models import AccessAction
from portal.access.purpose import purpose_missing
from portal.access.scope import (
    may_decide_appeals,
    may_record_disclosures,
    may_work_requests,
    steward_department_ids,
    visible,
)
from portal.access.services import access_record_many
from portal.files.services import stored_file_read
from requests.corrections.models import (
    Appeal,
    AppealStatus,
    ChangeStatus,
    Decision,
    ProposedChange,
    RecipientNotice,
    RecipientNoticeStatus,
    WriteBack,
    WriteBackStatus,
)
from requests.corrections.selectors import (
    correctable_fields,
    field_history,
    statements_for_records,
)
from requests.corrections.services import (
    CorrectionError,
    appeal_deadline,
    appeal_decide,
    change_decide,
    recipient_notice_done,
)
from requests.corrections.staff_forms import (
    BY_HAND,
    DECISIONS_WITH_A_VALUE,
    DIFFERENT,
    AppealDecisionForm,
    AppliedByHandForm,
    DecisionForm,
    NoticeDoneForm,
    RetryForm,
)
from requests.corrections.states import IllegalChangeMove
from requests.corrections.values import value_decrypt, value_text
from requests.corrections.writeback import write_back_confirm, write_back_retry
from requests.states import RequestStatus

PAGE_SIZE = 25
ACCESS_ITEM = "correction"
ACCESS_ITEM_EVIDENCE = "correction_evidence"
ACCESS_ITEM_APPEAL = "correction_appeal"
ACCESS_ITEM_NOTICES = "correction_notices"

# The steward's queue: what each view of it holds.
SHOW_CHOICES = (
    ("decide", gettext_lazy("To decide")),
    ("conflicts", gettext_lazy("Conflicts")),
    ("apply", gettext_lazy("To apply by hand")),
    ("decided", gettext_lazy("Decided")),
    ("all", gettext_lazy("All")),
)
DECIDABLE = frozenset({ChangeStatus.PROPOSED, ChangeStatus.CONFLICT})
DECIDED = (ChangeStatus.APPROVED, ChangeStatus.DENIED, ChangeStatus.APPLIED)
DECISION_LABELS = dict(Decision.choices)


def _may_see_corrections(user: Any) -> bool:
    return bool(steward_department_ids(user)) or may_work_requests(user)


def _role_required(may: Callable[[Any], bool]) -> Callable[[Callable[..., HttpResponse]], Any]:
    """Open to people `may` lets in; anyone else signed in gets 404, so the page's existence is
    not revealed."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not may(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorator


corrections_staff_required = _role_required(_may_see_corrections)
appeals_required = _role_required(may_decide_appeals)
notices_required = _role_required(may_record_disclosures)


def _file_response(stored: Any, filename: str) -> FileResponse:
    try:
        data = stored_file_read(stored)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        BytesIO(data), as_attachment=True, filename=filename, content_type=stored.content_type
    )


# --- The queue ------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=gettext_lazy("Show"), choices=SHOW_CHOICES, required=False, widget=forms.RadioSelect
    )


def _waiting_for_steward() -> Exists:
    return Exists(
        WriteBack.objects.filter(
            change_id=OuterRef("pk"), status=WriteBackStatus.WAITING_FOR_STEWARD
        )
    )


def _queue(*, user: Any, show: str) -> QuerySet:
    changes = visible(user, ProposedChange).select_related("request", "department")
    if show == "decide":
        changes = changes.filter(status=ChangeStatus.PROPOSED)
    elif show == "conflicts":
        changes = changes.filter(status=ChangeStatus.CONFLICT)
    elif show == "apply":
        changes = changes.filter(status=ChangeStatus.APPROVED).filter(_waiting_for_steward())
    elif show == "decided":
        changes = changes.filter(status__in=DECIDED)
    if show == "decided":
        return changes.order_by("-decided_at", "-pk")
    return changes.order_by("request__final_due_on", "request__number", "pk")


@corrections_staff_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    show = "decide"
    if form.is_bound and form.is_valid() and form.cleaned_data["show"]:
        show = form.cleaned_data["show"]
    if not form.is_bound or not form.is_valid():
        form = QueueFilterForm(initial={"show": show})
    page = Paginator(_queue(user=request.user, show=show), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "staff/corrections/list.html",
        {
            "form": form,
            "show": show,
            "show_label": dict(SHOW_CHOICES)[show],
            "page": page,
            "today": timezone.localdate(),
            "decidable": DECIDABLE,
        },
    )


# --- One change -----------------------------------------------------------------------------


def _change(request: HttpRequest, pk: int, *, to_decide: bool = False) -> ProposedChange:
    """The change, within the person's reach; `to_decide`: only for a steward of its
    department (anyone else 404)."""
    changes = visible(request.user, ProposedChange)
    if to_decide:
        changes = changes.filter(department__in=steward_department_ids(request.user))
    return get_object_or_404(
        changes.select_related(
            "request__subject",
            "request__assignee",
            "record__run__source__department",
            "source",
            "department",
            "proposed_by",
            "drafted_by",
            "decided_by",
        ),
        pk=pk,
    )


def _may_decide(user: Any, change: ProposedChange) -> bool:
    return change.department_id in steward_department_ids(user)


def _decidable(change: ProposedChange) -> bool:
    """Open for the steward's decision: proposed on a request in review, or back after a
    conflict."""
    return change.status == ChangeStatus.CONFLICT or (
        change.status == ChangeStatus.PROPOSED and change.request.status == RequestStatus.IN_REVIEW
    )


def _is_author(user: Any, change: ProposedChange) -> bool:
    return user.pk in (change.proposed_by_id, change.drafted_by_id)


@dataclass(frozen=True)
class Values:
    """The change's values, as a person reads them."""

    current: str
    proposed: str
    approved: str
    found: str


def _values(change: ProposedChange, write_back: WriteBack | None) -> Values:
    found = write_back.found_value_encrypted if write_back is not None else None
    return Values(
        current=value_text(value_decrypt(change.current_value_encrypted)),
        proposed=value_text(value_decrypt(change.proposed_value_encrypted)),
        approved=value_text(value_decrypt(change.approved_value_encrypted)),
        found=value_text(value_decrypt(found)) if found is not None else "",
    )


def _source_key(change: ProposedChange) -> str:
    return change.record_key.split("/", 1)[-1]


def _purpose_redirect(request: HttpRequest, change: ProposedChange) -> HttpResponse | None:
    """A clerk not assigned the request says why before seeing its data (portal.access)."""
    if purpose_missing(user=request.user, session=request.session, request=change.request):
        next_url = request.get_full_path() if request.method == "GET" else ""
        return redirect(purpose_url(change.request, next_url))
    return None


def _change_context(
    request: HttpRequest, change: ProposedChange, **forms_given: Any
) -> dict[str, Any]:
    write_back = change.write_backs.select_related("confirmed_by").order_by("-round").first()
    may_decide = _may_decide(request.user, change)
    is_author = _is_author(request.user, change)
    decidable = _decidable(change)
    waiting_for_steward = (
        write_back is not None and write_back.status == WriteBackStatus.WAITING_FOR_STEWARD
    )
    statements = statements_for_records(
        subject_id=change.request.subject_id, records=[(change.source_id, change.record_key)]
    ).get((change.source_id, change.record_key), [])
    appeal = Appeal.objects.filter(change=change).select_related("decided_by").first()
    context: dict[str, Any] = {
        "change": change,
        "request_record": change.request,
        "source_key": _source_key(change),
        "record_fields": sorted(correctable_fields(change.record).items()),
        "values": _values(change, write_back),
        "evidence": list(change.evidence.select_related("stored_file").order_by("pk")),
        "statements": statements,
        "history": field_history(
            source_id=change.source_id,
            record_key=change.record_key,
            field_name=change.field_name,
        ),
        "write_back": write_back,
        "expected_text": value_text(value_decrypt(write_back.expected_value_encrypted))
        if write_back
        else "",
        "new_text": value_text(value_decrypt(write_back.new_value_encrypted)) if write_back else "",
        "appeal": appeal,
        "may_decide": may_decide,
        "is_author": is_author,
        "show_decision_form": may_decide and decidable and not is_author,
        "show_author_notice": may_decide and decidable and is_author,
        "show_applied_form": may_decide and waiting_for_steward,
        "show_retry_form": may_decide
        and not is_author
        and write_back is not None
        and write_back.status == WriteBackStatus.FAILED,
        "decision_label": DECISION_LABELS.get(change.decision, ""),
        "overdue": change.status in DECIDABLE
        and change.request.final_due_on < timezone.localdate(),
        "is_clerk": may_work_requests(request.user),
    }
    context["decision_form"] = forms_given.get("decision_form") or DecisionForm(
        initial={"approved_value": context["values"].proposed}
    )
    context["applied_form"] = forms_given.get("applied_form") or AppliedByHandForm()
    context["retry_form"] = forms_given.get("retry_form") or RetryForm()
    context["error_forms"] = [
        form
        for form in (context["decision_form"], context["applied_form"], context["retry_form"])
        if form.errors
    ]
    context["has_errors"] = bool(context["error_forms"])
    return context


def _log_change(request: HttpRequest, change: ProposedChange) -> None:
    request_access_record(request, record=change.request, item=ACCESS_ITEM, obj=change)


def _render_change(
    request: HttpRequest, change: ProposedChange, status: int = 200, **forms_given: Any
) -> HttpResponse:
    context = _change_context(request, change, **forms_given)
    _log_change(request, change)
    return render(request, "staff/corrections/detail.html", context, status=status)


@corrections_staff_required
@require_GET
def change_detail(request: HttpRequest, pk: int) -> HttpResponse:
    change = _change(request, pk)
    if response := _purpose_redirect(request, change):
        return response
    return _render_change(request, change)


@corrections_staff_required
@require_POST
def change_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision form posts here: errors go back to the change page with everything typed
    kept; a valid decision shows the confirmation page, whose button posts again with
    `confirmed`; "Change your decision" (`edit`) goes back to the form, filled in."""
    change = _change(request, pk, to_decide=True)
    if not _decidable(change):
        messages.error(request, _("This change is not open for a decision now."))
        return redirect("requests:staff_correction", pk=change.pk)
    form = DecisionForm(request.POST)
    if request.POST.get("edit"):
        typed = {name: request.POST.get(name, "") for name in form.fields}
        return _render_change(request, change, decision_form=DecisionForm(initial=typed))
    if not form.is_valid():
        return _render_change(request, change, decision_form=form)
    if not request.POST.get("confirmed"):
        context = _change_context(request, change, decision_form=form)
        context.update(
            {
                "decision": form.cleaned_data["decision"],
                "decision_label": DECISION_LABELS[form.cleaned_data["decision"]],
                "approved_value": form.cleaned_data["approved_value"],
                # What will be written: the proposed value unless another one was given.
                "value_to_write": form.cleaned_data["approved_value"]
                if form.cleaned_data["decision"] in DECISIONS_WITH_A_VALUE
                else context["values"].proposed,
                "reason": form.cleaned_data["reason"],
            }
        )
        _log_change(request, change)
        return render(request, "staff/corrections/confirm.html", context)
    try:
        change_decide(change=change, actor=request.user, **form.service_arguments())
    except CorrectionError as error:
        form.add_error(None, error.messages)
        return _render_change(request, change, decision_form=form)
    except (IllegalChangeMove, PermissionDenied):
        messages.error(request, _("This change was decided meanwhile: nothing was changed."))
        return redirect("requests:staff_correction", pk=change.pk)
    change.refresh_from_db()
    if change.status == ChangeStatus.DENIED:
        done = _("Denied. The resident is told why, and how to appeal.")
    elif change.write_backs.filter(status=WriteBackStatus.WAITING_FOR_STEWARD).exists():
        done = _(
            "Approved. Now apply the change in the department's system, then confirm it below."
        )
    else:
        done = _("Approved. The change is being written to the department's system.")
    messages.success(request, done)
    return redirect("requests:staff_correction", pk=change.pk)


@corrections_staff_required
@require_POST
def change_applied_by_hand(request: HttpRequest, pk: int) -> HttpResponse:
    """The steward's word on a change to a source the portal cannot write to: they entered the
    new value, or found a different value there and changed nothing."""
    change = _change(request, pk, to_decide=True)
    write_back = (
        visible(request.user, WriteBack)
        .filter(change=change, status=WriteBackStatus.WAITING_FOR_STEWARD)
        .order_by("-round")
        .first()
    )
    if write_back is None:
        messages.error(request, _("There is nothing to apply by hand for this change now."))
        return redirect("requests:staff_correction", pk=change.pk)
    form = AppliedByHandForm(request.POST)
    if not form.is_valid():
        return _render_change(request, change, applied_form=form)
    applied = form.cleaned_data["outcome"] != DIFFERENT
    try:
        write_back_confirm(
            write_back=write_back,
            actor=request.user,
            applied=applied,
            found_value=None if applied else form.cleaned_data["found_value"],
        )
    except CorrectionError as error:
        form.add_error(None, error.messages)
        return _render_change(request, change, applied_form=form)
    except IllegalChangeMove:
        messages.error(request, _("This change was confirmed meanwhile: nothing was changed."))
        return redirect("requests:staff_correction", pk=change.pk)
    if applied:
        messages.success(request, _("Recorded: the change is made in the department's system."))
    else:
        messages.success(
            request,
            _("Recorded: the value had changed. Decide again on the value the system holds now."),
        )
    return redirect("requests:staff_correction", pk=change.pk)


@corrections_staff_required
@require_POST
def change_write_back_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """A write-back that failed: the steward has a worker try again, or applies it by hand."""
    change = _change(request, pk, to_decide=True)
    write_back = (
        visible(request.user, WriteBack)
        .filter(change=change, status=WriteBackStatus.FAILED)
        .order_by("-round")
        .first()
    )
    if write_back is None:
        messages.error(request, _("This change's write-back has not failed: nothing to retry."))
        return redirect("requests:staff_correction", pk=change.pk)
    form = RetryForm(request.POST)
    if not form.is_valid():
        return _render_change(request, change, retry_form=form)
    by_hand = form.cleaned_data["how"] == BY_HAND
    try:
        write_back_retry(write_back=write_back, actor=request.user, by_hand=by_hand)
    except CorrectionError as error:
        form.add_error(None, error.messages)
        return _render_change(request, change, retry_form=form)
    if by_hand:
        messages.success(request, _("Apply the change by hand, then confirm it below."))
    else:
        messages.success(request, _("The change will be written again shortly."))
    return redirect("requests:staff_correction", pk=change.pk)


@corrections_staff_required
@require_GET
def change_evidence(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    change = _change(request, pk)
    if response := _purpose_redirect(request, change):
        return response
    document = get_object_or_404(change.evidence.select_related("stored_file"), pk=document_pk)
    response = _file_response(document.stored_file, document.stored_file.original_name)
    request_access_record(
        request,
        record=change.request,
        item=ACCESS_ITEM_EVIDENCE,
        obj=document,
        action=AccessAction.DOWNLOAD,
    )
    return response


# --- The privacy officer's appeals ----------------------------------------------------------


APPEAL_SHOW_CHOICES = (
    ("open", gettext_lazy("To decide")),
    ("decided", gettext_lazy("Decided")),
)


class AppealFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=gettext_lazy("Show"),
        choices=APPEAL_SHOW_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )


@appeals_required
@require_GET
def appeal_list(request: HttpRequest) -> HttpResponse:
    form = AppealFilterForm(request.GET or None)
    show = "open"
    if form.is_bound and form.is_valid() and form.cleaned_data["show"]:
        show = form.cleaned_data["show"]
    if not form.is_bound or not form.is_valid():
        form = AppealFilterForm(initial={"show": show})
    appeals = visible(request.user, Appeal).select_related("change__request", "change__department")
    if show == "open":
        appeals = appeals.filter(status=AppealStatus.OPEN).order_by("due_on", "pk")
    else:
        appeals = appeals.exclude(status=AppealStatus.OPEN).order_by("-decided_at", "-pk")
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/corrections/appeals.html",
        {
            "form": form,
            "show": show,
            "show_label": dict(APPEAL_SHOW_CHOICES)[show],
            "page": page,
            "today": timezone.localdate(),
        },
    )


@appeals_required
@require_http_methods(["GET", "POST"])
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = get_object_or_404(
        visible(request.user, Appeal).select_related(
            "change__request__subject",
            "change__department",
            "change__source",
            "change__decided_by",
            "filed_by",
            "decided_by",
        ),
        pk=pk,
    )
    change = appeal.change
    form = AppealDecisionForm(request.POST or None)
    if request.method == "POST":
        if appeal.status != AppealStatus.OPEN:
            messages.error(request, _("This appeal has already been decided."))
            return redirect("requests:staff_appeal", pk=appeal.pk)
        if form.is_valid():
            try:
                appeal_decide(appeal=appeal, actor=request.user, **form.service_arguments())
            except CorrectionError as error:
                form.add_error(None, error.messages)
            except IllegalChangeMove:
                messages.error(request, _("This change moved meanwhile: nothing was changed."))
                return redirect("requests:staff_appeal", pk=appeal.pk)
            else:
                appeal.refresh_from_db()
                if appeal.status == AppealStatus.OVERTURNED:
                    done = _("Denial overturned: the change is approved and will be written.")
                else:
                    done = _("Denial upheld. The resident is told why.")
                messages.success(request, done)
                return redirect("requests:staff_appeal", pk=appeal.pk)
    write_back = change.write_backs.order_by("-round").first()
    request_access_record(request, record=change.request, item=ACCESS_ITEM_APPEAL, obj=appeal)
    return render(
        request,
        "staff/corrections/appeal.html",
        {
            "appeal": appeal,
            "change": change,
            "request_record": change.request,
            "source_key": _source_key(change),
            "values": _values(change, write_back),
            "appeal_deadline": appeal_deadline(change),
            "overdue": appeal.status == AppealStatus.OPEN and appeal.due_on < timezone.localdate(),
            "form": form,
            "has_errors": bool(form.errors),
            "is_clerk": may_work_requests(request.user),
        },
    )


# --- The clerk's notices to outside recipients ----------------------------------------------


NOTICE_SHOW_CHOICES = (
    ("open", gettext_lazy("To do")),
    ("all", gettext_lazy("All, to do first")),
)


class NoticeFilterForm(forms.Form):
    show = forms.ChoiceField(
        label=gettext_lazy("Show"),
        choices=NOTICE_SHOW_CHOICES,
        required=False,
        widget=forms.RadioSelect,
    )


@dataclass(frozen=True)
class NoticeRow:
    notice: RecipientNotice
    resident: Any
    request_number: str
    department: str
    record_type: str
    field_name: str
    new_value: str
    statement_text: str
    form: NoticeDoneForm


def _notice_rows(page: Any, bound: dict[int, NoticeDoneForm]) -> list[NoticeRow]:
    rows = []
    for notice in page:
        change = notice.change or notice.statement.change
        rows.append(
            NoticeRow(
                notice=notice,
                resident=change.request.subject,
                request_number=change.request.number,
                department=change.department.name,
                record_type=change.record_type,
                field_name=change.field_name,
                new_value=value_text(value_decrypt(change.approved_value_encrypted))
                if notice.change_id
                else "",
                statement_text=notice.statement.text if notice.statement_id else "",
                form=bound.get(notice.pk) or NoticeDoneForm(prefix=f"notice-{notice.pk}"),
            )
        )
    return rows


def _notices_page(
    request: HttpRequest, *, bound: dict[int, NoticeDoneForm] | None = None, status: int = 200
) -> HttpResponse:
    form = NoticeFilterForm(request.GET or None)
    show = "open"
    if form.is_bound and form.is_valid() and form.cleaned_data["show"]:
        show = form.cleaned_data["show"]
    if not form.is_bound or not form.is_valid():
        form = NoticeFilterForm(initial={"show": show})
    notices = visible(request.user, RecipientNotice).select_related(
        "disclosure",
        "done_by",
        "change__request__subject",
        "change__department",
        "statement__change__request__subject",
        "statement__change__department",
    )
    if show == "open":
        notices = notices.filter(status=RecipientNoticeStatus.OPEN)
    notices = notices.annotate(
        done_last=Case(
            When(status=RecipientNoticeStatus.OPEN, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("done_last", "created_at", "pk")
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = _notice_rows(page, bound or {})
    # The list names residents and shows what was corrected or their statement.
    access_record_many(
        actor=request.user, subjects=[row.resident for row in rows], item=ACCESS_ITEM_NOTICES
    )
    return render(
        request,
        "staff/corrections/notices.html",
        {
            "form": form,
            "show": show,
            "show_label": dict(NOTICE_SHOW_CHOICES)[show],
            "page": page,
            "rows": rows,
            "error_forms": [row.form for row in rows if row.form.errors],
            "has_errors": any(row.form.errors for row in rows),
        },
        status=status,
    )


@notices_required
@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    return _notices_page(request)


@notices_required
@require_POST
def notice_done(request: HttpRequest, pk: int) -> HttpResponse:
    notice = get_object_or_404(visible(request.user, RecipientNotice), pk=pk)
    form = NoticeDoneForm(request.POST, prefix=f"notice-{notice.pk}")
    if form.is_valid():
        try:
            recipient_notice_done(
                notice=notice, actor=request.user, how_told=form.cleaned_data["how_told"]
            )
        except CorrectionError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Marked as told: %(recipient)s.")
                % {"recipient": notice.disclosure.recipient_name},
            )
        return redirect("requests:staff_recipient_notices")
    return _notices_page(request, bound={notice.pk: form})
