"""The account check runs in a real Celery worker process, from the broker, after commit."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.identity import services
from portal.identity.models import AccountKnowledgeAttempt, AttemptStatus, IdentityLevel
from portal.identity.selectors import identity_level
from tasks.identity import renudge_stalled_checks
from tests.processes import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_checks_the_try_and_the_level_rises(celery_worker, named_resident, water_source):
    attempt = services.account_knowledge_attempt_start(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier="WS-0010007",
        amount_cents=8420,
    )

    wait_until(
        lambda: AccountKnowledgeAttempt.objects.get(pk=attempt.pk).status != AttemptStatus.PENDING,
        timeout=60,
        what="the worker to check the account",
        process=celery_worker.process,
        log=celery_worker.log,
    )

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PASSED, attempt.error_message
    assert identity_level(user=named_resident) == IdentityLevel.REMOTE
    assert "tasks.identity.account_knowledge_check" in celery_worker.output()


def test_a_worker_records_a_wrong_amount_as_a_failure(celery_worker, named_resident, water_source):
    attempt = services.account_knowledge_attempt_start(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier="WS-0010007",
        amount_cents=100,
    )

    wait_until(
        lambda: AccountKnowledgeAttempt.objects.get(pk=attempt.pk).status != AttemptStatus.PENDING,
        timeout=60,
        what="the worker to check the account",
        process=celery_worker.process,
        log=celery_worker.log,
    )

    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.FAILED
    assert identity_level(user=named_resident) == IdentityLevel.EMAIL


@pytest.fixture
def lost_check(named_resident, water_source):
    """A check whose broker message never reached a worker: the row exists, nothing ran."""
    attempt = AccountKnowledgeAttempt.objects.create(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier="WS-0010007",
        identifier_last4="0007",
        identifier_digest=services.identifier_digest(
            kind="water_sewer_account", identifier="WS-0010007"
        ),
        amount_cents=8420,
        source=water_source,
    )
    AccountKnowledgeAttempt.objects.filter(pk=attempt.pk).update(
        created_at=timezone.now() - timedelta(minutes=5)
    )
    return attempt


def test_a_check_whose_message_was_lost_is_sent_again_and_done_by_the_worker(
    celery_worker, lost_check, named_resident
):
    assert renudge_stalled_checks() == 1

    wait_until(
        lambda: (
            AccountKnowledgeAttempt.objects.get(pk=lost_check.pk).status != AttemptStatus.PENDING
        ),
        timeout=60,
        what="the nudged check to be done",
        process=celery_worker.process,
        log=celery_worker.log,
    )
    assert identity_level(user=named_resident) == IdentityLevel.REMOTE


def test_a_recent_pending_check_is_left_alone(named_resident, water_source):
    services.account_knowledge_attempt_start(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier="WS-0010007",
        amount_cents=8420,
    )
    assert renudge_stalled_checks() == 0
