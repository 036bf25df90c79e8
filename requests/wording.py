"""What each event of a request is called, in plain language: one for the requester, one for
staff. Used by the timelines and the emails."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from requests.states import RequestStatus as S

if TYPE_CHECKING:
    from requests.models import RequestEvent


def _detail_date(event: RequestEvent, key: str) -> str:
    return date_format(date.fromisoformat(event.details[key]), "j F Y")


_REQUESTER_STATUS_TITLES = {
    S.AWAITING_IDENTITY: lambda: _("We need to check who you are before we look for your records"),
    S.GATHERING: lambda: _("We are looking for your records"),
    S.IN_REVIEW: lambda: _("We are checking the records we found"),
    S.AWAITING_REQUESTER: lambda: _(
        "We asked you for more information. The clock is stopped until you answer"
    ),
    S.RELEASED: lambda: _("Your records are ready"),
    S.DECIDED: lambda: _("We made a decision on your request"),
    S.DENIED: lambda: _("We decided not to give you these records"),
    S.CLOSED: lambda: _("We closed your request"),
    S.WITHDRAWN: lambda: _("Your request was withdrawn"),
}


def requester_title(event: RequestEvent) -> str:
    from requests.models import RequestEventKind as K

    if event.kind == K.FILED:
        return _("We received your request")
    if event.kind == K.STATUS_CHANGED:
        if event.from_status == S.AWAITING_REQUESTER and event.to_status != S.WITHDRAWN:
            return _("We have what we asked for. The clock is running again")
        if event.from_status == S.AWAITING_IDENTITY and event.to_status == S.GATHERING:
            return _("We checked who you are. We are looking for your records")
        if event.to_status == S.WITHDRAWN and event.actor_id == event.request.requester_id:
            return _("You withdrew your request")
        return _REQUESTER_STATUS_TITLES[event.to_status]()
    if event.kind == K.MESSAGE_TO_REQUESTER:
        return _("We sent you a message")
    if event.kind == K.MESSAGE_FROM_REQUESTER:
        return _("You sent us a message")
    if event.kind == K.EXTENDED:
        return _("We need more time. The new due date is %(date)s") % {
            "date": _detail_date(event, "new_due_on")
        }
    if event.kind == K.LETTER_SENT:
        return _("We sent you a letter: %(title)s") % {"title": event.details.get("title", "")}
    if event.kind == K.PACKAGE_READY:
        return _("Your records are ready to download")
    if event.kind == K.PACKAGE_DOWNLOADED:
        return _("Your records were downloaded")
    if event.kind in _CORRECTION_TITLES:
        return _CORRECTION_TITLES[event.kind](event)
    return str(event.get_kind_display())


def _decided_title(event: RequestEvent) -> str:
    field = event.details.get("field_label", "")
    if event.details.get("decision") == "denied":
        return _("We decided not to change %(field)s") % {"field": field}
    return _("We agreed to change %(field)s") % {"field": field}


def _appeal_title(event: RequestEvent) -> str:
    if contested := event.details.get("contested_request"):
        if new_request := event.details.get("new_request"):
            return _("Your challenge succeeded: request %(number)s will give you the records") % {
                "number": new_request
            }
        if event.details.get("outcome") == "overturned":
            return _("Your challenge succeeded: we are looking at request %(number)s again") % {
                "number": contested
            }
        return _("Your challenge was decided: the denial of request %(number)s stands") % {
            "number": contested
        }
    if event.details.get("outcome") == "overturned":
        return _("Your appeal succeeded: we will change %(field)s") % {
            "field": event.details.get("field_label", "")
        }
    return _("Your appeal was decided: the decision stands")


_CORRECTION_TITLES = {
    "correction_decided": _decided_title,
    "correction_applied": lambda event: (
        _("We changed %(field)s in the department's records")
        % {"field": event.details.get("field_label", "")}
    ),
    "appeal_filed": lambda event: _("We received your appeal"),
    "appeal_decided": _appeal_title,
    "statement_filed": lambda event: _("We filed your statement of disagreement"),
}


def staff_title(event: RequestEvent) -> str:
    from requests.models import RequestEventKind as K

    if event.kind == K.STATUS_CHANGED:
        return _("%(from)s → %(to)s") % {
            "from": S(event.from_status).label,
            "to": S(event.to_status).label,
        }
    if event.kind == K.ASSIGNED:
        name = event.details.get("assignee_name")
        return _("Assigned to %(name)s") % {"name": name} if name else _("Unassigned")
    if event.kind == K.EXTENDED:
        return _("Deadline extended to %(date)s") % {"date": _detail_date(event, "new_due_on")}
    if event.kind == K.LETTER_SENT:
        return _("Letter sent: %(title)s") % {"title": event.details.get("title", "")}
    return str(event.get_kind_display())


# The reasons a requester reads; the others (a clerk's reason for starting a review, say) are
# written for the record and stay with staff.
_REQUESTER_READS_REASON_FOR = frozenset({S.AWAITING_REQUESTER, S.DENIED, S.CLOSED, S.WITHDRAWN})


def requester_text(event: RequestEvent) -> str:
    """The part of an event's text the requester may read ("" when none)."""
    from requests.models import RequestEventKind as K

    if not event.visible_to_requester:
        return ""
    if event.kind == K.STATUS_CHANGED:
        return event.text if event.to_status in _REQUESTER_READS_REASON_FOR else ""
    if event.kind == K.EXTENDED:
        return event.text
    if event.kind in (K.CORRECTION_DECIDED, K.APPEAL_DECIDED):
        # A denial says why, and how to appeal it: c. 66A §2(j).
        return event.text
    return ""
