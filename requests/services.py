"""Writes of the request domain: filing, the clock, correspondence, letters and decisions.

Every change of state goes through `requests.states.request_transition`; these services decide
which move to make, check who may make it, and keep the clock's dates right.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal import crypto
from portal.accounts.models import User
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.files.models import DOCUMENT_KINDS, FileKind
from portal.files.services import stored_file_create
from portal.identity.selectors import identity_level
from portal.policies.stamp import policy_version_in_force_id
from portal.representatives.models import Grant
from portal.representatives.selectors import active_grant
from requests import letters
from requests.calendar import BUSINESS_DAY_KINDS, business_calendar, due_dates, shift_after_pause
from requests.gathering.selectors import request_has_unfinished_runs
from requests.gathering.services import gathering_start
from requests.models import (
    Channel,
    Delivery,
    Department,
    LetterKind,
    MessageDirection,
    Request,
    RequestDocument,
    RequestEvent,
    RequestEventKind,
    RequestKind,
    RequestLetter,
    RequestMessage,
    RequestNumberCounter,
)
from requests.notifications import requester_notification_schedule
from requests.selectors import is_request_staff, kind_needs_level, requests_filed_today
from requests.states import (
    WITHDRAWABLE_STATUSES,
    IllegalTransition,
    RequestStatus,
    request_transition,
)

NUMBER_PREFIX = "FIPA"


class RequestLimitReached(Exception):
    """The resident filed as many requests today as REQUESTS_DAILY_LIMIT allows."""


def _require_staff(actor: Any) -> None:
    if not is_request_staff(actor):
        raise PermissionDenied("only clerks and the privacy officer act on requests")


def _long_date(day: date) -> str:
    return date_format(day, "j F Y")


# --- Filing ---------------------------------------------------------------------------------


def request_number_allocate(*, year: int) -> str:
    """The next number of `year`, safe under concurrency: the counter row is incremented in the
    database and stays locked until the caller's transaction ends, so two filings never get the
    same number and a rolled-back filing gives its number back."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("allocate request numbers inside the filing's transaction")
    if not RequestNumberCounter.objects.filter(year=year).exists():
        try:
            with transaction.atomic():
                RequestNumberCounter.objects.create(year=year, last_number=0)
        except IntegrityError:
            pass  # another filing created this year's row first
    RequestNumberCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    number = RequestNumberCounter.objects.values_list("last_number", flat=True).get(year=year)
    return f"{NUMBER_PREFIX}-{year}-{number:06d}"


@transaction.atomic
def request_submit(
    *,
    requester: User,
    subject: User,
    kind: str,
    channel: str = Channel.WEB,
    filed_by: User | None = None,
    description: str = "",
    departments: Iterable[Department] = (),
    delivery: str = Delivery.PORTAL,
    received_at: datetime | None = None,
    grant: Grant | None = None,
) -> Request:
    """File a request. A resident files for themselves (`filed_by` None, channel web), or a
    representative for a resident under an active grant covering this kind; a clerk files for a
    resident from any channel (`filed_by` the clerk), with the time the City received it. The
    request then waits for an identity check or goes on to gathering."""
    kind = RequestKind(kind)
    channel = Channel(channel)
    delivery = Delivery(delivery)
    now = timezone.now()
    if filed_by is None:
        if subject.pk != requester.pk:
            authority = active_grant(representative=requester, resident=subject, request_type=kind)
            if grant is None or authority is None or authority.pk != grant.pk:
                raise PermissionDenied("a representative files only under an active grant")
        elif grant is not None:
            raise ValueError("a grant is only for filing on someone else's behalf")
        if channel != Channel.WEB:
            raise ValueError("a resident files through this website")
        # Lock the resident's row so two filings at once cannot both pass the daily limit.
        User.objects.select_for_update().filter(pk=requester.pk).first()
        if requests_filed_today(user=requester) >= settings.REQUESTS_DAILY_LIMIT:
            raise RequestLimitReached
        received_at = now
    else:
        _require_staff(filed_by)
        received_at = received_at or now
        if received_at > now:
            raise ValidationError(_("The date received cannot be in the future."))

    calendar = business_calendar()
    dates = due_dates(kind=kind, received_at=received_at, calendar=calendar)
    request = Request.objects.create(
        number=request_number_allocate(year=timezone.localtime(received_at).year),
        kind=kind,
        channel=channel,
        requester=requester,
        subject=subject,
        filed_by=filed_by,
        description=description.strip(),
        delivery=delivery,
        received_at=received_at,
        received_on=dates.received_on,
        response_due_on=dates.response_due_on,
        final_due_on=dates.final_due_on,
        representation_grant=grant,
        # Collected when the City received it (a letter a clerk enters later included).
        policy_version_id=policy_version_in_force_id(received_at),
        created_at=now,
        updated_at=now,
    )
    request.departments.set(list(departments))
    filed = RequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.FILED,
        actor=filed_by or requester,
        details={"channel": channel.value},
        visible_to_requester=True,
        created_at=now,
    )
    requester_notification_schedule(event=filed)
    audit_record(
        action="request.filed",
        category=AuditCategory.RECORD,
        actor=filed_by or requester,
        obj=request,
        details={
            "kind": kind.value,
            "channel": channel.value,
            "delivery": delivery.value,
            "requester_id": requester.pk,
            "subject_id": subject.pk,
            "filed_by_id": filed_by.pk if filed_by else None,
            "grant_id": grant.pk if grant else None,
            "department_ids": sorted(department.pk for department in request.departments.all()),
        },
    )

    needed = kind_needs_level(kind)
    if identity_level(user=requester) < needed:
        request_transition(
            request=request,
            to=RequestStatus.AWAITING_IDENTITY,
            actor=None,
            reason=f"identity level {needed} needed",
        )
    else:
        request_transition(request=request, to=RequestStatus.GATHERING, actor=None)
        gathering_start(request=request)
    return request


def requests_release_identity_hold(*, user: User) -> int:
    """Move on the user's requests that waited for an identity level they now hold. Called by
    the identity code after a level is raised. Returns how many moved."""
    level = identity_level(user=user)
    moved = 0
    waiting = Request.objects.filter(requester=user, status=RequestStatus.AWAITING_IDENTITY)
    for request in waiting:
        if level < kind_needs_level(request.kind):
            continue
        try:
            with transaction.atomic():
                request_transition(
                    request=request,
                    to=RequestStatus.GATHERING,
                    actor=None,
                    reason=f"identity level {int(level)} reached",
                )
                gathering_start(request=request)
        except IllegalTransition:
            continue  # moved by someone else meanwhile
        moved += 1
    return moved


# --- Assignment and notes -------------------------------------------------------------------


@transaction.atomic
def request_assign(*, requests: Sequence[Request], assignee: User | None, actor: User) -> int:
    """Assign requests to a clerk (or to nobody). Returns how many changed."""
    _require_staff(actor)
    if assignee is not None and not is_request_staff(assignee):
        raise ValidationError(_("Requests can only be assigned to clerks or the privacy officer."))
    now = timezone.now()
    changed = 0
    assigned = []
    for request in requests:
        updated = (
            Request.objects.filter(pk=request.pk)
            .exclude(assignee=assignee)
            .update(assignee=assignee, updated_at=now)
            if assignee is not None
            else Request.objects.filter(pk=request.pk, assignee__isnull=False).update(
                assignee=None, updated_at=now
            )
        )
        if not updated:
            continue
        changed += 1
        assigned.append(request)
        request.assignee = assignee
        RequestEvent.objects.create(
            request=request,
            kind=RequestEventKind.ASSIGNED,
            actor=actor,
            details={
                "assignee_id": assignee.pk if assignee else None,
                "assignee_name": (assignee.get_full_name() or assignee.email) if assignee else "",
            },
            visible_to_requester=False,
            created_at=now,
        )
    # After every request row is locked: the audit trail's lock is taken last.
    for request in assigned:
        audit_record(
            action="request.assigned",
            category=AuditCategory.DECISION,
            actor=actor,
            obj=request,
            fields=["assignee"],
            details={"assignee_id": assignee.pk if assignee else None},
        )
    return changed


@transaction.atomic
def request_note_add(*, request: Request, author: User, text: str) -> RequestEvent:
    """An internal note: staff only, never shown to the requester."""
    _require_staff(author)
    if not text.strip():
        raise ValidationError(_("Enter the note."))
    note = RequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.NOTE,
        actor=author,
        text=text.strip(),
        visible_to_requester=False,
    )
    audit_record(
        action="request.note_added",
        category=AuditCategory.RECORD,
        actor=author,
        obj=request,
        details={"event_id": note.pk},
    )
    return note


# --- Correspondence -------------------------------------------------------------------------


def _documents_attach(
    *, request: Request, uploads: Iterable[UploadedFile], uploaded_by: User, message: Any
) -> list[RequestDocument]:
    documents = []
    for upload in uploads:
        stored = stored_file_create(
            upload=upload,
            purpose="request_document",
            uploaded_by=uploaded_by,
            allowed=DOCUMENT_KINDS,
        )
        documents.append(
            RequestDocument.objects.create(
                request=request, stored_file=stored, message=message, uploaded_by=uploaded_by
            )
        )
    return documents


@transaction.atomic
def request_message_send(*, request: Request, author: User, body: str) -> RequestMessage:
    """A message from staff to the requester: in the portal, and by email."""
    _require_staff(author)
    if not body.strip():
        raise ValidationError(_("Enter the message."))
    message = RequestMessage.objects.create(
        request=request, direction=MessageDirection.TO_REQUESTER, author=author, body=body.strip()
    )
    event = RequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.MESSAGE_TO_REQUESTER,
        actor=author,
        message=message,
        visible_to_requester=True,
    )
    audit_record(
        action="request.message_sent",
        category=AuditCategory.RECORD,
        actor=author,
        obj=request,
        details={"message_id": message.pk},
    )
    requester_notification_schedule(event=event)
    return message


@transaction.atomic
def request_reply(
    *, request: Request, requester: User, body: str, uploads: Iterable[UploadedFile] = ()
) -> RequestMessage:
    """The requester writes to the team, with documents (PDF or image). A reply to a question
    starts the stopped clock again."""
    if requester.pk != request.requester_id:
        raise PermissionDenied("only the requester replies here")
    if request.status in (RequestStatus.CLOSED, RequestStatus.WITHDRAWN):
        raise ValidationError(
            _("This request is closed. To ask something new, start a new request.")
        )
    uploads = list(uploads)
    if not body.strip() and not uploads:
        raise ValidationError(_("Enter a message or choose a file."))
    message = RequestMessage.objects.create(
        request=request,
        direction=MessageDirection.FROM_REQUESTER,
        author=requester,
        body=body.strip(),
    )
    documents = _documents_attach(
        request=request, uploads=uploads, uploaded_by=requester, message=message
    )
    RequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.MESSAGE_FROM_REQUESTER,
        actor=requester,
        message=message,
        visible_to_requester=True,
    )
    if request.status == RequestStatus.AWAITING_REQUESTER:
        request_clock_resume(request=request, actor=requester, reason="the requester replied")
    # After the clock moved: the audit trail's lock is held until the transaction ends, so rows
    # another transaction may hold are locked before it is taken, or the two could deadlock.
    audit_record(
        action="request.message_received",
        category=AuditCategory.RECORD,
        actor=requester,
        obj=request,
        details={
            "message_id": message.pk,
            "document_ids": [document.pk for document in documents],
        },
    )
    return message


# --- The clock ------------------------------------------------------------------------------


@transaction.atomic
def request_information_ask(*, request: Request, actor: User, question: str) -> RequestEvent:
    """Ask the requester for information. The clock stops until they answer (or a clerk
    starts it again)."""
    _require_staff(actor)
    if not question.strip():
        raise ValidationError(_("Enter what you need from the requester."))
    now = timezone.now()
    message = RequestMessage.objects.create(
        request=request,
        direction=MessageDirection.TO_REQUESTER,
        author=actor,
        body=question.strip(),
        created_at=now,
    )
    paused_from = request.status
    event = request_transition(
        request=request,
        to=RequestStatus.AWAITING_REQUESTER,
        actor=actor,
        reason=question.strip(),
        changes={"paused_at": now, "paused_from_status": paused_from},
    )
    audit_record(
        action="request.clock_paused",
        category=AuditCategory.STATE_CHANGE,
        actor=actor,
        obj=request,
        fields=["paused_at", "paused_from_status"],
        details={"message_id": message.pk, "paused_from_status": str(paused_from)},
    )
    return event


@transaction.atomic
def request_clock_resume(*, request: Request, actor: User, reason: str = "") -> RequestEvent:
    """End a wait for the requester: the request goes back where it was, and its due dates move
    by the time the clock was stopped."""
    if request.status != RequestStatus.AWAITING_REQUESTER or request.paused_at is None:
        raise IllegalTransition(f"{request.number} is not waiting for the requester")
    calendar = business_calendar()
    paused_on = timezone.localdate(request.paused_at)
    resumed_on = timezone.localdate()
    changes: dict[str, Any] = {
        "paused_at": None,
        "paused_from_status": "",
        "paused_business_days": request.paused_business_days
        + calendar.business_days_between(paused_on, resumed_on),
        "final_due_on": shift_after_pause(
            kind=request.kind,
            due=request.final_due_on,
            paused_on=paused_on,
            resumed_on=resumed_on,
            calendar=calendar,
        ),
    }
    if request.response_due_on and request.responded_at is None:
        changes["response_due_on"] = shift_after_pause(
            kind=request.kind,
            due=request.response_due_on,
            paused_on=paused_on,
            resumed_on=resumed_on,
            calendar=calendar,
        )
    target = request.paused_from_status or RequestStatus.GATHERING
    if target == RequestStatus.AWAITING_IDENTITY and identity_level(
        user=request.requester
    ) >= kind_needs_level(request.kind):
        # The requester proved who they are while we waited: no reason to wait for it again.
        target = RequestStatus.GATHERING
    event = request_transition(
        request=request,
        to=target,
        actor=actor,
        reason=reason,
        changes=changes,
        event_details={"paused_on": paused_on.isoformat(), "resumed_on": resumed_on.isoformat()},
    )
    if target == RequestStatus.GATHERING:
        gathering_start(request=request)
    audit_record(
        action="request.clock_resumed",
        category=AuditCategory.STATE_CHANGE,
        actor=actor,
        obj=request,
        fields=changes,
        details={
            "paused_on": paused_on.isoformat(),
            "resumed_on": resumed_on.isoformat(),
            "paused_business_days": changes["paused_business_days"],
            "final_due_on": changes["final_due_on"].isoformat(),
        },
    )
    return event


def extension_latest_allowed(*, request: Request) -> date | None:
    """The latest new due date an extension may set (None: no limit for this type)."""
    if request.kind not in BUSINESS_DAY_KINDS:
        return None
    return business_calendar().add_business_days(
        request.final_due_on, settings.REQUESTS_EXTENSION_MAX_BUSINESS_DAYS
    )


@transaction.atomic
def request_extend(*, request: Request, actor: User, new_due_on: date, reason: str) -> RequestEvent:
    """The one extension of the final deadline, with its reason; shown to the requester."""
    _require_staff(actor)
    errors = {}
    if request.extended_at is not None:
        raise ValidationError(_("This request was already extended once."))
    if request.is_finished:
        raise ValidationError(_("This request is finished, so its deadline cannot change."))
    if not reason.strip():
        errors["reason"] = _("Enter why you need more time.")
    if new_due_on <= request.final_due_on:
        errors["new_due_on"] = _("The new due date must be after %(date)s.") % {
            "date": _long_date(request.final_due_on)
        }
    elif not business_calendar().is_business_day(new_due_on):
        errors["new_due_on"] = _("The new due date must be a business day.")
    else:
        latest = extension_latest_allowed(request=request)
        if latest and new_due_on > latest:
            errors["new_due_on"] = _(
                "The law allows at most %(days)d more business days: the latest is %(date)s."
            ) % {"days": settings.REQUESTS_EXTENSION_MAX_BUSINESS_DAYS, "date": _long_date(latest)}
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    updated = Request.objects.filter(pk=request.pk, extended_at__isnull=True).update(
        final_due_on=new_due_on,
        due_before_extension=request.final_due_on,
        extended_at=now,
        extended_by=actor,
        extension_reason=reason.strip(),
        updated_at=now,
    )
    if updated != 1:
        raise ValidationError(_("This request was already extended once."))
    event = RequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.EXTENDED,
        actor=actor,
        text=reason.strip(),
        details={
            "old_due_on": request.final_due_on.isoformat(),
            "new_due_on": new_due_on.isoformat(),
        },
        visible_to_requester=True,
        created_at=now,
    )
    audit_record(
        action="request.extended",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=request,
        fields=[
            "final_due_on",
            "due_before_extension",
            "extended_at",
            "extended_by",
            "extension_reason",
        ],
        details={
            "old_due_on": request.final_due_on.isoformat(),
            "new_due_on": new_due_on.isoformat(),
        },
    )
    request.due_before_extension = request.final_due_on
    request.final_due_on = new_due_on
    request.extended_at = now
    request.extended_by = actor
    request.extension_reason = reason.strip()
    requester_notification_schedule(event=event)
    return event


# --- Moves a clerk makes --------------------------------------------------------------------


def request_review_start(*, request: Request, actor: User, reason: str) -> RequestEvent:
    """Gathering → review, by hand: only once every department source has finished (succeeded,
    failed or skipped), since review must not start on half the records."""
    _require_staff(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the request is ready for review.")})
    if request_has_unfinished_runs(request):
        raise ValidationError(
            {
                "reason": _(
                    "Some department sources have not finished. Wait for them, or skip a "
                    "source you can do without, before starting the review."
                )
            }
        )
    return request_transition(
        request=request, to=RequestStatus.IN_REVIEW, actor=actor, reason=reason.strip()
    )


@transaction.atomic
def request_deny(
    *, request: Request, actor: User, reason: str, exemptions: Sequence[str]
) -> RequestEvent:
    """Deny with a reason and the exemptions relied on; the denial letter is sent with it."""
    _require_staff(actor)
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Enter why the request is denied.")
    unknown = [code for code in exemptions if code not in settings.REQUESTS_EXEMPTIONS]
    if not exemptions or unknown:
        errors["exemptions"] = _("Choose at least one exemption from the list.")
    if errors:
        raise ValidationError(errors)
    event = request_transition(
        request=request,
        to=RequestStatus.DENIED,
        actor=actor,
        reason=reason.strip(),
        changes={"denial_reason": reason.strip(), "denial_exemptions": list(exemptions)},
        event_details={"exemptions": list(exemptions)},
    )
    audit_record(
        action="request.denied",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=request,
        fields=["denial_reason", "denial_exemptions"],
        details={"exemptions": list(exemptions), "event_id": event.pk},
    )
    request_letter_send(
        request=request,
        kind=LetterKind.DENIAL,
        actor=actor,
        fields={
            "exemptions": [str(settings.REQUESTS_EXEMPTIONS[code]) for code in exemptions],
            "denial_reason": reason.strip(),
        },
        quiet=True,
    )
    return event


@transaction.atomic
def request_close(*, request: Request, actor: User, reason: str) -> RequestEvent:
    _require_staff(actor)
    if not reason.strip():
        raise ValidationError({"reason": _("Enter why the request is closed.")})
    from_status = request.status
    event = request_transition(
        request=request, to=RequestStatus.CLOSED, actor=actor, reason=reason.strip()
    )
    audit_record(
        action="request.closed",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=request,
        details={"from_status": str(from_status), "event_id": event.pk},
    )
    return event


def request_withdraw(*, request: Request, actor: User, reason: str = "") -> RequestEvent:
    """The requester (or staff, on their word) withdraws the request."""
    if request.status not in WITHDRAWABLE_STATUSES:
        raise IllegalTransition(f"{request.number} cannot be withdrawn now")
    return request_transition(
        request=request, to=RequestStatus.WITHDRAWN, actor=actor, reason=reason.strip()
    )


# --- Letters --------------------------------------------------------------------------------


@transaction.atomic
def request_letter_send(
    *,
    request: Request,
    kind: str,
    actor: User,
    fields: dict[str, Any] | None = None,
    quiet: bool = False,
) -> RequestLetter:
    """Render a letter from its template as HTML and PDF, keep both encrypted with the request,
    and send it to the requester (in the portal and by email, unless `quiet` because another
    email of the same action already says so)."""
    _require_staff(actor)
    template = letters.letter_template_for(kind)
    context = letters.letter_context(request=request, **(fields or {}))
    body = letters.render_sandboxed(template.body, context)
    fragment = letters.letter_fragment(title=template.title, body=body, context=context)
    pdf = letters.letter_pdf(
        document=letters.letter_document(title=template.title, fragment=fragment)
    )
    stored_pdf = stored_file_create(
        upload=SimpleUploadedFile(f"{request.number}-{kind}.pdf", pdf, "application/pdf"),
        purpose="request_letter",
        uploaded_by=actor,
        allowed={FileKind.PDF},
        max_bytes=max(settings.UPLOAD_MAX_BYTES, len(pdf)),
    )
    now = timezone.now()
    letter = RequestLetter.objects.create(
        request=request,
        kind=kind,
        title=template.title,
        html_encrypted=crypto.encrypt(fragment.encode()),
        pdf=stored_pdf,
        created_by=actor,
        created_at=now,
    )
    if kind == LetterKind.WRITTEN_RESPONSE and request.responded_at is None:
        Request.objects.filter(pk=request.pk, responded_at__isnull=True).update(
            responded_at=now, updated_at=now
        )
        request.responded_at = now
    event = RequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.LETTER_SENT,
        actor=actor,
        letter=letter,
        details={"title": template.title, "quiet": quiet},
        visible_to_requester=True,
        created_at=now,
    )
    audit_record(
        action="request.letter_sent",
        category=AuditCategory.RECORD,
        actor=actor,
        obj=request,
        details={"letter_kind": str(kind), "letter_id": letter.pk, "quiet": quiet},
    )
    requester_notification_schedule(event=event)
    return letter


def letter_html(*, letter: RequestLetter) -> str:
    """The letter's HTML fragment, decrypted. Callers have checked who may read it."""
    return crypto.decrypt(bytes(letter.html_encrypted)).decode()


def reply_template_render(*, body: str, request: Request) -> str:
    """A reply template's plain text for one request (the letters' safe engine, unescaped)."""
    requester = request.requester
    return str(
        letters.render_sandboxed(
            body,
            {
                "number": request.number,
                "requester_name": requester.get_full_name() or requester.email,
                "due_date": _long_date(request.next_due_on),
                "city_name": settings.CITY_NAME,
            },
            autoescape=False,
        )
    )
