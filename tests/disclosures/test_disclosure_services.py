"""Recording a disclosure outside the City (c. 66A §2(c), (f)): its legal basis or consent is
required, each one is in the access log and the audit trail, and bad input is refused by field."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.access.models import AccessAction, AccessLogEntry
from portal.audit.models import AuditEvent
from portal.disclosures.models import Disclosure
from portal.disclosures.services import disclosure_check
from portal.files.services import stored_file_read
from tests.disclosures.conftest import at, consent_pdf, disclosure_fields, record_disclosure
from tests.factories import PROOF_PDF_BYTES

pytestmark = pytest.mark.django_db

TODAY = at(2026, 11, 25)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


def test_a_disclosure_under_a_law_is_recorded_with_its_access_log_row_and_audit_event(
    clerk, resident, department_a
):
    disclosure = record_disclosure(clerk, resident, departments=[department_a])

    assert disclosure.basis == "law"
    assert disclosure.legal_basis == "M.G.L. c. 62C §21(b)(1)"
    assert list(disclosure.departments.all()) == [department_a]
    assert disclosure.statements_sent == []
    entry = AccessLogEntry.objects.get(disclosure=disclosure)
    assert entry.action == AccessAction.DISCLOSURE
    assert entry.item == "disclosure"
    assert entry.subject == resident
    assert entry.actor == clerk
    event = AuditEvent.objects.get(action="disclosure.recorded")
    assert event.object_id == str(disclosure.pk)
    assert event.details["basis"] == "law"
    assert event.details["department_ids"] == [department_a.pk]


def test_the_audit_event_holds_no_personal_data(clerk, resident):
    record_disclosure(clerk, resident)

    event = AuditEvent.objects.get(action="disclosure.recorded")
    text = str(event.details)
    for personal in ("Department of Revenue", "Elm Street", "tax abatement", "alice"):
        assert personal not in text


def test_a_consent_disclosure_keeps_the_consent_encrypted(privacy_officer, resident):
    disclosure = record_disclosure(
        privacy_officer,
        resident,
        basis="consent",
        legal_basis="",
        consent_file=consent_pdf(),
    )

    stored = disclosure.consent_document
    assert stored.kind == "pdf"
    assert stored_file_read(stored) == PROOF_PDF_BYTES


def test_law_without_its_citation_is_refused(clerk, resident):
    with pytest.raises(ValidationError) as excinfo:
        record_disclosure(clerk, resident, legal_basis="  ")

    assert "Enter the law or regulation" in _errors(excinfo)["legal_basis"][0]
    assert not Disclosure.objects.exists()


def test_consent_without_the_document_is_refused(clerk, resident):
    with pytest.raises(ValidationError) as excinfo:
        record_disclosure(clerk, resident, basis="consent", consent_file=None)

    assert "Upload the resident's signed consent" in _errors(excinfo)["consent_file"][0]


def test_consent_with_a_file_that_is_not_a_document_is_refused(clerk, resident):
    html = SimpleUploadedFile("consent.pdf", b"<html><body>hello</body></html>")

    with pytest.raises(ValidationError) as excinfo:
        record_disclosure(clerk, resident, basis="consent", consent_file=html)

    assert "This file is not, whatever its name says" in _errors(excinfo)["consent_file"][0]
    assert not Disclosure.objects.exists()
    assert not AccessLogEntry.objects.exists()


def test_law_enforcement_needs_its_written_request(clerk, resident):
    with pytest.raises(ValidationError) as excinfo:
        record_disclosure(clerk, resident, recipient_kind="law_enforcement")

    assert "written request" in _errors(excinfo)["written_request_reference"][0]

    disclosure = record_disclosure(
        clerk,
        resident,
        recipient_kind="law_enforcement",
        written_request_reference="Westfield Police letter of 18 November 2026",
    )
    assert disclosure.written_request_reference.startswith("Westfield Police")


def test_legal_process_is_only_released_from_its_own_page(clerk, resident):
    with pytest.raises(ValidationError) as excinfo:
        record_disclosure(clerk, resident, basis="legal_process", recipient_kind="legal_process")

    errors = _errors(excinfo)
    assert "legal process page" in errors["basis"][0]
    assert "legal process page" in errors["recipient_kind"][0]


def test_a_future_date_is_refused(clerk, resident):
    with pytest.raises(ValidationError) as excinfo:
        record_disclosure(clerk, resident, disclosed_on=date(2026, 11, 26))

    assert _errors(excinfo)["disclosed_on"] == [
        "The date the information was given cannot be in the future."
    ]


def test_every_missing_answer_is_named_at_once(clerk, resident):
    with pytest.raises(ValidationError) as excinfo:
        record_disclosure(
            clerk,
            resident,
            recipient_name="",
            recipient_kind="",
            basis="",
            intended_use="",
            data_disclosed="",
            disclosed_on=None,
        )

    assert set(_errors(excinfo)) == {
        "recipient_name",
        "recipient_kind",
        "basis",
        "intended_use",
        "data_disclosed",
        "disclosed_on",
    }


def test_too_long_text_is_a_message_not_a_database_error(clerk, resident):
    with pytest.raises(ValidationError) as excinfo:
        record_disclosure(clerk, resident, recipient_name="x" * 201)

    assert _errors(excinfo)["recipient_name"] == ["Write 200 characters or fewer."]


def test_the_check_says_the_same_without_recording(resident):
    fields = disclosure_fields(legal_basis="", disclosed_on=date(2026, 11, 25) + timedelta(1))
    fields.pop("departments")

    errors = disclosure_check(subject=resident, **fields)

    assert set(errors) == {"legal_basis", "disclosed_on"}
    assert not Disclosure.objects.exists()


def test_only_a_resident_can_be_the_subject(clerk):
    with pytest.raises(ValidationError) as excinfo:
        record_disclosure(clerk, clerk)

    assert "resident" in _errors(excinfo)


@pytest.mark.parametrize("persona", ["steward_a", "resident", "auditor"])
def test_only_clerks_and_the_privacy_officer_record(persona, request, other_resident):
    with pytest.raises(PermissionDenied):
        record_disclosure(request.getfixturevalue(persona), other_resident)
