"""Writes for representatives: asking to act for a resident, a clerk's decision, stopping a grant,
and telling the people concerned. A grant's status changes only here, each time with
compare-and-set on the status it had, so two clerks deciding at once cannot both win."""

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role, User
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.files.models import DOCUMENT_KINDS, StoredFile
from portal.files.services import stored_file_create, stored_file_schedule_purge
from portal.representatives.models import (
    Grant,
    GrantNotice,
    GrantScope,
    GrantStatus,
    NoticeKind,
    Relationship,
)
from portal.representatives.selectors import may_review_grants

PROOF_PURPOSE = "proof_of_authority"
# A proof uploaded but never sent with a request is deleted after this long.
UNSUBMITTED_PROOF_LIFETIME = dt.timedelta(days=1)


@dataclass(frozen=True)
class GrantRequest:
    """What the representative tells us about themself and the resident."""

    relationship: str
    resident_name: str
    resident_date_of_birth: dt.date
    resident_street: str
    resident_unit: str
    resident_city: str
    resident_state: str
    resident_postal_code: str
    resident_email: str
    explanation: str


def default_expiry(*, today: dt.date) -> dt.date:
    """One year from today (28 February when today is 29 February)."""
    try:
        return today.replace(year=today.year + 1)
    except ValueError:
        return today.replace(year=today.year + 1, day=28)


def _start_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _retention() -> dt.timedelta:
    return dt.timedelta(days=settings.REPRESENTATIVE_PROOF_RETENTION_DAYS)


def proof_store(*, upload: UploadedFile, uploaded_by: object) -> StoredFile:
    """Check the proof by its content (PDF, JPEG or PNG) and keep it encrypted. Raises
    ValidationError with a message for the person. Until a request uses it, it is due for
    deletion within a day."""
    stored = stored_file_create(
        upload=upload, purpose=PROOF_PURPOSE, uploaded_by=uploaded_by, allowed=DOCUMENT_KINDS
    )
    stored_file_schedule_purge(
        stored=stored, purge_after=timezone.now() + UNSUBMITTED_PROOF_LIFETIME
    )
    return stored


@transaction.atomic
def grant_request_submit(
    *, representative: User, answers: GrantRequest, proof_id: UUID | str
) -> Grant:
    """Record the request to act for a resident, waiting for a clerk."""
    if answers.relationship not in Relationship.values:
        raise ValidationError(_("Choose how you are related to them"), code="relationship")
    if answers.resident_date_of_birth >= timezone.localdate():
        raise ValidationError(_("Their date of birth must be in the past"), code="born")
    if answers.resident_email and answers.resident_email.casefold() == (
        representative.email.casefold()
    ):
        raise ValidationError(_("You cannot ask to act for yourself"), code="self")
    proof = (
        StoredFile.objects.select_for_update()
        .filter(
            pk=proof_id,
            purpose=PROOF_PURPOSE,
            uploaded_by=representative,
            purged_at__isnull=True,
        )
        .first()
    )
    if proof is None or Grant.objects.filter(proof=proof).exists():
        raise ValidationError(_("Upload your proof again"), code="proof")
    grant = Grant.objects.create(
        representative=representative,
        relationship=answers.relationship,
        resident_name=answers.resident_name,
        resident_date_of_birth=answers.resident_date_of_birth,
        resident_street=answers.resident_street,
        resident_unit=answers.resident_unit,
        resident_city=answers.resident_city,
        resident_state=answers.resident_state.upper(),
        resident_postal_code=answers.resident_postal_code,
        resident_email=answers.resident_email,
        explanation=answers.explanation,
        proof=proof,
    )
    # Kept while a clerk has yet to decide; the decision sets how long after.
    proof.purge_after = None
    proof.save(update_fields=["purge_after"])
    audit_record(
        action="grant.asked",
        category=AuditCategory.RECORD,
        actor=representative,
        obj=grant,
        details={"relationship": grant.relationship, "proof_id": str(proof.pk)},
    )
    return grant


def _check_reviewer(*, grant: Grant, user: object) -> None:
    if not may_review_grants(user=user):
        raise PermissionDenied("only clerks and the privacy officer decide grants")
    if grant.representative_id == user.pk:
        raise ValidationError(
            _("You asked to act for this person, so another clerk must decide."), code="own"
        )


def _move(*, grant: Grant, expected: str, **changes: object) -> Grant:
    """Compare-and-set: change the grant only if it still has the status it was read with."""
    updated = Grant.objects.filter(pk=grant.pk, status=expected).update(
        updated_at=timezone.now(), **changes
    )
    if updated != 1:
        raise ValidationError(
            _("Someone else changed this request a moment ago. Look at it again."),
            code="conflict",
        )
    grant.refresh_from_db()
    return grant


def _enqueue_notice(grant: Grant, kind: str) -> None:
    from tasks.representatives import send_grant_notice

    grant_id = grant.pk
    transaction.on_commit(lambda: send_grant_notice.delay(grant_id, kind))


@transaction.atomic
def grant_accept(
    *,
    grant: Grant,
    clerk: User,
    scope: Collection[str],
    expires_on: dt.date,
    resident: User | None,
) -> Grant:
    """Accept the request: the representative may file the listed request types for the
    resident until the end of `expires_on`. `resident` links the resident's account, if any."""
    _check_reviewer(grant=grant, user=clerk)
    chosen = [value for value in GrantScope.values if value in set(scope)]
    if not chosen or len(chosen) != len(set(scope)):
        raise ValidationError(_("Choose what they may ask for"), code="scope")
    if expires_on <= timezone.localdate():
        raise ValidationError(_("The last day must be in the future"), code="expiry")
    if resident is not None and (
        resident.pk == grant.representative_id
        or resident.role != Role.RESIDENT
        or not resident.is_active
    ):
        raise ValidationError(
            _("That account cannot be linked: it must be the resident's own."), code="resident"
        )
    grant = _move(
        grant=grant,
        expected=GrantStatus.PENDING,
        status=GrantStatus.ACCEPTED,
        scope=chosen,
        expires_on=expires_on,
        resident=resident,
        decided_by=clerk,
        decided_at=timezone.now(),
    )
    stored_file_schedule_purge(
        stored=grant.proof,
        purge_after=_start_of_day(expires_on + dt.timedelta(days=1)) + _retention(),
    )
    audit_record(
        action="grant.accepted",
        category=AuditCategory.DECISION,
        actor=clerk,
        obj=grant,
        fields=["status", "scope", "expires_on", "resident", "decided_by", "decided_at"],
        details={
            "scope": chosen,
            "expires_on": expires_on.isoformat(),
            "representative_id": grant.representative_id,
            "resident_id": resident.pk if resident is not None else None,
        },
    )
    _enqueue_notice(grant, NoticeKind.DECISION)
    if resident is not None:
        _enqueue_notice(grant, NoticeKind.RESIDENT_ACCEPTED)
    return grant


@transaction.atomic
def grant_refuse(*, grant: Grant, clerk: User, reason: str) -> Grant:
    """Refuse the request, with a reason the representative will read."""
    _check_reviewer(grant=grant, user=clerk)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the request is not accepted"), code="reason")
    grant = _move(
        grant=grant,
        expected=GrantStatus.PENDING,
        status=GrantStatus.REFUSED,
        refusal_reason=reason,
        decided_by=clerk,
        decided_at=timezone.now(),
    )
    stored_file_schedule_purge(stored=grant.proof, purge_after=timezone.now() + _retention())
    audit_record(
        action="grant.refused",
        category=AuditCategory.DECISION,
        actor=clerk,
        obj=grant,
        fields=["status", "refusal_reason", "decided_by", "decided_at"],
        details={"representative_id": grant.representative_id},
    )
    _enqueue_notice(grant, NoticeKind.DECISION)
    return grant


@transaction.atomic
def grant_revoke(*, grant: Grant, by: User, reason: str = "") -> Grant:
    """Stop an accepted grant. The resident it was made for may do this, as may a clerk or the
    privacy officer, who must give a reason."""
    by_resident = grant.resident_id is not None and grant.resident_id == by.pk
    if not by_resident:
        _check_reviewer(grant=grant, user=by)
        if not reason.strip():
            raise ValidationError(_("Say why you are stopping this grant"), code="reason")
    grant = _move(
        grant=grant,
        expected=GrantStatus.ACCEPTED,
        status=GrantStatus.REVOKED,
        revoked_by=by,
        revoked_at=timezone.now(),
        revoke_reason=reason.strip(),
    )
    purge_after = timezone.now() + _retention()
    if grant.proof.purge_after is None or purge_after < grant.proof.purge_after:
        stored_file_schedule_purge(stored=grant.proof, purge_after=purge_after)
    audit_record(
        action="grant.revoked",
        category=AuditCategory.DECISION,
        actor=by,
        obj=grant,
        fields=["status", "revoked_by", "revoked_at", "revoke_reason"],
        details={
            "by_resident": by_resident,
            "representative_id": grant.representative_id,
            "resident_id": grant.resident_id,
            "scope": list(grant.scope or []),
        },
    )
    _enqueue_notice(grant, NoticeKind.REVOKED_REPRESENTATIVE)
    if not by_resident and grant.resident_id is not None:
        _enqueue_notice(grant, NoticeKind.REVOKED_RESIDENT)
    return grant


def _language_of(user: User) -> str:
    available = {code for code, _name in settings.LANGUAGES}
    profile = getattr(user, "profile", None)
    preferred = getattr(profile, "preferred_language", "")
    return preferred if preferred in available else settings.LANGUAGE_CODE


def _absolute_url(view_name: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(view_name)


_RECIPIENTS = {
    NoticeKind.DECISION: "representative",
    NoticeKind.REVOKED_REPRESENTATIVE: "representative",
    NoticeKind.RESIDENT_ACCEPTED: "resident",
    NoticeKind.REVOKED_RESIDENT: "resident",
}


def grant_notice_send(*, grant_id: int, kind: str) -> GrantNotice | None:
    """Send one notice about a grant, once. Returns None when there is nothing to send (the
    notice went already, or there is nobody to tell). SMTP errors propagate, so the task that
    calls this retries."""
    grant = (
        Grant.objects.select_related("representative", "resident", "revoked_by")
        .filter(pk=grant_id)
        .first()
    )
    if grant is None or GrantNotice.objects.filter(grant=grant, kind=kind).exists():
        return None
    recipient = getattr(grant, _RECIPIENTS[NoticeKind(kind)])
    if recipient is None or not recipient.email:
        return None
    context = {
        "grant": grant,
        "recipient": recipient,
        "revoked_by_resident": grant.revoked_by_id is not None
        and grant.revoked_by_id == grant.resident_id,
        "representing_url": _absolute_url("representatives:list"),
        "for_me_url": _absolute_url("representatives:for_me"),
        "CITY_NAME": settings.CITY_NAME,
        "RECORDS_ACCESS_OFFICER_EMAIL": settings.RECORDS_ACCESS_OFFICER_EMAIL,
        "RECORDS_ACCESS_OFFICER_PHONE": settings.RECORDS_ACCESS_OFFICER_PHONE,
    }
    with translation.override(_language_of(recipient)):
        subject = render_to_string(f"representatives/email/{kind}_subject.txt", context)
        body = render_to_string(f"representatives/email/{kind}.txt", context)
    send_mail(" ".join(subject.split()), body, None, [recipient.email], fail_silently=False)
    notice, _created = GrantNotice.objects.get_or_create(
        grant=grant, kind=kind, defaults={"recipient": recipient.email}
    )
    return notice
