"""The request's timeline and the resident's email for a package: ready to download (emailed,
through the request's usual notifications) and each download."""

from typing import Any

from requests.models import RequestEvent, RequestEventKind
from requests.notifications import requester_notification_schedule


def package_ready_notify(*, package: Any) -> RequestEvent:
    event = RequestEvent.objects.create(
        request_id=package.request_id,
        kind=RequestEventKind.PACKAGE_READY,
        details={
            "package_id": package.pk,
            "expires_at": package.expires_at.isoformat() if package.expires_at else None,
        },
        visible_to_requester=True,
    )
    requester_notification_schedule(event=event)
    return event


def package_downloaded_record(*, package: Any, user: Any) -> RequestEvent:
    return RequestEvent.objects.create(
        request_id=package.request_id,
        kind=RequestEventKind.PACKAGE_DOWNLOADED,
        actor=user,
        details={"package_id": package.pk},
        visible_to_requester=True,
    )
