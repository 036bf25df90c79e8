"""Building a release package in a worker: claimed with a lease like a source run, the records
streamed from the database through masking and the clerk's redactions into the ZIP writer, and
the ZIP encrypted as it is written. Nothing of a resident's records lands on disk in plaintext,
and memory stays flat however many records there are.
"""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.crypto_stream import StreamEncryptor, stream_decrypt
from portal.policies.models import PolicyVersion
from requests.corrections.selectors import statements_for_records
from requests.gathering.models import GatheredRecord
from requests.gathering.services import fields_decrypt
from requests.models import Request
from requests.release import package as zip_package
from requests.release.letter import release_letter_pdf, release_summary
from requests.release.masking import KIND_LABELS, mask_record
from requests.release.models import (
    PackageContent,
    PackageStatus,
    Redaction,
    ReleasePackage,
    SourceAnswer,
    SourceDecision,
)
from requests.release.notify import package_ready_notify
from requests.release.redaction import RedactionMark, ValueRedaction, redact_fields
from requests.release.services import redaction_value
from requests.release.states import package_move

logger = logging.getLogger(__name__)

STORAGE_FOLDER = "packages"
_BATCH = 2000


def _storage():
    return storages["private"]


def _exemption_label(code: str) -> str:
    return str(settings.REQUESTS_EXEMPTIONS.get(code, code))


# --- The records, one at a time ---------------------------------------------------------------


def released_records(*, request_id: int) -> Any:
    """The gathered records that go to the resident: from sources answered "held", never one a
    clerk rejected as someone else's, ordered as the package groups them."""
    held = SourceDecision.objects.filter(request_id=request_id, answer=SourceAnswer.HELD)
    return (
        GatheredRecord.objects.filter(
            run__request_id=request_id, run__source_id__in=held.values("source_id")
        )
        .exclude(confirmed=False)
        .select_related("run__source__department")
        .order_by("run__source__department__name", "run__source__name", "record_type", "key", "pk")
    )


def _record_marks(request_id: int) -> dict[int, list[RedactionMark]]:
    marks: dict[int, list[RedactionMark]] = {}
    rows = Redaction.objects.filter(
        request_id=request_id, record__isnull=False, withdrawn_at__isnull=True
    ).values_list("record_id", "field", "exemption")
    for record_id, field, code in rows:
        marks.setdefault(record_id, []).append(
            RedactionMark(field=field, exemption=code, label=_exemption_label(code))
        )
    return marks


def _value_redactions(request_id: int) -> list[ValueRedaction]:
    rows = Redaction.objects.filter(
        request_id=request_id, record__isnull=True, withdrawn_at__isnull=True
    )
    return [
        ValueRedaction(
            value=redaction_value(row),
            exemption=row.exemption,
            label=_exemption_label(row.exemption),
        )
        for row in rows
    ]


def _policy_labels() -> dict[int, str]:
    return {
        version.pk: f"the privacy policy of {version.effective_on:%-d %B %Y} ({version})"
        for version in PolicyVersion.objects.filter(number__isnull=False)
    }


def _mask_marks(notes: Any) -> list[zip_package.MaskMark]:
    """One mark per top-level field and kind: the index shows it beside the field, even when
    the masked part was nested inside it."""
    marks = dict.fromkeys(
        (note.field.split(".", 1)[0], str(KIND_LABELS.get(note.kind, note.kind))) for note in notes
    )
    return [zip_package.MaskMark(field=field, label=label) for field, label in marks]


def package_record(
    *,
    department: str,
    source: str,
    record_type: str,
    key: str,
    fields: dict[str, Any],
    never_released: Any = (),
    field_marks: Any = (),
    values: Any = (),
    collected_under: str | None = None,
    statements: Any = (),
) -> zip_package.PackageRecord:
    """One record as the package shows it: masked first (before anyone sees it), then with the
    clerk's redactions."""
    masked = mask_record(fields, never_released=never_released or ())
    shown, marks = redact_fields(masked.fields, field_marks=field_marks, values=values)
    return zip_package.PackageRecord(
        department=department,
        source=source,
        record_type=record_type,
        key=key,
        fields=shown,
        redacted=[
            zip_package.RedactionMark(
                field=mark.field, exemption_code=mark.exemption, exemption_label=mark.label
            )
            for mark in marks
        ],
        masked=_mask_marks(masked.notes),
        statements=statements,
        collected_under=collected_under,
    )


def _batches(records: Iterable[GatheredRecord]) -> Iterator[list[GatheredRecord]]:
    batch: list[GatheredRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) == _BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _package_statements(statements: Iterable[Any]) -> list[zip_package.Statement]:
    return [
        zip_package.Statement(
            reference=str(statement.pk),
            text=statement.text,
            made_at=statement.filed_at,
            field=statement.field_name,
        )
        for statement in statements
    ]


def package_records(*, request_id: int) -> Iterator[zip_package.PackageRecord]:
    """Each released record as the package shows it, streamed from the database, with the
    resident's statements of disagreement on it (c. 66A §2(j)): read once per batch of
    records, never once per record."""
    subject_id = Request.objects.values_list("subject_id", flat=True).get(pk=request_id)
    record_marks = _record_marks(request_id)
    values = _value_redactions(request_id)
    policies = _policy_labels()
    records = released_records(request_id=request_id).iterator(chunk_size=_BATCH)
    for batch in _batches(records):
        statements = statements_for_records(
            subject_id=subject_id,
            records=[(record.run.source_id, record.key) for record in batch],
        )
        for record in batch:
            source = record.run.source
            yield package_record(
                department=source.department.name,
                source=source.name,
                record_type=record.record_type,
                key=record.key.split("/", 1)[-1],
                fields=fields_decrypt(record),
                never_released=source.never_released_fields,
                field_marks=record_marks.get(record.pk, ()),
                values=values,
                collected_under=policies.get(record.policy_version_id),
                statements=_package_statements(statements.get((source.pk, record.key), ())),
            )


def access_log_records(*, request: Any) -> Iterator[zip_package.PackageRecord]:
    """An `access_log` request's package: every access to the resident's data, in the words of
    their own "Who has seen my data" page."""
    from portal.access.models import AccessLogEntry
    from portal.access.selectors import ROW_RELATED
    from portal.access.wording import actor_description, resident_reason, resident_sentence

    entries = (
        AccessLogEntry.objects.filter(subject_id=request.subject_id)
        .select_related(*ROW_RELATED)
        .order_by("occurred_at", "pk")
    )
    for entry in entries.iterator(chunk_size=_BATCH):
        yield zip_package.PackageRecord(
            department="City of Westfield",
            source="Who has seen your information",
            record_type="access",
            key=str(entry.pk),
            fields={
                "when": timezone.localtime(entry.occurred_at).isoformat(timespec="minutes"),
                "who": actor_description(entry),
                "what": resident_sentence(entry),
                "why": resident_reason(entry),
            },
        )


# --- Claiming and building ------------------------------------------------------------------


def _claimable(now: datetime) -> Q:
    return Q(status=PackageStatus.QUEUED) | Q(
        status=PackageStatus.BUILDING, lease_expires_at__lt=now
    )


def package_claim(*, package_id: int, worker: str, now: datetime | None = None) -> str | None:
    now = now or timezone.now()
    token = f"{worker} {uuid.uuid4().hex[:12]}"[:200]
    claimed = package_move(
        package_id=package_id,
        where=_claimable(now),
        to=PackageStatus.BUILDING,
        claimed_by=token,
        lease_expires_at=now + timedelta(seconds=settings.RELEASE_BUILD_LEASE_SECONDS),
        attempts=F("attempts") + 1,
    )
    return token if claimed == 1 else None


def _meta(package: ReleasePackage) -> zip_package.PackageMeta:
    request = package.request
    summary = release_summary(request=request)
    return zip_package.PackageMeta(
        request_number=request.number,
        resident_name=request.subject.get_full_name() or request.subject.email,
        generated_at=timezone.now(),
        departments_summary=[
            zip_package.DepartmentSummary(department=line.department, outcome=line.outcome)
            for line in summary
        ],
        letter_pdf=release_letter_pdf(request=request, summary=summary),
        field_labels={},
    )


def _write_encrypted(package: ReleasePackage, target: Any) -> zip_package.PackageSummary:
    records = (
        access_log_records(request=package.request)
        if package.content == PackageContent.ACCESS_LOG
        else package_records(request_id=package.request_id)
    )
    with StreamEncryptor(target) as encrypted:
        return zip_package.package_write(meta=_meta(package), records=records, out=encrypted)


def package_build(*, package_id: int, worker: str) -> str | None:
    """Build the package if it is ours to build. Returns its new state, or None when another
    worker has it (a duplicate delivery)."""
    token = package_claim(package_id=package_id, worker=worker)
    if token is None:
        return None
    package = ReleasePackage.objects.select_related("request__subject").get(pk=package_id)
    folder = Path(settings.PRIVATE_FILES_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    stored_name = ""
    try:
        # The temporary file holds ciphertext only; it lives beside the private files.
        with tempfile.TemporaryFile(dir=folder) as target:
            summary = _write_encrypted(package, target)
            size = target.tell()
            target.seek(0)
            stored_name = _storage().save(
                f"{STORAGE_FOLDER}/{uuid.uuid4().hex}.zip.enc", File(target)
            )
    except Exception as error:
        logger.exception("package %s could not be built", package_id)
        return _build_failed(package=package, token=token, error=error)
    now = timezone.now()
    with transaction.atomic():
        ours = package_move(
            package_id=package.pk,
            where=Q(status=PackageStatus.BUILDING, claimed_by=token),
            to=PackageStatus.READY,
            stored_name=stored_name,
            size=size,
            manifest_sha256=summary.manifest_sha256,
            record_count=summary.records,
            built_at=now,
            expires_at=now + timedelta(days=settings.RELEASE_LINK_DAYS),
            lease_expires_at=None,
            last_error="",
        )
        if ours != 1:
            _storage().delete(stored_name)
            return None
        audit_record(
            action="release.package_built",
            category=AuditCategory.STATE_CHANGE,
            obj=package,
            fields=["status", "stored_name", "size", "manifest_sha256", "expires_at"],
            details={
                "request_id": package.request_id,
                "records": summary.records,
                "size": size,
                "manifest_sha256": summary.manifest_sha256,
            },
        )
        package.refresh_from_db()
        package_ready_notify(package=package)
    return PackageStatus.READY


def _build_failed(*, package: ReleasePackage, token: str, error: Exception) -> str:
    package.refresh_from_db(fields=["attempts"])
    last = package.attempts >= settings.RELEASE_BUILD_MAX_ATTEMPTS
    to = PackageStatus.FAILED if last else PackageStatus.QUEUED
    with transaction.atomic():
        package_move(
            package_id=package.pk,
            where=Q(status=PackageStatus.BUILDING, claimed_by=token),
            to=to,
            lease_expires_at=None,
            last_error=f"The package could not be built ({type(error).__name__}).",
        )
        audit_record(
            action="release.package_failed" if last else "release.package_retry",
            category=AuditCategory.STATE_CHANGE,
            obj=package,
            fields=["status", "last_error"],
            details={"request_id": package.request_id, "error": type(error).__name__},
        )
    return to


def packages_reconcile(*, now: datetime | None = None) -> dict[str, int]:
    """Re-send packages whose message may be lost: queued for over a minute, or a lease run out
    (a killed worker). Claims are conditional, so a duplicate nudge does nothing."""
    from tasks.release import build_package

    now = now or timezone.now()
    due = ReleasePackage.objects.filter(
        Q(status=PackageStatus.QUEUED, created_at__lt=now - timedelta(minutes=1))
        | Q(status=PackageStatus.BUILDING, lease_expires_at__lt=now)
    ).values_list("pk", flat=True)
    ids = list(due)
    for package_id in ids:
        transaction.on_commit(lambda package_id=package_id: build_package.delay(package_id))
    return {"resent": len(ids)}


# --- Reading a stored package ---------------------------------------------------------------


def package_chunks(package: ReleasePackage) -> Iterator[bytes]:
    """The decrypted ZIP, a segment at a time. Callers check access and log first."""
    with _storage().open(package.stored_name, "rb") as stored:
        yield from stream_decrypt(stored)
