"""Writing to the audit trail.

`audit_record` is called inside the transaction that makes the change, so the event and the change
commit or roll back together. Events are chained: each takes the next sequence number and the hash
of the event before under a lock, so two processes writing at once cannot fork the chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from portal.audit.chain import chain_hash, event_payload
from portal.audit.models import GENESIS_HASH, AuditCategory, AuditEvent

# An arbitrary, fixed key for PostgreSQL's transaction-scoped advisory lock on the chain's head.
CHAIN_LOCK_KEY = 6_602_660_066

# Values a detail may hold: ids, states, codes, counts and dates as text. Never personal data.
DetailValue = str | int | bool | None | list[Any]


class AuditDetailError(TypeError):
    """A detail was not a plain id, code, flag or list of them."""


def _check_details(details: dict[str, Any]) -> dict[str, Any]:
    for key, value in details.items():
        items = value if isinstance(value, list) else [value]
        for item in items:
            if not (item is None or isinstance(item, str | int | bool)):
                raise AuditDetailError(f"audit detail {key!r} must be a plain value, not {item!r}")
    return details


def _lock_chain() -> None:
    # SQLite runs write transactions one at a time (transaction_mode IMMEDIATE), which is the lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def _label(obj: Any) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def audit_chain_head() -> dict[str, Any] | None:
    """The newest event's number and hash, or None while the trail is empty."""
    return AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()


def audit_record(
    *,
    action: str,
    category: str,
    actor: Any = None,
    obj: Any = None,
    object_type: str = "",
    object_id: str | int = "",
    fields: Iterable[str] = (),
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. `obj` (a model instance) or `object_type`/`object_id` name what it is
    about; `fields` names the fields that changed; `details` holds ids, states and codes only."""
    AuditCategory(category)
    if obj is not None:
        object_type, object_id = _label(obj)
    actor_id = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    actor_role = getattr(actor, "role", "") if actor_id is not None else ""
    details = _check_details(dict(details or {}))
    field_names = sorted(set(fields))
    with transaction.atomic():
        _lock_chain()
        head = audit_chain_head()
        sequence = head["sequence"] + 1 if head else 1
        previous_hash = head["hash"] if head else GENESIS_HASH
        occurred_at = timezone.now()
        payload = event_payload(
            sequence=sequence,
            occurred_at=occurred_at,
            category=category,
            action=action,
            actor_id=actor_id,
            actor_role=actor_role,
            object_type=object_type,
            object_id=str(object_id),
            field_names=field_names,
            details=details,
        )
        return AuditEvent.objects.create(
            sequence=sequence,
            occurred_at=occurred_at,
            category=category,
            action=action,
            actor_id=actor_id,
            actor_role=actor_role,
            object_type=object_type,
            object_id=str(object_id),
            field_names=field_names,
            details=details,
            previous_hash=previous_hash,
            hash=chain_hash(previous_hash, payload),
        )
