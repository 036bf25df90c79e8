"""The resident's pages: "Your account", linking the account to City records (level 2), and
sending a photo ID for a clerk to check (level 3)."""

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.identity import selectors, services
from portal.identity.forms import (
    ACCOUNT_KIND_LABELS,
    AccountKindForm,
    AccountNumberForm,
    AmountForm,
    IdUploadForm,
    NameForm,
)
from portal.identity.matching import PersonName, format_cents
from portal.identity.models import AttemptStatus, IdentityLevel
from portal.profiles.models import IdentifierKind

LINK_SESSION_KEY = "identity_account_knowledge"
UPLOAD_SESSION_KEY = "identity_id_upload"
# A try still waiting this long was probably lost with a broker message: ask a worker again.
RENUDGE_AFTER = timedelta(seconds=30)


def _posted(request: HttpRequest) -> Any:
    """The submitted data, or None for a first showing (an empty POST is still a submission)."""
    return request.POST if request.method == "POST" else None


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    steps = selectors.identity_steps(user=request.user)
    return render(
        request,
        "identity/dashboard.html",
        {
            "steps": steps,
            "levels": IdentityLevel,
            "link_kind_labels": [ACCOUNT_KIND_LABELS[kind] for kind in steps.link_kinds],
        },
    )


# --- Level 2: link the account with a City bill ---------------------------------------------


def _answers(request: HttpRequest, key: str) -> dict[str, Any]:
    return dict(request.session.get(key) or {})


def _save_answers(request: HttpRequest, key: str, answers: dict[str, Any]) -> None:
    request.session[key] = answers


def _after_answer(request: HttpRequest, next_step: str, check_step: str) -> HttpResponse:
    """Back to the summary when the resident came from its "Change" link, else onwards."""
    if request.GET.get("change"):
        return redirect(check_step)
    return redirect(next_step)


def _link_blocker(request: HttpRequest) -> HttpResponse | None:
    """The page to show instead of a question: a try still being checked, a lock, or no
    department able to check."""
    pending = selectors.account_knowledge_attempt_pending(user=request.user)
    if pending is not None:
        return redirect("identity:account_knowledge_attempt", pk=pending.pk)
    until = selectors.account_knowledge_locked_until(user=request.user)
    if until is not None:
        return render(request, "identity/link/locked.html", {"until": until})
    if not selectors.account_knowledge_sources():
        return render(request, "identity/link/unavailable.html")
    return None


def _link_missing_step(request: HttpRequest, answers: dict[str, Any]) -> str | None:
    """The first question not yet answered, as a URL name; None when all are."""
    kinds = selectors.account_knowledge_sources()
    if answers.get("kind") not in kinds:
        return "identity:account_knowledge"
    if not answers.get("number"):
        return "identity:account_knowledge_number"
    if answers.get("amount_cents") is None:
        return "identity:account_knowledge_amount"
    if selectors.profile_name(user=request.user) is None and not answers.get("name"):
        return "identity:account_knowledge_name"
    return None


@login_required
@require_http_methods(["GET", "POST"])
def account_knowledge(request: HttpRequest) -> HttpResponse:
    """Question 1: which bill the resident has."""
    if blocker := _link_blocker(request):
        return blocker
    answers = _answers(request, LINK_SESSION_KEY)
    kinds = list(selectors.account_knowledge_sources())
    form = AccountKindForm(_posted(request), kinds=kinds, initial={"kind": answers.get("kind")})
    if request.method == "POST" and form.is_valid():
        if answers.get("kind") != form.cleaned_data["kind"]:
            answers = {"kind": form.cleaned_data["kind"], "name": answers.get("name")}
        _save_answers(request, LINK_SESSION_KEY, answers)
        if request.GET.get("change") and _link_missing_step(request, answers) is None:
            return redirect("identity:account_knowledge_check")
        return redirect("identity:account_knowledge_number")
    return render(
        request,
        "identity/link/kind.html",
        {
            "form": form,
            "failures_left": selectors.account_knowledge_failures_left(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_knowledge_number(request: HttpRequest) -> HttpResponse:
    """Question 2: the account or bill number."""
    if blocker := _link_blocker(request):
        return blocker
    answers = _answers(request, LINK_SESSION_KEY)
    if answers.get("kind") not in selectors.account_knowledge_sources():
        return redirect("identity:account_knowledge")
    form = AccountNumberForm(
        _posted(request), kind=answers["kind"], initial={"number": answers.get("number")}
    )
    if request.method == "POST" and form.is_valid():
        answers["number"] = form.cleaned_data["number"]
        _save_answers(request, LINK_SESSION_KEY, answers)
        return _after_answer(
            request, "identity:account_knowledge_amount", "identity:account_knowledge_check"
        )
    return render(request, "identity/link/number.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_knowledge_amount(request: HttpRequest) -> HttpResponse:
    """Question 3: the amount on the most recent bill."""
    if blocker := _link_blocker(request):
        return blocker
    answers = _answers(request, LINK_SESSION_KEY)
    missing = _link_missing_step(request, answers)
    if missing in ("identity:account_knowledge", "identity:account_knowledge_number"):
        return redirect(missing)
    initial = answers.get("amount_text")
    form = AmountForm(_posted(request), kind=answers["kind"], initial={"amount": initial})
    if request.method == "POST" and form.is_valid():
        answers["amount_cents"] = form.cleaned_data["amount"]
        answers["amount_text"] = format_cents(form.cleaned_data["amount"])
        _save_answers(request, LINK_SESSION_KEY, answers)
        next_step = (
            "identity:account_knowledge_name"
            if selectors.profile_name(user=request.user) is None
            else "identity:account_knowledge_check"
        )
        return _after_answer(request, next_step, "identity:account_knowledge_check")
    return render(request, "identity/link/amount.html", {"form": form})


def _name_step(
    request: HttpRequest, *, key: str, back_url: str, check_step: str, flow: str
) -> HttpResponse:
    answers = _answers(request, key)
    if selectors.profile_name(user=request.user) is not None:
        return redirect(check_step)
    form = NameForm(_posted(request), initial=answers.get("name") or None)
    if request.method == "POST" and form.is_valid():
        answers["name"] = {
            field: form.cleaned_data[field] for field in ("first", "middle", "last", "suffix")
        }
        _save_answers(request, key, answers)
        return redirect(check_step)
    return render(request, "identity/name.html", {"form": form, "back_url": back_url, "flow": flow})


@login_required
@require_http_methods(["GET", "POST"])
def account_knowledge_name(request: HttpRequest) -> HttpResponse:
    """Question 4, only when the profile has no name yet: the bill's name is compared with it."""
    if blocker := _link_blocker(request):
        return blocker
    missing = _link_missing_step(request, _answers(request, LINK_SESSION_KEY))
    if missing not in (None, "identity:account_knowledge_name"):
        return redirect(missing)
    return _name_step(
        request,
        key=LINK_SESSION_KEY,
        back_url=reverse("identity:account_knowledge_amount"),
        check_step="identity:account_knowledge_check",
        flow="link",
    )


def _person_name(answers: dict[str, Any]) -> PersonName | None:
    name = answers.get("name")
    return PersonName(**name) if name else None


@login_required
@require_http_methods(["GET", "POST"])
def account_knowledge_check(request: HttpRequest) -> HttpResponse:
    """Check your answers, then send them to be checked."""
    if blocker := _link_blocker(request):
        return blocker
    answers = _answers(request, LINK_SESSION_KEY)
    missing = _link_missing_step(request, answers)
    if missing is not None:
        return redirect(missing)
    if request.method == "POST":
        try:
            attempt = services.account_knowledge_attempt_start(
                user=request.user,
                identifier_kind=answers["kind"],
                identifier=answers["number"],
                amount_cents=answers["amount_cents"],
                name=_person_name(answers),
            )
        except services.IdentityError as error:
            messages.error(request, error.message)
            return redirect("identity:account_knowledge")
        request.session.pop(LINK_SESSION_KEY, None)
        return redirect("identity:account_knowledge_attempt", pk=attempt.pk)
    profile_name = selectors.profile_name(user=request.user)
    return render(
        request,
        "identity/link/check.html",
        {
            "kind_label": ACCOUNT_KIND_LABELS[answers["kind"]],
            "number_label": IdentifierKind(answers["kind"]).label,
            "number": answers["number"],
            "amount": answers["amount_text"],
            "name": profile_name or _person_name(answers),
            "name_from_profile": profile_name is not None,
        },
    )


@login_required
@require_GET
def account_knowledge_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    """The result of one try: still checking, linked, not matching, or could not check."""
    attempt = get_object_or_404(selectors.account_knowledge_attempts_for(user=request.user), pk=pk)
    if (
        attempt.status == AttemptStatus.PENDING
        and timezone.now() - attempt.created_at > RENUDGE_AFTER
    ):
        services.account_knowledge_check_enqueue(attempt_id=attempt.pk)
    context: dict[str, Any] = {"attempt": attempt, "statuses": AttemptStatus}
    if attempt.status == AttemptStatus.FAILED:
        context["failures_left"] = selectors.account_knowledge_failures_left(user=request.user)
        context["locked_until"] = selectors.account_knowledge_locked_until(user=request.user)
    if attempt.status == AttemptStatus.LOCKED:
        context["locked_until"] = selectors.account_knowledge_locked_until(user=request.user)
    if attempt.status == AttemptStatus.PASSED:
        context["level"] = selectors.identity_level(user=request.user)
    return render(request, "identity/link/attempt.html", context)


@login_required
@require_GET
def account_knowledge_attempt_status(request: HttpRequest, pk: int) -> JsonResponse:
    """For the page's script: whether the check has finished."""
    attempt = get_object_or_404(selectors.account_knowledge_attempts_for(user=request.user), pk=pk)
    return JsonResponse({"status": attempt.status})


# --- Level 3: a photo ID for a clerk --------------------------------------------------------


def _upload_blocker(request: HttpRequest) -> HttpResponse | None:
    level = selectors.identity_level(user=request.user)
    pending = selectors.identity_document_pending(user=request.user)
    if level >= IdentityLevel.ATTENDED or pending is not None:
        return render(
            request,
            "identity/id_upload/status.html",
            {"level": level, "pending": pending, "levels": IdentityLevel},
        )
    return None


@login_required
@require_http_methods(["GET", "POST"])
def id_upload(request: HttpRequest) -> HttpResponse:
    """Upload a photo of a government ID. Kept encrypted as a draft until it is sent."""
    if blocker := _upload_blocker(request):
        return blocker
    draft = selectors.identity_document_draft(user=request.user)
    form = IdUploadForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        initial={"document_type": draft.document_type if draft else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.identity_document_upload(
                user=request.user,
                document_type=form.cleaned_data["document_type"],
                upload=form.cleaned_data["image"],
            )
        except ValidationError as error:
            form.add_error("image", error)
        except services.IdentityError as error:
            form.add_error(None, error.message)
        else:
            if selectors.profile_name(user=request.user) is None:
                return redirect("identity:id_upload_name")
            return redirect("identity:id_upload_check")
    return render(request, "identity/id_upload/upload.html", {"form": form, "draft": draft})


@login_required
@require_http_methods(["GET", "POST"])
def id_upload_name(request: HttpRequest) -> HttpResponse:
    """Only when the profile has no name yet: the clerk compares the ID with it."""
    if blocker := _upload_blocker(request):
        return blocker
    if selectors.identity_document_draft(user=request.user) is None:
        return redirect("identity:id_upload")
    return _name_step(
        request,
        key=UPLOAD_SESSION_KEY,
        back_url=reverse("identity:id_upload"),
        check_step="identity:id_upload_check",
        flow="upload",
    )


@login_required
@require_http_methods(["GET", "POST"])
def id_upload_check(request: HttpRequest) -> HttpResponse:
    """Check your answers, then send the photo ID to the clerks."""
    if blocker := _upload_blocker(request):
        return blocker
    draft = selectors.identity_document_draft(user=request.user)
    if draft is None:
        return redirect("identity:id_upload")
    answers = _answers(request, UPLOAD_SESSION_KEY)
    profile_name = selectors.profile_name(user=request.user)
    name = profile_name or _person_name(answers)
    if name is None:
        return redirect("identity:id_upload_name")
    if request.method == "POST":
        try:
            services.identity_document_submit(document=draft, name=None if profile_name else name)
        except services.IdentityError as error:
            messages.error(request, error.message)
            return redirect("identity:id_upload")
        request.session.pop(UPLOAD_SESSION_KEY, None)
        messages.success(
            request,
            _("We sent your photo ID to a clerk. We will email you when they have checked it."),
        )
        return redirect("identity:dashboard")
    return render(
        request,
        "identity/id_upload/check.html",
        {"draft": draft, "name": name, "name_from_profile": profile_name is not None},
    )
