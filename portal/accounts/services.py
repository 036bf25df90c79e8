"""Writes about accounts."""

from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from portal.accounts import safeguards
from portal.accounts.models import SafeguardsAcknowledgment, User
from portal.accounts.session_timeout import now_timestamp, session_expiry
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record


@transaction.atomic
def safeguards_acknowledge(*, user: User) -> SafeguardsAcknowledgment:
    """Record that `user` confirmed the safeguards text now in force; once per version."""
    if not user.is_portal_staff:
        raise ValueError("Only staff acknowledge the safeguards.")
    acknowledgment, created = SafeguardsAcknowledgment.objects.get_or_create(
        user=user,
        version=safeguards.SAFEGUARDS_VERSION,
        defaults={"acknowledged_at": timezone.now()},
    )
    if created:
        audit_record(
            action="accounts.safeguards_acknowledged",
            category=AuditCategory.RECORD,
            actor=user,
            obj=acknowledgment,
            details={"user_id": user.pk, "version": acknowledgment.version},
        )
    return acknowledgment


def user_sessions_end_expired(*, user: User) -> int:
    """End the user's sessions that are past a time limit but were not used since, so the list
    of sessions shows only those that still work. Returns how many were ended."""
    now = now_timestamp()
    ended = 0
    for user_session in UserSession.objects.filter(user=user):
        store = import_module(settings.SESSION_ENGINE).SessionStore(user_session.session_key)
        if session_expiry(store, now=now) is not None:
            user_session.end()
            ended += 1
    return ended
