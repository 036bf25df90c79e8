"""Codes by post: finding the resident's address of record in the City's data sources."""

import random

from celery import Task

from portal.celery import app
from portal.postal.services import mailed_code_find_address, mailed_code_lookup_failed
from tasks.connectors.base import ConnectorError

LOOKUP_MAX_RETRIES = 5


def retry_countdown(retries: int) -> float:
    """Exponential backoff (20 s, 40 s, 80 s, ... at most 10 minutes) with jitter, so retries
    after an outage do not all arrive at once."""
    return min(600.0, 20.0 * 2**retries) * random.uniform(0.5, 1.5)  # noqa: S311 - jitter only


@app.task(bind=True, name="tasks.postal.find_address_of_record", max_retries=LOOKUP_MAX_RETRIES)
def find_address_of_record(self: Task, mailed_code_id: str) -> str | None:
    """Settle where a requested letter goes. Idempotent: a settled request is left alone.

    A source that does not answer is retried; after the last retry the request goes to a clerk.
    """
    try:
        mailed_code = mailed_code_find_address(mailed_code_id=mailed_code_id)
    except ConnectorError as error:
        if self.request.retries >= LOOKUP_MAX_RETRIES:
            mailed_code_lookup_failed(
                mailed_code_id=mailed_code_id,
                message=f"{error.message} (tried {LOOKUP_MAX_RETRIES + 1} times)",
            )
            return None
        raise self.retry(countdown=retry_countdown(self.request.retries)) from error
    return mailed_code.status if mailed_code else None
