"""Corrections: a resident proposes, the department's steward decides, a worker writes the change
back to the department's system (requests/corrections/writeback.py), a denial can be appealed to
the privacy officer, and the resident may file a statement of disagreement that goes with the data
from then on (c. 66A §2(h), (j)).

Whoever proposed or drafted a change never decides it. Every move is audited (states.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Role
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.disclosures.models import Disclosure
from portal.policies.stamp import policy_version_in_force_id
from requests.corrections.models import (
    Appeal,
    AppealStatus,
    ChangeStatus,
    Decision,
    DisagreementStatement,
    Ground,
    ProposedChange,
    RecipientNotice,
    WriteBack,
    WriteBackStatus,
)
from requests.corrections.notify import correction_event, denial_text
from requests.corrections.selectors import (
    OPEN_CHANGE_STATUSES,
    correctable_fields,
    released_to,
    write_back_is_automatic,
)
from requests.corrections.states import appeal_close, change_move, recipient_notice_close
from requests.corrections.values import value_decrypt, value_encrypt, value_text
from requests.gathering.models import GatheredRecord
from requests.models import Request, RequestEventKind, RequestKind
from requests.states import RequestStatus, request_transition

# Grounds where the resident need not give a new value: the data should go, or not be shared.
GROUNDS_WITHOUT_A_VALUE = frozenset({Ground.PERTINENCE, Ground.RELEVANCE, Ground.DISSEMINATION})
MAX_VALUE_CHARS = 500
MAX_REASON_CHARS = 2000
_UNSET: Any = object()


class CorrectionError(ValidationError):
    """A move that cannot be made, in words for the person who tried it."""


@dataclass(frozen=True)
class Proposal:
    """One field the resident wants changed: what they saw is read from the record itself."""

    record: GatheredRecord
    field_name: str
    proposed_value: str | None
    reason: str
    ground: str = Ground.ACCURACY
    # Evidence the resident uploaded while writing it: StoredFiles already checked and kept
    # (portal.files), attached to this change when the request is filed.
    evidence: tuple[Any, ...] = ()


# --- Proposing ------------------------------------------------------------------------------


def proposal_problems(*, proposal: Proposal, subject: Any) -> list[str]:
    """What is wrong with one proposal, in the resident's words; empty when it can be filed."""
    by_field = proposal_problems_by_field(proposal=proposal, subject=subject)
    return [problem for problems in by_field.values() for problem in problems]


def proposal_problems_by_field(*, proposal: Proposal, subject: Any) -> dict[str, list[str]]:
    """The same problems keyed by what they are about, so a form shows each beside its field:
    `record`, `field_name`, `reason`, `proposed_value`, or `__all__` for the proposal itself."""
    problems: dict[str, list[str]] = {}
    record = proposal.record
    if not released_to(subject=subject).filter(pk=record.pk).exists():
        return {"record": [_("That record is not one the City released to you.")]}
    fields = correctable_fields(record)
    if proposal.field_name not in fields:
        return {"field_name": [_("That part of the record cannot be corrected here.")]}
    ground = Ground(proposal.ground)
    reason = (proposal.reason or "").strip()
    value = (proposal.proposed_value or "").strip()
    if not reason:
        problems.setdefault("reason", []).append(_("Say why the information should change."))
    elif len(reason) > MAX_REASON_CHARS:
        problems.setdefault("reason", []).append(
            _("Keep the reason under %(n)s characters.") % {"n": MAX_REASON_CHARS}
        )
    if len(value) > MAX_VALUE_CHARS:
        problems.setdefault("proposed_value", []).append(
            _("Keep the new value under %(n)s characters.") % {"n": MAX_VALUE_CHARS}
        )
    if ground not in GROUNDS_WITHOUT_A_VALUE:
        if not value:
            problems.setdefault("proposed_value", []).append(_("Give the correct value."))
        elif value == value_text(fields[proposal.field_name]).strip():
            problems.setdefault("proposed_value", []).append(
                _("The new value is the same as what the City holds.")
            )
    already = ProposedChange.objects.filter(
        request__subject=subject,
        source_id=record.run.source_id,
        record_key=record.key,
        field_name=proposal.field_name,
        status__in=OPEN_CHANGE_STATUSES,
    )
    if already.exists():
        problems.setdefault("__all__", []).append(
            _("You have already asked to change this; it is waiting for a decision.")
        )
    return problems


@transaction.atomic
def correction_request_submit(
    *,
    requester: Any,
    subject: Any,
    proposals: Sequence[Proposal],
    kind: str = RequestKind.CORRECTION,
    description: str = "",
    evidence: Iterable[Any] = (),
    grant: Any = None,
    filed_by: Any = None,
    channel: str | None = None,
) -> Request:
    """File a correction (or contest) request with its proposed changes, one per field. A clerk
    files one for a resident who wrote or came in (`filed_by`): they drafted the changes, so they
    cannot decide them either."""
    from requests.services import _documents_attach, request_submit

    kind = RequestKind(kind)
    if kind not in (RequestKind.CORRECTION, RequestKind.CONTEST):
        raise ValueError("only correction and contest requests propose changes")
    if not proposals:
        raise CorrectionError(_("Choose at least one piece of information to correct."))
    seen = set()
    for proposal in proposals:
        if problems := proposal_problems(proposal=proposal, subject=subject):
            raise CorrectionError(problems)
        identity = (proposal.record.pk, proposal.field_name)
        if identity in seen:
            raise CorrectionError(_("Each piece of information can be proposed only once."))
        seen.add(identity)
    extra = {"channel": channel} if channel else {}
    request = request_submit(
        requester=requester,
        subject=subject,
        kind=kind,
        description=description,
        grant=grant,
        filed_by=filed_by,
        departments={p.record.run.source.department for p in proposals},
        **extra,
    )
    documents = _documents_attach(
        request=request,
        uploads=evidence,
        uploaded_by=filed_by or requester,
        message=None,
    )
    now = timezone.now()
    policy_version = policy_version_in_force_id(now)
    for proposal in proposals:
        record = proposal.record
        source = record.run.source
        value = (proposal.proposed_value or "").strip()
        change = ProposedChange.objects.create(
            request=request,
            record=record,
            source=source,
            department=source.department,
            record_key=record.key,
            record_type=record.record_type,
            field_name=proposal.field_name,
            ground=Ground(proposal.ground),
            current_value_encrypted=value_encrypt(correctable_fields(record)[proposal.field_name]),
            proposed_value_encrypted=value_encrypt(value) if value else None,
            reason=proposal.reason.strip(),
            proposed_by=requester,
            drafted_by=filed_by,
            policy_version_id=policy_version,
            created_at=now,
            updated_at=now,
        )
        change.evidence.set(documents)
        if proposal.evidence:
            change.evidence.add(
                *_evidence_attach(
                    request=request, stored=proposal.evidence, uploaded_by=filed_by or requester
                )
            )
        audit_record(
            action="correction.proposed",
            category=AuditCategory.RECORD,
            actor=filed_by or requester,
            obj=change,
            fields=["field_name", "proposed_value", "reason"],
            details={"request_id": request.pk, "source_id": source.pk, "ground": change.ground},
        )
    # Gathering moved it straight on to review (nothing to search), through its own copy.
    request.refresh_from_db()
    return request


def _evidence_attach(*, request: Request, stored: Iterable[Any], uploaded_by: Any) -> list[Any]:
    """Evidence kept while the resident wrote the proposal becomes the request's document, and is
    no longer purged as an abandoned draft's."""
    from requests.models import RequestDocument

    documents = []
    for stored_file in stored:
        if stored_file.purge_after is not None:
            stored_file.purge_after = None
            stored_file.save(update_fields=["purge_after"])
        documents.append(
            RequestDocument.objects.create(
                request=request, stored_file=stored_file, uploaded_by=uploaded_by
            )
        )
    return documents


# --- Deciding -------------------------------------------------------------------------------


def _require_steward_of(actor: Any, change: ProposedChange) -> None:
    if (
        getattr(actor, "role", None) != Role.STEWARD
        or not actor.steward_departments.filter(pk=change.department_id).exists()
    ):
        raise PermissionDenied("only a steward of the department decides its corrections")


def _require_not_author(actor: Any, change: ProposedChange) -> None:
    if actor.pk in (change.proposed_by_id, change.drafted_by_id):
        raise CorrectionError(
            _("You proposed or drafted this change, so someone else must decide it.")
        )


def _write_back_create(*, change: ProposedChange, expected: Any, new: Any) -> WriteBack:
    """The write-back of an approved change: a worker's task for a source that can take writes,
    otherwise a task for the steward to apply it by hand and confirm."""
    last = change.write_backs.aggregate(last=Max("round"))["last"] or 0
    automatic = new is not None and write_back_is_automatic(
        source=change.source, record_type=change.record_type, field_name=change.field_name
    )
    write_back = WriteBack.objects.create(
        change=change,
        round=last + 1,
        source=change.source,
        status=WriteBackStatus.PENDING if automatic else WriteBackStatus.WAITING_FOR_STEWARD,
        expected_value_encrypted=value_encrypt(expected),
        new_value_encrypted=value_encrypt(new),
        idempotency_key=uuid.uuid4().hex,
    )
    if automatic:
        write_back_enqueue(write_back.pk)
    return write_back


def write_back_enqueue(write_back_id: int) -> None:
    from tasks.corrections import write_back as write_back_task

    transaction.on_commit(lambda: write_back_task.delay(write_back_id))


def _request_decided_if_done(*, request: Request, actor: Any) -> None:
    """Every change of the request decided: the request is decided, and the resident told."""
    request.refresh_from_db(fields=["status"])
    if request.status != RequestStatus.IN_REVIEW:
        return
    if request.proposed_changes.filter(status=ChangeStatus.PROPOSED).exists():
        return
    request_transition(
        request=request,
        to=RequestStatus.DECIDED,
        actor=actor,
        reason=_("Every proposed change has been decided."),
        # Each decision was told on its own, with its reasons.
        event_details={"quiet": True},
    )


@transaction.atomic
def change_decide(
    *,
    change: ProposedChange,
    actor: Any,
    decision: str,
    reason: str = "",
    approved_value: Any = _UNSET,
) -> ProposedChange:
    """The steward's decision on one change, or again on one that met a conflict (then it is
    decided against the value the department's system holds now)."""
    _require_steward_of(actor, change)
    _require_not_author(actor, change)
    # Two stewards deciding at once: the second waits here, then reads the first's decision
    # and is told it is decided, rather than failing on the state machine's check.
    ProposedChange.objects.select_for_update().values_list("pk", flat=True).get(pk=change.pk)
    change.refresh_from_db()
    decision = Decision(decision)
    reason = (reason or "").strip()
    if change.status == ChangeStatus.PROPOSED:
        if change.request.status != RequestStatus.IN_REVIEW:
            raise CorrectionError(_("This request is not open for decisions."))
        expected = value_decrypt(change.current_value_encrypted)
    elif change.status == ChangeStatus.CONFLICT:
        last = change.write_backs.order_by("-round").first()
        expected = value_decrypt(last.found_value_encrypted) if last else None
    else:
        raise CorrectionError(_("This change has already been decided."))

    if decision == Decision.DENIED:
        if not reason:
            raise CorrectionError(_("Give the reason for the denial: the resident reads it."))
        change_move(
            change=change,
            to=ChangeStatus.DENIED,
            actor=actor,
            changes={
                "decision": decision,
                "decision_reason": reason,
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
            details={"decision": decision.value},
        )
        correction_event(
            change=change,
            kind=RequestEventKind.CORRECTION_DECIDED,
            actor=actor,
            text=denial_text(change),
            decision=decision.value,
        )
    else:
        new = _approved_value(change, decision, reason, approved_value)
        change_move(
            change=change,
            to=ChangeStatus.APPROVED,
            actor=actor,
            changes={
                "decision": decision,
                "decision_reason": reason,
                "approved_value_encrypted": value_encrypt(new),
                "decided_by": actor,
                "decided_at": timezone.now(),
            },
            details={"decision": decision.value},
        )
        _write_back_create(change=change, expected=expected, new=new)
        correction_event(
            change=change,
            kind=RequestEventKind.CORRECTION_DECIDED,
            actor=actor,
            text=reason if decision != Decision.APPROVED else "",
            decision=decision.value,
        )
    _request_decided_if_done(request=change.request, actor=actor)
    return change


def _approved_value(change: ProposedChange, decision: str, reason: str, approved_value: Any) -> Any:
    proposed = value_decrypt(change.proposed_value_encrypted)
    if decision == Decision.APPROVED:
        return proposed
    value = "" if approved_value is _UNSET or approved_value is None else str(approved_value)
    value = value.strip()
    if not value:
        raise CorrectionError(_("Give the value to write."))
    if len(value) > MAX_VALUE_CHARS:
        raise CorrectionError(_("Keep the value under %(n)s characters.") % {"n": MAX_VALUE_CHARS})
    if not reason:
        raise CorrectionError(
            _("Say why the value differs from what the resident proposed: they read it.")
        )
    return value


def changes_withdraw(*, request_id: int) -> int:
    """A withdrawn request's undecided changes are withdrawn with it."""
    count = 0
    for change in ProposedChange.objects.filter(
        request_id=request_id, status=ChangeStatus.PROPOSED
    ):
        change_move(change=change, to=ChangeStatus.WITHDRAWN, actor=None)
        count += 1
    return count


# --- The write-back's outcome (called by writeback.py, and by the steward for csv/manual) ----


def change_applied(*, change: ProposedChange, actor: Any = None) -> None:
    change_move(
        change=change,
        to=ChangeStatus.APPLIED,
        actor=actor,
        changes={"applied_at": timezone.now()},
    )
    correction_event(change=change, kind=RequestEventKind.CORRECTION_APPLIED, actor=actor)
    recipient_notices_open(subject_id=change.request.subject_id, change=change)


def change_conflicted(*, change: ProposedChange, actor: Any = None) -> None:
    change_move(change=change, to=ChangeStatus.CONFLICT, actor=actor)


# --- Appeals --------------------------------------------------------------------------------


def _require_resident_of(actor: Any, change: ProposedChange) -> None:
    request = change.request
    if actor.pk not in (request.requester_id, request.subject_id):
        raise PermissionDenied("only the resident or their representative acts on their change")


def appeal_deadline(change: ProposedChange) -> Any:
    if change.decided_at is None:
        return None
    return timezone.localdate(change.decided_at) + timedelta(days=settings.CORRECTIONS_APPEAL_DAYS)


@transaction.atomic
def appeal_file(*, change: ProposedChange, actor: Any, reason: str) -> Appeal:
    _require_resident_of(actor, change)
    change.refresh_from_db()
    reason = (reason or "").strip()
    if change.status != ChangeStatus.DENIED:
        raise CorrectionError(_("Only a denied change can be appealed."))
    if Appeal.objects.filter(change=change).exists():
        raise CorrectionError(_("This decision has already been appealed."))
    if timezone.localdate() > appeal_deadline(change):
        raise CorrectionError(
            _("The %(n)s days to appeal this decision have passed.")
            % {"n": settings.CORRECTIONS_APPEAL_DAYS}
        )
    if not reason:
        raise CorrectionError(_("Say why the decision is wrong."))
    if len(reason) > MAX_REASON_CHARS:
        raise CorrectionError(_("Keep it under %(n)s characters.") % {"n": MAX_REASON_CHARS})
    appeal = Appeal.objects.create(
        change=change,
        filed_by=actor,
        reason=reason,
        due_on=timezone.localdate() + timedelta(days=settings.CORRECTIONS_APPEAL_DECISION_DAYS),
    )
    audit_record(
        action="correction.appeal_filed",
        category=AuditCategory.RECORD,
        actor=actor,
        obj=appeal,
        fields=["reason"],
        details={"change_id": change.pk},
    )
    correction_event(change=change, kind=RequestEventKind.APPEAL_FILED, actor=actor)
    return appeal


@transaction.atomic
def appeal_decide(
    *, appeal: Appeal, actor: Any, overturn: bool, reason: str, approved_value: Any = _UNSET
) -> Appeal:
    """The privacy officer upholds the denial, or overturns it: the change is approved and
    written back like any other."""
    if getattr(actor, "role", None) != Role.PRIVACY_OFFICER:
        raise PermissionDenied("the privacy officer decides appeals")
    change = appeal.change
    _require_not_author(actor, change)
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(_("Give the reason for the decision: the resident reads it."))
    status = AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD
    now = timezone.now()
    decided = appeal_close(
        appeal=appeal,
        to=status,
        changes={"decided_by": actor, "decision_reason": reason, "decided_at": now},
    )
    if not decided:
        raise CorrectionError(_("This appeal has already been decided."))
    audit_record(
        action="correction.appeal_decided",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=appeal,
        fields=["status", "decision_reason"],
        details={"change_id": change.pk, "outcome": status.value},
    )
    if overturn:
        change.refresh_from_db()
        decision = Decision.APPROVED if approved_value is _UNSET else Decision.APPROVED_EDITED
        new = _approved_value(change, decision, reason, approved_value)
        change_move(
            change=change,
            to=ChangeStatus.APPROVED,
            actor=actor,
            changes={
                "decision": decision,
                "decision_reason": reason,
                "approved_value_encrypted": value_encrypt(new),
                "decided_by": actor,
                "decided_at": now,
            },
            details={"decision": decision.value, "appeal_id": appeal.pk},
        )
        _write_back_create(
            change=change, expected=value_decrypt(change.current_value_encrypted), new=new
        )
    correction_event(
        change=change,
        kind=RequestEventKind.APPEAL_DECIDED,
        actor=actor,
        text=reason,
        outcome=status.value,
    )
    appeal.refresh_from_db()
    return appeal


# --- Statements of disagreement -------------------------------------------------------------


@transaction.atomic
def statement_file(*, change: ProposedChange, actor: Any, text: str) -> DisagreementStatement:
    """The resident's statement on a denied change: kept with that record and field, shown to
    staff with the data, sent with every later package and disclosure of it."""
    _require_resident_of(actor, change)
    change.refresh_from_db()
    text = (text or "").strip()
    if change.status != ChangeStatus.DENIED:
        raise CorrectionError(_("A statement of disagreement follows a denied change."))
    if DisagreementStatement.objects.filter(change=change).exists():
        raise CorrectionError(_("You have already filed a statement about this."))
    if not text:
        raise CorrectionError(_("Write your statement."))
    if len(text) > settings.CORRECTIONS_STATEMENT_MAX_CHARS:
        raise CorrectionError(
            _("Keep your statement under %(n)s characters (it has %(count)s).")
            % {"n": settings.CORRECTIONS_STATEMENT_MAX_CHARS, "count": len(text)}
        )
    statement = DisagreementStatement.objects.create(
        subject_id=change.request.subject_id,
        change=change,
        source_id=change.source_id,
        department_id=change.department_id,
        record_key=change.record_key,
        record_type=change.record_type,
        field_name=change.field_name,
        text=text,
        filed_by=actor,
        policy_version_id=policy_version_in_force_id(timezone.now()),
    )
    audit_record(
        action="correction.statement_filed",
        category=AuditCategory.RECORD,
        actor=actor,
        obj=statement,
        fields=["text"],
        details={"change_id": change.pk, "source_id": change.source_id},
    )
    correction_event(change=change, kind=RequestEventKind.STATEMENT_FILED, actor=actor)
    recipient_notices_open(subject_id=statement.subject_id, statement=statement)
    return statement


# --- Telling the outside recipients ---------------------------------------------------------


def recipients_of(*, subject_id: int, department_id: int) -> Any:
    """Disclosures outside the City of this resident's data from this department in the past
    12 months (a disclosure naming no department may have carried it too)."""
    since = timezone.localdate() - timedelta(days=settings.CORRECTIONS_RECIPIENTS_LOOKBACK_DAYS)
    return (
        Disclosure.objects.filter(subject_id=subject_id, disclosed_on__gte=since)
        .filter(Q(departments=department_id) | Q(departments__isnull=True))
        .distinct()
        .order_by("-disclosed_on", "-pk")
    )


def recipient_notices_open(
    *,
    subject_id: int,
    change: ProposedChange | None = None,
    statement: DisagreementStatement | None = None,
) -> list[RecipientNotice]:
    about = change or statement
    # Called again (a re-run outcome), it opens only what is missing and says only that.
    told_already = set(
        RecipientNotice.objects.filter(change=change, statement=statement).values_list(
            "disclosure_id", flat=True
        )
    )
    disclosures = [
        disclosure
        for disclosure in recipients_of(subject_id=subject_id, department_id=about.department_id)
        if disclosure.pk not in told_already
    ]
    notices = [
        RecipientNotice(disclosure=disclosure, change=change, statement=statement)
        for disclosure in disclosures
    ]
    RecipientNotice.objects.bulk_create(notices, ignore_conflicts=True)
    if notices:
        audit_record(
            action="correction.recipient_notices_opened",
            category=AuditCategory.RECORD,
            obj=about,
            details={"disclosure_ids": [d.pk for d in disclosures]},
        )
    return notices


@transaction.atomic
def recipient_notice_done(*, notice: RecipientNotice, actor: Any, how_told: str) -> RecipientNotice:
    if getattr(actor, "role", None) not in (Role.CLERK, Role.PRIVACY_OFFICER):
        raise PermissionDenied("clerks tell recipients")
    how_told = (how_told or "").strip()
    if not how_told:
        raise CorrectionError(_("Say how and when the recipient was told."))
    done = recipient_notice_close(
        notice=notice,
        changes={"how_told": how_told, "done_by": actor, "done_at": timezone.now()},
    )
    if not done:
        raise CorrectionError(_("This has already been marked as done."))
    audit_record(
        action="correction.recipient_told",
        category=AuditCategory.STATE_CHANGE,
        actor=actor,
        obj=notice,
        fields=["status", "how_told"],
    )
    notice.refresh_from_db()
    return notice
