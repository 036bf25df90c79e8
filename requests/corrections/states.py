"""The states of a proposed change and of its write-back, the moves allowed between them, and
the functions that make a move: compare-and-set on the old state (two stewards, two workers or a
worker and the reconciler acting at once cannot both win), with an audit event.

Nothing else assigns `ProposedChange.status` or `WriteBack.status`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from requests.corrections.models import ChangeStatus, ProposedChange, WriteBack, WriteBackStatus

C = ChangeStatus
W = WriteBackStatus

CHANGE_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (C.PROPOSED, C.APPROVED),
        (C.PROPOSED, C.DENIED),
        (C.PROPOSED, C.WITHDRAWN),
        # The write-back's outcome.
        (C.APPROVED, C.APPLIED),
        (C.APPROVED, C.CONFLICT),
        # A conflict goes back to the steward, who decides again on the value now held.
        (C.CONFLICT, C.APPROVED),
        (C.CONFLICT, C.DENIED),
        # The privacy officer overturns a denial on appeal.
        (C.DENIED, C.APPROVED),
    }
)

WRITE_BACK_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (W.PENDING, W.RUNNING),
        (W.RETRY_WAIT, W.RUNNING),
        (W.UNKNOWN, W.RUNNING),
        # A lease ran out: another worker takes the write-back over.
        (W.RUNNING, W.RUNNING),
        (W.RUNNING, W.APPLIED),
        (W.RUNNING, W.CONFLICT),
        (W.RUNNING, W.RETRY_WAIT),
        (W.RUNNING, W.UNKNOWN),
        (W.RUNNING, W.FAILED),
        # A failed write-back: the steward has it tried again (read back first, since it may
        # have been sent), or applies it by hand.
        (W.FAILED, W.UNKNOWN),
        (W.FAILED, W.WAITING_FOR_STEWARD),
        # csv and manual sources: the steward applies it in the department's system.
        (W.WAITING_FOR_STEWARD, W.APPLIED),
        (W.WAITING_FOR_STEWARD, W.CONFLICT),
    }
)


class IllegalChangeMove(Exception):
    """The move is not allowed, or the object moved meanwhile."""


def change_move(
    *,
    change: ProposedChange,
    to: str,
    actor: Any | None,
    changes: Mapping[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> ProposedChange:
    source, target = change.status, ChangeStatus(to)
    if (source, target) not in CHANGE_TRANSITIONS:
        raise IllegalChangeMove(f"change {change.pk}: {source} → {target} is not allowed")
    fields = {**(changes or {}), "status": target, "updated_at": timezone.now()}
    with transaction.atomic():
        if ProposedChange.objects.filter(pk=change.pk, status=source).update(**fields) != 1:
            raise IllegalChangeMove(f"change {change.pk} is no longer {source}")
        audit_record(
            action="correction.change_moved",
            category=AuditCategory.STATE_CHANGE,
            actor=actor,
            obj=change,
            fields=sorted(fields),
            details={"from_status": str(source), "to_status": str(target), **(details or {})},
        )
    for name, value in fields.items():
        setattr(change, name, value)
    return change


def write_back_move(
    *,
    write_back: WriteBack,
    to: str,
    actor: Any | None = None,
    expect: Mapping[str, Any] | None = None,
    changes: Mapping[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> bool:
    """Move a write-back; False (and nothing changed) when it is no longer where it was, or no
    longer matches `expect` (a worker's claim token, say). Audited only when it moved."""
    source, target = write_back.status, WriteBackStatus(to)
    if (source, target) not in WRITE_BACK_TRANSITIONS:
        raise IllegalChangeMove(f"write-back {write_back.pk}: {source} → {target} is not allowed")
    fields = {**(changes or {}), "status": target}
    with transaction.atomic():
        moved = WriteBack.objects.filter(pk=write_back.pk, status=source, **(expect or {})).update(
            **fields
        )
        if moved != 1:
            return False
        if source != target:
            audit_record(
                action="correction.write_back_moved",
                category=AuditCategory.STATE_CHANGE,
                actor=actor,
                obj=write_back,
                fields=sorted(fields),
                details={
                    "from_status": str(source),
                    "to_status": str(target),
                    "change_id": write_back.change_id,
                    **(details or {}),
                },
            )
    for name, value in fields.items():
        setattr(write_back, name, value)
    return True


def appeal_close(*, appeal: Any, to: str, changes: Mapping[str, Any]) -> bool:
    """An open appeal upheld or overturned; False when it was decided meanwhile."""
    from requests.corrections.models import Appeal, AppealStatus

    target = AppealStatus(to)
    if target == AppealStatus.OPEN:
        raise IllegalChangeMove("an appeal is decided once")
    moved = Appeal.objects.filter(pk=appeal.pk, status=AppealStatus.OPEN).update(
        **changes, status=target
    )
    return moved == 1


def recipient_notice_close(*, notice: Any, changes: Mapping[str, Any]) -> bool:
    """A recipient told; False when someone marked it meanwhile."""
    from requests.corrections.models import RecipientNotice, RecipientNoticeStatus

    moved = RecipientNotice.objects.filter(pk=notice.pk, status=RecipientNoticeStatus.OPEN).update(
        **changes, status=RecipientNoticeStatus.DONE
    )
    return moved == 1
