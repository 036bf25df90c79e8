"""Identity assurance: the level-2 account check against a department, and telling a resident
what a clerk decided about their photo ID."""

import smtplib
from datetime import timedelta

from portal.celery import app
from portal.identity.services import (
    account_knowledge_attempt_check,
    account_knowledge_checks_renudge,
    identity_document_decision_notify,
)

# Longer than a check normally takes, so a check in progress is not nudged twice.
STALLED_CHECK_AFTER = timedelta(minutes=2)


@app.task(name="tasks.identity.account_knowledge_check")
def account_knowledge_check(attempt_id: int) -> str | None:
    """A department that cannot answer makes the attempt "could not check", not a failure, so
    there is nothing to retry here: the resident tries again."""
    attempt = account_knowledge_attempt_check(attempt_id=attempt_id)
    return attempt.status if attempt is not None else None


@app.task(name="tasks.identity.renudge_stalled_checks")
def renudge_stalled_checks() -> int:
    return account_knowledge_checks_renudge(older_than=STALLED_CHECK_AFTER)


@app.task(
    name="tasks.identity.document_decision_notify",
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=8,
)
def document_decision_notify(document_id: int) -> bool:
    return identity_document_decision_notify(document_id=document_id)
