"""Emails to requesters, one per change they can see (requests/notifications.py)."""

import smtplib

from portal.celery import app
from requests.notifications import request_update_email_send


@app.task(
    name="tasks.notifications.send_request_update",
    # A mail server that is down or refuses for a while is worth retrying; anything else is a bug.
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_request_update(event_id: int) -> bool:
    return request_update_email_send(event_id=event_id)
