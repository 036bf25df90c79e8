"""Reads of the review: one request's records as the clerk sees them, grouped by department and
source, each decrypted and masked before anything of it reaches a page; the decisions taken so
far; and what is left before release.

Every record of the request is read once, in one query, to find the fields that hold someone
else's data (release cannot skip one the page did not show); only the records on the page are
kept. A resident with 100,000 records gets a page of `RECORDS_PER_SOURCE` records per source,
and one source may be read page by page.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count

from portal.access.scope import visible
from portal.matching.strength import MatchStrength
from requests.corrections.models import DisagreementStatement
from requests.corrections.selectors import statements_for_records
from requests.gathering.models import GatheredRecord, SourceRun
from requests.gathering.services import fields_decrypt
from requests.models import Request
from requests.release.masking import KIND_LABELS, mask_record
from requests.release.models import (
    OtherPersonRelease,
    PackageStatus,
    Redaction,
    ReleasePackage,
    SourceAnswer,
    SourceDecision,
)
from requests.release.services import (
    REVIEWABLE_STATUSES,
    Blocker,
    redaction_value,
    release_blockers,
    release_needs_second_clerk,
)

RECORDS_PER_SOURCE = 50
_BATCH = 2000


@dataclass(frozen=True)
class FlagView:
    """A field of a record flagged as someone else's data, and what was decided about it."""

    field: str
    state: str  # "redacted", "released" or "open"
    exemption: str = ""
    reason: str = ""


@dataclass(frozen=True)
class RecordView:
    record: GatheredRecord
    fields: dict[str, Any]  # masked: nothing masked reaches the page
    field_paths: list[str]  # every field a clerk may redact, nested ones as dotted paths
    masked: list[tuple[str, str]]  # (field, what was removed) from automatic masking
    flags: list[FlagView]
    redactions: list[Redaction]  # active redactions of one of this record's fields
    # The resident's statements of disagreement on this record, shown to staff with the data
    # (c. 66A §2(j)).
    statements: list[DisagreementStatement] = field(default_factory=list)

    @property
    def short_key(self) -> str:
        """The record's key in its source, without the record type it is stored under."""
        return self.record.key.split("/", 1)[-1]

    @property
    def strength_words(self) -> str:
        return str(MatchStrength(self.record.match_strength).label)

    @property
    def decision(self) -> str:
        """ "confirmed", "rejected", "open" (a weak match not decided yet) or "" (no decision
        needed)."""
        if self.record.confirmed is True:
            return "confirmed"
        if self.record.confirmed is False:
            return "rejected"
        return "open" if self.record.needs_confirmation else ""

    @property
    def redacted_fields(self) -> dict[str, str]:
        return {redaction.field: redaction.exemption for redaction in self.redactions}

    @property
    def rows(self) -> list[tuple[str, str]]:
        """Each top-level field and its value as text (nested values written as JSON)."""
        return [
            (
                name,
                json.dumps(value, ensure_ascii=False, default=str)
                if isinstance(value, dict | list)
                else ("" if value is None else str(value)),
            )
            for name, value in self.fields.items()
        ]

    @property
    def field_rows(self) -> list[tuple[str, str, list[DisagreementStatement]]]:
        """`rows`, each with the statements of disagreement on that field."""
        return [
            (name, text, [s for s in self.statements if s.field_name == name])
            for name, text in self.rows
        ]

    @property
    def other_statements(self) -> list[DisagreementStatement]:
        """Statements on a field this record does not show (no longer in the source's answer)."""
        shown = set(self.fields)
        return [s for s in self.statements if s.field_name not in shown]


@dataclass
class SourceView:
    run: SourceRun
    decision: SourceDecision | None
    record_count: int
    records: list[RecordView] = field(default_factory=list)
    first: int = 0  # position of the first record shown (0-based)

    @property
    def source(self) -> Any:
        return self.run.source

    @property
    def shown_to(self) -> int:
        return self.first + len(self.records)

    @property
    def more(self) -> bool:
        return self.record_count > self.shown_to or self.first > 0


@dataclass(frozen=True)
class ValueRedactionView:
    redaction: Redaction
    value: str


@dataclass
class Review:
    request: Request
    sources: list[SourceView]
    flagged: dict[int, list[str]]
    blockers: list[Blocker]
    field_redactions: list[Redaction]
    value_redactions: list[ValueRedactionView]
    awaiting: ReleasePackage | None
    sent_back: ReleasePackage | None  # the latest release, when a second clerk sent it back
    needs_second_clerk: bool
    reviewable: bool
    one_source: SourceView | None = None  # the source read page by page, if one was chosen
    page: int = 1
    pages: int = 1

    @property
    def record_count(self) -> int:
        return sum(source.record_count for source in self.sources)

    @property
    def shown_count(self) -> int:
        return sum(len(source.records) for source in self.sources)


def field_paths(value: Any, prefix: str = "") -> Iterable[str]:
    """Every field a redaction may name: top-level fields and, inside them, nested ones."""
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            yield path
            yield from field_paths(inner, path)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            path = f"{prefix}.{index}" if prefix else str(index)
            if isinstance(inner, dict | list):
                yield path
                yield from field_paths(inner, path)


def _may_go_out(
    record: GatheredRecord, source_id: int, decisions: dict[int, SourceDecision]
) -> bool:
    """Whether a record may go to the resident as things stand: not rejected, and its source
    not answered "not held" or "withheld" (a source not answered yet still may be held)."""
    if record.confirmed is False:
        return False
    decision = decisions.get(source_id)
    return decision is None or decision.answer == SourceAnswer.HELD


def review_runs(*, user: Any, request: Request) -> list[SourceRun]:
    return list(
        visible(user, SourceRun)
        .filter(request=request)
        .select_related("source", "source__department")
        .order_by("source__department__name", "source__name", "pk")
    )


def request_review(
    *,
    user: Any,
    request: Request,
    run_id: int | None = None,
    page: int = 1,
    with_records: bool = True,
) -> Review:
    """The review of one request for `user`. With `run_id`, that one source is read page by
    page (`page`, from 1); otherwise the first `RECORDS_PER_SOURCE` records of every source.
    Without `with_records`, only the counts, the decisions and what is left (the release
    page)."""
    runs = review_runs(user=user, request=request)
    decisions = {
        decision.source_id: decision
        for decision in SourceDecision.objects.filter(request=request).select_related("decided_by")
    }
    counts = dict(
        GatheredRecord.objects.filter(run__request=request)
        .values("run_id")
        .annotate(n=Count("pk"))
        .values_list("run_id", "n")
    )
    sources = [
        SourceView(
            run=run, decision=decisions.get(run.source_id), record_count=counts.get(run.pk, 0)
        )
        for run in runs
    ]
    by_run = {source.run.pk: source for source in sources}
    one_source = by_run.get(run_id) if run_id is not None else None
    pages = 1
    if one_source is not None:
        pages = max(1, -(-one_source.record_count // RECORDS_PER_SOURCE))
        page = min(max(page, 1), pages)
        one_source.first = (page - 1) * RECORDS_PER_SOURCE
    else:
        page = 1

    redactions = list(
        Redaction.objects.filter(request=request, withdrawn_at__isnull=True).select_related(
            "created_by"
        )
    )
    field_marks: dict[int, list[Redaction]] = {}
    for redaction in redactions:
        if redaction.record_id is not None:
            field_marks.setdefault(redaction.record_id, []).append(redaction)
    released_others = {
        (row.record_id, row.field): row
        for row in OtherPersonRelease.objects.filter(record__run__request=request)
    }

    flagged: dict[int, list[str]] = {}
    positions: dict[int, int] = {}
    shown: list[tuple[SourceView, dict[str, Any]]] = []
    records = (
        GatheredRecord.objects.filter(run__request=request)
        .defer("policy_version", "created_at")
        .order_by("run_id", "record_type", "key", "pk")
    )
    for record in records.iterator(chunk_size=_BATCH):
        source_view = by_run.get(record.run_id)
        if source_view is None:
            continue
        source = source_view.run.source
        masked = mask_record(
            fields_decrypt(record), never_released=source.never_released_fields or ()
        )
        if masked.others_data and _may_go_out(record, source.pk, decisions):
            flagged[record.pk] = list(masked.others_data)
        position = positions.get(record.run_id, 0)
        positions[record.run_id] = position + 1
        if not with_records or (one_source is not None and source_view is not one_source):
            continue
        if not source_view.first <= position < source_view.first + RECORDS_PER_SOURCE:
            continue
        record.run = source_view.run
        marks = field_marks.get(record.pk, [])
        marked = {redaction.field: redaction for redaction in marks}
        flags = []
        for path in masked.others_data:
            if path in marked:
                flags.append(FlagView(path, "redacted", exemption=marked[path].exemption))
            elif (record.pk, path) in released_others:
                reason = released_others[(record.pk, path)].reason
                flags.append(FlagView(path, "released", reason=reason))
            else:
                flags.append(FlagView(path, "open"))
        shown.append(
            (
                source_view,
                {
                    "record": record,
                    "fields": masked.fields,
                    "field_paths": list(dict.fromkeys(field_paths(masked.fields))),
                    "masked": list(
                        dict.fromkeys(
                            (note.field, str(KIND_LABELS.get(note.kind, note.kind)))
                            for note in masked.notes
                        )
                    ),
                    "flags": flags,
                    "redactions": marks,
                },
            )
        )
    # One query for the statements on every record the page shows.
    statements = statements_for_records(
        subject_id=request.subject_id,
        records=[(parts["record"].run.source_id, parts["record"].key) for _, parts in shown],
    )
    for source_view, parts in shown:
        identity = (parts["record"].run.source_id, parts["record"].key)
        source_view.records.append(RecordView(**parts, statements=statements.get(identity, [])))

    latest = (
        ReleasePackage.objects.filter(request=request)
        .select_related("released_by", "sent_back_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    awaiting = latest if latest and latest.status == PackageStatus.AWAITING_APPROVAL else None
    sent_back = latest if latest and latest.status == PackageStatus.SENT_BACK else None
    reviewable = request.status in REVIEWABLE_STATUSES
    return Review(
        request=request,
        sources=[one_source] if one_source is not None else sources,
        flagged=flagged,
        blockers=release_blockers(request=request, flagged=flagged) if reviewable else [],
        field_redactions=[r for r in redactions if r.record_id is not None],
        value_redactions=[
            ValueRedactionView(redaction=r, value=redaction_value(r))
            for r in redactions
            if r.record_id is None
        ],
        awaiting=awaiting,
        sent_back=sent_back,
        needs_second_clerk=release_needs_second_clerk(request=request),
        reviewable=reviewable,
        one_source=one_source,
        page=page,
        pages=pages,
    )


@dataclass(frozen=True)
class ReleaseSummary:
    """What a release sends, for the confirmation page."""

    held: list[SourceView]
    not_held: list[SourceView]
    withheld: list[SourceView]
    undecided: list[SourceView]
    records_released: int
    records_rejected: int
    field_redactions: int
    value_redactions: int

    @property
    def exemption_labels(self) -> dict[str, str]:
        return {code: str(label) for code, label in settings.REQUESTS_EXEMPTIONS.items()}


def release_summary(*, review: Review) -> ReleaseSummary:
    rejected = dict(
        GatheredRecord.objects.filter(run__request=review.request, confirmed=False)
        .values("run_id")
        .annotate(n=Count("pk"))
        .values_list("run_id", "n")
    )
    groups: dict[str, list[SourceView]] = {"held": [], "not_held": [], "withheld": [], "": []}
    for source in review.sources:
        groups[source.decision.answer if source.decision else ""].append(source)
    return ReleaseSummary(
        held=groups[SourceAnswer.HELD],
        not_held=groups[SourceAnswer.NOT_HELD],
        withheld=groups[SourceAnswer.WITHHELD],
        undecided=groups[""],
        records_released=sum(
            source.record_count - rejected.get(source.run.pk, 0)
            for source in groups[SourceAnswer.HELD]
        ),
        records_rejected=sum(rejected.values()),
        field_redactions=len(review.field_redactions),
        value_redactions=len(review.value_redactions),
    )
