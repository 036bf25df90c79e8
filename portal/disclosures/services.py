"""Writes for disclosures outside the City (M.G.L. c. 66A §2(c), (f)) and compulsory legal process
(§2(k)).

- A disclosure needs its legal basis: the law relied on, or the resident's written consent
  (uploaded). Law enforcement also needs its written request. Each one writes a row in the access
  log (§2(f)) and an audit event.
- A subpoena or order is recorded with the notice to the resident in the same step; nothing it
  seeks may be released before the notice period has passed, unless a court order dispensing with
  notice is recorded. A release is a disclosure like any other, made only through
  `legal_process_release`.

Validation errors name the field they belong to, so the pages show each beside its field.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import crypto
from portal.access.models import AccessAction
from portal.access.scope import may_record_disclosures
from portal.access.services import access_record
from portal.accounts.models import User
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.disclosures import notices
from portal.disclosures.models import (
    Disclosure,
    DisclosureBasis,
    LegalProcess,
    RecipientKind,
    WithdrawalKind,
)
from portal.disclosures.selectors import legal_process_blocking
from portal.disclosures.validation import (
    LEGAL_BASIS_MAX,
    ORDER_REFERENCE_MAX,
    check_text,
    disclosure_checked,
    legal_process_checked,
    release_checked,
)
from portal.files.models import DOCUMENT_KINDS, FileKind
from portal.files.services import stored_file_create
from requests.calendar import business_calendar
from requests.corrections.selectors import statements_for_subject
from requests.models import Department


def _long_date(day: date) -> str:
    return date_format(day, "j F Y")


def _require_recorder(actor: Any) -> None:
    if not may_record_disclosures(actor):
        raise PermissionDenied("only clerks and the privacy officer record disclosures")


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _same_name(first: str, second: str) -> bool:
    return " ".join(first.casefold().split()) == " ".join(second.casefold().split())


def _waiting_legal_process_errors(
    *, subject: User, recipient_name: str, basis: str
) -> dict[str, list[str]]:
    """A subpoena's or order's issuer gets the resident's data only through that legal process,
    once its notice period has passed (c. 66A §2(k)): not as an ordinary disclosure meanwhile.
    The resident's own written consent is theirs to give."""
    if basis == DisclosureBasis.CONSENT:
        return {}
    for process in legal_process_blocking(subject=subject):
        if _same_name(process.issuer, recipient_name):
            until = process.release_not_before
            return {
                "recipient_name": [
                    _(
                        "%(issuer)s served a subpoena or court order for this resident's data, "
                        "and the resident's time to respond runs until %(date)s. Release it "
                        "from that legal process's page once the time has passed, not as a "
                        "separate disclosure."
                    )
                    % {
                        "issuer": process.issuer,
                        "date": date_format(until, "j F Y") if until else _("notice is sent"),
                    }
                ]
            }
    return {}


def _store_upload(*, upload: UploadedFile, purpose: str, actor: Any, field: str) -> Any:
    """Check the upload by its content and keep it encrypted; its problems belong to `field`."""
    try:
        return stored_file_create(
            upload=upload, purpose=purpose, uploaded_by=actor, allowed=DOCUMENT_KINDS
        )
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


# --- Disclosures ----------------------------------------------------------------------------


def _disclosure_create(
    *,
    actor: Any,
    subject: User,
    recipient_name: str,
    recipient_kind: str,
    basis: str,
    legal_basis: str,
    consent_document: Any,
    written_request_reference: str,
    intended_use: str,
    data_disclosed: str,
    departments: Iterable[Department],
    disclosed_on: date,
    legal_process: LegalProcess | None = None,
) -> Disclosure:
    disclosure = Disclosure.objects.create(
        subject=subject,
        recipient_name=recipient_name,
        recipient_kind=recipient_kind,
        basis=basis,
        legal_basis=legal_basis,
        consent_document=consent_document,
        written_request_reference=written_request_reference,
        intended_use=intended_use,
        data_disclosed=data_disclosed,
        legal_process=legal_process,
        disclosed_on=disclosed_on,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    department_list = list(departments)
    disclosure.departments.set(department_list)
    disclosure.statements_sent = statements_to_send(
        subject_id=subject.pk, department_ids=[department.pk for department in department_list]
    )
    disclosure.save(update_fields=["statements_sent"])
    access_record(
        actor=actor,
        subject=subject,
        item="disclosure",
        action=AccessAction.DISCLOSURE,
        obj=disclosure,
        disclosure=disclosure,
    )
    audit_record(
        action="disclosure.recorded",
        category=AuditCategory.RECORD,
        actor=actor,
        obj=disclosure,
        details={
            "subject_id": subject.pk,
            "recipient_kind": recipient_kind,
            "basis": basis,
            "department_ids": sorted(department.pk for department in department_list),
            "consent_document": bool(consent_document),
            "legal_process_id": legal_process.pk if legal_process else None,
            "disclosed_on": disclosed_on.isoformat(),
            "statement_ids": disclosure.statements_sent,
        },
    )
    return disclosure


def statements_to_send(*, subject_id: int, department_ids: list[int]) -> list[int]:
    """The ids of the resident's statements of disagreement that go with a disclosure of data
    from these departments (c. 66A §2(j)). A disclosure naming no department may carry data of
    any, so it carries every statement of the resident."""
    return list(
        statements_for_subject(
            subject_id=subject_id, department_ids=department_ids or None
        ).values_list("pk", flat=True)
    )


def disclosure_check(**fields: Any) -> dict[str, list[str]]:
    """What `disclosure_record` would refuse, by field, without recording anything (so a page can
    show every problem at once, even beside fields it could not read)."""
    return disclosure_checked(**fields).errors


@transaction.atomic
def disclosure_record(
    *,
    actor: User,
    subject: User,
    recipient_name: str,
    recipient_kind: str,
    basis: str,
    legal_basis: str,
    consent_file: UploadedFile | None = None,
    written_request_reference: str,
    intended_use: str,
    data_disclosed: str,
    departments: Iterable[Department],
    disclosed_on: date | None,
) -> Disclosure:
    """Record that a resident's data was given to someone outside the City, with its basis."""
    _require_recorder(actor)
    checked = disclosure_checked(
        subject=subject,
        recipient_name=recipient_name,
        recipient_kind=recipient_kind,
        basis=basis,
        legal_basis=legal_basis,
        consent_file=consent_file,
        written_request_reference=written_request_reference,
        intended_use=intended_use,
        data_disclosed=data_disclosed,
        disclosed_on=disclosed_on,
    )
    _raise(checked.errors)
    _raise(
        _waiting_legal_process_errors(subject=subject, recipient_name=recipient_name, basis=basis)
    )
    consent_document = None
    if basis == DisclosureBasis.CONSENT:
        consent_document = _store_upload(
            upload=consent_file, purpose="disclosure_consent", actor=actor, field="consent_file"
        )
    return _disclosure_create(
        actor=actor,
        subject=subject,
        recipient_kind=recipient_kind,
        basis=basis,
        consent_document=consent_document,
        departments=departments,
        disclosed_on=disclosed_on,
        **checked.values,
    )


# --- Compulsory legal process ---------------------------------------------------------------


def _notice_send(*, legal_process: LegalProcess, actor: User) -> None:
    """The notice letter, kept encrypted, and the email carrying it once this step commits. The
    waiting period runs from the day of the notice."""
    now = timezone.now()
    legal_process.release_not_before = business_calendar().add_business_days(
        timezone.localdate(now), legal_process.notice_period_business_days
    )
    rendered = notices.notice_render(legal_process=legal_process)
    legal_process.notice_letter = stored_file_create(
        upload=SimpleUploadedFile(
            f"legal-process-{legal_process.pk}-notice.pdf", rendered.pdf, "application/pdf"
        ),
        purpose="legal_process_notice",
        uploaded_by=actor,
        allowed={FileKind.PDF},
        max_bytes=max(settings.UPLOAD_MAX_BYTES, len(rendered.pdf)),
    )
    legal_process.notice_html_encrypted = crypto.encrypt(rendered.fragment.encode())
    legal_process.notice_sent_at = now
    legal_process.save(
        update_fields=[
            "release_not_before",
            "notice_letter",
            "notice_html_encrypted",
            "notice_sent_at",
        ]
    )
    audit_record(
        action="legal_process.notice_sent",
        category=AuditCategory.STATE_CHANGE,
        actor=actor,
        obj=legal_process,
        fields=["release_not_before", "notice_letter", "notice_sent_at"],
        details={
            "subject_id": legal_process.subject_id,
            "notice_letter_id": str(legal_process.notice_letter.pk),
            "release_not_before": legal_process.release_not_before.isoformat(),
        },
    )
    notices.notice_email_schedule(legal_process=legal_process)


def legal_process_check(**fields: Any) -> dict[str, list[str]]:
    """What `legal_process_record` would refuse, by field, without recording anything."""
    return legal_process_checked(**fields).errors


@transaction.atomic
def legal_process_record(
    *,
    actor: User,
    subject: User,
    kind: str,
    issuer: str,
    issuer_reference: str,
    served_on: date | None,
    data_sought: str,
    departments: Iterable[Department],
) -> LegalProcess:
    """Record a subpoena or order served on the City, and notify the resident in the same step."""
    _require_recorder(actor)
    checked = legal_process_checked(
        subject=subject,
        kind=kind,
        issuer=issuer,
        issuer_reference=issuer_reference,
        served_on=served_on,
        data_sought=data_sought,
    )
    _raise(checked.errors)
    legal_process = LegalProcess.objects.create(
        subject=subject,
        kind=kind,
        served_on=served_on,
        **checked.values,
        notice_period_business_days=settings.LEGAL_PROCESS_NOTICE_BUSINESS_DAYS,
        recorded_by=actor,
        recorded_at=timezone.now(),
    )
    department_list = list(departments)
    legal_process.departments.set(department_list)
    audit_record(
        action="legal_process.recorded",
        category=AuditCategory.RECORD,
        actor=actor,
        obj=legal_process,
        details={
            "subject_id": subject.pk,
            "kind": kind,
            "served_on": served_on.isoformat(),
            "department_ids": sorted(department.pk for department in department_list),
            "notice_period_business_days": legal_process.notice_period_business_days,
        },
    )
    _notice_send(legal_process=legal_process, actor=actor)
    return legal_process


def _locked(legal_process: LegalProcess) -> LegalProcess:
    """The row, locked until the transaction ends, so two staff acting at once cannot both
    release (or release one that is being withdrawn)."""
    return (
        LegalProcess.objects.select_for_update().select_related("subject").get(pk=legal_process.pk)
    )


def _refuse_if_finished(locked: LegalProcess) -> None:
    if locked.withdrawn_at is not None:
        raise ValidationError(
            _("It was withdrawn or quashed on %(day)s. Nothing may be released.")
            % {"day": _long_date(timezone.localdate(locked.withdrawn_at))},
            code="withdrawn",
        )
    if locked.released_at is not None:
        raise ValidationError(
            _("The information was already released on %(day)s.")
            % {"day": _long_date(timezone.localdate(locked.released_at))},
            code="released",
        )


def _refresh(legal_process: LegalProcess, locked: LegalProcess) -> None:
    """Give the caller's instance the values just saved."""
    for field in locked._meta.concrete_fields:
        setattr(legal_process, field.attname, getattr(locked, field.attname))


@transaction.atomic
def legal_process_dispense_notice(
    *,
    actor: User,
    legal_process: LegalProcess,
    order_reference: str,
    order_file: UploadedFile | None,
) -> LegalProcess:
    """Record a court order dispensing with notice: release no longer waits for the period."""
    _require_recorder(actor)
    locked = _locked(legal_process)
    _refuse_if_finished(locked)
    if locked.notice_dispensed_at is not None:
        raise ValidationError(
            _("A court order dispensing with notice is already recorded."), code="dispensed"
        )
    errors: dict[str, list[str]] = {}
    order_reference = check_text(
        errors,
        "order_reference",
        order_reference,
        required=_("Enter the court and docket number of the order."),
        max_length=ORDER_REFERENCE_MAX,
    )
    if not order_file:
        errors.setdefault("order_file", []).append(
            _("Upload a copy of the order (a PDF, JPEG or PNG file).")
        )
    _raise(errors)
    locked.dispensing_order_document = _store_upload(
        upload=order_file, purpose="legal_process_order", actor=actor, field="order_file"
    )
    locked.dispensing_order_reference = order_reference
    locked.notice_dispensed_at = timezone.now()
    locked.dispensing_recorded_by = actor
    locked.save(
        update_fields=[
            "dispensing_order_document",
            "dispensing_order_reference",
            "notice_dispensed_at",
            "dispensing_recorded_by",
        ]
    )
    audit_record(
        action="legal_process.notice_dispensed",
        category=AuditCategory.STATE_CHANGE,
        actor=actor,
        obj=locked,
        fields=["dispensing_order_document", "dispensing_order_reference", "notice_dispensed_at"],
        details={
            "subject_id": locked.subject_id,
            "order_document_id": str(locked.dispensing_order_document.pk),
        },
    )
    _refresh(legal_process, locked)
    return legal_process


def legal_process_release_check(
    *,
    legal_process: LegalProcess,
    data_disclosed: str,
    intended_use: str,
    disclosed_on: date | None,
) -> dict[str, list[str]]:
    """What `legal_process_release` would refuse in what was entered, by field, without
    releasing (whether release is allowed yet is the service's own first question)."""
    return release_checked(
        data_disclosed=data_disclosed,
        intended_use=intended_use,
        disclosed_on=disclosed_on,
        allowed_from=release_allowed_from(legal_process),
        served_on=legal_process.served_on,
    ).errors


def release_allowed_from(legal_process: LegalProcess) -> date | None:
    """The first day the data may be released; None when a court dispensed with notice."""
    if legal_process.notice_dispensed_at is not None:
        return None
    return legal_process.release_not_before


@transaction.atomic
def legal_process_release(
    *,
    actor: User,
    legal_process: LegalProcess,
    data_disclosed: str,
    intended_use: str,
    disclosed_on: date | None,
) -> Disclosure:
    """Give the issuer what it seeks, once the resident has had the notice period (or a court
    dispensed with notice). Recorded as a disclosure, with its access-log row."""
    _require_recorder(actor)
    locked = _locked(legal_process)
    _refuse_if_finished(locked)
    today = timezone.localdate()
    allowed_from = release_allowed_from(locked)
    if locked.notice_dispensed_at is None and (allowed_from is None or today < allowed_from):
        if allowed_from is None:
            raise ValidationError(
                _("The resident has not been sent the notice, so nothing may be released."),
                code="no_notice",
            )
        raise ValidationError(
            _(
                "Nothing may be released before %(day)s, so the resident has time to ask a court "
                "to quash it. Release is allowed from %(day)s, or earlier only if a court order "
                "dispensing with notice is recorded."
            )
            % {"day": _long_date(allowed_from)},
            code="notice_period",
        )
    checked = release_checked(
        data_disclosed=data_disclosed,
        intended_use=intended_use,
        disclosed_on=disclosed_on,
        allowed_from=allowed_from,
        served_on=locked.served_on,
    )
    _raise(checked.errors)
    data_disclosed, intended_use = checked.values["data_disclosed"], checked.values["intended_use"]
    reference = locked.issuer_reference
    disclosure = _disclosure_create(
        actor=actor,
        subject=locked.subject,
        recipient_name=locked.issuer,
        recipient_kind=RecipientKind.LEGAL_PROCESS,
        basis=DisclosureBasis.LEGAL_PROCESS,
        legal_basis=f"{locked.get_kind_display()} {reference}".strip()[:LEGAL_BASIS_MAX],
        consent_document=None,
        written_request_reference="",
        intended_use=intended_use,
        data_disclosed=data_disclosed,
        departments=locked.departments.all(),
        disclosed_on=disclosed_on,
        legal_process=locked,
    )
    locked.released_at = timezone.now()
    locked.save(update_fields=["released_at"])
    audit_record(
        action="legal_process.released",
        category=AuditCategory.STATE_CHANGE,
        actor=actor,
        obj=locked,
        fields=["released_at"],
        details={
            "subject_id": locked.subject_id,
            "disclosure_id": disclosure.pk,
            "notice_dispensed": locked.notice_dispensed_at is not None,
            "release_not_before": locked.release_not_before.isoformat()
            if locked.release_not_before
            else None,
        },
    )
    _refresh(legal_process, locked)
    return disclosure


@transaction.atomic
def legal_process_withdraw(
    *, actor: User, legal_process: LegalProcess, withdrawal_kind: str
) -> LegalProcess:
    """The process was quashed by a court or withdrawn by its issuer: nothing is released."""
    _require_recorder(actor)
    if withdrawal_kind not in WithdrawalKind.values:
        raise ValidationError(
            {"withdrawal_kind": [_("Choose whether a court quashed it or the issuer withdrew it.")]}
        )
    locked = _locked(legal_process)
    _refuse_if_finished(locked)
    locked.withdrawn_at = timezone.now()
    locked.withdrawal_kind = withdrawal_kind
    locked.withdrawn_by = actor
    locked.save(update_fields=["withdrawn_at", "withdrawal_kind", "withdrawn_by"])
    audit_record(
        action="legal_process.withdrawn",
        category=AuditCategory.STATE_CHANGE,
        actor=actor,
        obj=locked,
        fields=["withdrawn_at", "withdrawal_kind"],
        details={"subject_id": locked.subject_id, "withdrawal_kind": withdrawal_kind},
    )
    _refresh(legal_process, locked)
    return legal_process
