"""The email telling a resident that a subpoena or order asks for their data
(portal/disclosures/notices.py)."""

import smtplib

from portal.celery import app
from portal.disclosures.notices import notice_email_send


@app.task(
    name="tasks.disclosures.send_legal_process_notice",
    # A mail server that is down or refuses for a while is worth retrying; anything else is a bug.
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_legal_process_notice(legal_process_id: int) -> bool:
    """Send the notice email with its letter; True if an email went out now."""
    return notice_email_send(legal_process_id=legal_process_id)
