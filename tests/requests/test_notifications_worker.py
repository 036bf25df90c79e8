"""The requester's email goes through the real broker to a real worker once the filing commits."""

import pytest

from requests.models import RequestEventKind
from requests.services import request_message_send, request_submit
from tests.processes import wait_until
from tests.requests.conftest import verify

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_worker_sends_the_emails_of_a_filing_and_a_message(celery_worker, resident, clerk):
    verify(resident)
    request = request_submit(requester=resident, subject=resident, kind="access")
    request_message_send(request=request, author=clerk, body="We are on it.")
    emailed = request.events.filter(
        kind__in=[RequestEventKind.FILED, RequestEventKind.MESSAGE_TO_REQUESTER]
    )

    wait_until(
        lambda: emailed.filter(notified_at__isnull=False).count() == 2,
        timeout=60,
        what="the worker to send both emails",
        process=celery_worker.process,
        log=celery_worker.log,
    )
    assert "tasks.notifications.send_request_update" in celery_worker.output()
    assert not request.events.filter(
        kind=RequestEventKind.STATUS_CHANGED, notified_at__isnull=False
    ).exists()
