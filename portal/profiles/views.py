"""The resident's own profile: one question per page, then "Check your answers", then saved.

There are no profile ids in these URLs: every view works on the signed-in user's own profile.
Previous addresses and numbers are named by id, looked up only among the user's own.
"""

import datetime as dt
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.profiles import selectors
from portal.profiles.dateparts import date_parts_initial
from portal.profiles.drafts import ADDRESS_KEYS, SETUP_STEPS, ProfileDraft
from portal.profiles.forms import (
    AddressForm,
    DateOfBirthForm,
    IdentifierForm,
    LanguageForm,
    NameForm,
    PhoneForm,
    PreviousAddressForm,
)
from portal.profiles.models import IdentifierKind, PreferredLanguage, Profile, ProfileAddress
from portal.profiles.services import identifier_remove as identifier_remove_service
from portal.profiles.services import (
    previous_address_remove,
    profile_changes_save,
    profile_ensure,
)

STEP_URLS = {
    "name": "profiles:name",
    "date_of_birth": "profiles:date_of_birth",
    "address": "profiles:address",
    "phone": "profiles:phone",
    "language": "profiles:language",
}


def _returning_to_check(request: HttpRequest) -> bool:
    return request.GET.get("return") == "check"


def _next_url(request: HttpRequest, draft: ProfileDraft, section: str) -> str:
    """After an answer: back to the check page, or on to the next question of the first fill."""
    if not _returning_to_check(request) and draft.setup and section in SETUP_STEPS:
        position = SETUP_STEPS.index(section)
        if position + 1 < len(SETUP_STEPS):
            return reverse(STEP_URLS[SETUP_STEPS[position + 1]])
    return reverse("profiles:check")


def _back_url(request: HttpRequest, draft: ProfileDraft, section: str) -> str:
    if _returning_to_check(request):
        return reverse("profiles:check")
    if draft.setup and section in SETUP_STEPS and SETUP_STEPS.index(section) > 0:
        return reverse(STEP_URLS[SETUP_STEPS[SETUP_STEPS.index(section) - 1]])
    return reverse("profiles:overview")


def _question(
    request: HttpRequest,
    *,
    section: str,
    form_class: type[forms.Form],
    template_name: str,
    saved: Callable[[Profile], dict[str, Any]],
    to_draft: Callable[[dict[str, Any]], Any],
    from_draft: Callable[[Any], dict[str, Any]],
    draft_applies: Callable[[Any], bool] = lambda value: True,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """One question: show it filled with the pending or saved answer; keep a valid answer in the
    draft and move on; show an invalid one again with its errors and everything as typed."""
    profile = profile_ensure(user=request.user)
    draft = ProfileDraft(request.session)
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            draft.put(section, to_draft(form.cleaned_data))
            return redirect(_next_url(request, draft, section))
    else:
        pending = draft.get(section)
        use_draft = pending is not None and draft_applies(pending)
        form = form_class(initial=from_draft(pending) if use_draft else saved(profile))
    return render(
        request,
        template_name,
        {
            "form": form,
            "back_url": _back_url(request, draft, section),
            "in_setup": draft.setup and section in SETUP_STEPS and not _returning_to_check(request),
            **(context or {}),
        },
    )


def _pick(data: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: data.get(key, "") for key in keys}


def _address_saved(address: ProfileAddress | None) -> dict[str, Any]:
    if address is None:
        return {"city": "Westfield", "state": "MA"}
    return {key: getattr(address, key) for key in ADDRESS_KEYS}


NAME_KEYS = ("first_name", "middle_name", "last_name", "suffix", "other_names")


@login_required
@require_http_methods(["GET", "POST"])
def name(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        section="name",
        form_class=NameForm,
        template_name="profiles/name.html",
        saved=lambda profile: {
            "first_name": profile.legal_first_name,
            "middle_name": profile.legal_middle_name,
            "last_name": profile.legal_last_name,
            "suffix": profile.name_suffix,
            "other_names": profile.former_names,
        },
        to_draft=lambda data: _pick(data, NAME_KEYS),
        from_draft=lambda value: value,
    )


@login_required
@require_http_methods(["GET", "POST"])
def date_of_birth(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        section="date_of_birth",
        form_class=DateOfBirthForm,
        template_name="profiles/date_of_birth.html",
        saved=lambda profile: date_parts_initial(profile.date_of_birth),
        to_draft=lambda data: data["date_of_birth"].isoformat(),
        from_draft=lambda value: date_parts_initial(dt.date.fromisoformat(value)),
    )


@login_required
@require_http_methods(["GET", "POST"])
def address(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        section="address",
        form_class=AddressForm,
        template_name="profiles/address.html",
        saved=lambda profile: _address_saved(selectors.current_address_for(profile=profile)),
        to_draft=lambda data: _pick(data, ADDRESS_KEYS),
        from_draft=lambda value: value,
    )


@login_required
@require_http_methods(["GET", "POST"])
def phone(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        section="phone",
        form_class=PhoneForm,
        template_name="profiles/phone.html",
        saved=lambda profile: {"phone": profile.phone},
        to_draft=lambda data: data["phone"],
        from_draft=lambda value: {"phone": value},
    )


@login_required
@require_http_methods(["GET", "POST"])
def language(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        section="language",
        form_class=LanguageForm,
        template_name="profiles/language.html",
        saved=lambda profile: {"preferred_language": profile.preferred_language},
        to_draft=lambda data: data["preferred_language"],
        from_draft=lambda value: {"preferred_language": value},
    )


def _previous_address_question(
    request: HttpRequest, *, existing: ProfileAddress | None
) -> HttpResponse:
    address_id = existing.pk if existing else None

    def saved(profile: Profile) -> dict[str, Any]:
        if existing is None:
            return {"city": "Westfield", "state": "MA"}
        return {
            **_address_saved(existing),
            "from_year": existing.lived_from.year if existing.lived_from else "",
            "until_year": existing.lived_until.year if existing.lived_until else "",
        }

    return _question(
        request,
        section="previous_address",
        form_class=PreviousAddressForm,
        template_name="profiles/previous_address.html",
        saved=saved,
        to_draft=lambda data: {
            **_pick(data, ADDRESS_KEYS),
            "from_year": data["from_year"],
            "until_year": data["until_year"],
            "address_id": address_id,
        },
        from_draft=lambda value: value,
        draft_applies=lambda value: value.get("address_id") == address_id,
        context={"changing": existing is not None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def previous_address_add(request: HttpRequest) -> HttpResponse:
    return _previous_address_question(request, existing=None)


@login_required
@require_http_methods(["GET", "POST"])
def previous_address_change(request: HttpRequest, address_id: int) -> HttpResponse:
    existing = selectors.previous_address_for(user=request.user, address_id=address_id)
    if existing is None:
        raise Http404
    return _previous_address_question(request, existing=existing)


@login_required
@require_http_methods(["GET", "POST"])
def previous_address_remove_confirm(request: HttpRequest, address_id: int) -> HttpResponse:
    existing = selectors.previous_address_for(user=request.user, address_id=address_id)
    if existing is None:
        raise Http404
    if request.method == "POST":
        previous_address_remove(profile=existing.profile, address_id=existing.pk)
        draft = ProfileDraft(request.session)
        pending = draft.get("previous_address")
        if pending and pending.get("address_id") == existing.pk:
            draft.drop("previous_address")
        messages.success(request, _("The address was removed from your profile."))
        return redirect("profiles:overview")
    return render(
        request,
        "profiles/previous_address_remove.html",
        {"address": existing, "back_url": reverse("profiles:overview")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def identifier_add(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        section="identifier",
        form_class=IdentifierForm,
        template_name="profiles/identifier.html",
        saved=lambda profile: {},
        to_draft=lambda data: _pick(data, ("kind", "value")),
        from_draft=lambda value: value,
    )


@login_required
@require_http_methods(["GET", "POST"])
def identifier_remove(request: HttpRequest, identifier_id: int) -> HttpResponse:
    existing = selectors.identifier_for(user=request.user, identifier_id=identifier_id)
    if existing is None:
        raise Http404
    if request.method == "POST":
        identifier_remove_service(profile=existing.profile, identifier_id=existing.pk)
        messages.success(request, _("The number was removed from your profile."))
        return redirect("profiles:overview")
    return render(
        request,
        "profiles/identifier_remove.html",
        {"identifier": existing, "back_url": reverse("profiles:overview")},
    )


@login_required
@require_http_methods(["GET"])
def overview(request: HttpRequest) -> HttpResponse:
    profile = profile_ensure(user=request.user)
    summary = selectors.profile_overview(profile=profile)
    draft = ProfileDraft(request.session)
    return render(
        request,
        "profiles/overview.html",
        {
            "summary": summary,
            "profile": profile,
            "has_pending_changes": not draft.is_empty,
            "is_new": not (
                profile.legal_last_name or profile.date_of_birth or summary.current_address
            ),
        },
    )


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    ProfileDraft(request.session).start_setup()
    return redirect(STEP_URLS[SETUP_STEPS[0]])


@login_required
@require_POST
def discard(request: HttpRequest) -> HttpResponse:
    ProfileDraft(request.session).clear()
    messages.info(request, _("Your changes were not saved."))
    return redirect("profiles:overview")


def _address_lines(answer: dict[str, Any]) -> list[str]:
    street = f"{answer['street']}, {answer['unit']}" if answer.get("unit") else answer["street"]
    return [street, f"{answer['city']}, {answer['state']} {answer['postal_code']}"]


def _check_rows(draft: ProfileDraft) -> list[dict[str, Any]]:
    """The pending answers as summary-list rows, each with its "Change" link."""
    rows = []

    def row(section: str, key: str, lines: list[str], url: str) -> None:
        rows.append(
            {"section": section, "key": key, "lines": lines, "change_url": f"{url}?return=check"}
        )

    answers = draft.answers
    if name := answers.get("name"):
        full = " ".join(
            part
            for part in (name["first_name"], name["middle_name"], name["last_name"], name["suffix"])
            if part
        )
        lines = [full]
        if name["other_names"]:
            lines.append(_("Other names: %(names)s") % {"names": name["other_names"]})
        row("name", _("Full legal name"), lines, reverse("profiles:name"))
    if born := answers.get("date_of_birth"):
        lines = [date_format(dt.date.fromisoformat(born), "j F Y")]
        row("date_of_birth", _("Date of birth"), lines, reverse("profiles:date_of_birth"))
    if current := answers.get("address"):
        row("address", _("Current address"), _address_lines(current), reverse("profiles:address"))
    if "phone" in answers:
        lines = [answers["phone"] or _("Not given")]
        row("phone", _("Phone number"), lines, reverse("profiles:phone"))
    if chosen := answers.get("language"):
        lines = [str(PreferredLanguage(chosen).label)]
        row("language", _("Preferred language"), lines, reverse("profiles:language"))
    if previous := answers.get("previous_address"):
        years = _("From %(start)s to %(end)s") % {
            "start": previous["from_year"],
            "end": previous["until_year"],
        }
        if previous.get("address_id"):
            key = _("Previous address (changed)")
            url = reverse("profiles:previous_address_change", args=[previous["address_id"]])
        else:
            key = _("Previous address (new)")
            url = reverse("profiles:previous_address_add")
        row("previous_address", key, [*_address_lines(previous), years], url)
    if identifier := answers.get("identifier"):
        lines = [str(IdentifierKind(identifier["kind"]).label), identifier["value"]]
        row("identifier", _("City number (new)"), lines, reverse("profiles:identifier_add"))
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest) -> HttpResponse:
    draft = ProfileDraft(request.session)
    if draft.is_empty:
        return redirect("profiles:overview")
    try:
        changes = draft.changes()
        rows = _check_rows(draft)
    except (KeyError, TypeError, ValueError):
        # Answers kept by an older version of this page: ask again rather than fail.
        draft.clear()
        messages.error(request, _("We could not keep your answers. Please give them again."))
        return redirect("profiles:overview")
    if request.method == "POST":
        profile = profile_ensure(user=request.user)
        try:
            profile_changes_save(profile=profile, changes=changes)
        except ProfileAddress.DoesNotExist:
            draft.drop("previous_address")
            messages.error(
                request, _("The previous address you changed was removed, so it was not saved.")
            )
            return redirect("profiles:check")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return render(request, "profiles/check.html", {"rows": rows}, status=400)
        draft.clear()
        messages.success(request, _("Your profile was saved."))
        return redirect("profiles:overview")
    back_url = reverse(STEP_URLS[SETUP_STEPS[-1]] if draft.setup else "profiles:overview")
    return render(
        request,
        "profiles/check.html",
        {"rows": rows, "in_setup": draft.setup, "back_url": back_url},
    )
