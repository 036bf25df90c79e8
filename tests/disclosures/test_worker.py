"""The notice email goes through the real broker to a real worker once the recording commits,
with the letter attached as a real PDF."""

import email
import io
import re
from email import policy

import pytest
from pypdf import PdfReader

from portal.disclosures.models import LegalProcess
from tests.disclosures.conftest import record_legal_process
from tests.processes import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# The worker uses the console email backend: each message is printed whole, then a rule of dashes
# (the worker logs its standard output, so the rule comes after a log prefix).
PRINTED_MESSAGE = re.compile(
    r"(Content-Type: multipart/mixed;.*?)\n(?:\[[^\]]*\] )?-{79}", re.DOTALL
)


def _printed_messages(output: str) -> list[email.message.EmailMessage]:
    return [
        email.message_from_string(match, policy=policy.default)
        for match in PRINTED_MESSAGE.findall(output)
    ]


def test_a_worker_emails_the_resident_the_notice_with_the_letter(celery_worker, clerk, resident):
    legal_process = record_legal_process(
        clerk, resident, issuer="Westfield District Court (worker test)"
    )

    wait_until(
        lambda: LegalProcess.objects.get(pk=legal_process.pk).notice_emailed_at is not None,
        timeout=60,
        what="the worker to email the notice",
        process=celery_worker.process,
        log=celery_worker.log,
    )

    assert "tasks.disclosures.send_legal_process_notice" in celery_worker.output()
    (message,) = [
        message
        for message in _printed_messages(celery_worker.output())
        if "Westfield District Court (worker test)" in message.get_body(("plain",)).get_content()
    ]
    assert message["To"] == "alice@example.org"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    reader = PdfReader(io.BytesIO(attachment.get_content()))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Westfield District Court (worker test)" in text
    assert "quash" in text
