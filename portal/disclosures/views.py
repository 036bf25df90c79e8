"""Staff pages for disclosures outside the City and compulsory legal process, under /staff/.

Open to clerks and the privacy officer; anyone else signed in gets 404 (the staff middleware has
already asked for the second factor and the safeguards). Every page that shows a resident's data
writes a row in the access log; every action is on a page of its own that says what will happen.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from io import BytesIO
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.access.models import AccessAction
from portal.access.scope import may_record_disclosures
from portal.access.services import access_record
from portal.disclosures import forms, selectors, services
from portal.disclosures.models import Disclosure, LegalProcess
from portal.disclosures.notices import notice_html
from portal.files.services import stored_file_read

PAGE_SIZE = 25
View = Callable[..., HttpResponse]


def disclosures_staff_only(view: View) -> View:
    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_record_disclosures(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _add_errors(form: Form, error: ValidationError, *, only_new: bool = False) -> None:
    """Put a service's messages beside their fields (or at the top when they name none)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_errors in error.message_dict.items():
        if only_new and field in form.errors:
            continue
        form.add_error(field if field in form.fields else None, field_errors)


def _file_response(stored: Any, filename: str) -> FileResponse:
    try:
        data = stored_file_read(stored)
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        BytesIO(data), as_attachment=True, filename=filename, content_type=stored.content_type
    )


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Disclosures ----------------------------------------------------------------------------


@disclosures_staff_only
@require_GET
def disclosure_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.disclosures_for(user=request.user))
    return render(request, "disclosures/list.html", {"page": page, "section": "disclosures"})


@disclosures_staff_only
@require_http_methods(["GET", "POST"])
def disclosure_new(request: HttpRequest) -> HttpResponse:
    form = forms.DisclosureForm(_posted(request), request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                disclosure = services.disclosure_record(
                    actor=request.user,
                    departments=form.cleaned_data["departments"],
                    **form.service_fields(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if disclosure.statements_sent:
                    messages.success(
                        request,
                        _(
                            "Disclosure recorded. Send the resident's statements of disagreement "
                            "shown below with the information."
                        ),
                    )
                else:
                    messages.success(request, _("Disclosure recorded."))
                return redirect("disclosures:detail", pk=disclosure.pk)
        else:
            # Show every problem at once, also those of fields the form could read.
            _add_errors(
                form,
                ValidationError(services.disclosure_check(**form.service_fields()) or {}),
                only_new=True,
            )
    return render(request, "disclosures/new.html", {"form": form, "section": "disclosures"})


def _disclosure(request: HttpRequest, pk: int) -> Disclosure:
    return get_object_or_404(selectors.disclosures_for(user=request.user), pk=pk)


@disclosures_staff_only
@require_GET
def disclosure_detail(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _disclosure(request, pk)
    access_record(actor=request.user, subject=disclosure.subject, item="disclosure", obj=disclosure)
    return render(
        request,
        "disclosures/detail.html",
        {
            "disclosure": disclosure,
            "departments": list(disclosure.departments.order_by("name")),
            "consent": disclosure.consent_document,
            "statements": selectors.statements_sent(disclosure=disclosure),
            "section": "disclosures",
        },
    )


@disclosures_staff_only
@require_GET
def disclosure_consent(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = _disclosure(request, pk)
    consent = disclosure.consent_document
    if consent is None:
        raise Http404
    access_record(
        actor=request.user,
        subject=disclosure.subject,
        item="consent_document",
        action=AccessAction.DOWNLOAD,
        obj=disclosure,
    )
    return _file_response(consent, f"disclosure-{disclosure.pk}-consent.{consent.kind}")


# --- Legal process --------------------------------------------------------------------------


@disclosures_staff_only
@require_GET
def legal_list(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.legal_processes_for(user=request.user))
    rows = [(item, selectors.legal_process_state(item)) for item in page]
    return render(
        request, "disclosures/legal/list.html", {"page": page, "rows": rows, "section": "legal"}
    )


@disclosures_staff_only
@require_http_methods(["GET", "POST"])
def legal_new(request: HttpRequest) -> HttpResponse:
    form = forms.LegalProcessForm(_posted(request))
    if request.method == "POST":
        if form.is_valid():
            try:
                legal_process = services.legal_process_record(
                    actor=request.user,
                    departments=form.cleaned_data["departments"],
                    **form.service_fields(),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Recorded. The resident is being sent the notice letter by email."),
                )
                return redirect("disclosures:legal_detail", pk=legal_process.pk)
        else:
            _add_errors(
                form,
                ValidationError(services.legal_process_check(**form.service_fields()) or {}),
                only_new=True,
            )
    return render(
        request,
        "disclosures/legal/new.html",
        {
            "form": form,
            "section": "legal",
            "notice_days": settings.LEGAL_PROCESS_NOTICE_BUSINESS_DAYS,
        },
    )


def _legal_process(request: HttpRequest, pk: int) -> LegalProcess:
    return get_object_or_404(selectors.legal_processes_for(user=request.user), pk=pk)


def _legal_context(request: HttpRequest, legal_process: LegalProcess) -> dict[str, Any]:
    """What every page of one legal process shows; seeing it is logged."""
    access_record(
        actor=request.user, subject=legal_process.subject, item="legal_process", obj=legal_process
    )
    return {
        "legal_process": legal_process,
        "state": selectors.legal_process_state(legal_process),
        "section": "legal",
    }


@disclosures_staff_only
@require_GET
def legal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    legal_process = _legal_process(request, pk)
    context = _legal_context(request, legal_process)
    context.update(
        {
            "departments": list(legal_process.departments.order_by("name")),
            "notice": notice_html(legal_process=legal_process),
            "disclosures": list(legal_process.disclosures.select_related("recorded_by")),
        }
    )
    return render(request, "disclosures/legal/detail.html", context)


@disclosures_staff_only
@require_GET
def legal_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    legal_process = _legal_process(request, pk)
    if legal_process.notice_letter is None:
        raise Http404
    access_record(
        actor=request.user,
        subject=legal_process.subject,
        item="legal_process_notice",
        action=AccessAction.DOWNLOAD,
        obj=legal_process,
    )
    return _file_response(legal_process.notice_letter, f"legal-process-{pk}-notice.pdf")


@disclosures_staff_only
@require_GET
def legal_order(request: HttpRequest, pk: int) -> HttpResponse:
    legal_process = _legal_process(request, pk)
    order = legal_process.dispensing_order_document
    if order is None:
        raise Http404
    access_record(
        actor=request.user,
        subject=legal_process.subject,
        item="legal_process",
        action=AccessAction.DOWNLOAD,
        obj=legal_process,
    )
    return _file_response(order, f"legal-process-{pk}-order.{order.kind}")


def _unavailable(request: HttpRequest, context: dict[str, Any], title: str) -> HttpResponse:
    context["action_title"] = title
    return render(request, "disclosures/legal/unavailable.html", context, status=409)


@disclosures_staff_only
@require_http_methods(["GET", "POST"])
def legal_dispense(request: HttpRequest, pk: int) -> HttpResponse:
    legal_process = _legal_process(request, pk)
    context = _legal_context(request, legal_process)
    title = _("Record a court order dispensing with notice")
    state = context["state"]
    if not state.is_open or legal_process.notice_dispensed_at is not None:
        return _unavailable(request, context, title)
    form = forms.DispenseForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_process_dispense_notice(
                actor=request.user,
                legal_process=legal_process,
                order_reference=form.cleaned_data["order_reference"],
                order_file=form.cleaned_data["order_file"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Court order recorded. The information may be released."))
            return redirect("disclosures:legal_detail", pk=pk)
    context.update({"form": form, "action_title": title})
    return render(request, "disclosures/legal/dispense.html", context)


@disclosures_staff_only
@require_http_methods(["GET", "POST"])
def legal_release(request: HttpRequest, pk: int) -> HttpResponse:
    legal_process = _legal_process(request, pk)
    context = _legal_context(request, legal_process)
    title = _("Release the information")
    if not context["state"].is_open:
        return _unavailable(request, context, title)
    form = forms.ReleaseForm(
        _posted(request), initial={"data_disclosed": legal_process.data_sought}
    )
    blocked = not context["state"].may_release
    # While release is not allowed the service says why, whatever else was entered.
    if request.method == "POST" and (form.is_valid() or blocked):
        data = form.cleaned_data
        try:
            services.legal_process_release(
                actor=request.user,
                legal_process=legal_process,
                data_disclosed=data.get("data_disclosed", ""),
                intended_use=data.get("intended_use", ""),
                disclosed_on=data.get("disclosed_on"),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Released, and recorded as a disclosure."))
            return redirect("disclosures:legal_detail", pk=pk)
    elif request.method == "POST":
        data = form.cleaned_data
        errors = services.legal_process_release_check(
            legal_process=legal_process,
            data_disclosed=data.get("data_disclosed", ""),
            intended_use=data.get("intended_use", ""),
            disclosed_on=data.get("disclosed_on"),
        )
        _add_errors(form, ValidationError(errors or {}), only_new=True)
    context.update({"form": form, "action_title": title})
    return render(request, "disclosures/legal/release.html", context)


@disclosures_staff_only
@require_http_methods(["GET", "POST"])
def legal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    legal_process = _legal_process(request, pk)
    context = _legal_context(request, legal_process)
    title = _("Record that it was quashed or withdrawn")
    if not context["state"].is_open:
        return _unavailable(request, context, title)
    form = forms.WithdrawForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_process_withdraw(
                actor=request.user,
                legal_process=legal_process,
                withdrawal_kind=form.cleaned_data["withdrawal_kind"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Recorded. Nothing will be released."))
            return redirect("disclosures:legal_detail", pk=pk)
    context.update({"form": form, "action_title": title})
    return render(request, "disclosures/legal/withdraw.html", context)
