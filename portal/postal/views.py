"""The resident's pages: ask for a code by post, follow the letter, give an address when the City
has none, and enter the code."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache

from portal.identity.models import IdentityLevel
from portal.identity.selectors import identity_level
from portal.postal.forms import AddressForm, CodeForm
from portal.postal.models import MailedCodeStatus
from portal.postal.selectors import (
    mailed_code_latest,
    mailed_code_of,
    mailed_code_open,
    mailed_code_state,
    mailed_code_waiting_for_entry,
    postal_profile_details,
)
from portal.postal.services import (
    EntryOutcome,
    PostalError,
    mailed_code_enter,
    mailed_code_give_address,
    mailed_code_request,
)


def _profile_url() -> str | None:
    """The profile pages, when they are installed."""
    try:
        return reverse("profiles:overview")
    except NoReverseMatch:
        return None


def _address_draft_key(pk: object) -> str:
    return f"postal-address-draft-{pk}"


@never_cache
@login_required
def request_code(request: HttpRequest) -> HttpResponse:
    latest = mailed_code_latest(user=request.user)
    return render(
        request,
        "postal/request_start.html",
        {
            "details": postal_profile_details(user=request.user),
            "open_request": mailed_code_open(user=request.user),
            "latest": latest,
            "latest_state": mailed_code_state(mailed_code=latest) if latest else None,
            "already_verified": identity_level(user=request.user) >= IdentityLevel.REMOTE,
            "valid_days": settings.POSTAL_CODE_VALID_DAYS,
        },
    )


@never_cache
@login_required
def check_answers(request: HttpRequest) -> HttpResponse:
    details = postal_profile_details(user=request.user)
    if not details.is_complete:
        messages.warning(
            request,
            _(
                "Add your full legal name and date of birth to your profile first. We use them "
                "to find your address in the City's records."
            ),
        )
        return redirect(_profile_url() or reverse("postal:request_code"))
    if request.method == "POST":
        try:
            mailed_code = mailed_code_request(user=request.user)
        except PostalError as error:
            messages.error(request, error.message)
            return redirect("postal:request_code")
        messages.success(
            request, _("You asked for a code by post. We will tell you here how it goes.")
        )
        return redirect("postal:request_detail", pk=mailed_code.pk)
    return render(
        request,
        "postal/check_answers.html",
        {"details": details, "back_url": reverse("postal:request_code")},
    )


@never_cache
@login_required
def request_detail(request: HttpRequest, pk: object) -> HttpResponse:
    mailed_code = mailed_code_of(user=request.user, pk=pk)
    return render(
        request,
        "postal/request_detail.html",
        {
            "mailed_code": mailed_code,
            "state": mailed_code_state(mailed_code=mailed_code),
            "tries_left": max(settings.POSTAL_MAX_WRONG_CODES - mailed_code.wrong_entries, 0),
            "back_url": reverse("postal:request_code"),
        },
    )


@never_cache
@login_required
def give_address(request: HttpRequest, pk: object) -> HttpResponse:
    mailed_code = mailed_code_of(user=request.user, pk=pk)
    if mailed_code.status != MailedCodeStatus.NEEDS_REVIEW:
        messages.info(request, _("You do not need to give an address for this request."))
        return redirect("postal:request_detail", pk=mailed_code.pk)
    key = _address_draft_key(mailed_code.pk)
    if request.method == "POST":
        form = AddressForm(request.POST)
        if form.is_valid():
            request.session[key] = form.cleaned_data
            return redirect("postal:give_address_check", pk=mailed_code.pk)
    else:
        form = AddressForm(initial=request.session.get(key))
    return render(
        request,
        "postal/give_address.html",
        {
            "form": form,
            "mailed_code": mailed_code,
            "back_url": reverse("postal:request_detail", kwargs={"pk": mailed_code.pk}),
        },
    )


@never_cache
@login_required
def give_address_check(request: HttpRequest, pk: object) -> HttpResponse:
    mailed_code = mailed_code_of(user=request.user, pk=pk)
    key = _address_draft_key(mailed_code.pk)
    form = AddressForm(request.session.get(key) or {})
    if not form.is_valid():
        return redirect("postal:give_address", pk=mailed_code.pk)
    if request.method == "POST":
        try:
            mailed_code_give_address(
                user=request.user, mailed_code=mailed_code, **form.cleaned_data
            )
        except PostalError as error:
            messages.error(request, error.message)
            return redirect("postal:request_detail", pk=mailed_code.pk)
        del request.session[key]
        messages.success(
            request,
            _("Thank you. A clerk will check your address before we mail anything to it."),
        )
        return redirect("postal:request_detail", pk=mailed_code.pk)
    return render(
        request,
        "postal/give_address_check.html",
        {
            "form": form,
            "address": form.cleaned_data,
            "mailed_code": mailed_code,
            "back_url": reverse("postal:give_address", kwargs={"pk": mailed_code.pk}),
        },
    )


@never_cache
@login_required
def enter_code(request: HttpRequest) -> HttpResponse:
    letter = mailed_code_waiting_for_entry(user=request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = mailed_code_enter(user=request.user, code=form.cleaned_data["code"])
        if entry.outcome == EntryOutcome.VERIFIED:
            messages.success(request, _("That code is right. We have confirmed who you are."))
            return redirect("postal:request_detail", pk=entry.mailed_code.pk)
        if entry.outcome == EntryOutcome.WRONG:
            form.add_error(
                "code",
                ngettext(
                    "That code is not right. Check it and try again. You have %(count)d try left.",
                    "That code is not right. Check it and try again. You have %(count)d tries "
                    "left.",
                    entry.tries_left,
                )
                % {"count": entry.tries_left},
            )
        elif entry.outcome == EntryOutcome.VOID:
            messages.error(
                request,
                _(
                    "That code is not right, and it was the last try. The code no longer works. "
                    "You can ask for a new letter."
                ),
            )
            return redirect("postal:request_detail", pk=entry.mailed_code.pk)
        elif entry.outcome == EntryOutcome.EXPIRED:
            messages.error(
                request, _("The code in your letter has expired. You can ask for a new letter.")
            )
            return redirect("postal:request_detail", pk=entry.mailed_code.pk)
        else:
            messages.error(request, _("We have not mailed you a code that you can use now."))
            return redirect("postal:request_code")
    if letter is None and not form.errors:
        latest = mailed_code_latest(user=request.user)
        return render(
            request,
            "postal/enter_code_none.html",
            {
                "latest": latest,
                "latest_state": mailed_code_state(mailed_code=latest) if latest else None,
            },
        )
    return render(
        request,
        "postal/enter_code.html",
        {"form": form, "letter": letter, "back_url": reverse("postal:request_code")},
    )
