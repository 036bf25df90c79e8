"""Reads of the audit trail for the auditor's pages. Everything goes through
`visible(user, AuditEvent)`: only auditors and the privacy officer see any event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from portal.access.scope import visible
from portal.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    category: str = ""
    action: str = ""
    actor_id: int | None = None
    object_type: str = ""
    object_id: str = ""

    def codes(self) -> dict[str, Any]:
        """The filters as plain values, for the audit event that records an export."""
        return {
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "category": self.category,
            "action": self.action,
            "actor_id": self.actor_id,
            "object_type": self.object_type,
            "object_id": self.object_id,
        }


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the City's time zone."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(*, user: Any, filters: AuditFilters) -> QuerySet[AuditEvent]:
    """The events `user` may read that match `filters`, newest first."""
    events = visible(user, AuditEvent)
    if filters.date_from:
        events = events.filter(occurred_at__gte=_start_of(filters.date_from))
    if filters.date_to:
        events = events.filter(occurred_at__lt=_start_of(filters.date_to + dt.timedelta(days=1)))
    if filters.category:
        events = events.filter(category=filters.category)
    if filters.action:
        events = events.filter(action=filters.action)
    if filters.actor_id is not None:
        events = events.filter(actor_id=filters.actor_id)
    if filters.object_type:
        events = events.filter(object_type=filters.object_type)
    if filters.object_id:
        events = events.filter(object_id=filters.object_id)
    return events.order_by("-sequence")


def audit_event(*, user: Any, sequence: int) -> AuditEvent | None:
    return visible(user, AuditEvent).filter(sequence=sequence).first()


def audit_actions(*, user: Any) -> list[str]:
    """Every action the trail holds, for the filter's list."""
    return list(
        visible(user, AuditEvent).order_by("action").values_list("action", flat=True).distinct()
    )


def audit_object_types(*, user: Any) -> list[str]:
    return list(
        visible(user, AuditEvent)
        .exclude(object_type="")
        .order_by("object_type")
        .values_list("object_type", flat=True)
        .distinct()
    )
