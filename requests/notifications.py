"""Emails to the requester about every change they can see on their request.

The email is sent by a Celery task (tasks/notifications.py) enqueued once the transaction that
wrote the event commits; the event row records that it was sent, so a retried task never sends
twice once it has succeeded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from requests.states import RequestStatus
from requests.wording import requester_text, requester_title

if TYPE_CHECKING:
    from requests.models import RequestEvent


def requester_should_be_emailed(event: RequestEvent) -> bool:
    from requests.models import RequestEventKind as K

    if not event.visible_to_requester or event.details.get("quiet"):
        return False
    if event.kind == K.STATUS_CHANGED and event.from_status == RequestStatus.SUBMITTED:
        # The "we received your request" email already says where the request went.
        return False
    acted_themselves = event.actor_id is not None and event.actor_id == event.request.requester_id
    if acted_themselves:
        # People are told about what others did; a filing and a withdrawal are confirmed too,
        # so a stranger using their account cannot do either unnoticed.
        return event.kind == K.FILED or event.to_status == RequestStatus.WITHDRAWN
    return True


def requester_notification_schedule(*, event: RequestEvent) -> None:
    """Enqueue the email once the current transaction commits (never for a rolled-back event)."""
    if not requester_should_be_emailed(event):
        return
    event_id = event.pk

    def enqueue() -> None:
        from tasks.notifications import send_request_update

        send_request_update.delay(event_id)

    transaction.on_commit(enqueue)


def absolute_url(view_name: str, **kwargs: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse(view_name, kwargs=kwargs or None)


def request_url(request_number: str) -> str:
    return absolute_url("requests:detail", number=request_number)


def request_update_email_send(*, event_id: int) -> bool:
    """Email the requester about one event. Returns False if there was nothing to send."""
    from requests.models import RequestEvent

    event = (
        RequestEvent.objects.select_related("request__requester", "message")
        .filter(pk=event_id)
        .first()
    )
    if event is None or event.notified_at is not None:
        # Already sent, or no such event: nothing to tell.
        return False
    request = event.request
    requester = request.requester
    context = {
        "name": requester.get_full_name() or requester.email,
        "title": requester_title(event),
        "text": event.message.body if event.message else requester_text(event),
        "exemptions": [
            str(settings.REQUESTS_EXEMPTIONS.get(code, code))
            for code in event.details.get("exemptions", [])
        ],
        "request": request,
        "url": request_url(request.number),
        "city_name": settings.CITY_NAME,
        "rao_email": settings.RECORDS_ACCESS_OFFICER_EMAIL,
        "rao_phone": settings.RECORDS_ACCESS_OFFICER_PHONE,
    }
    subject = _("%(prefix)sYour request %(number)s: %(title)s") % {
        "prefix": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
        "number": request.number,
        "title": context["title"],
    }
    EmailMessage(
        subject=subject,
        body=render_to_string("requests/email/request_update.txt", context),
        to=[requester.email],
        reply_to=[settings.RECORDS_ACCESS_OFFICER_EMAIL],
    ).send(fail_silently=False)
    RequestEvent.objects.filter(pk=event_id, notified_at__isnull=True).update(
        notified_at=timezone.now()
    )
    return True
