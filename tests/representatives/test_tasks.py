"""Notices go out through a real worker, once, and are retried when the mail server fails."""

import smtplib

import pytest

from portal.representatives.models import GrantNotice, NoticeKind
from tasks import TASK_MODULES
from tasks.representatives import send_grant_notice
from tests.factories import GrantFactory
from tests.processes import wait_until


def test_the_task_module_is_registered():
    assert "tasks.representatives" in TASK_MODULES


def test_mail_server_errors_are_retried_with_backoff():
    assert smtplib.SMTPException in send_grant_notice.autoretry_for
    assert send_grant_notice.retry_backoff
    assert send_grant_notice.max_retries >= 3


@pytest.mark.django_db
def test_the_task_sends_through_the_service(other_resident, mailoutbox):
    grant = GrantFactory(refused=True, representative=other_resident)

    assert send_grant_notice.run(grant.pk, NoticeKind.DECISION) is True
    assert send_grant_notice.run(grant.pk, NoticeKind.DECISION) is False
    assert len(mailoutbox) == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_refusal_reaches_the_representative_through_a_real_worker(
    celery_worker, clerk, other_resident
):
    from portal.representatives.services import grant_refuse

    grant = GrantFactory(representative=other_resident)

    grant_refuse(grant=grant, clerk=clerk, reason="The power of attorney is not signed.")

    wait_until(
        lambda: GrantNotice.objects.filter(grant=grant, kind=NoticeKind.DECISION).exists(),
        timeout=60,
        what="the decision notice to be sent by the worker",
        process=celery_worker.process,
        log=celery_worker.log,
    )
    assert GrantNotice.objects.get(grant=grant).recipient == other_resident.email
    assert "tasks.representatives.send_grant_notice" in celery_worker.output()
    assert "The power of attorney is not signed." in celery_worker.output()
