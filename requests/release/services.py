"""Writes of the review: a clerk decides each weak match, each department source's answer, each
flag of someone else's data, and each redaction; then releases, with a second clerk's approval
when a released source is sensitive.

What blocks a release is listed in words by `release_blockers`, so the review page can say what
is left to do, and `request_release` refuses while anything is left.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import crypto
from portal.access.scope import may_work_requests
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from requests.gathering.models import GatheredRecord, SourceRun
from requests.models import DataSource, Request, RequestKind
from requests.release.models import (
    OtherPersonRelease,
    PackageContent,
    PackageStatus,
    Redaction,
    ReleasePackage,
    SourceAnswer,
    SourceDecision,
)
from requests.release.states import package_move
from requests.states import RequestStatus, request_transition

# Review happens while the request is in review; nothing changes once it is answered.
REVIEWABLE_STATUSES = (RequestStatus.IN_REVIEW,)


class ReleaseError(ValidationError):
    """A review move that cannot be made, in words for the clerk."""


def _require_clerk(actor: Any, request: Request) -> None:
    if not may_work_requests(actor):
        raise PermissionDenied
    if request.status not in REVIEWABLE_STATUSES:
        raise ReleaseError(_("The request is not in review: its review can no longer change."))


def _require_open_review(actor: Any, request: Request) -> None:
    """The review may change only while no release of it waits for a second clerk: the second
    clerk approves exactly what the first released."""
    _require_clerk(actor, request)
    if ReleasePackage.objects.filter(
        request=request, status=PackageStatus.AWAITING_APPROVAL
    ).exists():
        raise ReleaseError(
            _(
                "This release is waiting for a second clerk's approval: it cannot change "
                "unless the second clerk sends it back."
            )
        )


def _exemption_codes(codes: list[str]) -> list[str]:
    known = settings.REQUESTS_EXEMPTIONS
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise ReleaseError({"exemptions": _("Choose exemptions from the list.")})
    return list(dict.fromkeys(codes))


# --- Matches --------------------------------------------------------------------------------


@transaction.atomic
def match_decide(*, record: GatheredRecord, actor: Any, confirmed: bool) -> GatheredRecord:
    """A clerk says whether a record found on a weak match is the resident's. A rejected record
    is never released."""
    request = Request.objects.get(pk=record.run.request_id)
    _require_open_review(actor, request)
    changed = GatheredRecord.objects.filter(pk=record.pk).update(
        confirmed=confirmed, confirmed_by=actor, confirmed_at=timezone.now()
    )
    if changed != 1:
        raise ReleaseError(_("This record is no longer part of the request."))
    audit_record(
        action="release.match_confirmed" if confirmed else "release.match_rejected",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=record,
        fields=["confirmed", "confirmed_by", "confirmed_at"],
        details={"request_id": request.pk, "match_strength": record.match_strength},
    )
    record.refresh_from_db()
    return record


# --- Answers per source ---------------------------------------------------------------------


@transaction.atomic
def source_decide(
    *,
    request: Request,
    source: DataSource,
    actor: Any,
    answer: str,
    exemptions: list[str] | None = None,
    reason: str = "",
) -> SourceDecision:
    """Held (released), not held, or withheld with a reason and the exemptions it rests on
    (c. 66A §2(i)). A clerk may change the answer until the request is released."""
    _require_open_review(actor, request)
    SourceAnswer(answer)
    if not SourceRun.objects.filter(request=request, source=source).exists():
        raise ReleaseError(_("This source was not searched for this request."))
    codes = _exemption_codes(exemptions or [])
    reason = reason.strip()
    if answer == SourceAnswer.WITHHELD:
        if not reason:
            raise ReleaseError({"reason": _("Say why these records are withheld.")})
        if not codes:
            raise ReleaseError({"exemptions": _("Choose the exemptions the withholding rests on.")})
    decision, created = SourceDecision.objects.update_or_create(
        request=request,
        source=source,
        defaults={
            "answer": answer,
            "exemptions": codes if answer == SourceAnswer.WITHHELD else [],
            "reason": reason,
            "decided_by": actor,
            "decided_at": timezone.now(),
        },
    )
    audit_record(
        action="release.source_decided",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=decision,
        fields=["answer", "exemptions", "reason"],
        details={
            "request_id": request.pk,
            "source_id": source.pk,
            "answer": answer,
            "exemptions": decision.exemptions,
            "changed": not created,
        },
    )
    return decision


# --- Redactions and someone else's data -----------------------------------------------------


@transaction.atomic
def redaction_add(
    *,
    request: Request,
    actor: Any,
    exemption: str,
    record: GatheredRecord | None = None,
    field: str = "",
    value: str = "",
    note: str = "",
) -> Redaction:
    """Hold back one field of one record, or a value wherever it appears in the request's
    records, citing an exemption."""
    _require_open_review(actor, request)
    if not exemption:
        raise ReleaseError({"exemption": _("Choose the exemption for this redaction.")})
    (code,) = _exemption_codes([exemption])
    field = field.strip()
    value = value.strip()
    if record is not None:
        if record.run.request_id != request.pk:
            raise ReleaseError(_("This record is not part of the request."))
        if not field:
            raise ReleaseError({"field": _("Choose the field to redact.")})
        value = ""
    elif not value:
        raise ReleaseError({"value": _("Enter the words or number to redact.")})
    redaction = Redaction.objects.create(
        request=request,
        record=record,
        field=field if record is not None else "",
        value_encrypted=crypto.encrypt(value.encode()) if value else None,
        exemption=code,
        note=note.strip(),
        created_by=actor,
    )
    audit_record(
        action="release.redaction_added",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=redaction,
        fields=["record", "field", "exemption"],
        details={
            "request_id": request.pk,
            "record_id": record.pk if record is not None else None,
            "field": redaction.field,
            "exemption": code,
            "kind": "field" if record is not None else "value",
        },
    )
    return redaction


@transaction.atomic
def redaction_withdraw(*, redaction: Redaction, actor: Any) -> Redaction:
    request = Request.objects.get(pk=redaction.request_id)
    _require_open_review(actor, request)
    changed = Redaction.objects.filter(pk=redaction.pk, withdrawn_at__isnull=True).update(
        withdrawn_by=actor, withdrawn_at=timezone.now()
    )
    if changed != 1:
        raise ReleaseError(_("This redaction was already withdrawn."))
    audit_record(
        action="release.redaction_withdrawn",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=redaction,
        fields=["withdrawn_by", "withdrawn_at"],
        details={"request_id": request.pk, "exemption": redaction.exemption},
    )
    redaction.refresh_from_db()
    return redaction


def redaction_value(redaction: Redaction) -> str:
    return (
        crypto.decrypt(bytes(redaction.value_encrypted)).decode()
        if redaction.value_encrypted
        else ""
    )


@transaction.atomic
def other_person_release(
    *, record: GatheredRecord, field: str, actor: Any, reason: str
) -> OtherPersonRelease:
    """Release a field flagged as someone else's data with the resident's records, saying why
    (the resident gave it themselves, it is their own co-owned property's public record...)."""
    request = Request.objects.get(pk=record.run.request_id)
    _require_open_review(actor, request)
    if not reason.strip():
        raise ReleaseError({"reason": _("Say why this may go to the resident.")})
    decision, _created = OtherPersonRelease.objects.update_or_create(
        record=record,
        field=field,
        defaults={"reason": reason.strip(), "decided_by": actor, "decided_at": timezone.now()},
    )
    audit_record(
        action="release.other_person_released",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=decision,
        fields=["reason"],
        details={"request_id": request.pk, "record_id": record.pk, "field": field},
    )
    return decision


# --- What is left before release ------------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str


def release_blockers(
    *, request: Request, flagged: dict[int, list[str]] | None = None
) -> list[Blocker]:
    """What must be decided before the request can be released, in words for the clerk.
    `flagged` (record id -> field paths holding someone else's data) comes from masking; each
    must be redacted or released with a reason. An `access_log` request is answered from the
    portal's own log: nothing of a department's needs deciding."""
    blockers: list[Blocker] = []
    if request.kind == RequestKind.ACCESS_LOG:
        return blockers
    runs = SourceRun.objects.filter(request=request).select_related("source")
    decided = set(
        SourceDecision.objects.filter(request=request).values_list("source_id", flat=True)
    )
    undecided = [run.source.name for run in runs if run.source_id not in decided]
    if undecided:
        blockers.append(
            Blocker(
                "sources",
                _("Give an answer for every department source: %(names)s.")
                % {"names": ", ".join(undecided)},
            )
        )
    weak = GatheredRecord.objects.filter(
        run__request=request, needs_confirmation=True, confirmed__isnull=True
    ).count()
    if weak:
        blockers.append(
            Blocker(
                "matches",
                _("Confirm or reject the %(n)d records found on a weak match.") % {"n": weak},
            )
        )
    if flagged:
        redacted = set(
            Redaction.objects.filter(
                request=request, record_id__in=flagged, withdrawn_at__isnull=True
            ).values_list("record_id", "field")
        )
        released = set(
            OtherPersonRelease.objects.filter(record_id__in=flagged).values_list(
                "record_id", "field"
            )
        )
        open_flags = sum(
            1
            for record_id, fields in flagged.items()
            for field in fields
            if (record_id, field) not in redacted and (record_id, field) not in released
        )
        if open_flags:
            blockers.append(
                Blocker(
                    "others_data",
                    _("Decide the %(n)d fields that hold someone else's data.") % {"n": open_flags},
                )
            )
    return blockers


def release_needs_second_clerk(*, request: Request) -> bool:
    """A released source marked sensitive needs a second clerk's approval."""
    return SourceDecision.objects.filter(
        request=request, answer=SourceAnswer.HELD, source__sensitive=True
    ).exists()


# --- Release and approval -------------------------------------------------------------------


def _enqueue_build(package: ReleasePackage) -> None:
    from tasks.release import build_package

    transaction.on_commit(lambda: build_package.delay(package.pk))


@transaction.atomic
def request_release(
    *, request: Request, actor: Any, flagged: dict[int, list[str]] | None = None
) -> ReleasePackage:
    """Release the reviewed records: the package is built by a worker once this commits, or
    waits for a second clerk when a released source is sensitive. An `access_log` request gets
    the resident's access log, which the portal holds itself: no department source needs an
    answer for it. An inquiry is answered with a letter instead (delivery.py)."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    _require_clerk(actor, request)
    if request.kind == RequestKind.INQUIRY:
        raise ReleaseError(_("An inquiry is answered with a letter naming the departments."))
    access_log = request.kind == RequestKind.ACCESS_LOG
    if blockers := release_blockers(request=request, flagged=flagged):
        raise ReleaseError([blocker.message for blocker in blockers])
    if ReleasePackage.objects.filter(
        request=request, status=PackageStatus.AWAITING_APPROVAL
    ).exists():
        raise ReleaseError(_("This release is already waiting for a second clerk's approval."))
    needs_approval = not access_log and release_needs_second_clerk(request=request)
    package = ReleasePackage.objects.create(
        request=request,
        content=PackageContent.ACCESS_LOG if access_log else PackageContent.RECORDS,
        status=PackageStatus.AWAITING_APPROVAL if needs_approval else PackageStatus.QUEUED,
        needs_approval=needs_approval,
        released_by=actor,
    )
    audit_record(
        action="release.requested",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=package,
        fields=["status"],
        details={"request_id": request.pk, "needs_approval": needs_approval},
    )
    if not needs_approval:
        _released(request=request, package=package, actor=actor)
    return package


def _released(*, request: Request, package: ReleasePackage, actor: Any) -> None:
    request_transition(
        request=request,
        to=RequestStatus.RELEASED,
        actor=actor,
        reason="records released",
        # The resident is emailed when the package is ready to download, not before.
        event_details={"package_id": package.pk, "quiet": True},
    )
    _enqueue_build(package)


@transaction.atomic
def package_approve(*, package: ReleasePackage, actor: Any) -> ReleasePackage:
    """A second clerk approves the release of sensitive records."""
    request = Request.objects.select_for_update().get(pk=package.request_id)
    _require_clerk(actor, request)
    if actor.pk == package.released_by_id:
        raise ReleaseError(_("Another clerk must approve a release you made."))
    changed = package_move(
        package_id=package.pk,
        where=Q(status=PackageStatus.AWAITING_APPROVAL),
        to=PackageStatus.QUEUED,
        approved_by=actor,
        approved_at=timezone.now(),
    )
    if changed != 1:
        raise ReleaseError(_("This release is not waiting for approval."))
    audit_record(
        action="release.approved",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=package,
        fields=["status", "approved_by", "approved_at"],
        details={"request_id": request.pk, "released_by_id": package.released_by_id},
    )
    package.refresh_from_db()
    _released(request=request, package=package, actor=actor)
    return package


@transaction.atomic
def package_send_back(*, package: ReleasePackage, actor: Any, reason: str) -> ReleasePackage:
    """The second clerk does not approve: the release goes back to review, with the reason,
    and the review can change again."""
    request = Request.objects.select_for_update().get(pk=package.request_id)
    _require_clerk(actor, request)
    if actor.pk == package.released_by_id:
        raise ReleaseError(_("Another clerk must decide on a release you made."))
    if not reason.strip():
        raise ReleaseError({"reason": _("Say what must change before the release.")})
    changed = package_move(
        package_id=package.pk,
        where=Q(status=PackageStatus.AWAITING_APPROVAL),
        to=PackageStatus.SENT_BACK,
        sent_back_by=actor,
        sent_back_reason=reason.strip(),
    )
    if changed != 1:
        raise ReleaseError(_("This release is not waiting for approval."))
    audit_record(
        action="release.sent_back",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=package,
        fields=["status", "sent_back_by", "sent_back_reason"],
        details={"request_id": request.pk, "released_by_id": package.released_by_id},
    )
    package.refresh_from_db()
    return package
