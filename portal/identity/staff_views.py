"""Staff pages under /staff/identity/: find a resident, record a photo ID checked at the counter,
review uploaded photo IDs, and overrides that need a second staff member.

Every consequential action shows a confirmation page first that says exactly what will happen.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.access.models import AccessAction
from portal.access.scope import visible
from portal.access.services import access_record
from portal.accounts.models import User
from portal.files.services import stored_file_read
from portal.identity import selectors, services
from portal.identity.forms import (
    DocumentDecisionForm,
    InPersonCheckForm,
    OverrideDecisionForm,
    OverrideRequestForm,
    ResidentSearchForm,
)
from portal.identity.forms import RevokeForm as VerificationRevokeForm
from portal.identity.models import (
    DocumentStatus,
    DocumentType,
    IdentityDocument,
    IdentityLevel,
    IdentityOverride,
    IdentityVerification,
    OverrideStatus,
)

PAGE_SIZE = 25
View = Callable[..., HttpResponse]


def _posted(request: HttpRequest) -> Any:
    """The submitted data, or None for a first showing (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


def identity_staff_only(view: View) -> View:
    """Clerks and the privacy officer; for anyone else these pages do not exist."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not selectors.identity_staff_may_act(user=request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _resident(request: HttpRequest, pk: int) -> User:
    return get_object_or_404(visible(request.user, User).select_related("profile"), pk=pk)


def _decision_page_record(request: HttpRequest, *, resident: User, obj: Any) -> None:
    """The pages where staff decide about a resident show who they are: the first showing is an
    access; the confirmation and the decision that follow in POSTs are the same visit."""
    if request.method == "GET":
        access_record(actor=request.user, subject=resident, item="identity_record", obj=obj)


def _confirming(request: HttpRequest) -> bool:
    """The second POST, from the confirmation page."""
    return request.POST.get("step") == "confirm"


@identity_staff_only
@require_GET
def staff_home(request: HttpRequest) -> HttpResponse:
    form = ResidentSearchForm(request.GET or None)
    page = None
    query = ""
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        if query:
            paginator = Paginator(selectors.residents_search(query=query), PAGE_SIZE)
            page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "identity/staff/home.html",
        {
            "form": form,
            "query": query,
            "page": page,
            "documents_waiting": selectors.identity_documents_awaiting_review().count(),
            "overrides_waiting": selectors.identity_overrides_pending().count(),
        },
    )


@identity_staff_only
@require_GET
def staff_resident(request: HttpRequest, pk: int) -> HttpResponse:
    resident = _resident(request, pk)
    access_record(actor=request.user, subject=resident, item="identity_record", obj=resident)
    return render(
        request,
        "identity/staff/resident.html",
        {
            "resident": resident,
            "level": selectors.identity_level(user=resident),
            "name": selectors.profile_name(user=resident),
            "verifications": selectors.identity_verifications_of(user=resident),
            "documents": selectors.identity_documents_for(user=resident).exclude(
                status=DocumentStatus.DRAFT
            ),
            "overrides": selectors.identity_overrides_of(user=resident),
            "is_self": resident.pk == request.user.pk,
        },
    )


@identity_staff_only
@require_http_methods(["GET", "POST"])
def staff_in_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a government photo ID checked at the counter: level 3."""
    resident = _resident(request, pk)
    _decision_page_record(request, resident=resident, obj=resident)
    form = InPersonCheckForm(_posted(request))
    context = {"resident": resident, "name": selectors.profile_name(user=resident)}
    if request.method == "POST" and form.is_valid():
        if not _confirming(request):
            return render(
                request,
                "identity/staff/in_person_confirm.html",
                {
                    **context,
                    "form": form,
                    "document_label": DocumentType(form.cleaned_data["document_type"]).label,
                },
            )
        try:
            services.identity_in_person_record(
                user=resident,
                verified_by=request.user,
                document_type=form.cleaned_data["document_type"],
                number_last4=form.cleaned_data["number_last4"],
            )
        except services.IdentityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("The photo ID check is recorded. The account is at level 3.")
            )
            return redirect("identity:staff_resident", pk=resident.pk)
    return render(request, "identity/staff/in_person.html", {**context, "form": form})


@identity_staff_only
@require_GET
def staff_documents(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.identity_documents_awaiting_review(), PAGE_SIZE)
    return render(
        request,
        "identity/staff/documents.html",
        {"page": paginator.get_page(request.GET.get("page"))},
    )


def _document(request: HttpRequest, pk: int) -> IdentityDocument:
    return get_object_or_404(
        visible(request.user, IdentityDocument).select_related("user", "stored_file", "decided_by"),
        pk=pk,
    )


@identity_staff_only
@require_http_methods(["GET", "POST"])
def staff_document(request: HttpRequest, pk: int) -> HttpResponse:
    """Look at an uploaded photo ID beside the profile's name, and accept or refuse it."""
    document = _document(request, pk)
    form = DocumentDecisionForm(_posted(request))
    context = {
        "document": document,
        "name": selectors.profile_name(user=document.user),
        "is_self": document.user_id == request.user.pk,
    }
    if request.method == "POST" and document.status == DocumentStatus.PENDING and form.is_valid():
        if not _confirming(request):
            return render(
                request, "identity/staff/document_confirm.html", {**context, "form": form}
            )
        try:
            services.identity_document_decide(
                document=document,
                decided_by=request.user,
                approve=form.approve,
                reason=form.cleaned_data["reason"],
            )
        except services.IdentityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your decision is recorded and the resident will get an email.")
                if not form.approve
                else _("The photo ID is accepted. The account is at level 3."),
            )
            return redirect("identity:staff_documents")
    access_record(actor=request.user, subject=document.user, item="identity_document", obj=document)
    return render(request, "identity/staff/document.html", {**context, "form": form})


@identity_staff_only
@require_GET
def staff_document_image(request: HttpRequest, pk: int) -> HttpResponse:
    """The image itself, decrypted for this response only; never cached, never a public URL."""
    document = _document(request, pk)
    try:
        data = stored_file_read(document.stored_file)
    except FileNotFoundError:
        raise Http404 from None
    access_record(
        actor=request.user,
        subject=document.user,
        item="identity_document_image",
        obj=document,
        action=AccessAction.VIEW,
    )
    response = HttpResponse(data, content_type=document.stored_file.content_type)
    response["Content-Disposition"] = "inline"
    add_never_cache_headers(response)
    response["Cache-Control"] = "no-store, private"
    return response


@identity_staff_only
@require_GET
def staff_overrides(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "identity/staff/overrides.html",
        {
            "pending": selectors.identity_overrides_pending(),
            "recent": selectors.identity_overrides_recent(),
        },
    )


@identity_staff_only
@require_http_methods(["GET", "POST"])
def staff_override_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask for a level without evidence; a second staff member must approve it."""
    resident = _resident(request, pk)
    _decision_page_record(request, resident=resident, obj=resident)
    form = OverrideRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            override = services.identity_override_request(
                user=resident,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                requested_by=request.user,
            )
        except services.IdentityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Your request is saved. Nothing changes until another staff member approves it."),
            )
            return redirect("identity:staff_override", pk=override.pk)
    return render(
        request,
        "identity/staff/override_request.html",
        {"resident": resident, "form": form, "level": selectors.identity_level(user=resident)},
    )


@identity_staff_only
@require_http_methods(["GET", "POST"])
def staff_override(request: HttpRequest, pk: int) -> HttpResponse:
    override = get_object_or_404(
        visible(request.user, IdentityOverride).select_related(
            "user", "requested_by", "decided_by"
        ),
        pk=pk,
    )
    may_decide = (
        override.status == OverrideStatus.PENDING
        and override.requested_by_id != request.user.pk
        and override.user_id != request.user.pk
    )
    form = OverrideDecisionForm(_posted(request))
    context = {
        "override": override,
        "may_decide": may_decide,
        "level_label": IdentityLevel(override.level).label,
    }
    if request.method == "POST" and override.status == OverrideStatus.PENDING and form.is_valid():
        if not _confirming(request):
            return render(
                request, "identity/staff/override_confirm.html", {**context, "form": form}
            )
        try:
            services.identity_override_decide(
                override=override,
                decided_by=request.user,
                approve=form.approve,
                reason=form.cleaned_data["reason"],
            )
        except services.IdentityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your decision on the override is recorded."))
            return redirect("identity:staff_overrides")
    access_record(actor=request.user, subject=override.user, item="identity_override", obj=override)
    return render(request, "identity/staff/override.html", {**context, "form": form})


@identity_staff_only
@require_http_methods(["GET", "POST"])
def staff_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw a verification, with a reason; the record of it stays."""
    verification = get_object_or_404(
        visible(request.user, IdentityVerification)
        .select_related("user", "verified_by")
        .filter(revoked_at__isnull=True),
        pk=pk,
    )
    _decision_page_record(request, resident=verification.user, obj=verification)
    form = VerificationRevokeForm(_posted(request))
    context = {"verification": verification, "resident": verification.user}
    if request.method == "POST" and form.is_valid():
        if not _confirming(request):
            return render(request, "identity/staff/revoke_confirm.html", {**context, "form": form})
        try:
            services.identity_verification_revoke(
                verification=verification,
                revoked_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except services.IdentityError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The check is withdrawn."))
            return redirect("identity:staff_resident", pk=verification.user_id)
    return render(request, "identity/staff/revoke.html", {**context, "form": form})
