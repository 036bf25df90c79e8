"""What each access-log item code means, in words: a short label for staff (the access log and
its export) and a plain-language sentence for the resident's "Who has seen my data" page.

Codes are short and stable (they are stored in every row); the words can change without a
migration. A code missing here still shows, as itself, so a row is never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from portal.access.models import AccessAction
from portal.accounts.models import Role

if TYPE_CHECKING:
    from portal.access.models import AccessLogEntry


@dataclass(frozen=True)
class ItemWording:
    # For staff: what was seen, as a noun ("Request overview").
    staff: Any
    # For the resident: what the staff member did, after their name ("opened your request
    # {number}"). Placeholders: {number}, and for disclosures {data}, {recipient}, {basis}.
    resident: Any
    # For the resident: why, when no purpose was stated ("to work on your request {number}").
    why: Any = ""
    # For the resident, when the file was downloaded rather than looked at.
    resident_download: Any = None


ITEMS: dict[str, ItemWording] = {
    "request": ItemWording(
        staff=_("Request overview"),
        resident=_("opened your request {number}"),
        why=_("to answer your request {number}"),
    ),
    "request_messages": ItemWording(
        staff=_("Request messages"),
        resident=_("read the messages on your request {number}"),
        why=_("to answer your request {number}"),
    ),
    "request_history": ItemWording(
        staff=_("Request history and notes"),
        resident=_("looked at the history of your request {number}"),
        why=_("to answer your request {number}"),
    ),
    "request_letter": ItemWording(
        staff=_("Request letters"),
        resident=_("read the letters about your request {number}"),
        why=_("to answer your request {number}"),
    ),
    "request_letter_pdf": ItemWording(
        staff=_("Letter (PDF)"),
        resident=_("looked at a letter about your request {number}"),
        resident_download=_("downloaded a letter about your request {number}"),
        why=_("to answer your request {number}"),
    ),
    "review_records": ItemWording(
        staff=_("Records found for a request, in review"),
        resident=_("looked at the records the City found for your request {number}"),
        why=_("to answer your request {number}"),
    ),
    "request_document": ItemWording(
        staff=_("Document sent with a request"),
        resident=_("looked at a document sent with your request {number}"),
        resident_download=_("downloaded a document sent with your request {number}"),
        why=_("to answer your request {number}"),
    ),
    "identity_record": ItemWording(
        staff=_("Identity record"),
        resident=_("looked at how you proved who you are"),
        why=_("to check who you are"),
    ),
    "identity_document": ItemWording(
        staff=_("Uploaded photo ID"),
        resident=_("looked at the details of the photo ID you uploaded"),
        why=_("to check who you are"),
    ),
    "identity_document_image": ItemWording(
        staff=_("Photo ID image"),
        resident=_("looked at the photo ID you uploaded"),
        why=_("to check who you are"),
    ),
    "identity_override": ItemWording(
        staff=_("Identity override"),
        resident=_("looked at a request to accept who you are without a usual check"),
        why=_("to check who you are"),
    ),
    "representative_grant": ItemWording(
        staff=_("Request to act for a resident"),
        resident=_("looked at a request to let one person act for another, which names you"),
        why=_("to decide who may act for whom"),
    ),
    "representative_proof": ItemWording(
        staff=_("Proof of authority"),
        resident=_("looked at the proof sent with a request to let one person act for another"),
        resident_download=_(
            "downloaded the proof sent with a request to let one person act for another"
        ),
        why=_("to decide who may act for whom"),
    ),
    "mailed_code_review": ItemWording(
        staff=_("Mailed code: address review"),
        resident=_("checked which address to post your code to"),
        why=_("to send you a code by post"),
    ),
    "mailed_code_batch": ItemWording(
        staff=_("Mailed code: print batch"),
        resident=_("looked at the list of letters to post, which includes your code"),
        resident_download=_("printed the letter with your code, to post it to you"),
        why=_("to send you a code by post"),
    ),
    "disclosure": ItemWording(
        staff=_("Disclosure outside the City"),
        resident=_("gave {data} to {recipient} because {basis}"),
        why=_("{basis}"),
    ),
    "legal_process": ItemWording(
        staff=_("Subpoena or court order"),
        resident=_("looked at a subpoena or court order about your information"),
        why=_("to answer a subpoena or court order lawfully"),
    ),
    "legal_process_notice": ItemWording(
        staff=_("Notice of a subpoena or court order"),
        resident=_("looked at the notice we sent you about a subpoena or court order"),
        resident_download=_("downloaded the notice we sent you about a subpoena or court order"),
        why=_("to answer a subpoena or court order lawfully"),
    ),
    "work_item": ItemWording(
        staff=_("Department search for a request"),
        resident=_("searched their department's records for your request {number}"),
        why=_("to answer your request {number}"),
    ),
    "correction": ItemWording(
        staff=_("Proposed correction"),
        resident=_("looked at a change you asked for in request {number}"),
        why=_("to decide the change you asked for in request {number}"),
    ),
    "correction_evidence": ItemWording(
        staff=_("Evidence sent with a correction"),
        resident=_("looked at a document you sent with request {number}"),
        resident_download=_("downloaded a document you sent with request {number}"),
        why=_("to decide the change you asked for in request {number}"),
    ),
    "correction_appeal": ItemWording(
        staff=_("Appeal of a denied correction"),
        resident=_("looked at your appeal of a decision on request {number}"),
        why=_("to decide your appeal"),
    ),
    "correction_notices": ItemWording(
        staff=_("Notices to recipients of corrected data"),
        resident=_(
            "looked at the list of organisations to tell that your information was corrected "
            "or that you disagree with it"
        ),
        why=_("to tell those who were given your information about the correction"),
    ),
    "release_package": ItemWording(
        staff=_("Released records (download)"),
        resident=_("downloaded the records released for your request {number}"),
        resident_download=_("downloaded the records released for your request {number}"),
        why=_("to receive the records asked for in request {number}"),
    ),
    "consent_document": ItemWording(
        staff=_("Written consent to share"),
        resident=_("looked at the consent you signed to share your information"),
        resident_download=_("downloaded the consent you signed to share your information"),
        why=_("to check that you agreed to share your information"),
    ),
}

# Who the staff member is, for the resident: "Carol Clark, Records Access Office clerk".
ROLE_PHRASES = {
    Role.CLERK: _("Records Access Office clerk"),
    Role.STEWARD: _("department records steward"),
    Role.PRIVACY_OFFICER: _("the City's privacy officer"),
    Role.AUDITOR: _("auditor"),
    Role.RESIDENT: _("resident"),
}


# Why it was given outside the City, inside a sentence: "... because a law or regulation allows it".
BASIS_PHRASES = {
    "law": _("a law or regulation allows it"),
    "consent": _("you agreed to it in writing"),
    "legal_process": _("a subpoena or court order required it"),
}


def staff_label(item: str) -> str:
    wording = ITEMS.get(item)
    return str(wording.staff) if wording else item


def _fill(template: Any, values: dict[str, str]) -> str:
    """Placeholders missing from `values` stay empty rather than failing the page."""
    text = str(template)
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def _values(entry: AccessLogEntry) -> dict[str, str]:
    values = {"number": entry.request.number if entry.request_id else ""}
    disclosure = entry.disclosure if entry.disclosure_id else None
    if disclosure is not None:
        basis = str(BASIS_PHRASES.get(disclosure.basis, disclosure.get_basis_display()))
        if disclosure.legal_basis:
            basis = f"{basis} ({disclosure.legal_basis})"
        values.update(
            {
                "data": disclosure.data_disclosed,
                "recipient": disclosure.recipient_name,
                "basis": basis,
            }
        )
    else:
        values.update({"data": "", "recipient": "", "basis": ""})
    return values


def resident_sentence(entry: AccessLogEntry) -> str:
    """What the staff member did, in words for the resident (after "who")."""
    wording = ITEMS.get(entry.item)
    if wording is None:
        return str(_("looked at your information ({item})")).replace("{item}", entry.item)
    template = wording.resident
    if entry.action == AccessAction.DOWNLOAD and wording.resident_download:
        template = wording.resident_download
    elif entry.action == AccessAction.EXPORT:
        template = str(_("exported your information ({item})")).replace(
            "{item}", str(wording.staff).lower()
        )
    text = _fill(template, _values(entry))
    # A request's pages without a request attached (never expected) read without the number.
    return text.replace("  ", " ").strip()


def resident_reason(entry: AccessLogEntry) -> str:
    """Why, in words for the resident: the purpose the staff member stated, else the usual one."""
    if entry.purpose:
        return entry.purpose
    wording = ITEMS.get(entry.item)
    if wording is None or not wording.why:
        return ""
    return _fill(wording.why, _values(entry)).strip()


def actor_description(entry: AccessLogEntry) -> str:
    """ "Carol Clark, Records Access Office clerk"; the role is the one they had at the time."""
    if entry.actor_id is None:
        return str(_("The portal itself"))
    actor = entry.actor
    name = actor.get_full_name().strip() or str(_("A City staff member"))
    phrase = ROLE_PHRASES.get(entry.actor_role)
    return f"{name}, {phrase}" if phrase else name
