"""What a resident is told beside each form that collects personal data: what it will be used
for, whether they must give it, and what happens if they do not (informed consent, as in
801 CMR 3.00 and M.G.L. c. 66A §2(j)). The wording lives here, keyed by form, so it is kept in
one place; templates show it with `{% collection_notice "<key>" %}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class CollectionNotice:
    purpose: Promise
    required: Promise
    consequence: Promise


_OPTIONAL = _("No. You can leave this out.")
_PROFILE_OPTIONAL_CONSEQUENCE = _(
    "We may find fewer of your records, or need to ask you more questions later."
)

NOTICES: dict[str, CollectionNotice] = {
    # The resident's profile.
    "profile_name": CollectionNotice(
        purpose=_(
            "City departments file records by name. We use it to find the records the City "
            "holds about you, and to check who you are."
        ),
        required=_("Yes, your first and last name. The other names are optional."),
        consequence=_("We cannot look for your records or check who you are."),
    ),
    "profile_date_of_birth": CollectionNotice(
        purpose=_("It tells you apart from other people with the same name in City records."),
        required=_("Yes, to ask for your records or a code by post."),
        consequence=_(
            "We cannot tell your records from those of someone with the same name, so we "
            "cannot look for them."
        ),
    ),
    "profile_address": CollectionNotice(
        purpose=_("Many City records are filed by address. We use it to find yours."),
        required=_OPTIONAL,
        consequence=_PROFILE_OPTIONAL_CONSEQUENCE,
    ),
    "profile_previous_address": CollectionNotice(
        purpose=_("Older City records carry the address you had then. We use it to find them."),
        required=_OPTIONAL,
        consequence=_("We may not find records from when you lived there."),
    ),
    "profile_phone": CollectionNotice(
        purpose=_("Only to call you about your requests if email does not work."),
        required=_OPTIONAL,
        consequence=_("We contact you by email only."),
    ),
    "profile_language": CollectionNotice(
        purpose=_("To write to you in your language when we have a translation."),
        required=_("No. We write in English unless you choose another language."),
        consequence=_("We write to you in English."),
    ),
    "profile_identifier": CollectionNotice(
        purpose=_("A department uses the number to find your records exactly."),
        required=_OPTIONAL,
        consequence=_PROFILE_OPTIONAL_CONSEQUENCE,
    ),
    # Requests.
    "request_kind": CollectionNotice(
        purpose=_("It tells us what you are asking for, and which law gives the time limits."),
        required=_("Yes."),
        consequence=_("We cannot start your request."),
    ),
    "request_about": CollectionNotice(
        purpose=_(
            "To understand your request and search the right records. Staff working on your "
            "request read it."
        ),
        required=_("No, for most requests. For a correction, tell us what is wrong."),
        consequence=_("We search every department for everything about you."),
    ),
    "request_departments": CollectionNotice(
        purpose=_("To ask those departments first."),
        required=_OPTIONAL,
        consequence=_("We ask every department."),
    ),
    "request_delivery": CollectionNotice(
        purpose=_("To send you the answer the way you want it."),
        required=_("Yes."),
        consequence=_("We cannot send you your answer."),
    ),
    "request_reply": CollectionNotice(
        purpose=_(
            "Staff working on your request read what you write and the documents you send, and "
            "use them only for this request."
        ),
        required=_("No, unless we asked you a question. Then we wait for your answer."),
        consequence=_(
            "If we asked a question, the time limit stays stopped and we may not be able to "
            "finish your request."
        ),
    ),
    # Proving who you are.
    "correction_proposal": CollectionNotice(
        purpose=_(
            "The department that holds the information reads what you write and the documents "
            "you send, to decide whether to correct it. They are kept with this request."
        ),
        required=_("Yes, what should change and why. Documents are optional."),
        consequence=_("The department cannot decide on your correction."),
    ),
    "correction_appeal": CollectionNotice(
        purpose=_("The City's privacy officer reads it to decide your appeal."),
        required=_("Yes, to appeal."),
        consequence=_("The department's decision stands."),
    ),
    "correction_statement": CollectionNotice(
        purpose=_(
            "The City keeps your statement with the information it is about, shows it to staff "
            "who see that information, and sends it whenever the information is released or "
            "shared."
        ),
        required=_("No."),
        consequence=_("Only the department's decision is kept with the information."),
    ),
    "identity_name": CollectionNotice(
        purpose=_("We compare it with the name on your bill or ID. We save it in your profile."),
        required=_("Yes, your first and last name."),
        consequence=_("We cannot check who you are this way."),
    ),
    "identity_account_kind": CollectionNotice(
        purpose=_("To know which department to ask about your bill."),
        required=_("Yes, to prove who you are with a bill."),
        consequence=_("You can prove who you are another way: a code by post or a photo ID."),
    ),
    "identity_account_number": CollectionNotice(
        purpose=_(
            "The department checks the number against its records. If the check works, we "
            "save the number in your profile to find your records."
        ),
        required=_("Yes, to prove who you are with a bill."),
        consequence=_("You can prove who you are another way: a code by post or a photo ID."),
    ),
    "identity_account_amount": CollectionNotice(
        purpose=_(
            "Only someone with the bill knows the amount. We ask the department whether it "
            "matches, and keep it with your try."
        ),
        required=_("Yes, to prove who you are with a bill."),
        consequence=_("You can prove who you are another way: a code by post or a photo ID."),
    ),
    "identity_document": CollectionNotice(
        purpose=_(
            "A clerk who checks IDs compares it with your name. We keep it locked and delete it "
            "soon after the clerk decides."
        ),
        required=_("No. It is one way to prove who you are for private records."),
        consequence=_(
            "You can show your ID at the counter at City Hall instead. Without proof at this "
            "level, we cannot give you private records."
        ),
    ),
    # Codes by post.
    "postal_code_request": CollectionNotice(
        purpose=_(
            "We use your name and date of birth to find the address the City has on record "
            "for you, and mail the code there."
        ),
        required=_("Yes, to get a code by post."),
        consequence=_("You can prove who you are another way: a bill or a photo ID."),
    ),
    "postal_address": CollectionNotice(
        purpose=_(
            "A clerk compares it with the City's records before any letter is mailed. It is "
            "never used without that check."
        ),
        required=_("No."),
        consequence=_("A clerk can only use an address found in the City's own records."),
    ),
    # Acting for someone else.
    "representative_ask": CollectionNotice(
        purpose=_(
            "A clerk uses these details and your proof to decide whether you may act for the "
            "person, and to find the right person. We may tell them you asked."
        ),
        required=_("Yes, except their email address, which is optional."),
        consequence=_("We cannot accept your request to act for them."),
    ),
}


def collection_notice(key: str) -> CollectionNotice:
    """The notice for the form named `key` (KeyError for a form nobody wrote a notice for)."""
    return NOTICES[key]
