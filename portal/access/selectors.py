"""Reads of the access log, always through `portal.access.scope.visible`: residents their own
entries (and those of a resident they represent for `access_log`), auditors and the privacy
officer all of them, the privacy officer the flagged ones to review."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from portal.access.models import AccessAction, AccessLogEntry
from portal.access.scope import may_read_audit, may_review_flagged_access, visible

# What a row of any access-log list needs, in the same query.
ROW_RELATED = ("actor", "request", "disclosure")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def resident_access_log(
    *, user: Any, subject: Any, outside_only: bool = False
) -> QuerySet[AccessLogEntry]:
    """What staff saw of `subject`'s data, newest first: `subject` is the person asking, or a
    resident they represent under a grant covering `access_log` (the scope decides)."""
    entries = (
        visible(user, AccessLogEntry)
        .filter(subject=subject)
        .select_related(*ROW_RELATED)
        .order_by("-occurred_at", "-id")
    )
    if outside_only:
        entries = entries.filter(action=AccessAction.DISCLOSURE)
    return entries


def access_log_entries(*, user: Any, filters: dict[str, Any]) -> QuerySet[AccessLogEntry]:
    """The staff access log (auditors and the privacy officer), filtered, newest first."""
    if not may_read_audit(user):
        return AccessLogEntry.objects.none()
    entries = visible(user, AccessLogEntry).select_related(*ROW_RELATED, "review")
    if filters.get("date_from"):
        entries = entries.filter(occurred_at__gte=_day_start(filters["date_from"]))
    if filters.get("date_to"):
        entries = entries.filter(
            occurred_at__lt=_day_start(filters["date_to"] + dt.timedelta(days=1))
        )
    if filters.get("actor"):
        entries = entries.filter(actor_id=filters["actor"])
    if filters.get("subject"):
        entries = entries.filter(subject_id=filters["subject"])
    if filters.get("request_number"):
        entries = entries.filter(request__number=filters["request_number"])
    if filters.get("flagged"):
        entries = entries.filter(outside_assignment=True)
    return entries.order_by("-occurred_at", "-id")


def flagged_unreviewed(*, user: Any) -> QuerySet[AccessLogEntry]:
    """Accesses outside an assignment the privacy officer has not concluded on, newest first."""
    if not may_review_flagged_access(user):
        return AccessLogEntry.objects.none()
    return (
        visible(user, AccessLogEntry)
        .filter(outside_assignment=True, review__isnull=True)
        .select_related("actor", "request")
        .order_by("-occurred_at", "-id")
    )


def unreviewed_flag_count(*, user: Any) -> int | None:
    """For the privacy officer's staff home; None for everyone else."""
    if not may_review_flagged_access(user):
        return None
    return flagged_unreviewed(user=user).count()


def flagged_entry(*, user: Any, pk: int) -> AccessLogEntry:
    """One flagged access, reviewed or not; 404 for anyone but the privacy officer."""
    if not may_review_flagged_access(user):
        raise Http404
    entry = (
        visible(user, AccessLogEntry)
        .filter(outside_assignment=True, pk=pk)
        .select_related("actor", "request", "review__reviewed_by")
        .first()
    )
    if entry is None:
        raise Http404
    return entry


def same_case_entries(*, user: Any, entry: AccessLogEntry) -> QuerySet[AccessLogEntry]:
    """Everything the same staff member saw of the same request, newest first."""
    if entry.request_id is None:
        return AccessLogEntry.objects.none()
    return (
        visible(user, AccessLogEntry)
        .filter(actor_id=entry.actor_id, request_id=entry.request_id)
        .select_related("review")
        .order_by("-occurred_at", "-id")
    )
