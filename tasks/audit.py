"""The audit trail's nightly check: walk the chain and write its head to the log, so the newest
events' hash is kept outside the database too (a removal of the newest events shows there)."""

import logging

from portal.audit.services import audit_chain_head
from portal.audit.verify import audit_chain_verify
from portal.celery import app

logger = logging.getLogger("portal.audit")


@app.task(name="tasks.audit.verify_chain")
def verify_chain() -> bool:
    report = audit_chain_verify()
    head = audit_chain_head()
    if not report.intact:
        logger.error(
            "audit trail broken at event %s: %s (%s events before it intact)",
            report.broken_at,
            report.problem,
            report.checked,
        )
        return False
    logger.info(
        "audit trail intact: %s events, head %s %s",
        report.checked,
        head["sequence"] if head else 0,
        head["hash"] if head else "-",
    )
    return True
