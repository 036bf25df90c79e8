"""The lookup task: in-process for its branches, and once with a real worker."""

import pytest

from portal.postal.models import MailedCode, MailedCodeStatus, ReviewReason
from portal.postal.services import mailed_code_request
from tasks.postal import LOOKUP_MAX_RETRIES, find_address_of_record, retry_countdown
from tests.factories import MailedCodeFactory, UserFactory
from tests.postal.helpers import ALICE_BORN, profile_set
from tests.processes import wait_until


def test_the_task_settles_the_address(street_listing):
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="1 Elm Street")
    mailed_code = MailedCodeFactory(date_of_birth=ALICE_BORN)

    result = find_address_of_record.apply(args=[str(mailed_code.id)]).get()

    assert result == MailedCodeStatus.READY
    assert find_address_of_record.apply(args=[str(mailed_code.id)]).get() is None


def test_a_source_that_keeps_failing_sends_the_request_to_a_clerk(street_listing):
    street_listing.path.unlink()
    mailed_code = MailedCodeFactory(date_of_birth=ALICE_BORN)

    find_address_of_record.apply(args=[str(mailed_code.id)]).get()

    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW
    assert mailed_code.review_reason == ReviewReason.LOOKUP_FAILED
    assert f"tried {LOOKUP_MAX_RETRIES + 1} times" in mailed_code.lookup_error


def test_retries_back_off_with_jitter_up_to_ten_minutes():
    assert 10 <= retry_countdown(0) <= 30
    assert 40 <= retry_countdown(2) <= 120
    assert retry_countdown(20) <= 900


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_finds_the_address_after_the_request_commits(celery_worker, street_listing):
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="1 Elm Street")
    resident = UserFactory(email="worker.alice@example.org")
    profile_set(resident)

    mailed_code = mailed_code_request(user=resident)

    def settled() -> bool:
        return MailedCode.objects.get(pk=mailed_code.pk).status != MailedCodeStatus.FINDING

    wait_until(settled, timeout=60, what="the lookup task", log=celery_worker.log)
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.READY
    assert mailed_code.address_line1 == "1 Elm Street"
