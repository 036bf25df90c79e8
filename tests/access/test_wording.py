"""Every agreed item code has a staff label and a plain-language sentence for the resident."""

import datetime as dt

import pytest

from portal.access import wording
from portal.access.models import AccessLogEntry

AGREED_CODES = [
    "request",
    "request_messages",
    "request_history",
    "request_letter",
    "request_letter_pdf",
    "request_document",
    "identity_record",
    "identity_document",
    "identity_document_image",
    "identity_override",
    "representative_grant",
    "representative_proof",
    "mailed_code_review",
    "mailed_code_batch",
    "disclosure",
    "legal_process",
    "legal_process_notice",
    "consent_document",
]


@pytest.mark.parametrize("code", AGREED_CODES)
def test_every_agreed_code_has_words(code):
    words = wording.ITEMS[code]

    assert str(words.staff)
    assert str(words.resident)
    assert wording.staff_label(code) == str(words.staff)


def test_an_unknown_code_still_shows_as_itself():
    entry = AccessLogEntry(item="source_run", action="view", occurred_at=dt.datetime.now(dt.UTC))

    assert wording.staff_label("source_run") == "source_run"
    assert "source_run" in wording.resident_sentence(entry)
    assert wording.resident_reason(entry) == ""


@pytest.mark.parametrize(
    ("action", "sentence"),
    [
        ("view", "looked at a document sent with your request"),
        ("download", "downloaded a document sent with your request"),
        ("export", "exported your information (document sent with a request)"),
    ],
)
def test_the_sentence_follows_the_action(action, sentence):
    entry = AccessLogEntry(item="request_document", action=action)

    assert wording.resident_sentence(entry).startswith(sentence)


def test_a_portal_action_without_a_person_is_named_as_such():
    assert wording.actor_description(AccessLogEntry(item="request")) == "The portal itself"
