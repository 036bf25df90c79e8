"""Proposing and deciding corrections: who may decide, the request's decision, appeals and
statements of disagreement (the write-back itself: test_write_back*.py)."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from portal.audit.models import AuditEvent
from requests.corrections.models import (
    AppealStatus,
    ChangeStatus,
    DisagreementStatement,
    WriteBackStatus,
)
from requests.corrections.selectors import correctable_fields, field_history, released_to
from requests.corrections.services import (
    CorrectionError,
    Proposal,
    appeal_decide,
    appeal_file,
    change_decide,
    correction_request_submit,
    statement_file,
)
from requests.corrections.values import value_decrypt
from requests.states import RequestStatus


def _propose(alice, record, field="name", value="Alice B. Archer", reason="My name changed"):
    return correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[Proposal(record=record, field_name=field, proposed_value=value, reason=reason)],
    )


def test_a_correction_request_goes_to_review_without_searching_departments(
    alice, owner_record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        request = _propose(alice, owner_record)
    assert request.status == RequestStatus.IN_REVIEW
    assert not request.source_runs.exists()
    change = request.proposed_changes.get()
    assert change.department_id == owner_record.run.source.department_id
    assert value_decrypt(change.current_value_encrypted) == "Alice Archer"
    assert value_decrypt(change.proposed_value_encrypted) == "Alice B. Archer"
    assert not any("write_back" in repr(callback) for callback in callbacks)


def test_never_released_and_unknown_fields_cannot_be_proposed(alice, owner_record):
    assert {"name", "date_of_birth"} <= set(correctable_fields(owner_record))
    source = owner_record.run.source
    source.never_released_fields = ["date_of_birth"]
    source.save(update_fields=["never_released_fields"])
    owner_record.refresh_from_db()
    assert "date_of_birth" not in correctable_fields(owner_record)
    for field in ("date_of_birth", "no_such_field"):
        with pytest.raises(CorrectionError):
            _propose(alice, owner_record, field=field, value="1980-03-15")


def test_another_residents_record_cannot_be_proposed(other_resident, owner_record):
    assert not released_to(subject=other_resident).filter(pk=owner_record.pk).exists()
    with pytest.raises(CorrectionError):
        _propose(other_resident, owner_record)


def test_same_value_and_missing_reason_are_refused(alice, owner_record):
    with pytest.raises(CorrectionError) as refused:
        _propose(alice, owner_record, value="Alice Archer", reason="")
    assert len(refused.value.messages) == 2


def test_only_the_departments_steward_decides_and_never_its_author(
    alice, owner_record, steward_a, steward_b, clerk
):
    request = _propose(alice, owner_record)
    change = request.proposed_changes.get()
    for outsider in (steward_b, clerk):
        with pytest.raises(PermissionDenied):
            change_decide(change=change, actor=outsider, decision="approved")
    change.drafted_by = steward_a
    change.save(update_fields=["drafted_by"])
    with pytest.raises(CorrectionError):
        change_decide(change=change, actor=steward_a, decision="approved")


def test_approval_makes_one_write_back_and_decides_the_request(alice, owner_record, steward_a):
    request = _propose(alice, owner_record)
    change = change_decide(
        change=request.proposed_changes.get(), actor=steward_a, decision="approved"
    )
    assert change.status == ChangeStatus.APPROVED
    write_back = change.write_backs.get()
    # The scripted test source names no write-back configuration: the steward applies it.
    assert write_back.status == WriteBackStatus.WAITING_FOR_STEWARD
    assert value_decrypt(write_back.expected_value_encrypted) == "Alice Archer"
    assert value_decrypt(write_back.new_value_encrypted) == "Alice B. Archer"
    request.refresh_from_db()
    assert request.status == RequestStatus.DECIDED
    assert AuditEvent.objects.filter(action="correction.change_moved").count() == 1
    with pytest.raises(CorrectionError):
        change_decide(change=change, actor=steward_a, decision="denied", reason="late")


def test_denial_needs_a_reason_then_appeal_and_statement(alice, owner_record, steward_a):
    request = _propose(alice, owner_record)
    change = request.proposed_changes.get()
    with pytest.raises(CorrectionError):
        change_decide(change=change, actor=steward_a, decision="denied")
    change_decide(change=change, actor=steward_a, decision="denied", reason="Deed shows old name")
    statement = statement_file(change=change, actor=alice, text="My name is Alice B. Archer.")
    assert statement.record_key == owner_record.key and statement.field_name == "name"
    with pytest.raises(CorrectionError):
        statement_file(change=change, actor=alice, text="again")
    appeal = appeal_file(change=change, actor=alice, reason="The deed was amended in 2024")
    assert appeal.status == AppealStatus.OPEN


def test_statement_length_is_limited(alice, owner_record, steward_a, settings):
    settings.CORRECTIONS_STATEMENT_MAX_CHARS = 100
    change = _propose(alice, owner_record).proposed_changes.get()
    change_decide(change=change, actor=steward_a, decision="denied", reason="No")
    with pytest.raises(CorrectionError):
        statement_file(change=change, actor=alice, text="x" * 101)
    assert not DisagreementStatement.objects.exists()


def test_an_appeal_after_thirty_days_is_refused(alice, owner_record, steward_a):
    change = _propose(alice, owner_record).proposed_changes.get()
    change_decide(change=change, actor=steward_a, decision="denied", reason="No")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    with time_machine.travel(later), pytest.raises(CorrectionError):
        appeal_file(change=change, actor=alice, reason="Please")


def test_the_privacy_officer_overturns_a_denial(alice, owner_record, steward_a, privacy_officer):
    change = _propose(alice, owner_record).proposed_changes.get()
    change_decide(change=change, actor=steward_a, decision="denied", reason="No")
    appeal = appeal_file(change=change, actor=alice, reason="The deed was amended")
    with pytest.raises(PermissionDenied):
        appeal_decide(appeal=appeal, actor=steward_a, overturn=True, reason="x")
    appeal = appeal_decide(
        appeal=appeal, actor=privacy_officer, overturn=True, reason="The amended deed shows it"
    )
    assert appeal.status == AppealStatus.OVERTURNED
    change.refresh_from_db()
    assert change.status == ChangeStatus.APPROVED
    assert change.write_backs.count() == 1
    assert (
        field_history(source_id=change.source_id, record_key=change.record_key, field_name="name")
        == []
    )
