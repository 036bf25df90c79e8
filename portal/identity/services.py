"""Writes about identity assurance. Every path that raises a level ends in
`identity_verification_record`, and nothing else creates a verification."""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.files.models import IMAGE_KINDS
from portal.files.services import (
    stored_file_create,
    stored_file_purge,
    stored_file_schedule_purge,
)
from portal.identity.matching import PersonName, billing_name_matches, stored_amount_cents
from portal.identity.models import (
    AccountKnowledgeAttempt,
    AttemptFailure,
    AttemptStatus,
    DocumentStatus,
    DocumentType,
    IdentityDocument,
    IdentityLevel,
    IdentityOverride,
    IdentityVerification,
    OverrideStatus,
    VerificationMethod,
)
from portal.identity.selectors import (
    ACCOUNT_KNOWLEDGE_KINDS,
    account_knowledge_attempt_pending,
    account_knowledge_locked_until,
    account_knowledge_lookup_name,
    account_knowledge_sources,
    identity_document_pending,
    identity_level,
    identity_staff_may_act,
    profile_name,
)
from portal.policies.stamp import stamp
from portal.profiles.models import Profile, ResidentIdentifier
from tasks.connectors.base import ConnectorError
from tasks.connectors.registry import connector_for

logger = logging.getLogger(__name__)

# An override's reason is read later by auditors: a sentence, not a word.
OVERRIDE_REASON_MIN_LENGTH = 20


class IdentityError(Exception):
    """An action refused for a reason the person can act on; `message` is for them."""

    def __init__(self, message: Any, *, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class AttemptsLocked(IdentityError):
    def __init__(self, *, until: Any) -> None:
        super().__init__(
            _("You have tried too many times. You can try again later."), code="locked"
        )
        self.until = until


def _release_identity_holds(user: User) -> None:
    """Requests waiting for a higher identity level go ahead once the level is reached."""
    try:
        # Written in the requests app; until it exists there are no requests to release.
        from requests.services import requests_release_identity_hold
    except ImportError:
        return
    requests_release_identity_hold(user=user)


@transaction.atomic
def identity_verification_record(
    *,
    user: Any,
    level: IdentityLevel,
    method: VerificationMethod,
    evidence: dict[str, Any],
    verified_by: Any | None = None,
) -> IdentityVerification:
    """Record a successful check. Every path that raises a level calls this, and nothing else."""
    if level not in (IdentityLevel.REMOTE, IdentityLevel.ATTENDED):
        raise ValueError("only levels 2 and 3 are recorded as verifications")
    verification = IdentityVerification.objects.create(
        user=user, level=level, method=method, evidence=evidence, verified_by=verified_by
    )
    _release_identity_holds(user)
    # After the requests it released are locked: the audit trail's lock is taken last.
    audit_record(
        action="identity.verification_granted",
        category=AuditCategory.DECISION,
        actor=verified_by,
        obj=verification,
        details={"user_id": user.pk, "level": int(level), "method": str(method)},
    )
    return verification


def _require_identity_staff(actor: User) -> None:
    if not identity_staff_may_act(user=actor):
        raise IdentityError(_("Only clerks and the privacy officer can do this."), code="role")


def _require_other_person(actor: User, subject: User) -> None:
    if actor.pk == subject.pk:
        raise IdentityError(
            _("You cannot check your own identity. Ask another staff member."), code="self"
        )


@transaction.atomic
def identity_verification_revoke(
    *, verification: IdentityVerification, revoked_by: User, reason: str
) -> IdentityVerification:
    """Withdraw a verification (found to be wrong, or obtained by fraud); its row stays."""
    _require_identity_staff(revoked_by)
    reason = reason.strip()
    if not reason:
        raise IdentityError(_("Enter why you are withdrawing this check."), code="reason")
    locked = IdentityVerification.objects.select_for_update().get(pk=verification.pk)
    if locked.revoked_at is not None:
        raise IdentityError(_("This check was already withdrawn."), code="revoked")
    locked.revoked_at = timezone.now()
    locked.revoked_by = revoked_by
    locked.revoke_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        action="identity.verification_withdrawn",
        category=AuditCategory.DECISION,
        actor=revoked_by,
        obj=locked,
        fields=["revoked_at", "revoked_by", "revoke_reason"],
        details={"user_id": locked.user_id, "level": int(locked.level), "method": locked.method},
    )
    return locked


# --- Level 2 by account knowledge -----------------------------------------------------------


def identifier_digest(*, kind: str, identifier: str) -> str:
    """A keyed digest of one City account number, to count tries on it without keeping it."""
    return salted_hmac(
        "portal.identity.account_knowledge", f"{kind}:{identifier}", algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def profile_name_set(*, user: User, name: PersonName) -> Profile:
    """Give a profile its legal name (asked for before a bill's name can be compared with it)."""
    profile, _created = Profile.objects.select_for_update().get_or_create(user=user)
    profile.legal_first_name = name.first.strip()
    profile.legal_middle_name = name.middle.strip()
    profile.legal_last_name = name.last.strip()
    profile.name_suffix = name.suffix.strip()
    profile.save(
        update_fields=[
            "legal_first_name",
            "legal_middle_name",
            "legal_last_name",
            "name_suffix",
            "updated_at",
            # Collected again: under the privacy policy in force today.
            stamp(profile),
        ]
    )
    audit_record(
        action="profile.changed",
        category=AuditCategory.RECORD,
        actor=user,
        obj=profile,
        fields=["legal_first_name", "legal_middle_name", "legal_last_name", "name_suffix"],
        details={"user_id": user.pk},
    )
    return profile


@transaction.atomic
def account_knowledge_attempt_start(
    *,
    user: User,
    identifier_kind: str,
    identifier: str,
    amount_cents: int,
    name: PersonName | None = None,
) -> AccountKnowledgeAttempt:
    """Record a try and ask a worker to check it once the try is saved.

    `name` is the resident's legal name when their profile has none yet; it is saved on the
    profile. Refused (IdentityError) while another try is being checked, when the account or the
    number is locked, or when no department can check this kind of number.
    """
    # Serialises one account's tries, so two at once cannot slip past the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if identifier_kind not in ACCOUNT_KNOWLEDGE_KINDS:
        raise IdentityError(_("Choose which kind of City account you have."), code="kind")
    source = account_knowledge_sources().get(identifier_kind)
    if source is None:
        raise IdentityError(
            _("We cannot check this kind of account at the moment. Try another way."),
            code="unavailable",
        )
    if account_knowledge_attempt_pending(user=user) is not None:
        raise IdentityError(
            _("We are still checking the details you gave. Wait for that check to finish."),
            code="pending",
        )
    digest = identifier_digest(kind=identifier_kind, identifier=identifier)
    until = account_knowledge_locked_until(user=user, identifier_digest=digest)
    if until is not None:
        raise AttemptsLocked(until=until)
    if profile_name(user=user) is None:
        if name is None or not name.first.strip() or not name.last.strip():
            raise IdentityError(_("Tell us your name first."), code="name")
        profile_name_set(user=user, name=name)
    attempt = AccountKnowledgeAttempt.objects.create(
        user=user,
        identifier_kind=identifier_kind,
        identifier=identifier,
        identifier_last4=identifier[-4:],
        identifier_digest=digest,
        amount_cents=amount_cents,
        source=source,
    )
    audit_record(
        action="identity.account_check_started",
        category=AuditCategory.RECORD,
        actor=user,
        obj=attempt,
        details={"identifier_kind": identifier_kind, "source_id": source.pk},
    )
    account_knowledge_check_enqueue(attempt_id=attempt.pk)
    return attempt


def account_knowledge_check_enqueue(*, attempt_id: int) -> None:
    from tasks.identity import account_knowledge_check

    transaction.on_commit(lambda: account_knowledge_check.delay(attempt_id))


def account_knowledge_checks_renudge(*, older_than: timedelta, now: datetime | None = None) -> int:
    """Ask a worker again for every check still pending after `older_than`: the database is the
    truth, and a broker message lost with a restarted Redis or a killed worker must not leave a
    resident waiting. Checks are idempotent, so a duplicate nudge does nothing."""
    cutoff = (now or timezone.now()) - older_than
    stalled = AccountKnowledgeAttempt.objects.filter(
        status=AttemptStatus.PENDING, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for attempt_id in stalled:
        account_knowledge_check_enqueue(attempt_id=attempt_id)
        count += 1
    return count


def _finish(attempt: AccountKnowledgeAttempt, status: str, **changes: Any) -> None:
    """Record the outcome and forget the number and amount the resident typed."""
    attempt.status = status
    attempt.checked_at = timezone.now()
    attempt.identifier = ""
    attempt.amount_cents = None
    for name, value in changes.items():
        setattr(attempt, name, value)
    attempt.save(
        update_fields=["status", "checked_at", "identifier", "amount_cents", *changes.keys()]
    )
    audit_record(
        action="identity.account_check_finished",
        category=AuditCategory.DECISION,
        obj=attempt,
        fields=["status", "checked_at", "identifier", "amount_cents", *changes.keys()],
        details={
            "user_id": attempt.user_id,
            "status": str(status),
            "failure_reason": str(changes.get("failure_reason", "")),
        },
    )
    if status == AttemptStatus.FAILED:
        until = account_knowledge_locked_until(
            user=attempt.user, identifier_digest=attempt.identifier_digest
        )
        if until is not None:
            # This failure was the last one allowed: the account or the number is now locked.
            audit_record(
                action="identity.account_check_locked",
                category=AuditCategory.SECURITY,
                obj=attempt,
                details={"user_id": attempt.user_id, "locked_until": until.isoformat()},
            )


def _bill_failure(
    records: list, amount_cents: int | None, name: PersonName | None
) -> AttemptFailure | None:
    """Why the most recent bill does not show this resident, or None when it does."""
    if not records:
        return AttemptFailure.NO_RECORD
    latest = records[0].fields
    if amount_cents is None or stored_amount_cents(latest["amount_due"]) != amount_cents:
        return AttemptFailure.DETAIL_MISMATCH
    if name is None or not billing_name_matches(
        billed_name=str(latest["billing_name"] or ""), resident=name
    ):
        return AttemptFailure.NAME_MISMATCH
    return None


def account_knowledge_attempt_check(*, attempt_id: int) -> AccountKnowledgeAttempt | None:
    """Ask the department whether the account's most recent bill shows this resident and the
    amount they gave. Idempotent: an attempt already checked is left as it is."""
    with transaction.atomic():
        attempt = (
            AccountKnowledgeAttempt.objects.select_for_update(of=("self",))
            .select_related("user", "source")
            .filter(pk=attempt_id)
            .first()
        )
        if attempt is None or attempt.status != AttemptStatus.PENDING:
            return attempt
        user = attempt.user
        if account_knowledge_locked_until(
            user=user, identifier_digest=attempt.identifier_digest, exclude_id=attempt.pk
        ):
            _finish(attempt, AttemptStatus.LOCKED)
            return attempt
        source = attempt.source
        if not source.enabled:
            _finish(attempt, AttemptStatus.UNAVAILABLE, error_message="the data source is off")
            return attempt
        try:
            records = connector_for(source).lookup(
                name=account_knowledge_lookup_name(attempt.identifier_kind),
                parameters={"identifier": attempt.identifier},
            )
            failure = _bill_failure(records, attempt.amount_cents, profile_name(user=user))
        except ConnectorError as error:
            logger.warning("account check %s: %s", attempt.pk, error.message)
            _finish(attempt, AttemptStatus.UNAVAILABLE, error_message=error.message[:2000])
            return attempt
        except KeyError as error:
            message = f"the lookup returned no {error.args[0]} column"
            logger.warning("account check %s: %s", attempt.pk, message)
            _finish(attempt, AttemptStatus.UNAVAILABLE, error_message=message)
            return attempt
        if failure is not None:
            _finish(attempt, AttemptStatus.FAILED, failure_reason=failure)
            return attempt
        profile, _created = Profile.objects.get_or_create(user=user)
        saved, _created = ResidentIdentifier.objects.get_or_create(
            profile=profile, kind=attempt.identifier_kind, value=attempt.identifier
        )
        verification = identity_verification_record(
            user=user,
            level=IdentityLevel.REMOTE,
            method=VerificationMethod.ACCOUNT_KNOWLEDGE,
            evidence={
                "source": source.slug,
                "identifier_kind": attempt.identifier_kind,
                "identifier_last4": attempt.identifier_last4,
                "attempt_id": attempt.pk,
            },
        )
        _finish(
            attempt,
            AttemptStatus.PASSED,
            resident_identifier=saved,
            verification=verification,
        )
        return attempt


# --- Level 3 attended -----------------------------------------------------------------------


def document_last4_clean(value: str) -> str:
    cleaned = "".join(value.split()).upper()
    if len(cleaned) != 4 or not cleaned.isalnum():
        raise IdentityError(
            _("Enter the last 4 letters or numbers of the ID number."), code="last4"
        )
    return cleaned


@transaction.atomic
def identity_in_person_record(
    *, user: User, verified_by: User, document_type: str, number_last4: str
) -> IdentityVerification:
    """A clerk looked at the resident's government photo ID at the counter."""
    _require_identity_staff(verified_by)
    _require_other_person(verified_by, user)
    if document_type not in DocumentType.values:
        raise IdentityError(_("Choose the kind of ID."), code="document_type")
    verification = identity_verification_record(
        user=user,
        level=IdentityLevel.ATTENDED,
        method=VerificationMethod.IN_PERSON_ID,
        evidence={
            "document_type": document_type,
            "number_last4": document_last4_clean(number_last4),
        },
        verified_by=verified_by,
    )
    audit_record(
        action="identity.in_person_checked",
        category=AuditCategory.DECISION,
        actor=verified_by,
        object_type="accounts.user",
        object_id=user.pk,
        details={
            "user_id": user.pk,
            "document_type": document_type,
            "verification_id": verification.pk,
        },
    )
    return verification


# --- Level 3 by an uploaded photo ID --------------------------------------------------------


@transaction.atomic
def identity_document_upload(*, user: User, document_type: str, upload: Any) -> IdentityDocument:
    """Keep the photo, encrypted, until the resident sends it (a draft lasts a day).

    Raises ValidationError (from the files service) when the file is not really an image.
    """
    if document_type not in DocumentType.values:
        raise IdentityError(_("Choose the kind of ID."), code="document_type")
    if identity_document_pending(user=user) is not None:
        raise IdentityError(_("A clerk is already checking a photo ID you sent."), code="pending")
    stored = stored_file_create(
        upload=upload, purpose="identity_document", uploaded_by=user, allowed=IMAGE_KINDS
    )
    stored_file_schedule_purge(stored=stored, purge_after=timezone.now() + timedelta(days=1))
    # A new upload replaces a draft that was not sent: its image goes at once.
    for draft in IdentityDocument.objects.filter(user=user, status=DocumentStatus.DRAFT):
        stored_file_purge(stored=draft.stored_file)
        draft.delete()
    return IdentityDocument.objects.create(
        user=user, document_type=document_type, stored_file=stored
    )


@transaction.atomic
def identity_document_submit(
    *, document: IdentityDocument, name: PersonName | None = None
) -> IdentityDocument:
    """Send the draft to the clerks' queue. `name` is the resident's legal name when their
    profile has none yet (the clerk compares the ID with it); it is saved on the profile."""
    locked = IdentityDocument.objects.select_for_update(of=("self",)).select_related("stored_file")
    document = locked.get(pk=document.pk)
    if document.status != DocumentStatus.DRAFT or document.stored_file.is_purged:
        raise IdentityError(_("This photo was not kept. Upload it again."), code="not_draft")
    if identity_document_pending(user=document.user) is not None:
        raise IdentityError(_("A clerk is already checking a photo ID you sent."), code="pending")
    if profile_name(user=document.user) is None:
        if name is None or not name.first.strip() or not name.last.strip():
            raise IdentityError(_("Tell us your name first."), code="name")
        profile_name_set(user=document.user, name=name)
    now = timezone.now()
    document.status = DocumentStatus.PENDING
    document.submitted_at = now
    document.save(update_fields=["status", "submitted_at"])
    stored_file_schedule_purge(
        stored=document.stored_file,
        purge_after=now + timedelta(days=settings.IDENTITY_DOCUMENT_UNREVIEWED_DAYS),
    )
    audit_record(
        action="identity.document_submitted",
        category=AuditCategory.STATE_CHANGE,
        actor=document.user,
        obj=document,
        fields=["status", "submitted_at"],
        details={"user_id": document.user_id, "document_type": document.document_type},
    )
    return document


@transaction.atomic
def identity_document_decide(
    *, document: IdentityDocument, decided_by: User, approve: bool, reason: str = ""
) -> IdentityDocument:
    """A clerk accepts the photo ID (level 3) or refuses it with a reason the resident reads.
    Either way the image is purged IDENTITY_DOCUMENT_RETENTION_DAYS later and the resident is
    emailed."""
    _require_identity_staff(decided_by)
    locked = (
        IdentityDocument.objects.select_for_update(of=("self",))
        .select_related("stored_file", "user")
        .get(pk=document.pk)
    )
    _require_other_person(decided_by, locked.user)
    if locked.status != DocumentStatus.PENDING:
        raise IdentityError(_("This photo ID was already decided."), code="decided")
    reason = reason.strip()
    if not approve and not reason:
        raise IdentityError(
            _("Enter why the photo ID is not accepted. The resident will read it."),
            code="reason",
        )
    now = timezone.now()
    if approve:
        locked.verification = identity_verification_record(
            user=locked.user,
            level=IdentityLevel.ATTENDED,
            method=VerificationMethod.ID_DOCUMENT_REVIEW,
            evidence={"document_id": locked.pk, "document_type": locked.document_type},
            verified_by=decided_by,
        )
    locked.status = DocumentStatus.APPROVED if approve else DocumentStatus.REFUSED
    locked.decided_at = now
    locked.decided_by = decided_by
    locked.refuse_reason = "" if approve else reason
    locked.save(
        update_fields=["status", "decided_at", "decided_by", "refuse_reason", "verification"]
    )
    stored_file_schedule_purge(
        stored=locked.stored_file,
        purge_after=now + timedelta(days=settings.IDENTITY_DOCUMENT_RETENTION_DAYS),
    )
    audit_record(
        action="identity.document_approved" if approve else "identity.document_refused",
        category=AuditCategory.DECISION,
        actor=decided_by,
        obj=locked,
        fields=["status", "decided_at", "decided_by", "refuse_reason", "verification"],
        details={
            "user_id": locked.user_id,
            "document_type": locked.document_type,
            "verification_id": locked.verification_id,
        },
    )
    from tasks.identity import document_decision_notify

    document_id = locked.pk
    transaction.on_commit(lambda: document_decision_notify.delay(document_id))
    return locked


def _resident_language(user: User) -> str:
    profile = Profile.objects.filter(user=user).first()
    codes = {code for code, _name in settings.LANGUAGES}
    if profile is not None and profile.preferred_language in codes:
        return profile.preferred_language
    return settings.LANGUAGE_CODE


def identity_document_decision_notify(*, document_id: int) -> bool:
    """Email the resident the clerk's decision on their photo ID; False if there is none yet."""
    document = (
        IdentityDocument.objects.select_related("user")
        .filter(pk=document_id, status__in=[DocumentStatus.APPROVED, DocumentStatus.REFUSED])
        .first()
    )
    if document is None:
        return False
    context = {
        "document": document,
        "approved": document.status == DocumentStatus.APPROVED,
        "city_name": settings.CITY_NAME,
        "records_access_officer_email": settings.RECORDS_ACCESS_OFFICER_EMAIL,
    }
    with translation.override(_resident_language(document.user)):
        subject = render_to_string("identity/email/document_decision_subject.txt", context)
        body = render_to_string("identity/email/document_decision_message.txt", context)
    send_mail(
        subject=" ".join(subject.split()),
        message=body,
        from_email=None,
        recipient_list=[document.user.email],
    )
    return True


# --- Staff override -------------------------------------------------------------------------


@transaction.atomic
def identity_override_request(
    *, user: User, level: int, reason: str, requested_by: User
) -> IdentityOverride:
    """Ask to raise a level without evidence. Nothing changes until a second staff member
    approves (`identity_override_decide`)."""
    _require_identity_staff(requested_by)
    if requested_by.pk == user.pk:
        raise IdentityError(_("You cannot raise your own level."), code="self")
    if level not in (IdentityLevel.REMOTE, IdentityLevel.ATTENDED):
        raise IdentityError(_("Choose level 2 or level 3."), code="level")
    reason = reason.strip()
    if len(reason) < OVERRIDE_REASON_MIN_LENGTH:
        raise IdentityError(
            _("Write why in at least %(count)d characters. Auditors will read it.")
            % {"count": OVERRIDE_REASON_MIN_LENGTH},
            code="reason",
        )
    User.objects.select_for_update().filter(pk=user.pk).first()
    if IdentityOverride.objects.filter(user=user, status=OverrideStatus.PENDING).exists():
        raise IdentityError(
            _("An override for this account is already waiting for approval."), code="pending"
        )
    if identity_level(user=user) >= level:
        raise IdentityError(_("This account already has that level."), code="has_level")
    override = IdentityOverride.objects.create(
        user=user, level=level, reason=reason, requested_by=requested_by
    )
    audit_record(
        action="identity.override_requested",
        category=AuditCategory.RECORD,
        actor=requested_by,
        obj=override,
        details={"user_id": user.pk, "level": int(level)},
    )
    return override


@transaction.atomic
def identity_override_decide(
    *, override: IdentityOverride, decided_by: User, approve: bool, reason: str = ""
) -> IdentityOverride:
    """A second staff member approves (the level is recorded) or refuses (with a reason)."""
    _require_identity_staff(decided_by)
    locked = (
        IdentityOverride.objects.select_for_update(of=("self",))
        .select_related("user", "requested_by")
        .get(pk=override.pk)
    )
    if locked.status != OverrideStatus.PENDING:
        raise IdentityError(_("This override was already decided."), code="decided")
    if decided_by.pk == locked.requested_by_id:
        raise IdentityError(
            _("You asked for this override, so a different staff member must decide it."),
            code="same_person",
        )
    _require_other_person(decided_by, locked.user)
    reason = reason.strip()
    if not approve and not reason:
        raise IdentityError(_("Enter why you refuse this override."), code="reason")
    if approve:
        locked.verification = identity_verification_record(
            user=locked.user,
            level=IdentityLevel(locked.level),
            method=VerificationMethod.STAFF_OVERRIDE,
            evidence={"override_id": locked.pk, "requested_by": locked.requested_by_id},
            verified_by=decided_by,
        )
    locked.status = OverrideStatus.APPROVED if approve else OverrideStatus.REFUSED
    locked.decided_by = decided_by
    locked.decided_at = timezone.now()
    locked.decision_reason = "" if approve else reason
    locked.save(
        update_fields=["status", "decided_by", "decided_at", "decision_reason", "verification"]
    )
    audit_record(
        action="identity.override_approved" if approve else "identity.override_refused",
        category=AuditCategory.DECISION,
        actor=decided_by,
        obj=locked,
        fields=["status", "decided_by", "decided_at", "decision_reason", "verification"],
        details={
            "user_id": locked.user_id,
            "level": int(locked.level),
            "requested_by_id": locked.requested_by_id,
            "verification_id": locked.verification_id,
        },
    )
    return locked
