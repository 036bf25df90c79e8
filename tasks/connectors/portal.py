"""The `portal` connector: what the portal itself holds about one resident.

Configuration:
    {"include": ["profile", "web_forms", "messages"]}   # any of these, each a lookup of that name

Every lookup takes one parameter, `account_id`: the resident's user id. It is only ever used as an
integer primary key, so a lookup can return nothing but that account's own data:
- profile: the profile (names, date of birth, phone, language), its addresses and identifiers;
- web_forms: the City's web-form and survey submissions sent from one of the account's confirmed
  email addresses (a submission holds no account, only the email typed into the form);
- messages: the messages on the requests the account made, and the metadata of the documents
  attached to them (never the documents' contents).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from allauth.account.models import EmailAddress
from django.db.models import Q

from portal.accounts.models import User
from portal.profiles.models import Profile
from portal.webforms.models import FormSubmission
from requests.models import RequestDocument, RequestMessage
from tasks.connectors.base import Connector, ConnectorError, SourceRecord

LOOKUPS = ("profile", "web_forms", "messages")
SETTINGS = frozenset({"include"})
PARAMETER = "account_id"
DIGITS = re.compile(r"^[0-9]{1,18}$")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _account_id(parameters: Mapping[str, Any]) -> int:
    """The account id as an integer; anything else is refused before any query is made."""
    value = parameters.get(PARAMETER)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63:
        return value
    if isinstance(value, str) and DIGITS.match(value) and int(value) > 0:
        return int(value)
    raise ConnectorError(
        f"the portal's lookups need the parameter {PARAMETER!r}, the resident's account number "
        "in the portal (a whole number): check the source's attribute map",
        permanent=True,
    )


def _answers_text(answers: Any) -> str:
    if not isinstance(answers, dict):
        return _text(answers) if answers else ""
    return "\n".join(f"{question}: {_text(answer)}" for question, answer in answers.items())


class PortalConnector(Connector):
    kind = "portal"

    @classmethod
    def configuration_problems(cls, configuration: Mapping[str, Any]) -> list[str]:
        problems = [f"unknown setting {key!r}" for key in sorted(configuration.keys() - SETTINGS)]
        include = configuration.get("include")
        choices = ", ".join(LOOKUPS)
        if not isinstance(include, list) or not include:
            problems.append(f"include must list at least one of {choices}")
            return problems
        for name in include:
            if name not in LOOKUPS:
                problems.append(f"include: {name!r} is not one of {choices}")
        if len(set(map(str, include))) != len(include):
            problems.append("include names a lookup more than once")
        return problems

    @classmethod
    def parameter_names(cls, configuration: Mapping[str, Any]) -> set[str] | None:
        return {PARAMETER}

    def lookup_names(self) -> list[str]:
        include = self.configuration.get("include")
        return [name for name in LOOKUPS if isinstance(include, list) and name in include]

    def lookup(self, *, name: str, parameters: Mapping[str, Any]) -> list[SourceRecord]:
        if problems := self.configuration_problems(self.configuration):
            raise ConnectorError("; ".join(problems), permanent=True)
        if name not in self.lookup_names():
            raise ConnectorError(f"no lookup named {name!r} is configured", permanent=True)
        account_id = _account_id(parameters)
        if name == "profile":
            return list(_profile_records(account_id))
        if name == "web_forms":
            return list(_web_form_records(account_id))
        return list(_message_records(account_id))


def _profile_records(account_id: int) -> Iterable[SourceRecord]:
    user = User.objects.filter(pk=account_id).first()
    if user is None:
        return
    profile = (
        Profile.objects.filter(user_id=account_id)
        .prefetch_related("addresses", "identifiers")
        .first()
    )
    fields = {"email": user.email, "account_opened": _text(user.date_joined.date())}
    if profile is not None:
        fields |= {
            "first_name": profile.legal_first_name,
            "middle_name": profile.legal_middle_name,
            "last_name": profile.legal_last_name,
            "name_suffix": profile.name_suffix,
            "former_names": profile.former_names,
            "date_of_birth": _text(profile.date_of_birth),
            "phone": profile.phone,
            "preferred_language": _text(profile.get_preferred_language_display()),
        }
    yield SourceRecord(key="profile", record_type="portal_profile", fields=fields)
    if profile is None:
        return
    for address in profile.addresses.all():
        yield SourceRecord(
            key=f"address:{address.pk}",
            record_type="portal_address",
            fields={
                "kind": _text(address.get_kind_display()),
                "street": address.street,
                "unit": address.unit,
                "city": address.city,
                "state": address.state,
                "postal_code": address.postal_code,
                "lived_from": _text(address.lived_from),
                "lived_until": _text(address.lived_until),
            },
        )
    for identifier in profile.identifiers.all():
        yield SourceRecord(
            key=f"identifier:{identifier.pk}",
            record_type="portal_identifier",
            fields={
                "kind": _text(identifier.get_kind_display()),
                "number": identifier.value,
                "added": _text(identifier.created_at.date()),
            },
        )


def _web_form_records(account_id: int) -> Iterable[SourceRecord]:
    # Only confirmed addresses: an address typed at sign-up but never confirmed may be another
    # person's, and so may the forms sent from it.
    emails = list(
        EmailAddress.objects.filter(user_id=account_id, verified=True).values_list(
            "email", flat=True
        )
    )
    if not emails:
        return
    matching = Q()
    for email in emails:
        matching |= Q(email__iexact=email)
    for submission in FormSubmission.objects.filter(matching).order_by("submitted_at", "pk"):
        yield SourceRecord(
            key=f"form:{submission.pk}",
            record_type="web_form_submission",
            fields={
                "form": submission.form_name,
                "submitted_at": _text(submission.submitted_at),
                "name": submission.name,
                "email": submission.email,
                "phone": submission.phone,
                "message": submission.message,
                "answers": _answers_text(submission.answers),
            },
        )


def _message_records(account_id: int) -> Iterable[SourceRecord]:
    # Requests the account made itself: on one a representative made about the resident, the
    # correspondence is the representative's.
    messages = (
        RequestMessage.objects.filter(request__requester_id=account_id)
        .select_related("request")
        .order_by("created_at", "pk")
    )
    for message in messages:
        yield SourceRecord(
            key=f"message:{message.pk}",
            record_type="request_message",
            fields={
                "request": message.request.number,
                "direction": _text(message.get_direction_display()),
                "sent_at": _text(message.created_at),
                "message": message.body,
            },
        )
    documents = (
        RequestDocument.objects.filter(request__requester_id=account_id)
        .select_related("request", "stored_file")
        .order_by("created_at", "pk")
    )
    for document in documents:
        stored = document.stored_file
        yield SourceRecord(
            key=f"upload:{document.pk}",
            record_type="request_upload",
            fields={
                "request": document.request.number,
                "file_name": stored.original_name,
                "file_kind": _text(stored.get_kind_display()),
                "size_bytes": _text(stored.size),
                "added_at": _text(document.created_at),
                "added_by": "the requester"
                if document.uploaded_by_id == account_id
                else "City staff",
                "sent_with_message": f"message:{document.message_id}"
                if document.message_id
                else "",
                "contents_deleted": _text(stored.purged_at),
            },
        )
