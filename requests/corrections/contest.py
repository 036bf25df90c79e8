"""Contesting a denial of access (c. 66A §2(j)): the resident files a `contest` request naming the
denied request, or a released one that withheld some departments' records, and saying why; the
privacy officer decides it like an appeal. Overturned, a denied request goes back to review and a
clerk answers it again, and withheld records are asked for again in a new access request;
upheld, the resident is told why and where to appeal further.

Contests of the data itself (accuracy, completeness, ...) are proposed changes (services.py).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Role
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from requests.corrections.services import MAX_REASON_CHARS, CorrectionError
from requests.models import Request, RequestEvent, RequestEventKind, RequestKind
from requests.notifications import requester_notification_schedule
from requests.states import RequestStatus, request_transition

# A released request whose answer withheld some departments' records denied access to those.
ANSWERED_WITH_A_WITHHOLDING = (RequestStatus.RELEASED, RequestStatus.CLOSED)


def withheld_sources(request: Request) -> Any:
    from requests.release.models import SourceAnswer, SourceDecision

    return SourceDecision.objects.filter(request=request, answer=SourceAnswer.WITHHELD)


def _denied_on(request: Request) -> Any:
    denied = request.status == RequestStatus.DENIED
    target = RequestStatus.DENIED if denied else RequestStatus.RELEASED
    event = request.events.filter(to_status=target).order_by("-created_at").first()
    return timezone.localdate(event.created_at) if event else request.received_on


def contest_deadline(request: Request) -> Any:
    return _denied_on(request) + timedelta(days=settings.CORRECTIONS_APPEAL_DAYS)


def denial_contestable(*, request: Request) -> bool:
    """A denied request, or an access request released with some departments' records
    withheld, not yet contested, within the days allowed to contest it."""
    denied = request.status == RequestStatus.DENIED or (
        request.kind == RequestKind.ACCESS
        and request.status in ANSWERED_WITH_A_WITHHOLDING
        and withheld_sources(request).exists()
    )
    return (
        denied
        and not request.contests.exclude(status=RequestStatus.WITHDRAWN).exists()
        and timezone.localdate() <= contest_deadline(request)
    )


@transaction.atomic
def denial_contest_submit(
    *, requester: Any, contested: Request, reason: str, grant: Any = None
) -> Request:
    """File the contest of `contested`'s denial. The requester is the one who may see it (the
    view reaches it through need to know); the contest is about the same resident."""
    from requests.services import request_submit

    contested = Request.objects.select_for_update().get(pk=contested.pk)
    reason = (reason or "").strip()
    if not denial_contestable(request=contested):
        raise CorrectionError(_("This decision can no longer be contested here."))
    if not reason:
        raise CorrectionError(_("Say why the denial is wrong."))
    if len(reason) > MAX_REASON_CHARS:
        raise CorrectionError(_("Keep it under %(n)s characters.") % {"n": MAX_REASON_CHARS})
    contest = request_submit(
        requester=requester,
        subject=contested.subject,
        kind=RequestKind.CONTEST,
        description=reason,
        grant=grant,
        departments=list(contested.departments.all()),
    )
    Request.objects.filter(pk=contest.pk).update(contested_request=contested)
    audit_record(
        action="request.denial_contested",
        category=AuditCategory.RECORD,
        actor=requester,
        obj=contest,
        details={"contested_request_id": contested.pk},
    )
    contest.refresh_from_db()
    return contest


@transaction.atomic
def denial_contest_decide(*, contest: Request, actor: Any, overturn: bool, reason: str) -> Request:
    """The privacy officer's decision on a contested denial."""
    if getattr(actor, "role", None) != Role.PRIVACY_OFFICER:
        raise PermissionDenied("the privacy officer decides a contested denial")
    contest = Request.objects.select_for_update().get(pk=contest.pk)
    contested = contest.contested_request
    if contested is None or contest.status != RequestStatus.IN_REVIEW:
        raise CorrectionError(_("This contest is not open for a decision."))
    reason = (reason or "").strip()
    if not reason:
        raise CorrectionError(_("Give the reason for the decision: the resident reads it."))
    outcome = "overturned" if overturn else "upheld"
    reopened = None
    if overturn:
        reopened = _overturn(contest=contest, contested=contested, actor=actor)
    text = reason
    if reopened is not None:
        text = _(
            "%(reason)s\n\nWe have opened request %(number)s to give you the records that "
            "were withheld; you will be told when they are ready."
        ) % {"reason": reason, "number": reopened.number}
    if not overturn:
        text = _(
            "%(reason)s\n\nIf you still disagree, you may appeal to the Supervisor of Records "
            "of the Secretary of the Commonwealth (M.G.L. c. 66 §10A) within 90 days."
        ) % {"reason": reason}
    event = RequestEvent.objects.create(
        request=contest,
        kind=RequestEventKind.APPEAL_DECIDED,
        actor=actor,
        text=text,
        details={
            "outcome": outcome,
            "contested_request": contested.number,
            "new_request": reopened.number if reopened else None,
        },
        visible_to_requester=True,
    )
    requester_notification_schedule(event=event)
    audit_record(
        action="request.denial_contest_decided",
        category=AuditCategory.DECISION,
        actor=actor,
        obj=contest,
        details={"contested_request_id": contested.pk, "outcome": outcome},
    )
    request_transition(
        request=contest,
        to=RequestStatus.DECIDED,
        actor=actor,
        reason=reason,
        event_details={"outcome": outcome, "quiet": True},
    )
    return contest


def _overturn(*, contest: Request, contested: Request, actor: Any) -> Request | None:
    """A whole denial goes back to review. Records withheld from a released answer are asked for
    again in a new access request, filed for the resident by the privacy officer and naming the
    departments whose records were withheld; it returns that request."""
    from requests.services import request_submit

    if contested.status == RequestStatus.DENIED:
        request_transition(
            request=contested,
            to=RequestStatus.IN_REVIEW,
            actor=actor,
            reason=_("The denial was overturned when the resident contested it (%(number)s).")
            % {"number": contest.number},
            changes={"denial_reason": "", "denial_exemptions": []},
            event_details={"contest_id": contest.pk, "quiet": True},
        )
        return None
    withheld = list(withheld_sources(contested).select_related("source__department"))
    if not withheld:
        raise CorrectionError(_("The contested request is no longer denied."))
    return request_submit(
        requester=contested.requester,
        subject=contested.subject,
        kind=RequestKind.ACCESS,
        filed_by=actor,
        description=_(
            "The withholding of records in %(number)s was overturned when the resident "
            "contested it (%(contest)s): release the records of %(sources)s unless another "
            "exemption applies."
        )
        % {
            "number": contested.number,
            "contest": contest.number,
            "sources": ", ".join(decision.source.name for decision in withheld),
        },
        departments={decision.source.department for decision in withheld},
        delivery=contested.delivery,
    )
