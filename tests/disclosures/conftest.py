"""Helpers for the disclosure and legal-process tests."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.disclosures.services import disclosure_record, legal_process_record
from tests.factories import PROOF_PDF_BYTES

BOSTON = ZoneInfo("America/New_York")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """A moment in Westfield's time zone."""
    return datetime(year, month, day, hour, 0, tzinfo=BOSTON)


def consent_pdf(name: str = "consent.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PROOF_PDF_BYTES, content_type="application/pdf")


def disclosure_fields(**overrides):
    """A lawful disclosure to another agency; override to make it wrong."""
    fields = {
        "recipient_name": "Massachusetts Department of Revenue",
        "recipient_kind": "agency",
        "basis": "law",
        "legal_basis": "M.G.L. c. 62C §21(b)(1)",
        "consent_file": None,
        "written_request_reference": "",
        "intended_use": "Checking a tax abatement application.",
        "data_disclosed": "Assessed value of 12 Elm Street for fiscal 2026.",
        "departments": [],
        "disclosed_on": date(2026, 11, 20),
    }
    fields.update(overrides)
    return fields


def record_disclosure(actor, subject, **overrides):
    return disclosure_record(actor=actor, subject=subject, **disclosure_fields(**overrides))


def legal_process_fields(**overrides):
    fields = {
        "kind": "subpoena",
        "issuer": "Hampden County Superior Court",
        "issuer_reference": "2679CV00123",
        "served_on": date(2026, 11, 20),
        "data_sought": "Water bills and payments for 2025.",
        "departments": [],
    }
    fields.update(overrides)
    return fields


def record_legal_process(actor, subject, **overrides):
    return legal_process_record(actor=actor, subject=subject, **legal_process_fields(**overrides))


@pytest.fixture
def auditor(db):
    from tests.factories import StaffFactory

    return StaffFactory(email="audrey.auditor@example.org", role="auditor")
