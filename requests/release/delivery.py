"""Delivery of an answered request: the resident's download of a ready package (logged, counted
and on the timeline), a clerk's reissue of a package whose link expired or whose build failed,
and the answer to an inquiry, a letter naming the departments that hold information about the
resident, never the information itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import crypto
from portal.access.models import AccessAction
from portal.access.scope import may_work_requests, visible
from portal.access.services import access_record
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.files.models import FileKind
from portal.files.services import stored_file_create
from requests import letters
from requests.models import (
    LetterKind,
    Request,
    RequestEvent,
    RequestEventKind,
    RequestKind,
    RequestLetter,
)
from requests.notifications import requester_notification_schedule
from requests.release.build import package_chunks, released_records
from requests.release.models import (
    PackageStatus,
    ReleasePackage,
    SourceAnswer,
    SourceDecision,
)
from requests.release.notify import package_downloaded_record
from requests.release.services import ReleaseError, release_blockers
from requests.release.states import package_move
from requests.states import RequestStatus, request_transition

# The access-log item of a download (portal/access/wording.py).
DOWNLOAD_ITEM = "release_package"

# A package may be reissued once its records were released: its link expired (or soon will)
# or its build failed for good. One still waiting, building or replaced is not reissued.
REISSUABLE_PACKAGE_STATUSES = (PackageStatus.READY, PackageStatus.FAILED)
REISSUABLE_REQUEST_STATUSES = (RequestStatus.RELEASED, RequestStatus.CLOSED)


class PackageExpired(Exception):
    """The package's link has expired; a clerk can reissue it."""


# --- The resident's download ----------------------------------------------------------------


def resident_packages(*, user: Any, request: Request) -> Any:
    """The packages of `request` this person may download: ready ones, newest first (the
    scope decides; anyone else's request has none)."""
    return visible(user, ReleasePackage).filter(request=request).order_by("-created_at", "-pk")


@transaction.atomic
def package_download_open(*, package: ReleasePackage, user: Any) -> Iterator[bytes]:
    """Count one download of a ready, unexpired package, write it in the resident's access log
    and on the request's timeline, and return the decrypted ZIP, a segment at a time.

    Raises PackageExpired after the link's expiry. The caller has found the package through
    `resident_packages` (the person may see it)."""
    now = timezone.now()
    counted = ReleasePackage.objects.filter(
        pk=package.pk, status=PackageStatus.READY, expires_at__gt=now
    ).update(downloads=F("downloads") + 1)
    if counted != 1:
        raise PackageExpired
    request = Request.objects.select_related("subject").get(pk=package.request_id)
    access_record(
        actor=user,
        subject=request.subject,
        item=DOWNLOAD_ITEM,
        action=AccessAction.DOWNLOAD,
        obj=package,
        request=request,
    )
    package_downloaded_record(package=package, user=user)
    package.refresh_from_db(fields=["downloads"])
    return package_chunks(package)


# --- The clerk's reissue --------------------------------------------------------------------


def package_reissuable(package: ReleasePackage, request: Request) -> bool:
    return (
        package.status in REISSUABLE_PACKAGE_STATUSES
        and request.status in REISSUABLE_REQUEST_STATUSES
    )


def _enqueue_build(package: ReleasePackage) -> None:
    from tasks.release import build_package

    transaction.on_commit(lambda: build_package.delay(package.pk))


@transaction.atomic
def package_reissue(*, package: ReleasePackage, actor: Any) -> ReleasePackage:
    """A new copy of the same content, built afresh with a new link; the old one is replaced
    and its link dies at once. The release was approved already: a second clerk's approval
    carries over to the new copy."""
    if not may_work_requests(actor):
        raise PermissionDenied
    request = Request.objects.select_for_update().get(pk=package.request_id)
    package.refresh_from_db()
    if not package_reissuable(package, request):
        raise ReleaseError(_("This copy cannot be reissued: it is not ready, or not failed."))
    approved_by_id = package.approved_by_id
    if approved_by_id == actor.pk:
        # The two clerks of the approved release are the releaser and this approver; the new
        # copy names the other of the two, as a clerk may not approve their own release.
        approved_by_id = package.released_by_id
    new = ReleasePackage.objects.create(
        request=request,
        content=package.content,
        status=PackageStatus.QUEUED,
        needs_approval=package.needs_approval,
        released_by=actor,
        approved_by_id=approved_by_id,
        approved_at=package.approved_at if approved_by_id else None,
    )
    replaced = package_move(
        package_id=package.pk,
        where=Q(status__in=REISSUABLE_PACKAGE_STATUSES),
        to=PackageStatus.REPLACED,
        replaced_by=new,
    )
    if replaced != 1:
        raise ReleaseError(_("Someone reissued this copy a moment ago."))
    audit_record(
        action="release.package_reissued",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=new,
        fields=["status", "content", "released_by", "approved_by"],
        details={
            "request_id": request.pk,
            "replaced_package_id": package.pk,
            "replaced_status": str(package.status),
            "replaced_expired": package.is_expired,
        },
    )
    _enqueue_build(new)
    return new


# --- The answer to an inquiry ---------------------------------------------------------------

INQUIRY_LETTER_TITLE = "Which City departments hold information about you"


@dataclass(frozen=True)
class InquiryAnswer:
    # Departments that hold information about the resident, by name.
    holding: list[str]
    # Departments searched that hold nothing about the resident.
    not_holding: list[str]
    # (department, exemptions in words): held, but the City does not say more.
    withheld: list[tuple[str, str]]


def inquiry_answer(*, request: Request) -> InquiryAnswer:
    """Each department searched, sorted into holding, not holding and withheld. A source answered
    "held" counts only with a record a clerk did not reject as someone else's."""
    with_records = set(
        released_records(request_id=request.pk)
        .order_by()
        .values("run__source_id")
        .annotate(n=Count("pk"))
        .filter(n__gt=0)
        .values_list("run__source_id", flat=True)
    )
    holding: dict[str, None] = {}
    withheld: dict[str, list[str]] = {}
    searched: dict[str, None] = {}
    decisions = SourceDecision.objects.filter(request=request).select_related("source__department")
    for decision in decisions.order_by("source__department__name", "source__name"):
        department = decision.source.department.name
        searched[department] = None
        if decision.answer == SourceAnswer.HELD and decision.source_id in with_records:
            holding[department] = None
        elif decision.answer == SourceAnswer.WITHHELD:
            labels = withheld.setdefault(department, [])
            for code in decision.exemptions:
                label = str(settings.REQUESTS_EXEMPTIONS.get(code, code))
                if label not in labels:
                    labels.append(label)
    return InquiryAnswer(
        holding=list(holding),
        not_holding=[name for name in searched if name not in holding and name not in withheld],
        withheld=[(name, "; ".join(labels)) for name, labels in withheld.items()],
    )


def _inquiry_letter(request: Request, answer: InquiryAnswer) -> tuple[str, bytes]:
    context = letters.letter_context(request=request)
    body = render_to_string(
        "requests/records/inquiry_letter_body.html", {"letter": context, "answer": answer}
    )
    fragment = letters.letter_fragment(title=INQUIRY_LETTER_TITLE, body=body, context=context)
    pdf = letters.letter_pdf(
        document=letters.letter_document(title=INQUIRY_LETTER_TITLE, fragment=fragment)
    )
    return fragment, pdf


@transaction.atomic
def request_answer_inquiry(*, request: Request, actor: Any) -> RequestLetter:
    """Answer "do you hold information about me?": once every department source has an answer
    and every weak match is decided, the requester gets a letter naming the departments that
    hold information about them (it is the written response, c. 66 §10(b)), and the request is
    decided."""
    if not may_work_requests(actor):
        raise PermissionDenied
    request = Request.objects.select_for_update().select_related("requester").get(pk=request.pk)
    if request.kind != RequestKind.INQUIRY:
        raise ReleaseError(_("Only an inquiry is answered with this letter."))
    if request.status != RequestStatus.IN_REVIEW:
        raise ReleaseError(_("The request is not in review: its answer can no longer change."))
    if blockers := release_blockers(request=request):
        raise ReleaseError([blocker.message for blocker in blockers])
    answer = inquiry_answer(request=request)
    fragment, pdf = _inquiry_letter(request, answer)
    stored_pdf = stored_file_create(
        upload=SimpleUploadedFile(f"{request.number}-inquiry.pdf", pdf, "application/pdf"),
        purpose="request_letter",
        uploaded_by=actor,
        allowed={FileKind.PDF},
        max_bytes=max(settings.UPLOAD_MAX_BYTES, len(pdf)),
    )
    now = timezone.now()
    letter = RequestLetter.objects.create(
        request=request,
        kind=LetterKind.WRITTEN_RESPONSE,
        title=INQUIRY_LETTER_TITLE,
        html_encrypted=crypto.encrypt(fragment.encode()),
        pdf=stored_pdf,
        created_by=actor,
        created_at=now,
    )
    Request.objects.filter(pk=request.pk, responded_at__isnull=True).update(
        responded_at=now, updated_at=now
    )
    event = RequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.LETTER_SENT,
        actor=actor,
        letter=letter,
        details={"title": INQUIRY_LETTER_TITLE},
        visible_to_requester=True,
        created_at=now,
    )
    audit_record(
        action="release.inquiry_answered",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=request,
        details={
            "letter_id": letter.pk,
            "departments_holding": answer.holding,
            "departments_withheld": [name for name, _labels in answer.withheld],
        },
    )
    requester_notification_schedule(event=event)
    request.refresh_from_db()
    # The letter's email tells the requester; the move itself is not emailed again.
    request_transition(
        request=request,
        to=RequestStatus.DECIDED,
        actor=actor,
        reason="inquiry answered",
        event_details={"letter_id": letter.pk, "quiet": True},
    )
    return letter
