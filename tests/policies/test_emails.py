"""Residents with an account are emailed once about a new version: by a task after the
publication commits, in batches, retried when the mail server fails, never twice."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from portal.policies.models import PolicyChangeNotice
from portal.policies.services import (
    policy_notices_prepare,
    policy_notices_renudge,
    policy_notices_send,
)
from portal.profiles.models import Profile
from tasks import TASK_MODULES
from tasks.policies import policy_notices_fan_out, renudge_policy_notices, send_policy_notices
from tasks.schedule import BEAT_SCHEDULE
from tests.factories import StaffFactory, UserFactory
from tests.policies.conftest import at, publish, travel

pytestmark = pytest.mark.django_db

POSTED = at(2026, 3, 1)
TAKES_EFFECT = dt.date(2026, 3, 31)


@pytest.fixture
def version_2(version_1, privacy_officer):
    with travel(POSTED):
        return publish(privacy_officer, effective_on=TAKES_EFFECT)


def _send_all(version) -> int:
    return sum(
        policy_notices_send(notice_ids=batch)
        for batch in policy_notices_prepare(version_id=version.pk)
    )


def test_the_task_module_and_its_reconciler_are_registered():
    assert "tasks.policies" in TASK_MODULES
    assert BEAT_SCHEDULE["renudge-policy-notices"]["task"] == renudge_policy_notices.name


def test_mail_server_errors_are_retried_with_backoff():
    assert smtplib.SMTPException in send_policy_notices.autoretry_for
    assert send_policy_notices.retry_backoff
    assert send_policy_notices.max_retries >= 3


def test_publishing_queues_the_emails_once_the_publication_commits(
    version_1, privacy_officer, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(policy_notices_fan_out, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        travel(POSTED),
    ):
        version = publish(privacy_officer, effective_on=TAKES_EFFECT)

    assert len(callbacks) == 1
    delay.assert_called_once_with(version.pk)


def test_a_publication_rolled_back_queues_nothing(
    version_1, privacy_officer, django_capture_on_commit_callbacks
):
    with (
        mock.patch.object(policy_notices_fan_out, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
        travel(POSTED),
    ):
        try:
            with transaction.atomic():
                publish(privacy_officer, effective_on=TAKES_EFFECT)
                raise RuntimeError("something later failed")
        except RuntimeError:
            pass

    delay.assert_not_called()


def test_the_first_version_emails_nobody(privacy_officer, django_capture_on_commit_callbacks):
    from portal.policies.models import PolicyVersion

    PolicyVersion.objects.all().delete()
    with (
        mock.patch.object(policy_notices_fan_out, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
        travel(POSTED),
    ):
        publish(privacy_officer, effective_on=POSTED.date())

    delay.assert_not_called()


def test_every_resident_with_a_confirmed_address_gets_one_email(
    version_2, resident, other_resident
):
    unconfirmed = UserFactory(verified_email=False)
    inactive = UserFactory(is_active=False)
    clerk = StaffFactory()

    with travel(at(2026, 3, 2)):
        assert _send_all(version_2) == 2

    assert sorted(message.to[0] for message in mail.outbox) == [
        "alice@example.org",
        "bob@example.org",
    ]
    notified = set(PolicyChangeNotice.objects.values_list("user_id", flat=True))
    assert notified == {resident.pk, other_resident.pk}
    assert not notified & {unconfirmed.pk, inactive.pk, clerk.pk}


def test_the_email_says_what_changes_when_and_where_to_read_it(version_2, resident):
    with travel(at(2026, 3, 2)):
        _send_all(version_2)

    message = mail.outbox[0]
    assert message.subject == "[City of Westfield] Our privacy policy changes on 31 March 2026"
    assert "version 2, takes effect on 31 March 2026" in " ".join(message.body.split())
    assert "We now say how long we keep what you tell us." in message.body
    assert "/privacy/" in message.body
    assert "stays under the policy in force when you gave it" in " ".join(message.body.split())


def test_a_rerun_sends_nobody_a_second_email(version_2, resident, other_resident):
    with travel(at(2026, 3, 2)):
        first = policy_notices_prepare(version_id=version_2.pk)
        policy_notices_send(notice_ids=first[0])
        assert policy_notices_send(notice_ids=first[0]) == 0
        assert policy_notices_prepare(version_id=version_2.pk) == []
        assert policy_notices_fan_out.run(version_2.pk) == 0

    assert len(mail.outbox) == 2
    assert PolicyChangeNotice.objects.filter(version=version_2).count() == 2


def test_emails_go_out_in_batches(version_2):
    with travel(at(2026, 3, 2)):
        residents = [UserFactory() for _ in range(5)]
        batches = policy_notices_prepare(version_id=version_2.pk, batch_size=2)

    assert [len(batch) for batch in batches] == [2, 2, 1]
    assert PolicyChangeNotice.objects.count() == len(residents)


def test_a_claimed_email_is_left_to_its_claimer_until_the_claim_is_stale(version_2, resident):
    with travel(at(2026, 3, 2, 10, 0)):
        [batch] = policy_notices_prepare(version_id=version_2.pk)
        PolicyChangeNotice.objects.update(claimed_at=at(2026, 3, 2, 9, 55))
        assert policy_notices_send(notice_ids=batch) == 0
        assert policy_notices_prepare(version_id=version_2.pk) == []
    with travel(at(2026, 3, 2, 10, 30)):
        assert policy_notices_send(notice_ids=batch) == 1

    assert len(mail.outbox) == 1


def test_a_mail_server_failure_frees_the_email_and_raises_for_a_retry(version_2, resident):
    with travel(at(2026, 3, 2)):
        [batch] = policy_notices_prepare(version_id=version_2.pk)
        with (
            mock.patch(
                "django.core.mail.EmailMessage.send", side_effect=smtplib.SMTPServerDisconnected
            ),
            pytest.raises(smtplib.SMTPServerDisconnected),
        ):
            policy_notices_send(notice_ids=batch)
        notice = PolicyChangeNotice.objects.get()
        assert notice.claimed_at is None
        assert notice.sent_at is None

        assert policy_notices_send(notice_ids=batch) == 1


def test_someone_who_opens_an_account_during_the_notice_period_is_told_too(version_2, resident):
    with travel(at(2026, 3, 2)):
        _send_all(version_2)
    with travel(at(2026, 3, 10)):
        newcomer = UserFactory()
        assert policy_notices_renudge() == [
            (version_2.pk, [PolicyChangeNotice.objects.get(user=newcomer).pk])
        ]


def test_someone_who_opens_an_account_after_it_took_effect_is_not_emailed(version_2, resident):
    with travel(at(2026, 3, 2)):
        _send_all(version_2)
    with travel(at(2026, 4, 2)):
        UserFactory()
        assert _send_all(version_2) == 0

    assert len(mail.outbox) == 1


def test_the_reconciler_queues_what_a_lost_message_left_unsent(version_2, resident):
    with (
        travel(at(2026, 3, 2)),
        mock.patch.object(send_policy_notices, "delay") as delay,
    ):
        assert renudge_policy_notices.run() == 1

    notice = PolicyChangeNotice.objects.get()
    delay.assert_called_once_with([notice.pk])


def test_the_email_is_written_in_the_residents_language_when_there_is_a_translation(
    version_2, resident
):
    Profile.objects.create(user=resident, preferred_language="es")

    with travel(at(2026, 3, 2)):
        _send_all(version_2)

    # Only English exists yet (settings.LANGUAGES): a resident who prefers Spanish reads English.
    assert mail.outbox[0].subject.endswith("Our privacy policy changes on 31 March 2026")


def test_a_correction_says_it_is_a_correction(version_1, privacy_officer, resident):
    resident.date_joined = at(2020, 1, 1)
    resident.save(update_fields=["date_joined"])
    with travel(POSTED):
        correction = publish(
            privacy_officer, effective_on=POSTED.date(), substantive=False, reason="A typo."
        )
        _send_all(correction)

    assert mail.outbox[0].subject == "[City of Westfield] We corrected our privacy policy"
    assert "does not change what we do with your information" in " ".join(
        mail.outbox[0].body.split()
    )
