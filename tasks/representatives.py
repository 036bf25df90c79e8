"""Emails about representative grants (portal/representatives/services.py)."""

import smtplib

from portal.celery import app
from portal.representatives.services import grant_notice_send


@app.task(
    name="tasks.representatives.send_grant_notice",
    # A mail server that is down or refuses for a while is worth retrying; anything else is a bug.
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_grant_notice(grant_id: int, kind: str) -> bool:
    """Send one notice about a grant; True if an email went out now."""
    return grant_notice_send(grant_id=grant_id, kind=kind) is not None
