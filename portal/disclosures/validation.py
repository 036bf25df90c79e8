"""Checks of what staff enter for a disclosure or a legal process: each problem a message by
field, so a page can show every one beside its field. The services refuse with these; the pages
also call them when the form itself could not read a value, to show everything at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.accounts.models import Role, User
from portal.disclosures.models import DisclosureBasis, LegalProcessKind, RecipientKind

# Limits of the text fields, so a long value is a message, not a database error.
RECIPIENT_NAME_MAX = 200
LEGAL_BASIS_MAX = 300
WRITTEN_REQUEST_MAX = 200
ISSUER_MAX = 200
ISSUER_REFERENCE_MAX = 100
ORDER_REFERENCE_MAX = 200
TEXT_MAX = 4000


def check_subject(subject: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(subject, User) or subject.role != Role.RESIDENT or not subject.is_active:
        errors.setdefault("resident", []).append(_("Choose a resident with an account."))


def check_text(
    errors: dict[str, list[str]],
    field: str,
    value: str,
    *,
    required: str | None,
    max_length: int,
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(required)
    elif len(value) > max_length:
        errors.setdefault(field, []).append(
            _("Write %(max)d characters or fewer.") % {"max": max_length}
        )
    return value


def check_past_date(
    errors: dict[str, list[str]], field: str, day: date | None, *, missing: str, future: str
) -> None:
    if day is None:
        errors.setdefault(field, []).append(missing)
    elif day > timezone.localdate():
        errors.setdefault(field, []).append(future)


@dataclass
class Checked:
    errors: dict[str, list[str]]
    values: dict[str, Any]


def disclosure_checked(
    *,
    subject: Any,
    recipient_name: str,
    recipient_kind: str,
    basis: str,
    legal_basis: str,
    consent_file: UploadedFile | None,
    written_request_reference: str,
    intended_use: str,
    data_disclosed: str,
    disclosed_on: date | None,
) -> Checked:
    errors: dict[str, list[str]] = {}
    check_subject(subject, errors)
    values = {
        "recipient_name": check_text(
            errors,
            "recipient_name",
            recipient_name,
            required=_("Enter who the information was given to."),
            max_length=RECIPIENT_NAME_MAX,
        )
    }
    only_by_release = _(
        "Information given in answer to a subpoena or court order is released from its legal "
        "process page, once the resident has had time to ask a court to stop it."
    )
    if recipient_kind == RecipientKind.LEGAL_PROCESS:
        errors.setdefault("recipient_kind", []).append(only_by_release)
    elif recipient_kind not in RecipientKind.values:
        errors.setdefault("recipient_kind", []).append(_("Choose who received the information."))
    if basis == DisclosureBasis.LEGAL_PROCESS:
        errors.setdefault("basis", []).append(only_by_release)
    elif basis not in DisclosureBasis.values:
        errors.setdefault("basis", []).append(
            _("Choose the legal basis: a law that allows it, or the resident's written consent.")
        )
    values["legal_basis"] = check_text(
        errors,
        "legal_basis",
        legal_basis,
        required=_("Enter the law or regulation that allows it, for example M.G.L. c. 66 §10.")
        if basis == DisclosureBasis.LAW
        else None,
        max_length=LEGAL_BASIS_MAX,
    )
    if basis == DisclosureBasis.CONSENT and not consent_file:
        errors.setdefault("consent_file", []).append(
            _("Upload the resident's signed consent (a PDF, JPEG or PNG file).")
        )
    values["written_request_reference"] = check_text(
        errors,
        "written_request_reference",
        written_request_reference,
        required=_("Enter the reference or date of the written request from law enforcement.")
        if recipient_kind == RecipientKind.LAW_ENFORCEMENT
        else None,
        max_length=WRITTEN_REQUEST_MAX,
    )
    values["intended_use"] = check_text(
        errors,
        "intended_use",
        intended_use,
        required=_("Enter what the recipient will use the information for."),
        max_length=TEXT_MAX,
    )
    values["data_disclosed"] = check_text(
        errors,
        "data_disclosed",
        data_disclosed,
        required=_("Enter which information was given."),
        max_length=TEXT_MAX,
    )
    check_past_date(
        errors,
        "disclosed_on",
        disclosed_on,
        missing=_("Enter the date the information was given."),
        future=_("The date the information was given cannot be in the future."),
    )
    return Checked(errors=errors, values=values)


def legal_process_checked(
    *,
    subject: Any,
    kind: str,
    issuer: str,
    issuer_reference: str,
    served_on: date | None,
    data_sought: str,
) -> Checked:
    errors: dict[str, list[str]] = {}
    check_subject(subject, errors)
    if kind not in LegalProcessKind.values:
        errors.setdefault("kind", []).append(_("Choose what was served."))
    values = {
        "issuer": check_text(
            errors,
            "issuer",
            issuer,
            required=_("Enter who issued it, for example the court or the attorney."),
            max_length=ISSUER_MAX,
        ),
        "issuer_reference": check_text(
            errors,
            "issuer_reference",
            issuer_reference,
            required=None,
            max_length=ISSUER_REFERENCE_MAX,
        ),
        "data_sought": check_text(
            errors,
            "data_sought",
            data_sought,
            required=_("Enter which information it asks for."),
            max_length=TEXT_MAX,
        ),
    }
    check_past_date(
        errors,
        "served_on",
        served_on,
        missing=_("Enter the date it was served on the City."),
        future=_("The date it was served cannot be in the future."),
    )
    return Checked(errors=errors, values=values)


def _long_date(day: date) -> str:
    return date_format(day, "j F Y")


def release_checked(
    *,
    data_disclosed: str,
    intended_use: str,
    disclosed_on: date | None,
    allowed_from: date | None,
    served_on: date,
) -> Checked:
    """The answers of a release under legal process. `allowed_from`: the first day release is
    allowed (None when a court dispensed with notice): a release is not dated before it."""
    errors: dict[str, list[str]] = {}
    values = {
        "data_disclosed": check_text(
            errors,
            "data_disclosed",
            data_disclosed,
            required=_("Enter which information is given."),
            max_length=TEXT_MAX,
        ),
        "intended_use": check_text(
            errors,
            "intended_use",
            intended_use,
            required=_("Enter what the issuer will use the information for."),
            max_length=TEXT_MAX,
        ),
    }
    check_past_date(
        errors,
        "disclosed_on",
        disclosed_on,
        missing=_("Enter the date the information is given."),
        future=_("The date the information is given cannot be in the future."),
    )
    if "disclosed_on" not in errors and disclosed_on:
        if allowed_from and disclosed_on < allowed_from:
            errors["disclosed_on"] = [
                _("The date cannot be before %(day)s, when release became allowed.")
                % {"day": _long_date(allowed_from)}
            ]
        elif disclosed_on < served_on:
            errors["disclosed_on"] = [
                _("The date cannot be before %(day)s, when it was served.")
                % {"day": _long_date(served_on)}
            ]
    return Checked(errors=errors, values=values)
