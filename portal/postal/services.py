"""Writes for codes by post: asking, finding the address of record, a clerk's decisions, the
print batch and entering the code. Nothing else changes a MailedCode's status.

The letter goes only to an address from the City's own records, or to an address the resident
typed once a clerk approved it with a written reason. The resident never sees the address of
record before the letter arrives: receiving it is what proves them.
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.files.models import FileKind
from portal.files.services import stored_file_create, stored_file_read, stored_file_schedule_purge
from portal.identity.models import IdentityLevel, VerificationMethod
from portal.identity.selectors import identity_level
from portal.identity.services import identity_verification_record
from portal.policies.stamp import stamp
from portal.postal.codes import (
    code_display,
    code_generate,
    code_hash,
    code_is_well_formed,
    code_matches,
    code_normalise,
)
from portal.postal.letters import PrintedLetter, letters_pdf
from portal.postal.lookup import LookupOutcome, address_of_record_lookup, resident_of
from portal.postal.matching import PersonFound
from portal.postal.models import (
    AddressCandidate,
    AddressOrigin,
    MailedCode,
    MailedCodeStatus,
    PrintBatch,
    PrintBatchDownload,
    ReviewReason,
)
from portal.postal.selectors import (
    mailed_code_open,
    mailed_code_requests_recent,
    postal_profile_details,
    postal_staff_may_manage,
)

BATCH_FILE_PURPOSE = "postal-print-batch"


class PostalError(Exception):
    """A refusal with a message for the person who asked."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


def _staff_required(user: Any) -> None:
    if not postal_staff_may_manage(user=user):
        raise PermissionDenied("only clerks and the privacy officer handle codes by post")


# --- Asking ---------------------------------------------------------------------------------


@transaction.atomic
def mailed_code_request(*, user: Any) -> MailedCode:
    """The resident asks for a code by post, with the name and date of birth in their profile.

    One open request at a time, at most POSTAL_REQUESTS_PER_30_DAYS in 30 days. The address
    lookup runs in a task once this commits.
    """
    # Lock the account so two quick submissions cannot both pass the limits.
    User.objects.select_for_update().filter(pk=user.pk).first()
    details = postal_profile_details(user=user)
    if not details.is_complete:
        raise PostalError(
            _("Add your full name and date of birth to your profile first."),
            code="profile_incomplete",
        )
    if identity_level(user=user) >= IdentityLevel.REMOTE:
        raise PostalError(
            _("We have already confirmed who you are. You do not need a code."),
            code="already_verified",
        )
    if mailed_code_open(user=user) is not None:
        raise PostalError(
            _("You have already asked for a code. You can only have one letter at a time."),
            code="already_open",
        )
    if mailed_code_requests_recent(user=user) >= settings.POSTAL_REQUESTS_PER_30_DAYS:
        raise PostalError(
            _(
                "You have asked for a code too many times in the last 30 days. Try again later, "
                "or contact the Records Access Officer."
            ),
            code="too_many",
        )
    mailed_code = MailedCode.objects.create(
        user=user,
        first_name=details.first_name,
        middle_name=details.middle_name,
        last_name=details.last_name,
        suffix=details.suffix,
        date_of_birth=details.date_of_birth,  # is_complete: never None here
    )
    audit_record(
        action="postal.code_requested",
        category=AuditCategory.RECORD,
        actor=user,
        obj=mailed_code,
        details={"user_id": user.pk},
    )
    _enqueue_lookup(mailed_code)
    return mailed_code


def _enqueue_lookup(mailed_code: MailedCode) -> None:
    from tasks.postal import find_address_of_record

    mailed_code_id = str(mailed_code.id)
    transaction.on_commit(lambda: find_address_of_record.delay(mailed_code_id))


# --- Finding the address of record ----------------------------------------------------------


def mailed_code_find_address(*, mailed_code_id: str) -> MailedCode | None:
    """Look the resident up and settle where the letter goes, or send the request to a clerk.

    Idempotent: a request no longer waiting for its lookup is left alone (returns None).
    """
    mailed_code = MailedCode.objects.filter(
        pk=mailed_code_id, status=MailedCodeStatus.FINDING
    ).first()
    if mailed_code is None:
        return None
    # The sources are asked outside any transaction; the result is written with compare-and-set.
    outcome = address_of_record_lookup(resident=resident_of(mailed_code))
    return _lookup_outcome_record(mailed_code_id=mailed_code_id, outcome=outcome)


@transaction.atomic
def _lookup_outcome_record(*, mailed_code_id: str, outcome: LookupOutcome) -> MailedCode | None:
    mailed_code = (
        MailedCode.objects.select_for_update()
        .filter(pk=mailed_code_id, status=MailedCodeStatus.FINDING)
        .first()
    )
    if mailed_code is None:
        return None
    mailed_code.candidates.all().delete()
    full = outcome.full_matches
    if outcome.error:
        mailed_code.status = MailedCodeStatus.NEEDS_REVIEW
        mailed_code.review_reason = ReviewReason.LOOKUP_FAILED
        mailed_code.lookup_error = outcome.error
    elif len(full) == 1:
        person = full[0]
        _address_set(
            mailed_code,
            origin=AddressOrigin.RECORD,
            source=person.source,
            record_key=person.record_key,
            lines=(
                person.text("address_line1"),
                person.text("address_line2"),
                person.text("city"),
                person.text("state"),
                person.text("postal_code"),
            ),
        )
        mailed_code.status = MailedCodeStatus.READY
        mailed_code.review_reason = ""
        mailed_code.lookup_error = ""
    else:
        AddressCandidate.objects.bulk_create(
            _candidate(mailed_code, person) for person in outcome.persons
        )
        mailed_code.status = MailedCodeStatus.NEEDS_REVIEW
        mailed_code.lookup_error = ""
        if mailed_code.has_typed_address:
            mailed_code.review_reason = ReviewReason.TYPED_ADDRESS
        elif full:
            mailed_code.review_reason = ReviewReason.SEVERAL_MATCHES
        else:
            mailed_code.review_reason = ReviewReason.NO_MATCH
    mailed_code.save()
    audit_record(
        action="postal.address_looked_up",
        category=AuditCategory.STATE_CHANGE,
        obj=mailed_code,
        details={
            "user_id": mailed_code.user_id,
            "to_status": str(mailed_code.status),
            "review_reason": str(mailed_code.review_reason),
            "candidates": len(outcome.persons) if not outcome.error else 0,
        },
    )
    return mailed_code


def mailed_code_lookup_failed(*, mailed_code_id: str, message: str) -> MailedCode | None:
    """The sources kept failing: hand the request to a clerk with the last error."""
    return _lookup_outcome_record(
        mailed_code_id=mailed_code_id, outcome=LookupOutcome(error=message)
    )


def _candidate(mailed_code: MailedCode, person: PersonFound) -> AddressCandidate:
    return AddressCandidate(
        mailed_code=mailed_code,
        source=person.source[:60],
        record_key=person.record_key[:200],
        person_key=person.person_key[:200],
        match=person.match,
        first_name=person.text("first_name")[:100],
        middle_name=person.text("middle_name")[:100],
        last_name=person.text("last_name")[:100],
        suffix=person.text("suffix")[:20],
        date_of_birth=person.text("date_of_birth")[:20],
        address_line1=person.text("address_line1")[:200],
        address_line2=person.text("address_line2")[:100],
        address_city=person.text("city")[:100],
        address_state=person.text("state")[:20],
        address_postal_code=person.text("postal_code")[:10],
        as_of=person.text("as_of")[:20],
    )


def _address_set(
    mailed_code: MailedCode,
    *,
    origin: AddressOrigin,
    source: str,
    record_key: str,
    lines: tuple[str, str, str, str, str],
) -> None:
    line1, line2, city, state, postal_code = lines
    mailed_code.address_line1 = line1[:200]
    mailed_code.address_line2 = line2[:100]
    mailed_code.address_city = city[:100]
    mailed_code.address_state = state[:20]
    mailed_code.address_postal_code = postal_code[:10]
    mailed_code.address_origin = origin
    mailed_code.address_source = source[:60]
    mailed_code.address_record_key = record_key[:200]
    mailed_code.address_found_at = timezone.now()


# --- The resident gives an address ----------------------------------------------------------


@transaction.atomic
def mailed_code_give_address(
    *,
    user: Any,
    mailed_code: MailedCode,
    line1: str,
    line2: str,
    city: str,
    state: str,
    postal_code: str,
) -> MailedCode:
    """Keep an address the resident typed for a clerk to check. It is never used without a
    clerk's approval."""
    locked = (
        MailedCode.objects.select_for_update()
        .filter(pk=mailed_code.pk, user=user, status=MailedCodeStatus.NEEDS_REVIEW)
        .first()
    )
    if locked is None:
        raise PostalError(
            _("You can only give an address while a clerk is checking your request."),
            code="not_in_review",
        )
    locked.typed_line1 = line1.strip()[:200]
    locked.typed_line2 = line2.strip()[:100]
    locked.typed_city = city.strip()[:100]
    locked.typed_state = state.strip().upper()[:2]
    locked.typed_postal_code = postal_code.strip()[:10]
    locked.typed_at = timezone.now()
    locked.review_reason = ReviewReason.TYPED_ADDRESS
    # The address is collected now: under the privacy policy in force today.
    stamp(locked)
    locked.save()
    audit_record(
        action="postal.address_given",
        category=AuditCategory.RECORD,
        actor=user,
        obj=locked,
        fields=[
            "typed_line1",
            "typed_line2",
            "typed_city",
            "typed_state",
            "typed_postal_code",
            "typed_at",
            "review_reason",
        ],
        details={"user_id": locked.user_id},
    )
    return locked


# --- A clerk's decisions --------------------------------------------------------------------


def _reason_required(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise PostalError(_("Write the reason for your decision."), code="reason_required")
    return reason


def _lock_for_decision(*, mailed_code: MailedCode, clerk: Any, statuses: tuple) -> MailedCode:
    _staff_required(clerk)
    if mailed_code.user_id == clerk.pk:
        raise PostalError(
            _("Another clerk must decide a request you made yourself."), code="own_request"
        )
    locked = (
        MailedCode.objects.select_for_update()
        .filter(pk=mailed_code.pk, status__in=statuses)
        .first()
    )
    if locked is None:
        raise PostalError(
            _("Someone else has already dealt with this request."), code="already_decided"
        )
    return locked


def _decision_record(locked: MailedCode, *, clerk: Any, reason: str) -> None:
    locked.decided_by = clerk
    locked.decided_at = timezone.now()
    locked.decision_reason = reason


def _decision_audit(locked: MailedCode, *, action: str, clerk: Any) -> None:
    audit_record(
        action=action,
        category=AuditCategory.DECISION,
        actor=clerk,
        obj=locked,
        fields=["status", "decided_by", "decided_at", "decision_reason"],
        details={
            "user_id": locked.user_id,
            "to_status": str(locked.status),
            "address_origin": str(locked.address_origin),
        },
    )


@transaction.atomic
def mailed_code_use_candidate(
    *, mailed_code: MailedCode, candidate_id: int, clerk: Any, reason: str
) -> MailedCode:
    """The clerk picks which City record is the resident (namesakes, a misspelt name)."""
    reason = _reason_required(reason)
    locked = _lock_for_decision(
        mailed_code=mailed_code, clerk=clerk, statuses=(MailedCodeStatus.NEEDS_REVIEW,)
    )
    candidate = locked.candidates.filter(pk=candidate_id).first()
    if candidate is None:
        raise PostalError(_("Choose one of the records shown."), code="no_such_candidate")
    _address_set(
        locked,
        origin=AddressOrigin.CHOSEN_RECORD,
        source=candidate.source,
        record_key=candidate.record_key,
        lines=(
            candidate.address_line1,
            candidate.address_line2,
            candidate.address_city,
            candidate.address_state,
            candidate.address_postal_code,
        ),
    )
    _decision_record(locked, clerk=clerk, reason=reason)
    locked.status = MailedCodeStatus.READY
    locked.save()
    _decision_audit(locked, action="postal.record_chosen", clerk=clerk)
    return locked


@transaction.atomic
def mailed_code_approve_typed_address(
    *, mailed_code: MailedCode, clerk: Any, reason: str
) -> MailedCode:
    """The clerk accepts the address the resident typed (say, new to Westfield), in writing."""
    reason = _reason_required(reason)
    locked = _lock_for_decision(
        mailed_code=mailed_code, clerk=clerk, statuses=(MailedCodeStatus.NEEDS_REVIEW,)
    )
    if not locked.has_typed_address:
        raise PostalError(_("The resident has not given an address."), code="no_typed_address")
    _address_set(
        locked,
        origin=AddressOrigin.APPROVED_TYPED,
        source="",
        record_key="",
        lines=(
            locked.typed_line1,
            locked.typed_line2,
            locked.typed_city,
            locked.typed_state,
            locked.typed_postal_code,
        ),
    )
    _decision_record(locked, clerk=clerk, reason=reason)
    locked.status = MailedCodeStatus.READY
    locked.save()
    _decision_audit(locked, action="postal.address_approved", clerk=clerk)
    return locked


@transaction.atomic
def mailed_code_refuse(*, mailed_code: MailedCode, clerk: Any, reason: str) -> MailedCode:
    """No letter: the clerk could not tell where this person lives."""
    reason = _reason_required(reason)
    locked = _lock_for_decision(
        mailed_code=mailed_code,
        clerk=clerk,
        statuses=(MailedCodeStatus.NEEDS_REVIEW, MailedCodeStatus.FINDING),
    )
    _decision_record(locked, clerk=clerk, reason=reason)
    locked.status = MailedCodeStatus.REFUSED
    locked.save()
    _decision_audit(locked, action="postal.address_refused", clerk=clerk)
    return locked


@transaction.atomic
def mailed_code_look_again(*, mailed_code: MailedCode, clerk: Any) -> MailedCode:
    """Run the lookup again: after a source failed, or when a lookup never finished."""
    locked = _lock_for_decision(
        mailed_code=mailed_code,
        clerk=clerk,
        statuses=(MailedCodeStatus.NEEDS_REVIEW, MailedCodeStatus.FINDING),
    )
    locked.status = MailedCodeStatus.FINDING
    locked.save(update_fields=["status", "updated_at"])
    audit_record(
        action="postal.lookup_repeated",
        category=AuditCategory.DECISION,
        actor=clerk,
        obj=locked,
        fields=["status"],
        details={"user_id": locked.user_id, "to_status": str(locked.status)},
    )
    _enqueue_lookup(locked)
    return locked


# --- The print batch ------------------------------------------------------------------------


def _purge_moment(valid_until: dt.date) -> dt.datetime:
    """The start of the day after the last day the codes work."""
    day_after = valid_until + dt.timedelta(days=1)
    return timezone.make_aware(dt.datetime.combine(day_after, dt.time.min))


@transaction.atomic
def print_batch_create(*, clerk: Any, enter_url: str) -> PrintBatch:
    """One PDF of every letter ready to print (up to POSTAL_BATCH_MAX_LETTERS), stored
    encrypted. Each code is made here, hashed at once, and written in plain only into the PDF.
    The letters count as mailed today; their codes work for POSTAL_CODE_VALID_DAYS from today.

    A clerk's own letter is left for another clerk to print.
    """
    _staff_required(clerk)
    letters = list(
        MailedCode.objects.select_for_update()
        .filter(status=MailedCodeStatus.READY)
        .exclude(user=clerk)
        .order_by("created_at")[: settings.POSTAL_BATCH_MAX_LETTERS]
    )
    if not letters:
        raise PostalError(_("There are no letters ready to print."), code="nothing_ready")
    mailed_on = timezone.localdate()
    valid_until = mailed_on + dt.timedelta(days=settings.POSTAL_CODE_VALID_DAYS)
    printed = []
    for letter in letters:
        code = code_generate()
        letter.code_hash = code_hash(code=code, mailed_code_id=str(letter.id))
        letter.code_last_characters = code[-2:]
        printed.append(
            PrintedLetter(
                reference=letter.reference,
                name=letter.legal_name,
                address_lines=letter.address_lines,
                code=code_display(code),
            )
        )
    pdf = letters_pdf(
        letters=printed, mailed_on=mailed_on, valid_until=valid_until, enter_url=enter_url
    )
    del printed
    batch_id = uuid.uuid4()
    stored = stored_file_create(
        upload=SimpleUploadedFile(
            f"mailed-codes-{mailed_on:%Y-%m-%d}-{batch_id.hex[:8]}.pdf", pdf, "application/pdf"
        ),
        purpose=BATCH_FILE_PURPOSE,
        uploaded_by=clerk,
        allowed={FileKind.PDF},
        max_bytes=max(settings.UPLOAD_MAX_BYTES, len(pdf)),
    )
    # Once every code in it has expired the file is of no use, and it holds names and addresses.
    stored_file_schedule_purge(stored=stored, purge_after=_purge_moment(valid_until))
    batch = PrintBatch.objects.create(
        id=batch_id,
        created_by=clerk,
        mailed_on=mailed_on,
        valid_until=valid_until,
        letter_count=len(letters),
        pdf=stored,
    )
    now = timezone.now()
    for letter in letters:
        letter.batch = batch
        letter.status = MailedCodeStatus.MAILED
        letter.mailed_on = mailed_on
        letter.valid_until = valid_until
        letter.wrong_entries = 0
        letter.updated_at = now
    MailedCode.objects.bulk_update(
        letters,
        fields=[
            "batch",
            "status",
            "mailed_on",
            "valid_until",
            "code_hash",
            "code_last_characters",
            "wrong_entries",
            "updated_at",
        ],
    )
    audit_record(
        action="postal.batch_printed",
        category=AuditCategory.RECORD,
        actor=clerk,
        obj=batch,
        details={
            "letter_count": len(letters),
            "mailed_code_ids": [str(letter.id) for letter in letters],
            "mailed_on": mailed_on.isoformat(),
            "valid_until": valid_until.isoformat(),
        },
    )
    return batch


@transaction.atomic
def print_batch_download(*, batch: PrintBatch, clerk: Any) -> bytes:
    """The batch's PDF, decrypted; the download is logged on the batch."""
    _staff_required(clerk)
    try:
        data = stored_file_read(batch.pdf)
    except FileNotFoundError:
        raise PostalError(
            _("This batch's file was deleted because all its codes have expired."),
            code="purged",
        ) from None
    download = PrintBatchDownload.objects.create(batch=batch, downloaded_by=clerk)
    audit_record(
        action="postal.batch_downloaded",
        category=AuditCategory.RECORD,
        actor=clerk,
        obj=batch,
        details={"download_id": download.pk, "letter_count": batch.letter_count},
    )
    return data


# --- Entering the code ----------------------------------------------------------------------


class EntryOutcome:
    VERIFIED = "verified"
    WRONG = "wrong"
    VOID = "void"
    EXPIRED = "expired"
    NO_LETTER = "no_letter"


@dataclass(frozen=True)
class CodeEntry:
    outcome: str
    mailed_code: MailedCode | None = None
    tries_left: int = 0


@transaction.atomic
def mailed_code_enter(*, user: Any, code: str) -> CodeEntry:
    """Check a code the resident typed against their mailed letter. A right code raises the
    account to level 2 and is used up; a wrong one counts, and POSTAL_MAX_WRONG_CODES wrong ones
    make the code void. An expired code never works.

    Recording the verification also releases the resident's requests that were waiting for
    level 2 (identity_verification_record calls requests_release_identity_hold).
    """
    letter = (
        MailedCode.objects.select_for_update()
        .filter(user=user, status=MailedCodeStatus.MAILED)
        .order_by("-created_at")
        .first()
    )
    if letter is None:
        return CodeEntry(EntryOutcome.NO_LETTER)
    if letter.valid_until is None or letter.valid_until < timezone.localdate():
        letter.status = MailedCodeStatus.EXPIRED
        letter.save(update_fields=["status", "updated_at"])
        audit_record(
            action="postal.code_expired",
            category=AuditCategory.STATE_CHANGE,
            actor=user,
            obj=letter,
            fields=["status"],
            details={"user_id": letter.user_id},
        )
        return CodeEntry(EntryOutcome.EXPIRED, mailed_code=letter)
    code = code_normalise(code)
    if code_is_well_formed(code) and code_matches(
        code=code, mailed_code_id=str(letter.id), stored_hash=letter.code_hash
    ):
        letter.status = MailedCodeStatus.VERIFIED
        letter.used_at = timezone.now()
        letter.save(update_fields=["status", "used_at", "updated_at"])
        identity_verification_record(
            user=user,
            level=IdentityLevel.REMOTE,
            method=VerificationMethod.MAILED_CODE,
            evidence={
                "mailed_code_id": str(letter.id),
                "address_source": letter.address_source,
                "record_key": letter.address_record_key,
                "address_origin": letter.address_origin,
                "mailed_on": letter.mailed_on.isoformat() if letter.mailed_on else "",
            },
            verified_by=letter.decided_by
            if letter.address_origin == AddressOrigin.APPROVED_TYPED
            else None,
        )
        audit_record(
            action="postal.code_verified",
            category=AuditCategory.SECURITY,
            actor=user,
            obj=letter,
            fields=["status", "used_at"],
            details={"user_id": letter.user_id},
        )
        return CodeEntry(EntryOutcome.VERIFIED, mailed_code=letter)
    letter.wrong_entries += 1
    tries_left = max(settings.POSTAL_MAX_WRONG_CODES - letter.wrong_entries, 0)
    if tries_left == 0:
        letter.status = MailedCodeStatus.VOID
    letter.save(update_fields=["wrong_entries", "status", "updated_at"])
    audit_record(
        action="postal.code_locked" if tries_left == 0 else "postal.code_failed",
        category=AuditCategory.SECURITY,
        actor=user,
        obj=letter,
        fields=["wrong_entries", "status"] if tries_left == 0 else ["wrong_entries"],
        details={
            "user_id": letter.user_id,
            "wrong_entries": letter.wrong_entries,
            "tries_left": tries_left,
        },
    )
    outcome = EntryOutcome.VOID if tries_left == 0 else EntryOutcome.WRONG
    return CodeEntry(outcome, mailed_code=letter, tries_left=tries_left)
