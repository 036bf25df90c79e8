"""Writes of the privacy policy: drafts, publishing with the 30-day notice, and the emails that
announce a new version to every resident with an account.

The City's policy says: "We will post substantive changes to this policy at least 30 days before
they take effect." Publishing refuses a substantive change with less notice. A correction that
changes nothing of substance (a typo, a broken link) may take effect sooner, with a reason; so may
the very first version, which replaces nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.access.scope import may_manage_privacy_policy
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.policies.models import PolicyChangeNotice, PolicyVersion
from portal.policies.selectors import residents_to_notify

# "at least 30 days before they take effect" (the City's privacy policy, "Policy changes").
NOTICE_DAYS = 30
# Emails per task: a batch is small enough to finish well inside the task time limit.
NOTICE_BATCH_SIZE = 200
# A send claimed longer ago than this was interrupted (a worker killed mid-batch): free again.
NOTICE_CLAIM_LEASE = dt.timedelta(minutes=15)
# The reconciler looks after versions posted this recently (and every upcoming one).
NOTICE_RENUDGE_DAYS = 7
TEXT_MAX_LENGTH = 100_000
SUMMARY_MAX_LENGTH = 5_000


def _long_date(day: dt.date) -> str:
    return date_format(day, "j F Y")


def _require_privacy_officer(user: Any) -> None:
    if not may_manage_privacy_policy(user):
        raise PermissionDenied("only the privacy officer changes the privacy policy")


def _checked_text(text: str, summary: str) -> tuple[str, str]:
    text, summary = text.strip(), summary.strip()
    if not text:
        raise ValidationError(_("Enter the text of the policy."), code="text")
    if not summary:
        raise ValidationError(_("Say in plain words what changes."), code="summary")
    if len(text) > TEXT_MAX_LENGTH or len(summary) > SUMMARY_MAX_LENGTH:
        raise ValidationError(_("The text is too long."), code="too_long")
    return text, summary


# --- Drafts ---------------------------------------------------------------------------------


@transaction.atomic
def policy_draft_create(*, author: Any, text: str, summary: str) -> PolicyVersion:
    """A new draft. Drafts are seen by the privacy officer only, until published."""
    _require_privacy_officer(author)
    text, summary = _checked_text(text, summary)
    now = timezone.now()
    draft = PolicyVersion.objects.create(
        text=text, summary=summary, created_by=author, created_at=now, updated_at=now
    )
    audit_record(
        action="policy.draft_created",
        category=AuditCategory.CONFIGURATION,
        actor=author,
        obj=draft,
        fields=["text", "summary"],
    )
    return draft


@transaction.atomic
def policy_draft_update(
    *, draft: PolicyVersion, author: Any, text: str, summary: str
) -> PolicyVersion:
    _require_privacy_officer(author)
    text, summary = _checked_text(text, summary)
    locked = PolicyVersion.objects.select_for_update().get(pk=draft.pk)
    if locked.is_published:
        raise ValidationError(
            _("This version is published and can no longer change. Write a new version."),
            code="published",
        )
    changed = [
        name
        for name, value in (("text", text), ("summary", summary))
        if getattr(locked, name) != value
    ]
    locked.text, locked.summary, locked.updated_at = text, summary, timezone.now()
    locked.save(update_fields=["text", "summary", "updated_at"])
    audit_record(
        action="policy.draft_changed",
        category=AuditCategory.CONFIGURATION,
        actor=author,
        obj=locked,
        fields=changed,
    )
    return locked


# --- Publishing -----------------------------------------------------------------------------


def earliest_substantive_date(*, today: dt.date | None = None) -> dt.date:
    """The first day a substantive change posted on `today` may take effect."""
    return (today or timezone.localdate()) + dt.timedelta(days=NOTICE_DAYS)


def _check_publication(
    *,
    effective_on: dt.date,
    substantive: bool,
    reason: str,
    latest: PolicyVersion | None,
    today: dt.date,
) -> None:
    if effective_on < today:
        raise ValidationError(
            _("The day it takes effect cannot be in the past."), code="effective_in_past"
        )
    if latest is not None and effective_on < latest.effective_on:
        raise ValidationError(
            _(
                "Version %(number)s takes effect on %(date)s. A new version must take effect "
                "on that day or later."
            )
            % {"number": latest.number, "date": _long_date(latest.effective_on)},
            code="before_latest",
        )
    if not substantive and not reason:
        raise ValidationError(_("Say why this change is not substantive."), code="reason_required")
    notice_days = (effective_on - today).days
    if latest is not None and substantive and notice_days < NOTICE_DAYS:
        raise ValidationError(
            _(
                "A substantive change must be posted at least %(required)s days before it takes "
                "effect. %(date)s is only %(days)s days away. Choose %(earliest)s or later, or, "
                "if the change is only a correction, say that it is not substantive and why."
            )
            % {
                "required": NOTICE_DAYS,
                "date": _long_date(effective_on),
                "days": notice_days,
                "earliest": _long_date(earliest_substantive_date(today=today)),
            },
            code="notice_too_short",
        )


def policy_publication_check(*, effective_on: dt.date, substantive: bool, reason: str = "") -> None:
    """The checks of `policy_version_publish`, before the privacy officer confirms: raises the
    same ValidationError the publication would."""
    _check_publication(
        effective_on=effective_on,
        substantive=substantive,
        reason=reason.strip(),
        latest=PolicyVersion.objects.filter(number__isnull=False)
        .order_by("effective_on", "number")
        .last(),
        today=timezone.localdate(),
    )


@transaction.atomic
def policy_version_publish(
    *,
    version: PolicyVersion,
    actor: Any,
    effective_on: dt.date,
    substantive: bool = True,
    reason: str = "",
) -> PolicyVersion:
    """Post a draft as the next version, taking effect at the start of `effective_on` in the
    City's time zone. Raises ValidationError (with a message for the privacy officer) when the
    30-day rule or the order of versions forbids it; emails every resident once it commits."""
    _require_privacy_officer(actor)
    today = timezone.localdate()
    reason = reason.strip()
    # Lock every published version too, so two publications at once cannot take one number.
    published = list(
        PolicyVersion.objects.select_for_update()
        .filter(number__isnull=False)
        .order_by("effective_on", "number")
    )
    locked = PolicyVersion.objects.select_for_update().filter(pk=version.pk).first()
    if locked is None or locked.is_published:
        raise ValidationError(_("This draft is already published."), code="published")
    _checked_text(locked.text, locked.summary)
    latest = published[-1] if published else None
    _check_publication(
        effective_on=effective_on,
        substantive=substantive,
        reason=reason,
        latest=latest,
        today=today,
    )
    now = timezone.now()
    locked.number = max((v.number for v in published), default=0) + 1
    locked.effective_on = effective_on
    locked.substantive = substantive
    locked.correction_reason = "" if substantive else reason
    locked.posted_at = now
    locked.posted_by = actor
    locked.updated_at = now
    fields = [
        "number",
        "effective_on",
        "substantive",
        "correction_reason",
        "posted_at",
        "posted_by",
        "updated_at",
    ]
    locked.save(update_fields=fields)
    audit_record(
        action="policy.published",
        category=AuditCategory.CONFIGURATION,
        actor=actor,
        obj=locked,
        fields=fields,
        details={
            "number": locked.number,
            "replaces": latest.number if latest else None,
            "effective_on": effective_on.isoformat(),
            "substantive": substantive,
            "notice_days": (effective_on - today).days,
        },
    )
    if latest is not None:
        _notices_schedule(version_id=locked.pk)
    return locked


def _notices_schedule(*, version_id: int) -> None:
    def enqueue() -> None:
        from tasks.policies import policy_notices_fan_out

        policy_notices_fan_out.delay(version_id)

    transaction.on_commit(enqueue)


# --- Emails to residents --------------------------------------------------------------------


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for item in ids:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def policy_notices_prepare(
    *, version_id: int, batch_size: int = NOTICE_BATCH_SIZE
) -> list[list[int]]:
    """Make sure every resident owed an email about this version has its row (one per resident,
    whatever reruns), and return the rows still to send, in batches.

    Owed: residents with a confirmed email address who had an account when the version was
    posted, and, while it has not yet taken effect, those who opened one since.
    """
    version = PolicyVersion.objects.filter(pk=version_id, number__isnull=False).first()
    if version is None:
        return []
    residents = residents_to_notify().exclude(
        pk__in=PolicyChangeNotice.objects.filter(version=version).values("user_id")
    )
    if version.effective_on <= timezone.localdate():
        residents = residents.filter(date_joined__lte=version.posted_at)
    # Ids only: a City's residents fit in memory many times over.
    user_ids = list(residents.order_by("pk").values_list("pk", flat=True))
    for batch in _batches(user_ids, batch_size):
        PolicyChangeNotice.objects.bulk_create(
            [PolicyChangeNotice(version=version, user_id=user_id) for user_id in batch],
            ignore_conflicts=True,
        )
    due = (
        PolicyChangeNotice.objects.filter(version=version, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=timezone.now() - NOTICE_CLAIM_LEASE))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return list(_batches(due, batch_size))


def policy_notices_renudge() -> list[tuple[int, list[int]]]:
    """For the periodic reconciler: (version id, notice ids) batches still to send, for every
    upcoming version and every version posted in the last NOTICE_RENUDGE_DAYS days (a lost
    broker message or a killed worker loses no email)."""
    recent = timezone.now() - dt.timedelta(days=NOTICE_RENUDGE_DAYS)
    versions = PolicyVersion.objects.filter(number__gt=1).filter(
        Q(effective_on__gte=timezone.localdate()) | Q(posted_at__gte=recent)
    )
    return [
        (version_id, batch)
        for version_id in versions.order_by("pk").values_list("pk", flat=True)
        for batch in policy_notices_prepare(version_id=version_id)
    ]


def _claim(notice: PolicyChangeNotice) -> bool:
    now = timezone.now()
    claimed = (
        PolicyChangeNotice.objects.filter(pk=notice.pk, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - NOTICE_CLAIM_LEASE))
        .update(claimed_at=now)
    )
    return claimed == 1


def _language_of(user: Any) -> str:
    available = {code for code, _name in settings.LANGUAGES}
    profile = getattr(user, "profile", None)
    preferred = getattr(profile, "preferred_language", "")
    return preferred if preferred in available else settings.LANGUAGE_CODE


def _notice_email(notice: PolicyChangeNotice, connection: Any) -> EmailMessage:
    version, user = notice.version, notice.user
    upcoming = version.effective_on > timezone.localdate()
    context = {
        "name": user.get_full_name() or user.email,
        "version": version,
        "effective_on": _long_date(version.effective_on),
        "upcoming": upcoming,
        "url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("policies:privacy"),
        "city_name": settings.CITY_NAME,
        "contact_email": settings.RECORDS_ACCESS_OFFICER_EMAIL,
    }
    with translation.override(_language_of(user)):
        subject = render_to_string("policies/email/policy_change_subject.txt", context).strip()
        body = render_to_string("policies/email/policy_change.txt", context)
    return EmailMessage(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=body,
        to=[user.email],
        reply_to=[settings.RECORDS_ACCESS_OFFICER_EMAIL],
        connection=connection,
    )


def policy_notices_send(*, notice_ids: list[int]) -> int:
    """Send the batch's emails not yet sent, over one connection to the mail server. Each is
    claimed first (compare-and-set), so a rerun or a second worker never sends one twice; a
    failed send gives its claim back and raises, for the task to retry with backoff."""
    notices = list(
        PolicyChangeNotice.objects.filter(
            pk__in=notice_ids, sent_at__isnull=True, user__is_active=True
        )
        .select_related("version", "user__profile")
        .order_by("pk")
    )
    if not notices:
        return 0
    sent = 0
    with get_connection() as connection:
        for notice in notices:
            if not _claim(notice):
                continue
            try:
                _notice_email(notice, connection).send()
            except Exception:
                PolicyChangeNotice.objects.filter(pk=notice.pk, sent_at__isnull=True).update(
                    claimed_at=None
                )
                raise
            PolicyChangeNotice.objects.filter(pk=notice.pk).update(sent_at=timezone.now())
            sent += 1
    return sent
