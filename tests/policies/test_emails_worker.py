"""The emails about a new version go through the real broker to a real worker once the
publication commits, and running the tasks again sends nobody a second one."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from portal.policies.models import PolicyChangeNotice
from tasks.policies import policy_notices_fan_out, send_policy_notices
from tests.factories import UserFactory
from tests.policies.conftest import publish
from tests.processes import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _succeeded(output: str, task: str) -> int:
    return len(re.findall(rf"tasks\.policies\.{task}\[[^\]]+\] succeeded", output))


def test_a_real_worker_emails_each_resident_once_even_when_the_tasks_run_again(
    celery_worker, version_1, privacy_officer
):
    residents = [UserFactory(email=f"policy-reader-{n}@example.org") for n in range(3)]
    effective_on = timezone.localdate() + dt.timedelta(days=30)

    version = publish(privacy_officer, effective_on=effective_on)

    notices = PolicyChangeNotice.objects.filter(version=version)
    wait_until(
        lambda: notices.filter(sent_at__isnull=False).count() == len(residents),
        timeout=60,
        what="the worker to email every resident",
        process=celery_worker.process,
        log=celery_worker.log,
    )
    output = celery_worker.output()
    fan_outs, sends = (
        _succeeded(output, "policy_notices_fan_out"),
        _succeeded(output, "send_policy_notices"),
    )

    # Everything again, as a redelivered message or a second reconciler would.
    policy_notices_fan_out.delay(version.pk)
    send_policy_notices.delay(list(notices.values_list("pk", flat=True)))
    wait_until(
        lambda: (
            _succeeded(celery_worker.output(), "policy_notices_fan_out") > fan_outs
            and _succeeded(celery_worker.output(), "send_policy_notices") > sends
        ),
        timeout=60,
        what="the worker to run both tasks again",
        process=celery_worker.process,
        log=celery_worker.log,
    )

    output = celery_worker.output()
    for resident in residents:
        assert output.count(f"To: {resident.email}") == 1, resident.email
    assert notices.count() == len(residents)
    subject = f"Our privacy policy changes on {effective_on:%-d %B %Y}"
    assert output.count(subject) >= len(residents)
