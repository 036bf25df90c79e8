"""Reading corrections: which released records and fields a resident may propose changes to, the
statements of disagreement that go with a record, and the history of a corrected field."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from requests.corrections.models import (
    ChangeStatus,
    DisagreementStatement,
    ProposedChange,
    WriteBackStatus,
)
from requests.corrections.values import value_decrypt
from requests.gathering.models import GatheredRecord
from requests.models import ConnectorKind, DataSource, RequestKind
from requests.states import RequestStatus

# A change still on its way: a second proposal on the same field waits for it.
OPEN_CHANGE_STATUSES = frozenset(
    {ChangeStatus.PROPOSED, ChangeStatus.APPROVED, ChangeStatus.CONFLICT}
)
SCALARS = (str, int, float, bool, type(None))


def released_to(*, subject: Any) -> QuerySet:
    """The gathered records released to this resident by an access request that was answered."""
    from requests.release.models import SourceAnswer, SourceDecision

    held = SourceDecision.objects.filter(
        request_id=OuterRef("run__request_id"),
        source_id=OuterRef("run__source_id"),
        answer=SourceAnswer.HELD,
    )
    return (
        GatheredRecord.objects.filter(
            run__request__subject=subject,
            run__request__kind=RequestKind.ACCESS,
            run__request__status__in=[RequestStatus.RELEASED, RequestStatus.CLOSED],
        )
        .filter(Exists(held))
        .exclude(confirmed=False)
        .select_related("run__source__department", "run__request")
    )


def correctable_fields(record: GatheredRecord) -> dict[str, Any]:
    """The fields of a released record a resident saw as the City holds them: top-level plain
    values, neither masked, redacted nor never released. Their values, as held."""
    from requests.gathering.services import fields_decrypt
    from requests.release.build import _record_marks, _value_redactions, package_record

    source = record.run.source
    fields = fields_decrypt(record)
    shown = package_record(
        department=source.department.name,
        source=source.name,
        record_type=record.record_type,
        key=record.key,
        fields=fields,
        never_released=source.never_released_fields,
        field_marks=_record_marks(record.run.request_id).get(record.pk, ()),
        values=_value_redactions(record.run.request_id),
    )
    hidden = {mark.field.split(".", 1)[0] for mark in (*shown.redacted, *shown.masked)}
    hidden |= set(source.never_released_fields or ())
    return {
        name: value
        for name, value in fields.items()
        if name not in hidden and isinstance(value, SCALARS) and shown.fields.get(name) == value
    }


def write_back_is_automatic(*, source: DataSource, record_type: str, field_name: str) -> bool:
    """Whether a worker can write this field back through the source's connector: an `sql` or
    `http` source whose configuration names how (`corrections` → record type → field)."""
    if source.kind not in (ConnectorKind.SQL, ConnectorKind.HTTP):
        return False
    corrections = (source.configuration or {}).get("corrections") or {}
    by_type = corrections.get(record_type) if isinstance(corrections, dict) else None
    return isinstance(by_type, dict) and field_name in by_type


def statements_for_records(
    *, subject_id: int, records: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], list[DisagreementStatement]]:
    """The statements of disagreement on these records of one resident, keyed by (source id,
    record key), oldest first. One query."""
    wanted = set(records)
    if not wanted:
        return {}
    found: dict[tuple[int, str], list[DisagreementStatement]] = defaultdict(list)
    rows = DisagreementStatement.objects.filter(
        subject_id=subject_id,
        source_id__in={source_id for source_id, _ in wanted},
        record_key__in={key for _, key in wanted},
    ).order_by("filed_at", "pk")
    for statement in rows:
        identity = (statement.source_id, statement.record_key)
        if identity in wanted:
            found[identity].append(statement)
    return dict(found)


def statements_for_subject(*, subject_id: int, department_ids: Iterable[int] | None = None) -> Any:
    rows = DisagreementStatement.objects.filter(subject_id=subject_id)
    if department_ids is not None:
        rows = rows.filter(department_id__in=list(department_ids))
    return rows.select_related("source__department").order_by("filed_at", "pk")


@dataclass(frozen=True)
class FieldHistoryEntry:
    before: Any
    after: Any
    decided_by: Any
    confirmed_by: Any
    applied_at: datetime | None
    why: str
    decision_reason: str
    request_number: str


def field_history(*, source_id: int, record_key: str, field_name: str) -> list[FieldHistoryEntry]:
    """Each change written to this field: before, after, who, when and why; oldest first."""
    changes = (
        ProposedChange.objects.filter(
            source_id=source_id,
            record_key=record_key,
            field_name=field_name,
            status=ChangeStatus.APPLIED,
        )
        .select_related("decided_by", "request")
        .prefetch_related("write_backs__confirmed_by")
        .order_by("applied_at", "pk")
    )
    entries = []
    for change in changes:
        applied = [w for w in change.write_backs.all() if w.status == WriteBackStatus.APPLIED]
        write_back = applied[-1] if applied else None
        entries.append(
            FieldHistoryEntry(
                before=value_decrypt(write_back.expected_value_encrypted) if write_back else None,
                after=value_decrypt(write_back.new_value_encrypted) if write_back else None,
                decided_by=change.decided_by,
                confirmed_by=write_back.confirmed_by if write_back else None,
                applied_at=change.applied_at,
                why=change.reason,
                decision_reason=change.decision_reason,
                request_number=change.request.number,
            )
        )
    return entries
