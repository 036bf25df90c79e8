"""Representatives: asking to act for a resident, the resident's list of who may act for them,
and the clerks' queue. Each view reads through a selector scoped by the signed-in person, so
anything not theirs answers 404."""

import datetime as dt
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.access.models import AccessAction
from portal.access.services import access_record
from portal.files.services import stored_file_read
from portal.profiles.dateparts import date_parts_initial
from portal.representatives import selectors
from portal.representatives.forms import AcceptForm, GrantRequestForm, ReasonForm
from portal.representatives.labels import representative_display_name
from portal.representatives.models import Grant, GrantStatus, Relationship
from portal.representatives.services import (
    GrantRequest,
    default_expiry,
    grant_accept,
    grant_refuse,
    grant_request_submit,
    grant_revoke,
    proof_store,
)

ASK_SESSION_KEY = "representative_request"
ANSWER_KEYS = (
    "relationship",
    "resident_name",
    "street",
    "unit",
    "city",
    "state",
    "postal_code",
    "resident_email",
    "explanation",
)


# --- The person asking to act for someone ---------------------------------------------------


def _ask_draft(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(ASK_SESSION_KEY) or {})


def _ask_draft_store(request: HttpRequest, draft: dict[str, Any]) -> None:
    request.session[ASK_SESSION_KEY] = draft


def _with_states(grants: list[Grant]) -> list[Grant]:
    today = timezone.localdate()
    for grant in grants:
        grant.state = grant.state_on(today)
    return grants


@login_required
@require_GET
def representing_list(request: HttpRequest) -> HttpResponse:
    grants = _with_states(list(selectors.grants_for_representative(user=request.user)))
    return render(request, "representatives/list.html", {"grants": grants})


def _initial_from_answers(answers: dict[str, Any]) -> dict[str, Any]:
    initial = {key: answers.get(key, "") for key in ANSWER_KEYS}
    born = answers.get("resident_date_of_birth")
    if born:
        initial.update(date_parts_initial(dt.date.fromisoformat(born), prefix="born_"))
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def ask(request: HttpRequest) -> HttpResponse:
    draft = _ask_draft(request)
    if request.method != "POST":
        initial = _initial_from_answers(
            draft.get("answers") or {"city": "Westfield", "state": "MA"}
        )
        form = GrantRequestForm(initial=initial, user=request.user, has_proof="proof" in draft)
        return render(
            request, "representatives/ask.html", {"form": form, "proof": draft.get("proof")}
        )

    form = GrantRequestForm(
        request.POST, request.FILES, user=request.user, has_proof="proof" in draft
    )
    form.is_valid()
    upload = request.FILES.get("proof")
    if upload is not None and "proof" not in form.errors:
        try:
            stored = proof_store(upload=upload, uploaded_by=request.user)
        except ValidationError as error:
            form.add_error(
                "proof",
                " ".join(
                    [
                        *error.messages,
                        _(
                            "Choose a file again: your browser cannot keep a chosen file when "
                            "the page shows an error. Everything you typed is still here."
                        ),
                    ]
                ),
            )
        else:
            draft["proof"] = {
                "id": str(stored.pk),
                "name": stored.original_name,
                "size": stored.size,
                "kind": stored.get_kind_display(),
            }
            _ask_draft_store(request, draft)
            form.proof_kept()
    if form.errors:
        return render(
            request,
            "representatives/ask.html",
            {"form": form, "proof": draft.get("proof")},
            status=400,
        )
    answers = {key: form.cleaned_data[key] for key in ANSWER_KEYS}
    answers["resident_date_of_birth"] = form.cleaned_data["resident_date_of_birth"].isoformat()
    draft["answers"] = answers
    _ask_draft_store(request, draft)
    return redirect("representatives:ask_check")


def _grant_request(answers: dict[str, Any]) -> GrantRequest:
    return GrantRequest(
        relationship=answers["relationship"],
        resident_name=answers["resident_name"],
        resident_date_of_birth=dt.date.fromisoformat(answers["resident_date_of_birth"]),
        resident_street=answers["street"],
        resident_unit=answers["unit"],
        resident_city=answers["city"],
        resident_state=answers["state"],
        resident_postal_code=answers["postal_code"],
        resident_email=answers["resident_email"],
        explanation=answers["explanation"],
    )


@login_required
@require_http_methods(["GET", "POST"])
def ask_check(request: HttpRequest) -> HttpResponse:
    draft = _ask_draft(request)
    if not draft.get("answers") or not draft.get("proof"):
        return redirect("representatives:ask")
    try:
        answers = _grant_request(draft["answers"])
    except (KeyError, TypeError, ValueError):
        # Answers kept by an older version of this page: ask again rather than fail.
        request.session.pop(ASK_SESSION_KEY, None)
        messages.error(request, _("We could not keep your answers. Please give them again."))
        return redirect("representatives:ask")
    if request.method == "POST":
        try:
            grant = grant_request_submit(
                representative=request.user, answers=answers, proof_id=draft["proof"]["id"]
            )
        except ValidationError as error:
            if error.code == "proof":
                draft.pop("proof", None)
                _ask_draft_store(request, draft)
            messages.error(request, " ".join(error.messages))
            return redirect("representatives:ask")
        request.session.pop(ASK_SESSION_KEY, None)
        return redirect("representatives:ask_sent", grant_id=grant.pk)
    return render(
        request,
        "representatives/ask_check.html",
        {
            "answers": answers,
            "relationship": Relationship(answers.relationship).label,
            "proof": draft["proof"],
            "back_url": reverse("representatives:ask"),
        },
    )


@login_required
@require_GET
def ask_sent(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = selectors.grant_for_representative(representative=request.user, grant_id=grant_id)
    if grant is None or grant.status != GrantStatus.PENDING:
        raise Http404
    return render(request, "representatives/ask_sent.html", {"grant": grant})


@login_required
@require_GET
def acting_for(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The resident's page for their representative: only while the grant is active."""
    grant = selectors.active_grant_for_representative(
        representative=request.user, grant_id=grant_id
    )
    if grant is None:
        raise Http404
    return render(request, "representatives/acting_for.html", {"grant": grant})


# --- The resident the grants are for ---------------------------------------------------------


@login_required
@require_GET
def for_me(request: HttpRequest) -> HttpResponse:
    grants = _with_states(list(selectors.grants_for_resident(resident=request.user)))
    return render(
        request,
        "representatives/for_me.html",
        {
            "active": [grant for grant in grants if grant.state == "active"],
            "past": [grant for grant in grants if grant.state != "active"],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def resident_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = selectors.active_grant_for_resident(resident=request.user, grant_id=grant_id)
    if grant is None:
        raise Http404
    form_options = {
        "label": _("Why are you stopping this? (optional)"),
        "help_text": _("We will not show this to them. It helps the City if something is wrong."),
        "required": False,
    }
    if request.method == "POST":
        form = ReasonForm(request.POST, **form_options)
        if form.is_valid():
            try:
                grant_revoke(grant=grant, by=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("%(name)s can no longer act for you.")
                    % {"name": representative_display_name(grant.representative)},
                )
                return redirect("representatives:for_me")
    else:
        form = ReasonForm(**form_options)
    return render(
        request,
        "representatives/resident_revoke.html",
        {"grant": grant, "form": form, "back_url": reverse("representatives:for_me")},
    )


# --- Clerks and the privacy officer ----------------------------------------------------------


def reviewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Clerks and the privacy officer only; for anyone else the page does not exist."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not selectors.may_review_grants(user=request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


QUEUE_TABS = (
    (GrantStatus.PENDING, gettext_lazy("Waiting")),
    (GrantStatus.ACCEPTED, gettext_lazy("Accepted")),
    (GrantStatus.REFUSED, gettext_lazy("Not accepted")),
    (GrantStatus.REVOKED, gettext_lazy("Stopped")),
)


@reviewer_required
@require_GET
def staff_queue(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", GrantStatus.PENDING)
    if status not in GrantStatus.values:
        status = GrantStatus.PENDING
    grants = _with_states(list(selectors.grants_for_review(user=request.user, status=status)))
    return render(
        request,
        "representatives/staff/queue.html",
        {"grants": grants, "status": status, "tabs": QUEUE_TABS},
    )


def _reviewed_grant(request: HttpRequest, grant_id: int) -> Grant:
    grant = selectors.grant_for_review(user=request.user, grant_id=grant_id)
    if grant is None:
        raise Http404
    grant.state = grant.state_on(timezone.localdate())
    return grant


def _grant_access_record(
    request: HttpRequest, grant: Grant, *, item: str, action: str = AccessAction.VIEW
) -> None:
    """A grant names the resident (their name, birth date, address): their log shows it once a
    clerk linked their account; until then it is the representative's own submission."""
    access_record(
        actor=request.user,
        subject=grant.resident or grant.representative,
        item=item,
        action=action,
        obj=grant,
    )


def _account_check(grant: Grant) -> dict[str, Any]:
    account = grant.resident or selectors.resident_account_by_email(
        email=grant.resident_email, representative=grant.representative
    )
    if account is None:
        return {"account": None}
    return {
        "account": account,
        "comparison": selectors.account_comparison(grant=grant, account=account),
    }


@reviewer_required
@require_GET
def staff_detail(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = _reviewed_grant(request, grant_id)
    _grant_access_record(request, grant, item="representative_grant")
    return render(
        request,
        "representatives/staff/detail.html",
        {
            "grant": grant,
            "own_request": grant.representative_id == request.user.pk,
            "proof_size": filesizeformat(grant.proof.size),
            **_account_check(grant),
        },
    )


@reviewer_required
@require_GET
def staff_proof(request: HttpRequest, grant_id: int) -> HttpResponse:
    """The proof, decrypted and shown in the browser, never cached, never at a public URL."""
    grant = _reviewed_grant(request, grant_id)
    try:
        data = stored_file_read(grant.proof)
    except FileNotFoundError:
        raise Http404 from None
    extension = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}[grant.proof.kind]
    _grant_access_record(request, grant, item="representative_proof", action=AccessAction.DOWNLOAD)
    response = FileResponse(
        io.BytesIO(data),
        as_attachment=False,
        filename=f"{grant.reference}-proof.{extension}",
        content_type=grant.proof.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


def _decision(
    request: HttpRequest,
    *,
    grant: Grant,
    form: Any,
    form_template: str,
    confirm_template: str,
    act: Callable[[dict[str, Any]], Grant],
    done_message: str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A consequential action in two steps: the form, then a page that says exactly what will
    happen, with the button. The confirmation page carries the answers as hidden fields, so
    "Change" brings back the form as it was."""
    context = {"grant": grant, "form": form, **(context or {})}
    back_url = reverse("representatives:staff_detail", args=[grant.pk])
    if request.method == "POST" and form.is_valid() and "change" not in request.POST:
        if "confirm" in request.POST:
            try:
                act(form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, done_message)
                return redirect("representatives:staff_detail", grant_id=grant.pk)
        else:
            context["back_url"] = back_url
            return render(request, confirm_template, context)
    context["back_url"] = back_url
    status = 400 if form.is_bound and form.errors else 200
    return render(request, form_template, context, status=status)


@reviewer_required
@require_http_methods(["GET", "POST"])
def staff_accept(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = _reviewed_grant(request, grant_id)
    if grant.status != GrantStatus.PENDING:
        raise Http404
    if request.method == "GET":
        _grant_access_record(request, grant, item="representative_grant")
    if request.method == "POST":
        form = AcceptForm(request.POST, grant=grant)
    else:
        account = _account_check(grant)["account"]
        form = AcceptForm(
            grant=grant,
            initial={
                **date_parts_initial(default_expiry(today=timezone.localdate()), prefix="expires_"),
                "resident_account_email": account.email if account else "",
            },
        )
    return _decision(
        request,
        grant=grant,
        form=form,
        form_template="representatives/staff/accept.html",
        confirm_template="representatives/staff/accept_confirm.html",
        act=lambda data: grant_accept(
            grant=grant,
            clerk=request.user,
            scope=data["scope"],
            expires_on=data["expires_on"],
            resident=data.get("resident_account"),
        ),
        done_message=_("The request was accepted. We are emailing the people concerned."),
        context={"scope_labels": _scope_labels(form)},
    )


def _scope_labels(form: AcceptForm) -> list[str]:
    if not form.is_bound or not form.is_valid():
        return []
    chosen = set(form.cleaned_data["scope"])
    return [str(label) for value, label in form.fields["scope"].choices if value in chosen]


@reviewer_required
@require_http_methods(["GET", "POST"])
def staff_refuse(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = _reviewed_grant(request, grant_id)
    if grant.status != GrantStatus.PENDING:
        raise Http404
    if request.method == "GET":
        _grant_access_record(request, grant, item="representative_grant")
    form_options = {
        "label": _("Why is the request not accepted?"),
        "help_text": _(
            "The person who asked will read this. Say what proof would be enough, if any."
        ),
        "required_message": _("Say why the request is not accepted"),
    }
    form = ReasonForm(request.POST or None, **form_options)
    return _decision(
        request,
        grant=grant,
        form=form,
        form_template="representatives/staff/refuse.html",
        confirm_template="representatives/staff/refuse_confirm.html",
        act=lambda data: grant_refuse(grant=grant, clerk=request.user, reason=data["reason"]),
        done_message=_("The request was refused. We are emailing the person who asked."),
    )


@reviewer_required
@require_http_methods(["GET", "POST"])
def staff_revoke(request: HttpRequest, grant_id: int) -> HttpResponse:
    grant = _reviewed_grant(request, grant_id)
    if grant.status != GrantStatus.ACCEPTED:
        raise Http404
    if request.method == "GET":
        _grant_access_record(request, grant, item="representative_grant")
    form_options = {
        "label": _("Why are you stopping this grant?"),
        "help_text": _("The representative and the resident will read this."),
        "required_message": _("Say why you are stopping this grant"),
    }
    form = ReasonForm(request.POST or None, **form_options)
    return _decision(
        request,
        grant=grant,
        form=form,
        form_template="representatives/staff/revoke.html",
        confirm_template="representatives/staff/revoke_confirm.html",
        act=lambda data: grant_revoke(grant=grant, by=request.user, reason=data["reason"]),
        done_message=_("The grant was stopped. We are emailing the people concerned."),
    )
