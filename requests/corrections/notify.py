"""The resident's timeline and emails for their corrections: each decision (a denial with its
reason and how to appeal), each change made, an appeal filed and decided, a statement filed."""

from __future__ import annotations

from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from requests.models import RequestEvent, RequestEventKind
from requests.notifications import requester_notification_schedule


def field_label(change: Any) -> str:
    return _("“%(field)s” of your %(record)s record") % {
        "field": change.field_name.replace("_", " "),
        "record": change.record_type.replace("_", " "),
    }


def denial_text(change: Any) -> str:
    from requests.corrections.services import appeal_deadline

    return _(
        "%(reason)s\n\nYou can appeal this decision to the City's privacy officer until "
        "%(deadline)s: open this request and choose “Appeal this decision”. You can also file a "
        "statement of disagreement: the City keeps it with this information and sends it with "
        "the information whenever it is released or shared."
    ) % {
        "reason": change.decision_reason,
        "deadline": date_format(appeal_deadline(change), "j F Y"),
    }


def correction_event(
    *, change: Any, kind: str, actor: Any = None, text: str = "", **details: Any
) -> RequestEvent:
    event = RequestEvent.objects.create(
        request_id=change.request_id,
        kind=RequestEventKind(kind),
        actor=actor,
        text=text,
        details={"change_id": change.pk, "field_label": field_label(change), **details},
        visible_to_requester=True,
    )
    requester_notification_schedule(event=event)
    return event
