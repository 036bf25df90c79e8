"""Walking the audit chain to find the first event that does not fit."""

from __future__ import annotations

from dataclasses import dataclass

from portal.audit.chain import event_hash
from portal.audit.models import GENESIS_HASH, AuditEvent

CHUNK = 2000


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def audit_chain_verify() -> ChainReport:
    """Every event, oldest first: its number follows the one before, it names the hash of the
    one before, and its own hash matches its columns. The first that fails is reported."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    checked = 0
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=CHUNK):
        if event.sequence != expected_sequence:
            return ChainReport(
                checked,
                event.sequence,
                f"events {expected_sequence} to {event.sequence - 1} are missing",
            )
        if event.previous_hash != previous_hash:
            return ChainReport(
                checked, event.sequence, "it does not name the hash of the event before it"
            )
        if event_hash(event) != event.hash:
            return ChainReport(
                checked, event.sequence, "its contents do not match its hash: it was changed"
            )
        checked += 1
        expected_sequence += 1
        previous_hash = event.hash
    return ChainReport(checked)
