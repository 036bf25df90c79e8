"""The notice to a resident that compulsory legal process asks the City for their data
(M.G.L. c. 66A §2(k)): a letter (HTML and a tagged PDF) and an email carrying it.

The letter's wording is the `legal_process_notice` LetterTemplate, rendered by the letters'
sandboxed engine with the plain values of NOTICE_VARIABLES below (a context of its own: the request
letters' variables mean nothing here). The email is sent by a Celery task once the recording
commits; `notice_emailed_at` records that it went, so a retried task never sends it twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal import crypto
from portal.disclosures.models import LegalProcess, LegalProcessKind
from portal.files.services import stored_file_read
from portal.identity.selectors import profile_name
from requests import letters
from requests.models import LetterKind

# The variables the notice's wording may use, with what each holds.
NOTICE_VARIABLES = {
    "resident_name": gettext_lazy("the resident's name"),
    "kind": gettext_lazy("what was served, with “a”: “a subpoena”, “a court order”"),
    "issuer": gettext_lazy("who issued it"),
    "issuer_reference": gettext_lazy("its docket or reference number (may be empty)"),
    "served_date": gettext_lazy("the day it was served on the City (a date)"),
    "data_sought": gettext_lazy("the information it asks for"),
    "release_not_before": gettext_lazy("the first day anything may be released (a date)"),
    "letter_date": gettext_lazy("today (a date)"),
    "city_name": gettext_lazy("the City's name"),
    "rao_email": gettext_lazy("the Records Access Officer's email address"),
    "rao_phone": gettext_lazy("the Records Access Officer's phone number"),
}

KIND_PHRASES = {
    LegalProcessKind.SUBPOENA: gettext_lazy("a subpoena"),
    LegalProcessKind.COURT_ORDER: gettext_lazy("a court order"),
    LegalProcessKind.OTHER: gettext_lazy("a legal order"),
}


def resident_name(user: Any) -> str:
    """The name a letter is addressed to: the legal name in the profile, else the account's."""
    name = profile_name(user=user)
    return str(name) if name else (user.get_full_name() or user.email)


def notice_context(*, legal_process: LegalProcess) -> dict[str, Any]:
    return {
        "resident_name": resident_name(legal_process.subject),
        "kind": str(KIND_PHRASES[LegalProcessKind(legal_process.kind)]),
        "issuer": legal_process.issuer,
        "issuer_reference": legal_process.issuer_reference,
        "served_date": legal_process.served_on,
        "data_sought": legal_process.data_sought,
        "release_not_before": legal_process.release_not_before,
        "letter_date": timezone.localdate(),
        "city_name": settings.CITY_NAME,
        "rao_email": settings.RECORDS_ACCESS_OFFICER_EMAIL,
        "rao_phone": settings.RECORDS_ACCESS_OFFICER_PHONE,
    }


@dataclass(frozen=True)
class RenderedNotice:
    title: str
    fragment: str
    pdf: bytes


def notice_render(*, legal_process: LegalProcess) -> RenderedNotice:
    """The notice letter as an HTML fragment and a tagged PDF of the same HTML."""
    template = letters.letter_template_for(LetterKind.LEGAL_PROCESS_NOTICE)
    context = notice_context(legal_process=legal_process)
    body = letters.render_sandboxed(template.body, context)
    fragment = render_to_string(
        "disclosures/letters/notice_fragment.html",
        {"title": template.title, "body": body, "letter": context},
    )
    pdf = letters.letter_pdf(
        document=letters.letter_document(title=template.title, fragment=fragment)
    )
    return RenderedNotice(title=template.title, fragment=fragment, pdf=pdf)


def notice_html(*, legal_process: LegalProcess) -> str:
    """The stored letter's HTML fragment, decrypted. Callers have checked who may read it."""
    if not legal_process.notice_html_encrypted:
        return ""
    decrypted = crypto.decrypt(bytes(legal_process.notice_html_encrypted)).decode()
    # The fragment is this module's own escaped output, stored encrypted since it was rendered.
    return mark_safe(decrypted)  # noqa: S308


def notice_email_schedule(*, legal_process: LegalProcess) -> None:
    """Enqueue the email once the recording commits (never for a rolled-back one)."""
    legal_process_id = legal_process.pk

    def enqueue() -> None:
        from tasks.disclosures import send_legal_process_notice

        send_legal_process_notice.delay(legal_process_id)

    transaction.on_commit(enqueue)


def notice_email_send(*, legal_process_id: int) -> bool:
    """Email the resident the notice with its PDF. False when there is nothing to send: no such
    process, no letter yet, or the email already went."""
    legal_process = (
        LegalProcess.objects.select_related("subject", "notice_letter")
        .filter(pk=legal_process_id)
        .first()
    )
    if (
        legal_process is None
        or legal_process.notice_emailed_at is not None
        or legal_process.notice_letter is None
    ):
        return False
    subject_user = legal_process.subject
    context = {
        "name": resident_name(subject_user),
        "kind": str(KIND_PHRASES[LegalProcessKind(legal_process.kind)]),
        "legal_process": legal_process,
        "city_name": settings.CITY_NAME,
        "rao_email": settings.RECORDS_ACCESS_OFFICER_EMAIL,
        "rao_phone": settings.RECORDS_ACCESS_OFFICER_PHONE,
    }
    message = EmailMessage(
        subject=_("%(prefix)sA subpoena or court order asks for your information")
        % {"prefix": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX},
        body=render_to_string("disclosures/email/legal_process_notice.txt", context),
        to=[subject_user.email],
        reply_to=[settings.RECORDS_ACCESS_OFFICER_EMAIL],
    )
    message.attach(
        f"notice-{legal_process.served_on:%Y-%m-%d}.pdf",
        stored_file_read(legal_process.notice_letter),
        "application/pdf",
    )
    message.send(fail_silently=False)
    LegalProcess.objects.filter(pk=legal_process_id, notice_emailed_at__isnull=True).update(
        notice_emailed_at=timezone.now()
    )
    return True
