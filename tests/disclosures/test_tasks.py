"""The resident's notice email: sent by the task through the service, once, with the letter."""

import io
import smtplib

import pytest
import time_machine
from pypdf import PdfReader

from portal.disclosures.models import LegalProcess
from tasks import TASK_MODULES
from tasks.disclosures import send_legal_process_notice
from tests.disclosures.conftest import at, record_legal_process


def test_the_task_module_is_registered():
    assert "tasks.disclosures" in TASK_MODULES


def test_mail_server_errors_are_retried_with_backoff():
    assert smtplib.SMTPException in send_legal_process_notice.autoretry_for
    assert send_legal_process_notice.retry_backoff
    assert send_legal_process_notice.max_retries >= 3


@pytest.mark.django_db
def test_the_email_says_what_was_served_and_carries_the_letter(clerk, resident, mailoutbox):
    with time_machine.travel(at(2026, 11, 23), tick=False):
        legal_process = record_legal_process(clerk, resident)

    assert send_legal_process_notice.run(legal_process.pk) is True

    (message,) = mailoutbox
    assert message.to == ["alice@example.org"]
    assert "subpoena or court order" in message.subject
    body = " ".join(message.body.split())
    for part in (
        "a subpoena from Hampden County Superior Court",
        "Water bills and payments for 2025.",
        "We will not give any of this information before 8 December 2026.",
        "quash",
    ):
        assert part in body, part
    ((name, content, mimetype),) = message.attachments
    assert (name, mimetype) == ("notice-2026-11-20.pdf", "application/pdf")
    text = " ".join(PdfReader(io.BytesIO(content)).pages[0].extract_text().split())
    assert "8 December 2026" in text
    assert LegalProcess.objects.get(pk=legal_process.pk).notice_emailed_at is not None


@pytest.mark.django_db
def test_a_retried_task_does_not_send_twice(clerk, resident, mailoutbox):
    legal_process = record_legal_process(clerk, resident)

    send_legal_process_notice.run(legal_process.pk)
    assert send_legal_process_notice.run(legal_process.pk) is False
    assert send_legal_process_notice.run(999_999) is False
    assert len(mailoutbox) == 1
