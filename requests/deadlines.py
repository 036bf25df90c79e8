"""The daily digest of requests due soon and overdue, for the Records Access Officer's team."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import Role, User
from requests.calendar import business_calendar
from requests.notifications import absolute_url
from requests.selectors import requests_due_by


def deadline_digest_send() -> int:
    """Email every clerk and the privacy officer the open requests overdue or due within
    REQUESTS_DUE_SOON_BUSINESS_DAYS business days. Returns how many emails were sent."""
    today = timezone.localdate()
    horizon = business_calendar().add_business_days(today, settings.REQUESTS_DUE_SOON_BUSINESS_DAYS)
    due = list(requests_due_by(day=horizon))
    if not due:
        return 0
    lines = [
        (request, absolute_url("requests:staff_detail", number=request.number)) for request in due
    ]
    overdue = [(request, url) for request, url in lines if request.next_due_on < today]
    due_soon = [(request, url) for request, url in lines if request.next_due_on >= today]
    recipients = User.objects.filter(
        is_active=True, role__in=[Role.CLERK, Role.PRIVACY_OFFICER]
    ).order_by("email")
    sent = 0
    for recipient in recipients:
        context = {
            "name": recipient.get_full_name() or recipient.email,
            "overdue": overdue,
            "due_soon": due_soon,
            "horizon": horizon,
            "queue_url": absolute_url("requests:queue"),
        }
        EmailMessage(
            subject=_("%(prefix)sRequests due: %(overdue)d overdue, %(soon)d due soon")
            % {
                "prefix": settings.ACCOUNT_EMAIL_SUBJECT_PREFIX,
                "overdue": len(overdue),
                "soon": len(due_soon),
            },
            body=render_to_string("requests/email/deadline_digest.txt", context),
            to=[recipient.email],
        ).send(fail_silently=False)
        sent += 1
    return sent
