"""The resident's side of corrections: pick information from their released records, say for each
piece what is wrong and what it should say, check the answers and send; then, on the request's
page, follow each change and, for a denied one, appeal or file a statement of disagreement.

The draft lives in the session, so nothing typed is lost between pages. Records are always read
through `released_to` for the person the request is about, and changes through the user's scope,
so anyone else's answer 404. Residents reading their own data write no access-log entry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.access.scope import visible
from portal.files.models import DOCUMENT_KINDS, StoredFile
from portal.files.services import stored_file_create, stored_file_schedule_purge
from portal.representatives.models import Grant
from portal.representatives.selectors import active_grant_for_representative
from requests.corrections import forms
from requests.corrections.contest import denial_contestable
from requests.corrections.models import ChangeStatus, Ground, ProposedChange
from requests.corrections.selectors import correctable_fields, released_to
from requests.corrections.services import (
    CorrectionError,
    Proposal,
    appeal_deadline,
    appeal_file,
    correction_request_submit,
    proposal_problems_by_field,
    statement_file,
)
from requests.corrections.values import value_decrypt, value_text
from requests.gathering.models import GatheredRecord
from requests.models import Request, RequestKind
from requests.selectors import resident_requests
from requests.services import RequestLimitReached
from requests.states import RequestStatus
from requests.views import resident

DRAFT_KEY = "corrections_draft"
RECORDS_PER_PAGE = 20
CORRECTION_KINDS = (RequestKind.CORRECTION, RequestKind.CONTEST)
# Evidence uploaded for a draft that is never sent is purged after this long.
DRAFT_EVIDENCE_LIFETIME = timedelta(days=1)
# Where each problem `proposal_problems_by_field` finds is shown on the change's form.
PROBLEM_FIELDS = {"reason": "reason", "proposed_value": "proposed_value"}


def _label(name: str) -> str:
    return name.replace("_", " ").strip().capitalize() or name


def _source_key(record: GatheredRecord) -> str:
    return record.key.split("/", 1)[-1]


# --- The draft --------------------------------------------------------------------------------


def _draft(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(DRAFT_KEY, {}))


def _save_draft(request: HttpRequest, draft: dict[str, Any]) -> None:
    request.session[DRAFT_KEY] = draft


def _draft_grant(request: HttpRequest, draft: dict[str, Any]) -> Grant | None:
    if "grant_id" not in draft:
        return None
    return active_grant_for_representative(representative=request.user, grant_id=draft["grant_id"])


def _draft_subject(request: HttpRequest, draft: dict[str, Any]) -> tuple[Any, Grant | None]:
    """The person the proposals are about: the user, or the resident of the grant they act
    under. A grant that ended meanwhile stops the draft."""
    grant = _draft_grant(request, draft)
    if "grant_id" in draft and grant is None:
        raise _GrantEnded
    if grant is not None and draft.get("kind") not in grant.scope:
        raise _GrantEnded(draft.get("kind"))
    return (grant.resident if grant else request.user), grant


class _GrantEnded(Exception):
    """The grant ended, or (with the kind as its argument) does not cover this kind."""


def _grant_ended(request: HttpRequest, error: _GrantEnded | None = None) -> HttpResponse:
    request.session.pop(DRAFT_KEY, None)
    if error is not None and error.args:
        label = RequestKind(error.args[0]).label
        messages.error(
            request,
            _(
                "What you may do for this person does not include “%(kind)s”, so nothing was "
                "sent. A clerk can widen it when the person agrees."
            )
            % {"kind": label},
        )
    else:
        messages.error(request, _("You can no longer act for this person, so nothing was sent."))
    return redirect("representatives:list")


def _item_key(record_id: int, field_name: str) -> str:
    return f"{record_id}:{field_name}"


def _items(draft: dict[str, Any]) -> list[dict[str, Any]]:
    return list(draft.get("items", []))


# --- Reading the released records ---------------------------------------------------------------


def _released_records(subject: Any) -> QuerySet:
    """Each released record once (the latest release of it), ordered by department and source."""
    records = released_to(subject=subject)
    latest = (
        released_to(subject=subject)
        .filter(run__source_id=OuterRef("run__source_id"), key=OuterRef("key"))
        .order_by("-pk")
        .values("pk")[:1]
    )
    return records.filter(pk=Subquery(latest)).order_by(
        "run__source__department__name", "run__source__name", "record_type", "key", "pk"
    )


@dataclass
class FieldRow:
    choice: str
    name: str
    label: str
    value: str
    checked: bool
    input_id: str = ""


@dataclass
class RecordRow:
    record: GatheredRecord
    department: str
    source: str
    record_type: str
    reference: str
    fields: list[FieldRow] = field(default_factory=list)


def _record_rows(records: list[GatheredRecord], chosen: set[str]) -> list[RecordRow]:
    rows = []
    for record in records:
        source = record.run.source
        row = RecordRow(
            record=record,
            department=source.department.name,
            source=source.name,
            record_type=_label(record.record_type),
            reference=_source_key(record),
        )
        for name, value in correctable_fields(record).items():
            choice = _item_key(record.pk, name)
            row.fields.append(
                FieldRow(choice, name, _label(name), value_text(value), choice in chosen)
            )
        rows.append(row)
    # Numbered like Django's own choices, so the error summary links to the first box.
    for number, found in enumerate(f for row in rows for f in row.fields):
        found.input_id = f"id_pick_{number}"
    return rows


# --- Starting ---------------------------------------------------------------------------------


@login_required
def start(request: HttpRequest) -> HttpResponse:
    """From a released request's page or the new-request wizard: begin (or carry on with) a
    correction or contest draft, or explain that an access request comes first."""
    kind = request.GET.get("kind", RequestKind.CORRECTION)
    if kind not in CORRECTION_KINDS:
        kind = RequestKind.CORRECTION
    grant_id = _grant_id_from(request)
    draft = _draft(request)
    if draft.get("kind") != kind or draft.get("grant_id") != grant_id:
        draft = {"kind": kind, "items": []}
        if grant_id is not None:
            draft["grant_id"] = grant_id
        _save_draft(request, draft)
    try:
        subject, grant = _draft_subject(request, draft)
    except _GrantEnded as error:
        return _grant_ended(request, error)
    if not _released_records(subject).exists():
        return render(
            request,
            "requests/corrections/none_released.html",
            {"kind": kind, "grant": grant, "kind_label": RequestKind(kind).label},
        )
    return redirect("requests:correction_pick")


def _grant_id_from(request: HttpRequest) -> int | None:
    """A representative acting for a resident: `?for=<grant>`, or the grant they chose in the
    new-request wizard."""
    raw = request.GET.get("for")
    if raw is None:
        raw = resident._draft(request).get("grant_id")
    if raw is None:
        return None
    try:
        grant_id = int(raw)
    except (TypeError, ValueError):
        raise Http404 from None
    grant = active_grant_for_representative(representative=request.user, grant_id=grant_id)
    if grant is None or grant.resident_id is None:
        raise Http404
    return grant_id


def _draft_or_start(request: HttpRequest) -> dict[str, Any] | None:
    draft = _draft(request)
    return draft if draft.get("kind") in CORRECTION_KINDS else None


# --- Picking the information -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def pick(request: HttpRequest) -> HttpResponse:
    draft = _draft_or_start(request)
    if draft is None:
        return redirect("requests:correction_start")
    try:
        subject, grant = _draft_subject(request, draft)
    except _GrantEnded as error:
        return _grant_ended(request, error)
    paginator = Paginator(_released_records(subject), RECORDS_PER_PAGE)
    page = paginator.get_page(request.POST.get("page") or request.GET.get("page"))
    items = _items(draft)
    chosen = {_item_key(item["record"], item["field"]) for item in items}
    rows = _record_rows(list(page.object_list), chosen)
    choices = [(f.choice, f.label) for row in rows for f in row.fields]
    form = forms.PickForm(
        request.POST if request.method == "POST" else None, choices=choices, kind=draft["kind"]
    )
    if request.method == "POST" and form.is_valid():
        on_this_page = {choice for choice, _label_text in choices}
        ticked = form.cleaned_data["pick"]
        kept = [i for i in items if _item_key(i["record"], i["field"]) not in on_this_page]
        known = {_item_key(i["record"], i["field"]): i for i in items}
        for choice in ticked:
            record_id, field_name = choice.split(":", 1)
            kept.append(known.get(choice) or {"record": int(record_id), "field": field_name})
        draft["items"] = kept
        _save_draft(request, draft)
        for row in rows:
            for f in row.fields:
                f.checked = f.choice in set(ticked)
        going = request.POST.get("go", "")
        if going.startswith("page:"):
            return redirect(reverse("requests:correction_pick") + "?page=" + going[5:])
        if kept:
            return redirect(_change_url(1))
        form.add_error("pick", _("Choose at least one piece of information to correct."))
    return render(
        request,
        "requests/corrections/pick.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "kind": draft["kind"],
            "kind_label": RequestKind(draft["kind"]).label,
            "grant": grant,
            "chosen_elsewhere": len(chosen - {f.choice for row in rows for f in row.fields}),
        },
    )


# --- One change, one page ---------------------------------------------------------------------


def _change_url(position: int, *, changing: bool = False) -> str:
    url = reverse("requests:correction_change") + f"?n={position}"
    return url + "&change=1" if changing else url


def _position(request: HttpRequest, items: list[dict[str, Any]]) -> int | None:
    try:
        position = int(request.GET.get("n", "1"))
    except ValueError:
        return None
    return position if 1 <= position <= len(items) else None


def _released_record(subject: Any, record_id: Any) -> GatheredRecord | None:
    try:
        return released_to(subject=subject).filter(pk=int(record_id)).first()
    except (TypeError, ValueError):
        return None


def _evidence_keep(request: HttpRequest, uploads: list[Any]) -> list[dict[str, str]]:
    """Check and keep the uploads now, encrypted, so an error elsewhere on the page does not
    make the resident choose them again; an unsent draft's files are purged."""
    kept = []
    for upload in uploads:
        stored = stored_file_create(
            upload=upload,
            purpose="request_document",
            uploaded_by=request.user,
            allowed=DOCUMENT_KINDS,
        )
        stored_file_schedule_purge(
            stored=stored, purge_after=timezone.now() + DRAFT_EVIDENCE_LIFETIME
        )
        kept.append({"id": str(stored.pk), "name": stored.original_name})
    return kept


@login_required
@require_http_methods(["GET", "POST"])
def change(request: HttpRequest) -> HttpResponse:
    draft = _draft_or_start(request)
    if draft is None:
        return redirect("requests:correction_start")
    try:
        subject, grant = _draft_subject(request, draft)
    except _GrantEnded as error:
        return _grant_ended(request, error)
    items = _items(draft)
    position = _position(request, items)
    if position is None:
        return redirect("requests:correction_pick")
    item = dict(items[position - 1])
    record = _released_record(subject, item["record"])
    fields = correctable_fields(record) if record is not None else {}
    if record is None or item["field"] not in fields:
        draft["items"] = items[: position - 1] + items[position:]
        _save_draft(request, draft)
        messages.error(request, _("That information cannot be corrected here. Choose again."))
        return redirect("requests:correction_pick")
    attached = item.get("evidence", [])
    form = forms.ChangeForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        attached=[(e["id"], e["name"]) for e in attached],
        initial={
            "ground": item.get("ground", Ground.ACCURACY),
            "proposed_value": item.get("proposed_value", ""),
            "reason": item.get("reason", ""),
        },
    )
    changing = request.GET.get("change") == "1"
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        removed = set(data["remove_evidence"])
        attached = [e for e in attached if e["id"] not in removed]
        try:
            attached += _evidence_keep(request, data["evidence"])
        except ValidationError as error:
            form.add_error("evidence", error.messages)
        item.update(
            ground=data["ground"],
            proposed_value=data["proposed_value"].strip(),
            reason=data["reason"].strip(),
            evidence=attached,
        )
        items[position - 1] = item
        draft["items"] = items
        _save_draft(request, draft)
        form.fields["remove_evidence"].choices = [(e["id"], e["name"]) for e in attached]
        problems = proposal_problems_by_field(proposal=_proposal(record, item), subject=subject)
        for key, found in problems.items():
            form.add_error(PROBLEM_FIELDS.get(key), found)
        if not form.errors:
            if changing or position == len(items):
                return redirect("requests:correction_check")
            return redirect(_change_url(position + 1))
    back_url = (
        reverse("requests:correction_check")
        if changing
        else (_change_url(position - 1) if position > 1 else reverse("requests:correction_pick"))
    )
    source = record.run.source
    return render(
        request,
        "requests/corrections/change.html",
        {
            "form": form,
            "back_url": back_url,
            "position": position,
            "count": len(items),
            "department": source.department.name,
            "source": source.name,
            "record_type": _label(record.record_type),
            "reference": _source_key(record),
            "field_label": _label(item["field"]),
            "current_value": value_text(fields[item["field"]]),
            "attached": attached,
            "kind_label": RequestKind(draft["kind"]).label,
            "grant": grant,
            "ground_hints": forms.GROUND_HINTS,
        },
    )


def _proposal(record: GatheredRecord, item: dict[str, Any], evidence: tuple = ()) -> Proposal:
    return Proposal(
        record=record,
        field_name=item["field"],
        proposed_value=item.get("proposed_value", ""),
        reason=item.get("reason", ""),
        ground=item.get("ground", Ground.ACCURACY),
        evidence=evidence,
    )


# --- Check your answers -----------------------------------------------------------------------


@dataclass
class CheckRow:
    position: int
    department: str
    source: str
    record_type: str
    reference: str
    field_label: str
    current: str
    proposed: str
    ground: str
    reason: str
    evidence: list[str]
    problems: list[str]
    answered: bool


def _check_rows(subject: Any, items: list[dict[str, Any]]) -> tuple[list[CheckRow], dict]:
    records = {
        r.pk: r for r in released_to(subject=subject).filter(pk__in=[i["record"] for i in items])
    }
    rows = []
    for position, item in enumerate(items, start=1):
        record = records.get(item["record"])
        fields = correctable_fields(record) if record is not None else {}
        if record is None or item["field"] not in fields:
            continue
        answered = "reason" in item
        problems = proposal_problems_by_field(proposal=_proposal(record, item), subject=subject)
        source = record.run.source
        rows.append(
            CheckRow(
                position=position,
                department=source.department.name,
                source=source.name,
                record_type=_label(record.record_type),
                reference=_source_key(record),
                field_label=_label(item["field"]),
                current=value_text(fields[item["field"]]),
                proposed=item.get("proposed_value", ""),
                ground=str(Ground(item.get("ground", Ground.ACCURACY)).label),
                reason=item.get("reason", ""),
                evidence=[e["name"] for e in item.get("evidence", [])],
                problems=[p for found in problems.values() for p in found] if answered else [],
                answered=answered,
            )
        )
    return rows, records


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    draft = _draft_or_start(request)
    if draft is None:
        return redirect("requests:correction_start")
    try:
        subject, grant = _draft_subject(request, draft)
    except _GrantEnded as error:
        return _grant_ended(request, error)
    items = _items(draft)
    if not items:
        return redirect("requests:correction_pick")
    rows, records = _check_rows(subject, items)
    if len(rows) != len(items):
        # Something chosen is no longer released to them: choose again.
        messages.error(request, _("Some information you chose cannot be corrected here."))
        draft["items"] = [i for i in items if i["record"] in records]
        _save_draft(request, draft)
        return redirect("requests:correction_pick")
    unanswered = next((row for row in rows if not row.answered), None)
    if unanswered is not None:
        return redirect(_change_url(unanswered.position))
    has_problems = any(row.problems for row in rows)
    submit_errors: list[str] = []
    if request.method == "POST" and not has_problems:
        try:
            filed = _submit(request, draft, subject, grant, items, records)
        except RequestLimitReached:
            return resident._limit_page(request)
        except PermissionDenied:
            return _grant_ended(request)
        except CorrectionError as error:
            submit_errors = error.messages
        else:
            request.session.pop(DRAFT_KEY, None)
            request.session.pop(resident.DRAFT_KEY, None)
            return redirect("requests:submitted", number=filed.number)
    return render(
        request,
        "requests/corrections/check.html",
        {
            "rows": rows,
            "has_problems": has_problems,
            "submit_errors": submit_errors,
            "kind": draft["kind"],
            "kind_label": RequestKind(draft["kind"]).label,
            "grant": grant,
            "back_url": _change_url(len(items)),
        },
    )


def _submit(
    request: HttpRequest,
    draft: dict[str, Any],
    subject: Any,
    grant: Grant | None,
    items: list[dict[str, Any]],
    records: dict[int, GatheredRecord],
) -> Request:
    # The files are the user's own uploads for this draft; the session holds only their ids.
    wanted = [e["id"] for item in items for e in item.get("evidence", [])]
    stored = {
        str(f.pk): f
        for f in StoredFile.objects.filter(
            pk__in=wanted, uploaded_by=request.user, purged_at__isnull=True
        )
    }
    proposals = [
        _proposal(
            records[item["record"]],
            item,
            tuple(stored[e["id"]] for e in item.get("evidence", []) if e["id"] in stored),
        )
        for item in items
    ]
    return correction_request_submit(
        requester=request.user,
        subject=subject,
        proposals=proposals,
        kind=draft["kind"],
        grant=grant,
    )


# --- After the decision: appeal, statement of disagreement ------------------------------------


def _own_change(request: HttpRequest, number: str) -> tuple[Request, ProposedChange | None]:
    """The request (404 unless it is the resident's) and the change named by `?change=`, inside
    the user's scope (404 otherwise); None when no change is named."""
    record = get_object_or_404(resident_requests(user=request.user), number=number)
    if request.user.pk not in (record.requester_id, record.subject_id):
        # A representative acts on the requests they filed; the resident on their own.
        raise Http404
    raw = request.GET.get("change") or request.POST.get("change")
    if not raw:
        return record, None
    try:
        change_id = int(raw)
    except ValueError:
        raise Http404 from None
    found = get_object_or_404(
        visible(request.user, ProposedChange)
        .filter(request=record)
        .select_related("request", "source__department", "decided_by"),
        pk=change_id,
    )
    return record, found


def _detail_url(record: Request, anchor: str = "changes") -> str:
    return reverse("requests:detail", kwargs={"number": record.number}) + f"#{anchor}"


def _after_decision(
    request: HttpRequest,
    number: str,
    *,
    form_class: type[django_forms.Form],
    field: str,
    act: Callable[..., Any],
    done: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """An appeal or a statement on one decided change: the form, the service, the message."""
    record, found = _own_change(request, number)
    if found is None:
        return redirect(_detail_url(record))
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            act(change=found, actor=request.user, **{field: form.cleaned_data[field]})
        except CorrectionError as error:
            form.add_error(field, error.messages)
        else:
            messages.success(request, done)
            return redirect(_detail_url(record))
    context.update({"record": record, "change": _change_view(found), "form": form})
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, number: str) -> HttpResponse:
    return _after_decision(
        request,
        number,
        form_class=forms.AppealForm,
        field="reason",
        act=appeal_file,
        done=_("Your appeal was sent to the City's privacy officer."),
        template="requests/corrections/appeal.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def statement(request: HttpRequest, number: str) -> HttpResponse:
    return _after_decision(
        request,
        number,
        form_class=forms.StatementForm,
        field="text",
        act=statement_file,
        done=_("Your statement of disagreement was filed."),
        template="requests/corrections/statement.html",
        max_chars=settings.CORRECTIONS_STATEMENT_MAX_CHARS,
    )


# --- The correction request's page -------------------------------------------------------------


@dataclass
class ChangeView:
    """One proposed change as the resident reads it on their request's page."""

    change: ProposedChange
    department: str
    record_type: str
    reference: str
    field_label: str
    current: str
    proposed: str
    approved: str
    appeal_deadline: Any
    can_appeal: bool
    can_state: bool
    appeal: Any
    statement: Any


def _change_view(change: ProposedChange) -> ChangeView:
    # A missing one-to-one row raises an AttributeError subclass: getattr's default covers it.
    appeal_row = getattr(change, "appeal", None)
    statement_row = getattr(change, "statement", None)
    deadline = appeal_deadline(change) if change.status == ChangeStatus.DENIED else None
    return ChangeView(
        change=change,
        department=change.source.department.name,
        record_type=_label(change.record_type),
        reference=change.record_key.split("/", 1)[-1],
        field_label=_label(change.field_name),
        current=value_text(value_decrypt(change.current_value_encrypted)),
        proposed=value_text(value_decrypt(change.proposed_value_encrypted)),
        approved=value_text(value_decrypt(change.approved_value_encrypted)),
        appeal_deadline=deadline,
        can_appeal=(
            deadline is not None and appeal_row is None and timezone.localdate() <= deadline
        ),
        can_state=change.status == ChangeStatus.DENIED and statement_row is None,
        appeal=appeal_row,
        statement=statement_row,
    )


def detail_context(*, user: Any, record: Request) -> dict[str, Any]:
    """What the request's page adds for corrections: the link to correct a released access
    request's information, and a correction request's changes with what the resident can do."""
    if record.kind == RequestKind.ACCESS:
        released = record.status in (RequestStatus.RELEASED, RequestStatus.CLOSED) and (
            released_to(subject=record.subject_id).filter(run__request=record).exists()
        )
        # A representative who filed it corrects under the same grant.
        acting_for = (
            record.representation_grant_id
            if record.requester_id == user.pk and record.subject_id != user.pk
            else None
        )
        return {
            "can_correct": released,
            "correct_for": acting_for,
            "can_contest_withholding": record.status != RequestStatus.DENIED
            and record.requester_id == user.pk
            and denial_contestable(request=record),
        }
    if record.kind not in CORRECTION_KINDS:
        return {}
    changes = (
        visible(user, ProposedChange)
        .filter(request=record)
        .select_related("source__department", "appeal", "statement")
        .order_by("pk")
    )
    return {
        "show_changes": True,
        "changes": [_change_view(c) for c in changes],
        "can_act_on_changes": user.pk in (record.requester_id, record.subject_id),
    }
