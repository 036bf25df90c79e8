"""The hash that links each audit event to the one before it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_payload(
    *,
    sequence: int,
    occurred_at: datetime,
    category: str,
    action: str,
    actor_id: int | None,
    actor_role: str,
    object_type: str,
    object_id: str,
    field_names: list[str],
    details: dict[str, Any],
) -> str:
    """Every column but the hashes, as canonical JSON (sorted keys, no spaces)."""
    return json.dumps(
        {
            "sequence": sequence,
            "occurred_at": _timestamp(occurred_at),
            "category": category,
            "action": action,
            "actor_id": actor_id,
            "actor_role": actor_role,
            "object_type": object_type,
            "object_id": object_id,
            "field_names": field_names,
            "details": details,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def chain_hash(previous_hash: str, payload: str) -> str:
    return hashlib.sha256(f"{previous_hash}\n{payload}".encode()).hexdigest()


def event_hash(event: Any) -> str:
    """The hash an event row should carry, recomputed from its columns."""
    payload = event_payload(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        category=event.category,
        action=event.action,
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        object_type=event.object_type,
        object_id=event.object_id,
        field_names=list(event.field_names),
        details=dict(event.details),
    )
    return chain_hash(event.previous_hash, payload)
