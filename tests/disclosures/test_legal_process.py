"""Compulsory legal process (c. 66A §2(k)): the resident is notified when it is recorded, and
nothing is released before the notice period has passed, unless a court dispenses with notice."""

import io
from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import storages
from pypdf import PdfReader

from portal.access.models import AccessAction, AccessLogEntry
from portal.audit.models import AuditEvent
from portal.disclosures.models import Disclosure, LegalProcess
from portal.disclosures.selectors import legal_process_blocking, legal_process_state
from portal.disclosures.services import (
    legal_process_dispense_notice,
    legal_process_release,
    legal_process_withdraw,
)
from portal.files.models import StoredFile
from portal.files.services import stored_file_read
from requests.models import ClosureDay, LetterKind, LetterTemplate
from tests.disclosures.conftest import at, consent_pdf, record_disclosure, record_legal_process

pytestmark = pytest.mark.django_db

# Monday 23 November 2026. Ten business days later, with Thanksgiving (26 November) not counted,
# is Tuesday 8 December; without the holiday it would be Monday 7 December.
MONDAY = at(2026, 11, 23)


@pytest.fixture
def served(clerk, resident):
    with time_machine.travel(MONDAY, tick=False):
        return record_legal_process(clerk, resident, served_on=date(2026, 11, 23))


def _release(actor, legal_process, **overrides):
    fields = {
        "data_disclosed": "Water bills and payments for 2025.",
        "intended_use": "Evidence in a civil action.",
        "disclosed_on": None,
    }
    fields.update(overrides)
    if fields["disclosed_on"] is None:
        from django.utils import timezone

        fields["disclosed_on"] = timezone.localdate()
    return legal_process_release(actor=actor, legal_process=legal_process, **fields)


def _our_audit_actions() -> list[str]:
    """Audit actions of disclosures and legal process, in order (other parts audit too)."""
    actions = AuditEvent.objects.order_by("sequence").values_list("action", flat=True)
    return [action for action in actions if action.startswith(("legal_process.", "disclosure."))]


def _pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks as spaces (the layout wraps long lines)."""
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return " ".join(text.split())


# --- The notice -----------------------------------------------------------------------------


def test_recording_sends_the_notice_and_sets_the_day_release_becomes_allowed(served):
    assert served.notice_period_business_days == 10
    assert served.release_not_before == date(2026, 12, 8)
    assert served.notice_sent_at is not None
    assert served.notice_letter.kind == "pdf"
    assert _our_audit_actions() == ["legal_process.recorded", "legal_process.notice_sent"]


def test_the_notice_letter_is_a_real_pdf_saying_what_the_resident_can_do(served):
    text = _pdf_text(stored_file_read(served.notice_letter))

    for part in (
        "Alice Archer",
        "Hampden County Superior Court",
        "2679CV00123",
        "Water bills and payments for 2025",
        "8 December 2026",
        "quash",
        "Records Access Officer",
    ):
        assert part in text, part
    assert "<p>" not in text


def test_the_default_notice_wording_is_a_valid_letter_template():
    from requests.letter_defaults import LEGAL_PROCESS_NOTICE_BODY
    from requests.letters import letter_template_check

    letter_template_check(LEGAL_PROCESS_NOTICE_BODY)


def test_the_notice_letter_is_stored_encrypted(served):
    with storages["private"].open(served.notice_letter.storage_name, "rb") as stored:
        assert not stored.read().startswith(b"%PDF")


def test_the_privacy_officer_changes_the_notice_wording_without_a_code_change(clerk, resident):
    LetterTemplate.objects.update_or_create(
        kind=LetterKind.LEGAL_PROCESS_NOTICE,
        defaults={
            "title": "Notice",
            "body": "<p>{{ resident_name }}: {{ kind }} from {{ issuer }}, not before "
            '{{ release_not_before|date:"j F Y" }}.</p>',
        },
    )
    with time_machine.travel(MONDAY, tick=False):
        legal_process = record_legal_process(clerk, resident)

    text = _pdf_text(stored_file_read(legal_process.notice_letter))
    assert "a subpoena from Hampden County Superior Court, not before 8 December 2026" in text


def test_the_notice_period_is_configurable(settings, clerk, resident):
    settings.LEGAL_PROCESS_NOTICE_BUSINESS_DAYS = 3
    with time_machine.travel(MONDAY, tick=False):
        legal_process = record_legal_process(clerk, resident)

    assert legal_process.notice_period_business_days == 3
    assert legal_process.release_not_before == date(2026, 11, 27)


def test_release_waits_for_the_configured_period_in_business_days(settings, clerk, resident):
    """Three business days from Monday 23 November, Thanksgiving not counted: refused on
    Thursday 26 November, allowed on Friday 27 November."""
    settings.LEGAL_PROCESS_NOTICE_BUSINESS_DAYS = 3
    with time_machine.travel(MONDAY, tick=False):
        legal_process = record_legal_process(clerk, resident, served_on=date(2026, 11, 23))

    with time_machine.travel(at(2026, 11, 26), tick=False), pytest.raises(ValidationError) as e:
        _release(clerk, legal_process)
    assert e.value.code == "notice_period"
    assert "27 November 2026" in e.value.messages[0]
    assert not Disclosure.objects.exists()

    with time_machine.travel(at(2026, 11, 27), tick=False):
        disclosure = _release(clerk, legal_process)
    assert AccessLogEntry.objects.get(action=AccessAction.DISCLOSURE).disclosure == disclosure


def test_a_city_closure_day_is_not_counted(clerk, resident):
    ClosureDay.objects.create(date=date(2026, 12, 1), reason="Snow")
    with time_machine.travel(MONDAY, tick=False):
        legal_process = record_legal_process(clerk, resident)

    assert legal_process.release_not_before == date(2026, 12, 9)


def test_the_email_is_sent_once_the_recording_commits(
    clerk, resident, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        "tasks.disclosures.send_legal_process_notice.delay", lambda pk: sent.append(pk)
    )
    with django_capture_on_commit_callbacks(execute=True), time_machine.travel(MONDAY):
        legal_process = record_legal_process(clerk, resident)

    assert sent == [legal_process.pk]


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"issuer": " "}, "issuer", "Enter who issued it"),
        ({"data_sought": ""}, "data_sought", "Enter which information it asks for."),
        ({"served_on": date(2026, 11, 24)}, "served_on", "cannot be in the future"),
        ({"served_on": None}, "served_on", "Enter the date it was served"),
        ({"kind": "letter"}, "kind", "Choose what was served."),
        ({"issuer_reference": "x" * 101}, "issuer_reference", "Write 100 characters or fewer."),
    ],
)
def test_bad_input_is_refused_by_field_and_nothing_is_kept(
    clerk, resident, overrides, field, message
):
    with time_machine.travel(MONDAY, tick=False), pytest.raises(ValidationError) as excinfo:
        record_legal_process(clerk, resident, **overrides)

    assert message in excinfo.value.message_dict[field][0]
    assert not LegalProcess.objects.exists()
    assert not StoredFile.objects.exists()


def test_a_steward_cannot_record_one(steward_a, resident):
    with pytest.raises(PermissionDenied):
        record_legal_process(steward_a, resident)


# --- Release --------------------------------------------------------------------------------


def test_release_the_next_day_is_refused_with_the_date(served, clerk):
    with time_machine.travel(at(2026, 11, 24), tick=False), pytest.raises(ValidationError) as e:
        _release(clerk, served)

    assert "8 December 2026" in e.value.messages[0]
    assert e.value.code == "notice_period"
    assert not Disclosure.objects.exists()
    assert not AccessLogEntry.objects.filter(action=AccessAction.DISCLOSURE).exists()


def test_release_is_still_refused_on_the_day_the_holiday_pushed_back(served, clerk):
    with time_machine.travel(at(2026, 12, 7), tick=False), pytest.raises(ValidationError) as e:
        _release(clerk, served)

    assert "8 December 2026" in e.value.messages[0]


def test_the_issuer_gets_nothing_as_an_ordinary_disclosure_during_the_notice_period(
    served, clerk, resident
):
    during = at(2026, 11, 24)
    with time_machine.travel(during, tick=False), pytest.raises(ValidationError) as refused:
        record_disclosure(
            clerk, resident, recipient_name="  hampden county SUPERIOR court ", basis="law"
        )
    assert "8 December 2026" in refused.value.message_dict["recipient_name"][0]
    with time_machine.travel(during, tick=False):
        # Another recipient, or the resident's own consent, is not held up by the subpoena.
        record_disclosure(clerk, resident, recipient_name="Department of Revenue", basis="law")
    with time_machine.travel(at(2026, 12, 8), tick=False):
        record_disclosure(
            clerk, resident, recipient_name="Hampden County Superior Court", basis="law"
        )
    assert Disclosure.objects.count() == 2


def test_release_after_ten_business_days_is_allowed_and_logged(served, clerk, resident):
    with time_machine.travel(at(2026, 12, 8), tick=False):
        disclosure = _release(clerk, served)

    served.refresh_from_db()
    assert served.released_at is not None
    assert disclosure.legal_process == served
    assert disclosure.recipient_name == "Hampden County Superior Court"
    assert disclosure.recipient_kind == "legal_process"
    assert disclosure.basis == "legal_process"
    assert disclosure.disclosed_on == date(2026, 12, 8)
    entry = AccessLogEntry.objects.get(action=AccessAction.DISCLOSURE)
    assert (entry.disclosure, entry.subject, entry.actor) == (disclosure, resident, clerk)
    assert _our_audit_actions() == [
        "legal_process.recorded",
        "legal_process.notice_sent",
        "disclosure.recorded",
        "legal_process.released",
    ]
    released = AuditEvent.objects.get(action="legal_process.released")
    assert released.details["disclosure_id"] == disclosure.pk
    assert released.details["notice_dispensed"] is False


def test_a_dispensing_order_allows_release_at_once(served, privacy_officer):
    with time_machine.travel(at(2026, 11, 23, 15), tick=False):
        legal_process_dispense_notice(
            actor=privacy_officer,
            legal_process=served,
            order_reference="Hampden Superior Court, 2679CV00123, order of 23 November 2026",
            order_file=consent_pdf("order.pdf"),
        )
        disclosure = _release(privacy_officer, served)

    assert disclosure.disclosed_on == date(2026, 11, 23)
    assert served.dispensing_order_document.kind == "pdf"
    assert AuditEvent.objects.filter(action="legal_process.notice_dispensed").count() == 1


def test_a_dispensing_order_needs_its_reference_and_a_real_document(served, clerk):
    with pytest.raises(ValidationError) as excinfo:
        legal_process_dispense_notice(
            actor=clerk, legal_process=served, order_reference="", order_file=None
        )

    assert set(excinfo.value.message_dict) == {"order_reference", "order_file"}

    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(ValidationError) as excinfo:
        legal_process_dispense_notice(
            actor=clerk,
            legal_process=served,
            order_reference="2679CV00123",
            order_file=SimpleUploadedFile("order.pdf", b"MZ not a pdf"),
        )
    assert "order_file" in excinfo.value.message_dict
    served.refresh_from_db()
    assert served.notice_dispensed_at is None


def test_a_withdrawn_process_is_never_released(served, clerk):
    legal_process_withdraw(actor=clerk, legal_process=served, withdrawal_kind="quashed")

    with time_machine.travel(at(2026, 12, 15), tick=False), pytest.raises(ValidationError) as e:
        _release(clerk, served)
    assert e.value.code == "withdrawn"
    with pytest.raises(ValidationError):
        legal_process_dispense_notice(
            actor=clerk, legal_process=served, order_reference="x", order_file=consent_pdf()
        )
    with pytest.raises(ValidationError):
        legal_process_withdraw(actor=clerk, legal_process=served, withdrawal_kind="withdrawn")
    assert not Disclosure.objects.exists()
    assert AuditEvent.objects.get(action="legal_process.withdrawn").details == {
        "subject_id": served.subject_id,
        "withdrawal_kind": "quashed",
    }


def test_it_is_released_only_once(served, clerk):
    with time_machine.travel(at(2026, 12, 8), tick=False):
        _release(clerk, served)
        with pytest.raises(ValidationError) as excinfo:
            _release(clerk, served)

    assert excinfo.value.code == "released"
    assert Disclosure.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"intended_use": ""}, "intended_use", "Enter what the issuer will use"),
        ({"data_disclosed": ""}, "data_disclosed", "Enter which information is given."),
        ({"disclosed_on": date(2026, 12, 9)}, "disclosed_on", "cannot be in the future"),
        ({"disclosed_on": date(2026, 12, 4)}, "disclosed_on", "cannot be before 8 December"),
    ],
)
def test_a_release_with_bad_input_is_refused_by_field(served, clerk, overrides, field, message):
    with time_machine.travel(at(2026, 12, 8), tick=False), pytest.raises(ValidationError) as e:
        _release(clerk, served, **overrides)

    assert message in e.value.message_dict[field][0]
    served.refresh_from_db()
    assert served.released_at is None


# --- What later release paths ask ------------------------------------------------------------


def test_blocking_lists_open_processes_still_in_their_waiting_period(served, clerk, resident):
    assert list(legal_process_blocking(subject=resident, on=date(2026, 12, 7))) == [served]
    assert not legal_process_blocking(subject=resident, on=date(2026, 12, 8)).exists()


def test_a_dispensed_or_withdrawn_process_blocks_nothing(served, clerk, resident):
    with time_machine.travel(at(2026, 11, 24), tick=False):
        other = record_legal_process(clerk, resident, issuer="Westfield District Court")
        legal_process_withdraw(actor=clerk, legal_process=other, withdrawal_kind="withdrawn")
        legal_process_dispense_notice(
            actor=clerk, legal_process=served, order_reference="x", order_file=consent_pdf()
        )

    assert not legal_process_blocking(subject=resident, on=date(2026, 11, 24)).exists()


def test_the_state_is_said_in_words(served):
    waiting = legal_process_state(served, on=date(2026, 11, 24))
    assert waiting.words == (
        "Waiting until 8 December 2026 so the resident can ask a court to quash it."
    )
    assert not waiting.may_release
    assert legal_process_state(served, on=date(2026, 12, 8)).may_release


# --- Less common refusals -------------------------------------------------------------------


def test_the_check_names_problems_without_recording(resident):
    from portal.disclosures.services import legal_process_check

    errors = legal_process_check(
        subject=resident,
        kind="subpoena",
        issuer="",
        issuer_reference="",
        served_on=date(2026, 11, 20),
        data_sought="Bills",
    )

    assert set(errors) == {"issuer"}
    assert not LegalProcess.objects.exists()


def test_a_second_dispensing_order_is_refused(served, clerk):
    legal_process_dispense_notice(
        actor=clerk, legal_process=served, order_reference="x", order_file=consent_pdf()
    )

    with pytest.raises(ValidationError) as excinfo:
        legal_process_dispense_notice(
            actor=clerk, legal_process=served, order_reference="y", order_file=consent_pdf()
        )
    assert excinfo.value.code == "dispensed"


def test_a_release_dated_before_the_service_is_refused(served, clerk):
    with time_machine.travel(at(2026, 11, 24), tick=False):
        legal_process_dispense_notice(
            actor=clerk, legal_process=served, order_reference="x", order_file=consent_pdf()
        )
        with pytest.raises(ValidationError) as excinfo:
            _release(clerk, served, disclosed_on=date(2026, 11, 20))

    assert "before 23 November 2026, when it was served" in excinfo.value.messages[0]


def test_without_a_notice_nothing_is_released(clerk, resident):
    from portal.disclosures.notices import notice_html

    unnoticed = LegalProcess.objects.create(
        subject=resident,
        kind="subpoena",
        issuer="Court",
        served_on=date(2026, 11, 20),
        data_sought="Bills",
        notice_period_business_days=10,
        recorded_by=clerk,
    )

    with pytest.raises(ValidationError) as excinfo:
        _release(clerk, unnoticed)
    assert excinfo.value.code == "no_notice"
    assert legal_process_state(unnoticed).words == "The resident has not been sent the notice yet."
    assert notice_html(legal_process=unnoticed) == ""
    assert list(legal_process_blocking(subject=resident)) == [unnoticed]


def test_withdrawing_needs_to_say_how(served, clerk):
    with pytest.raises(ValidationError) as excinfo:
        legal_process_withdraw(actor=clerk, legal_process=served, withdrawal_kind="lost")

    assert "withdrawal_kind" in excinfo.value.message_dict
