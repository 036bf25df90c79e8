"""Emails to the requester on every change they can see, and the clerks' daily digest."""

import smtplib
from datetime import date
from unittest import mock

import pytest
import time_machine

from requests.deadlines import deadline_digest_send
from requests.models import RequestEvent, RequestEventKind
from requests.notifications import request_update_email_send
from requests.services import (
    request_assign,
    request_information_ask,
    request_message_send,
    request_note_add,
    request_review_start,
    request_submit,
)
from tasks.deadlines import send_deadline_digest
from tasks.notifications import send_request_update
from tests.factories import searches_finished
from tests.requests.conftest import at, verify

pytestmark = pytest.mark.django_db


def _filed(resident, kind="access"):
    return request_submit(requester=resident, subject=resident, kind=kind)


def test_emails_are_enqueued_only_after_commit(
    verified_resident, clerk, django_capture_on_commit_callbacks
):
    with mock.patch.object(send_request_update, "delay") as delay:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            request = _filed(verified_resident)
            request_message_send(request=request, author=clerk, body="We found records.")
        assert delay.call_count == 0
        for callback in callbacks:
            callback()
    filed = request.events.get(kind=RequestEventKind.FILED)
    message = request.events.get(kind=RequestEventKind.MESSAGE_TO_REQUESTER)
    assert [call.args[0] for call in delay.call_args_list] == [filed.pk, message.pk]


def test_staff_only_events_send_nothing(
    verified_resident, clerk, privacy_officer, django_capture_on_commit_callbacks
):
    request = _filed(verified_resident)
    with (
        mock.patch.object(send_request_update, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        request_note_add(request=request, author=clerk, text="Called the Assessors.")
        request_assign(requests=[request], assignee=privacy_officer, actor=clerk)

    assert delay.call_count == 0


def test_message_email_reaches_the_requester_once(verified_resident, clerk, mailoutbox):
    request = _filed(verified_resident)
    message = request_message_send(request=request, author=clerk, body="We found 3 records.")
    event = RequestEvent.objects.get(message=message)

    assert request_update_email_send(event_id=event.pk) is True
    assert request_update_email_send(event_id=event.pk) is False

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [verified_resident.email]
    assert request.number in email.subject
    assert "We found 3 records." in email.body
    assert f"/requests/{request.number}/" in email.body


def test_question_to_requester_is_in_the_email(verified_resident, clerk, mailoutbox):
    request = _filed(verified_resident)
    event = request_information_ask(
        request=request, actor=clerk, question="Which years do you need?"
    )

    request_update_email_send(event_id=event.pk)

    assert "Which years do you need?" in mailoutbox[0].body
    assert "clock is stopped" in mailoutbox[0].subject


def test_reasons_written_for_the_record_stay_out_of_the_email(verified_resident, clerk, mailoutbox):
    request = _filed(verified_resident)
    searches_finished(request)
    event = request_review_start(
        request=request, actor=clerk, reason="Internal: Dana searched the Assessors' files"
    )

    request_update_email_send(event_id=event.pk)

    assert "Dana" not in mailoutbox[0].body
    assert "checking the records" in mailoutbox[0].subject


def test_email_task_retries_when_the_mail_server_fails(verified_resident, clerk, mailoutbox):
    request = _filed(verified_resident)
    message = request_message_send(request=request, author=clerk, body="Hello")
    event = RequestEvent.objects.get(message=message)
    attempts = []

    from django.core.mail.backends.locmem import EmailBackend

    original = EmailBackend.send_messages

    def flaky(self, messages):
        attempts.append(1)
        if len(attempts) == 1:
            raise smtplib.SMTPServerDisconnected("connection lost")
        return original(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", flaky):
        send_request_update.apply(args=[event.pk])

    assert len(attempts) == 2
    assert len(mailoutbox) == 1
    event.refresh_from_db()
    assert event.notified_at is not None


def test_task_declares_retries_with_backoff():
    assert smtplib.SMTPException in send_request_update.autoretry_for
    assert send_request_update.retry_backoff
    assert send_request_update.max_retries >= 3


@time_machine.travel(at(2026, 12, 8), tick=False)
def test_digest_lists_overdue_and_due_soon_to_every_clerk(
    resident, other_resident, clerk, privacy_officer, steward_a, mailoutbox
):
    verify(resident)
    verify(other_resident)
    with time_machine.travel(at(2026, 11, 20), tick=False):
        overdue = _filed(resident, kind="inquiry")  # due 7 December 2026
    with time_machine.travel(at(2026, 11, 25), tick=False):
        soon = _filed(other_resident, kind="inquiry")  # due 10 December 2026
    later = _filed(resident, kind="inquiry")  # due 22 December 2026
    assert overdue.final_due_on == date(2026, 12, 7)
    assert soon.final_due_on == date(2026, 12, 10)

    sent = send_deadline_digest.apply().get()

    assert sent == 2
    assert sorted(email.to[0] for email in mailoutbox) == sorted(
        [clerk.email, privacy_officer.email]
    )
    body = mailoutbox[0].body
    assert overdue.number in body.split("Due by")[0]
    assert soon.number in body.split("Due by")[1]
    assert later.number not in body
    assert "1 overdue, 1 due soon" in mailoutbox[0].subject


def test_digest_sends_nothing_when_nothing_is_due(clerk, mailoutbox):
    assert deadline_digest_send() == 0
    assert mailoutbox == []


def test_digest_is_scheduled_on_weekday_mornings():
    from tasks.schedule import BEAT_SCHEDULE

    entry = BEAT_SCHEDULE["request-deadline-digest"]
    assert entry["task"] == send_deadline_digest.name
    assert entry["schedule"].hour == {7}
    assert entry["schedule"].day_of_week == {1, 2, 3, 4, 5}


def test_email_for_an_event_that_no_longer_exists_is_skipped(mailoutbox):
    assert request_update_email_send(event_id=987654) is False
    assert mailoutbox == []
