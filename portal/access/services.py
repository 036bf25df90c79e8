"""Writing the access log. Views call `access_record` after they have found the object (through
portal.access.scope) and before they show or send it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.access.models import AccessAction, AccessFlagReview, AccessLogEntry
from portal.access.scope import may_review_flagged_access
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record


def access_record(
    *,
    actor: Any,
    subject: Any,
    item: str,
    action: str = AccessAction.VIEW,
    obj: Any = None,
    request: Any = None,
    purpose: str = "",
    outside_assignment: bool = False,
    disclosure: Any = None,
    record_ids: list[int] | None = None,
) -> AccessLogEntry:
    """One access to `subject`'s personal data. `item` is a code from portal.access.wording that
    says in plain words what was seen; `obj` the object shown; `request` its request, if any."""
    AccessAction(action)
    return AccessLogEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_role=getattr(actor, "role", "") or "",
        subject=subject,
        action=action,
        item=item,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        request=request,
        purpose=purpose,
        outside_assignment=outside_assignment,
        disclosure=disclosure,
        record_ids=list(record_ids or []),
    )


def access_record_many(
    *,
    actor: Any,
    subjects: Iterable[Any],
    item: str,
    action: str = AccessAction.VIEW,
    obj: Any = None,
) -> list[AccessLogEntry]:
    """One entry per resident for a page or file that shows several residents' data at once
    (a print batch of mailed codes): each resident's own log shows it."""
    AccessAction(action)
    actor_or_none = actor if getattr(actor, "is_authenticated", False) else None
    seen: set[int] = set()
    entries = []
    for subject in subjects:
        if subject.pk in seen:
            continue
        seen.add(subject.pk)
        entries.append(
            AccessLogEntry(
                actor=actor_or_none,
                actor_role=getattr(actor, "role", "") or "",
                subject=subject,
                action=action,
                item=item,
                object_type=obj._meta.label_lower if obj is not None else "",
                object_id=str(obj.pk) if obj is not None else "",
            )
        )
    return AccessLogEntry.objects.bulk_create(entries)


@transaction.atomic
def access_flag_review(
    *, entry: AccessLogEntry, reviewer: Any, note: str, up_to_id: int | None = None
) -> list[AccessFlagReview]:
    """The privacy officer's conclusion on a flagged access. It covers this entry and the other
    flagged, unreviewed entries of the same person on the same request that the officer had in
    front of them (ids up to `up_to_id`), so one look at one case is one decision."""
    if not may_review_flagged_access(reviewer):
        raise PermissionDenied("only the privacy officer reviews flagged access")
    if not entry.outside_assignment:
        raise ValidationError(_("This access was not flagged."))
    note = note.strip()
    if not note:
        raise ValidationError(_("Write what you concluded."))
    case = AccessLogEntry.objects.filter(pk=entry.pk)
    if entry.request_id is not None:
        case = AccessLogEntry.objects.filter(
            actor_id=entry.actor_id,
            request_id=entry.request_id,
            outside_assignment=True,
            id__lte=max(up_to_id or entry.pk, entry.pk),
        )
    # Two officers at once: the second waits on these rows, then finds the first one's reviews.
    ids = sorted({entry.pk, *case.select_for_update().order_by("pk").values_list("pk", flat=True)})
    already = set(
        AccessFlagReview.objects.filter(entry_id__in=ids).values_list("entry_id", flat=True)
    )
    if entry.pk in already:
        raise ValidationError(_("Someone already recorded a conclusion on this access."))
    now = timezone.now()
    reviews = AccessFlagReview.objects.bulk_create(
        [
            AccessFlagReview(entry_id=pk, reviewed_by=reviewer, reviewed_at=now, note=note)
            for pk in ids
            if pk not in already
        ]
    )
    audit_record(
        action="access.flag_reviewed",
        category=AuditCategory.DECISION,
        actor=reviewer,
        obj=entry,
        details={
            "entry_ids": [review.entry_id for review in reviews],
            "request_id": entry.request_id,
            "staff_id": entry.actor_id,
        },
    )
    return reviews


def access_log_export_record(*, actor: Any, filters: dict[str, Any], rows: int) -> None:
    """An export of the access log is itself recorded (ids, dates and flags only)."""
    audit_record(
        action="access.exported",
        category=AuditCategory.RECORD,
        actor=actor,
        object_type="access.accesslogentry",
        details={
            "rows": rows,
            **{key: value for key, value in filters.items() if value not in (None, "", False)},
        },
    )
