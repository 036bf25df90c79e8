"""Emails announcing a new version of the privacy policy (portal/policies/services.py).

The fan-out makes one row per resident and sends the unsent rows in batches of
NOTICE_BATCH_SIZE, one task each; the rows, not the messages, are the truth, so a rerun of any
task, or the reconciler below, sends each resident one email at most.
"""

import smtplib

from django.db import OperationalError

from portal.celery import app
from portal.policies.services import (
    policy_notices_prepare,
    policy_notices_renudge,
    policy_notices_send,
)


@app.task(
    name="tasks.policies.policy_notices_fan_out",
    # A database that is briefly unreachable is worth waiting for; anything else is a bug.
    autoretry_for=(OperationalError,),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def policy_notices_fan_out(version_id: int) -> int:
    """Queue one sending task per batch; returns the number of batches."""
    batches = policy_notices_prepare(version_id=version_id)
    for batch in batches:
        send_policy_notices.delay(batch)
    return len(batches)


@app.task(
    name="tasks.policies.send_policy_notices",
    # A mail server that is down or refuses for a while is worth retrying; anything else is a bug.
    autoretry_for=(smtplib.SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def send_policy_notices(notice_ids: list[int]) -> int:
    """Send one batch; returns how many emails went out now."""
    return policy_notices_send(notice_ids=notice_ids)


@app.task(name="tasks.policies.renudge_policy_notices")
def renudge_policy_notices() -> int:
    """Queue again the emails of recent versions not yet sent; returns the number of batches."""
    batches = policy_notices_renudge()
    for _version_id, batch in batches:
        send_policy_notices.delay(batch)
    return len(batches)
