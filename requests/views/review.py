"""The clerk's review of a request's records, and the release.

The review page shows the records grouped by department and source, masked before anything of
them reaches the page, with what is left before release at the top. Each form on it posts to a
small action view that calls one service and comes back to the page with a message; a problem
brings the page back with the message and what was typed.

Same doors as every page of one request (requests/views/staff.py): the workbench, the request
found within the person's reach, and a stated purpose from a clerk not assigned to it. Every
object a form names is found among those of this request the person may see.
"""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.access.decorators import request_access_record
from portal.access.scope import visible
from requests.gathering.models import GatheredRecord, SourceRun
from requests.gathering.services import fields_decrypt
from requests.models import Request, RequestKind
from requests.release import forms
from requests.release.delivery import request_answer_inquiry
from requests.release.masking import mask_record
from requests.release.models import PackageStatus, Redaction, ReleasePackage
from requests.release.selectors import Review, field_paths, release_summary, request_review
from requests.release.services import (
    ReleaseError,
    match_decide,
    other_person_release,
    package_approve,
    package_send_back,
    redaction_add,
    redaction_withdraw,
    request_release,
    source_decide,
)
from requests.views.staff import request_page, workbench_required

Bound = tuple[tuple[Any, ...], django_forms.Form]


def _int(value: Any) -> int | None:
    text = str(value or "")
    return int(text) if text.isdigit() and len(text) < 12 else None


def _review_url(record: Request, anchor: str = "") -> str:
    url = reverse("requests:staff_review", args=[record.number])
    return f"{url}#{anchor}" if anchor else url


def _add_errors(form: django_forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, field_errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, field_errors)
    else:
        form.add_error(None, error.messages)


# --- The page -------------------------------------------------------------------------------


def _record_forms(view: Any, bound: Bound | None) -> dict[str, Any]:
    pk = view.record.pk

    def pick(key: tuple[Any, ...], make: Any) -> Any:
        if bound is not None and bound[0] == key:
            return bound[1]
        return make()

    flags = []
    for index, flag in enumerate(view.flags):
        flags.append(
            {
                "flag": flag,
                "redact_form": pick(
                    ("other_redact", pk, flag.field),
                    lambda flag=flag, index=index: forms.OtherPersonRedactForm(
                        initial={"target": pk, "field": flag.field},
                        auto_id=f"other{pk}-{index}-redact-%s",
                    ),
                ),
                "release_form": pick(
                    ("other_release", pk, flag.field),
                    lambda flag=flag, index=index: forms.OtherPersonReleaseForm(
                        initial={"target": pk, "field": flag.field},
                        auto_id=f"other{pk}-{index}-release-%s",
                    ),
                ),
            }
        )
    return {
        "view": view,
        "flags": flags,
        "redact_form": pick(
            ("redact", pk),
            lambda: forms.FieldRedactionForm(
                initial={"target": pk}, fields=view.field_paths, auto_id=f"rec{pk}-%s"
            ),
        ),
    }


def _page_context(review: Review, bound: Bound | None) -> dict[str, Any]:
    sources = []
    for source in review.sources:
        key = ("decide", source.run.pk)
        if bound is not None and bound[0] == key:
            form = bound[1]
        else:
            decision = source.decision
            form = forms.SourceDecisionForm(
                initial={
                    "target": source.run.pk,
                    "answer": decision.answer if decision else None,
                    "exemptions": decision.exemptions if decision else [],
                    "reason": decision.reason if decision else "",
                },
                auto_id=f"run{source.run.pk}-%s",
            )
        sources.append(
            {
                "view": source,
                "form": form,
                "records": [_record_forms(view, bound) for view in source.records],
            }
        )
    value_form = bound[1] if bound is not None and bound[0] == ("value",) else None
    return {
        "review": review,
        "sources": sources,
        "value_form": value_form or forms.ValueRedactionForm(auto_id="value-%s"),
        "exemptions": dict(forms.exemption_choices()),
        # The error summary at the top shows the problem of the form that came back.
        "form": bound[1] if bound is not None else None,
    }


def _hidden_errors_shown(form: django_forms.Form) -> None:
    """A hidden field's problem (a tampered or stale id) goes to the top of the form, where
    the error summary shows it."""
    for field in form.hidden_fields():
        if field.errors:
            form.add_error(None, list(field.errors))


def _review_page(request: HttpRequest, record: Request, bound: Bound | None = None) -> HttpResponse:
    if bound is not None:
        _hidden_errors_shown(bound[1])
    run_id = _int(request.GET.get("source"))
    page = _int(request.GET.get("page")) or 1
    review = request_review(user=request.user, request=record, run_id=run_id, page=page)
    context = {"record": record, "section": "review", **_page_context(review, bound)}
    shown = [entry.record.pk for source in review.sources for entry in source.records]
    request_access_record(
        request, record=record, item="review_records", obj=record, record_ids=shown
    )
    return render(request, "staff/review/review.html", context)


@workbench_required
@require_http_methods(["GET"])
@request_page
def review_page(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    return _review_page(request, record)


# --- Actions: one service each --------------------------------------------------------------


def _done(request: HttpRequest, record: Request, message: str, anchor: str = "") -> HttpResponse:
    messages.success(request, message)
    return redirect(_review_url(record, anchor))


def _not_here(form: django_forms.Form) -> None:
    form.add_error(None, _("This item is not part of this request. Reload the page and try again."))


def _record(request: HttpRequest, record: Request, pk: int | None) -> GatheredRecord | None:
    if pk is None:
        return None
    found = (
        visible(request.user, GatheredRecord)
        .filter(run__request=record)
        .select_related("run__source")
        .filter(pk=pk)
        .first()
    )
    return found


def _masked(found: GatheredRecord) -> Any:
    return mask_record(
        fields_decrypt(found), never_released=found.run.source.never_released_fields or ()
    )


@workbench_required
@require_POST
@request_page
def decide(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    target = _int(request.POST.get("target"))
    form = forms.SourceDecisionForm(request.POST, auto_id=f"run{target}-%s" if target else "id_%s")
    if form.is_valid():
        run = (
            visible(request.user, SourceRun)
            .filter(request=record, pk=form.cleaned_data["target"])
            .select_related("source")
            .first()
        )
        if run is None:
            _not_here(form)
        else:
            data = form.cleaned_data
            try:
                source_decide(
                    request=record,
                    source=run.source,
                    actor=request.user,
                    answer=data["answer"],
                    exemptions=data["exemptions"],
                    reason=data["reason"],
                )
            except ReleaseError as error:
                _add_errors(form, error)
            else:
                return _done(
                    request,
                    record,
                    _("Answer saved for %(source)s.") % {"source": run.source.name},
                    f"run-{run.pk}",
                )
    return _review_page(request, record, (("decide", target), form))


@workbench_required
@require_POST
@request_page
def match(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    form = forms.MatchForm(request.POST)
    if form.is_valid():
        found = _record(request, record, form.cleaned_data["target"])
        if found is None:
            _not_here(form)
        else:
            confirmed = form.cleaned_data["confirmed"]
            try:
                match_decide(record=found, actor=request.user, confirmed=confirmed)
            except ReleaseError as error:
                _add_errors(form, error)
            else:
                message = (
                    _("The match is confirmed: the record is the resident's.")
                    if confirmed
                    else _("The match is rejected: the record will not be released.")
                )
                return _done(request, record, message, f"record-{found.pk}")
    return _review_page(request, record, (("match",), form))


@workbench_required
@require_POST
@request_page
def redact(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    target = _int(request.POST.get("target"))
    found = _record(request, record, target)
    paths = []
    if found is not None:
        paths = list(dict.fromkeys(field_paths(_masked(found).fields)))
    form = forms.FieldRedactionForm(
        request.POST, fields=paths, auto_id=f"rec{target}-%s" if target else "id_%s"
    )
    if found is None:
        _not_here(form)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            redaction_add(
                request=record,
                actor=request.user,
                exemption=data["exemption"],
                record=found,
                field=data["field"],
                note=data["note"],
            )
        except ReleaseError as error:
            _add_errors(form, error)
        else:
            return _done(
                request,
                record,
                _("The field %(field)s is redacted.") % {"field": data["field"]},
                f"record-{found.pk}",
            )
    return _review_page(request, record, (("redact", target), form))


@workbench_required
@require_POST
@request_page
def redact_value(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    form = forms.ValueRedactionForm(request.POST, auto_id="value-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            redaction_add(
                request=record,
                actor=request.user,
                exemption=data["exemption"],
                value=data["value"],
                note=data["note"],
            )
        except ReleaseError as error:
            _add_errors(form, error)
        else:
            return _done(
                request,
                record,
                _("Redacted wherever it appears in this request's records."),
                "redactions",
            )
    return _review_page(request, record, (("value",), form))


@workbench_required
@require_POST
@request_page
def withdraw(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    form = forms.ObjectForm(request.POST)
    if form.is_valid():
        redaction = (
            visible(request.user, Redaction)
            .filter(request=record, pk=form.cleaned_data["target"])
            .first()
        )
        if redaction is None:
            _not_here(form)
        else:
            try:
                redaction_withdraw(redaction=redaction, actor=request.user)
            except ReleaseError as error:
                _add_errors(form, error)
            else:
                return _done(request, record, _("The redaction is withdrawn."), "redactions")
    return _review_page(request, record, (("withdraw",), form))


def _flagged_field(request: HttpRequest, record: Request, form: Any) -> GatheredRecord | None:
    """The record a form about someone else's data names, if that field of it is flagged."""
    found = _record(request, record, form.cleaned_data["target"])
    if found is None or form.cleaned_data["field"] not in _masked(found).others_data:
        _not_here(form)
        return None
    return found


@workbench_required
@require_POST
@request_page
def other_redact(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    form = forms.OtherPersonRedactForm(request.POST)
    key = ("other_redact", _int(request.POST.get("target")), request.POST.get("field", ""))
    if form.is_valid() and (found := _flagged_field(request, record, form)) is not None:
        try:
            redaction_add(
                request=record,
                actor=request.user,
                exemption=form.cleaned_data["exemption"],
                record=found,
                field=form.cleaned_data["field"],
            )
        except ReleaseError as error:
            _add_errors(form, error)
        else:
            return _done(
                request,
                record,
                _("The other person's data in %(field)s is redacted.")
                % {"field": form.cleaned_data["field"]},
                f"record-{found.pk}",
            )
    return _review_page(request, record, (key, form))


@workbench_required
@require_POST
@request_page
def other_release(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    form = forms.OtherPersonReleaseForm(request.POST)
    key = ("other_release", _int(request.POST.get("target")), request.POST.get("field", ""))
    if form.is_valid() and (found := _flagged_field(request, record, form)) is not None:
        try:
            other_person_release(
                record=found,
                field=form.cleaned_data["field"],
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ReleaseError as error:
            _add_errors(form, error)
        else:
            return _done(
                request,
                record,
                _("%(field)s will be released with the resident's records.")
                % {"field": form.cleaned_data["field"]},
                f"record-{found.pk}",
            )
    return _review_page(request, record, (key, form))


# --- Release and approval -------------------------------------------------------------------


def _unavailable(request: HttpRequest, record: Request, what: str) -> HttpResponse:
    context = {"record": record, "section": "review", "what": what}
    request_access_record(request, record=record, item="request", obj=record)
    return render(request, "staff/review/unavailable.html", context, status=409)


@workbench_required
@require_http_methods(["GET", "POST"])
@request_page
def release(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    review = request_review(user=request.user, request=record, with_records=False)
    if not review.reviewable:
        return _unavailable(request, record, "release")
    form = forms.ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and record.kind == RequestKind.INQUIRY:
        try:
            request_answer_inquiry(request=record, actor=request.user)
        except ReleaseError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request, _("The letter naming the departments that hold information is sent.")
            )
            return redirect("requests:staff_detail", number=record.number)
    elif request.method == "POST" and form.is_valid():
        try:
            package = request_release(request=record, actor=request.user, flagged=review.flagged)
        except ReleaseError as error:
            _add_errors(form, error)
        else:
            if package.status == PackageStatus.AWAITING_APPROVAL:
                messages.success(
                    request,
                    _("The release is waiting for another clerk's approval."),
                )
                return redirect(_review_url(record))
            messages.success(
                request,
                _("The records are released. The resident is told when the package is ready."),
            )
            return redirect("requests:staff_detail", number=record.number)
    context = {
        "record": record,
        "section": "review",
        "form": form,
        "review": review,
        "summary": release_summary(review=review),
    }
    request_access_record(request, record=record, item="request", obj=record)
    return render(request, "staff/review/release.html", context)


@workbench_required
@require_http_methods(["GET", "POST"])
@request_page
def release_approve(request: HttpRequest, number: str, record: Request) -> HttpResponse:
    package = (
        visible(request.user, ReleasePackage)
        .filter(request=record, status=PackageStatus.AWAITING_APPROVAL)
        .select_related("released_by")
        .first()
    )
    if package is None:
        return _unavailable(request, record, "approve")
    own = package.released_by_id == request.user.pk
    sending_back = request.method == "POST" and "send_back" in request.POST
    form = forms.ConfirmForm(
        request.POST if request.method == "POST" and not sending_back else None
    )
    send_back_form = forms.SendBackForm(request.POST if sending_back else None)
    if send_back_form.is_bound and send_back_form.is_valid():
        try:
            package_send_back(
                package=package, actor=request.user, reason=send_back_form.cleaned_data["reason"]
            )
        except ReleaseError as error:
            _add_errors(send_back_form, error)
        else:
            messages.success(request, _("The release went back to review with your reason."))
            return redirect("requests:staff_review", number=record.number)
    if form.is_bound and form.is_valid():
        try:
            package_approve(package=package, actor=request.user)
        except ReleaseError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("The release is approved. The resident is told when the package is ready."),
            )
            return redirect("requests:staff_detail", number=record.number)
    review = request_review(user=request.user, request=record, with_records=False)
    context = {
        "record": record,
        "section": "review",
        "form": form,
        "send_back_form": send_back_form,
        "package": package,
        "own": own,
        "review": review,
        "summary": release_summary(review=review),
    }
    request_access_record(request, record=record, item="request", obj=record)
    return render(request, "staff/review/approve.html", context)
