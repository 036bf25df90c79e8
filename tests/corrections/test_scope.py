"""Need to know for corrections: the resident their own, a steward their departments' once the
request is open for decisions, clerks through the requests they see, auditors nothing."""

import pytest

from portal.access.scope import visible
from requests.corrections.models import (
    DisagreementStatement,
    ProposedChange,
    RecipientNotice,
    WriteBack,
)
from requests.corrections.services import (
    Proposal,
    change_decide,
    correction_request_submit,
    statement_file,
)
from tests.factories import StaffFactory


@pytest.fixture
def change(alice, owner_record):
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(
                record=owner_record,
                field_name="name",
                proposed_value="Alice B. Archer",
                reason="My name changed",
            )
        ],
    )
    return request.proposed_changes.get()


def _ids(user, label):
    return set(visible(user, label).values_list("pk", flat=True))


def test_each_person_sees_the_changes_they_need(
    change, alice, other_resident, steward_a, steward_b, clerk, privacy_officer
):
    auditor = StaffFactory(email="audrey.auditor@example.org", role="auditor")
    label = "corrections.ProposedChange"
    assert _ids(alice, label) == {change.pk}
    assert _ids(steward_a, label) == {change.pk}
    assert _ids(clerk, label) == {change.pk}
    assert _ids(privacy_officer, label) == {change.pk}
    for outsider in (other_resident, steward_b, auditor):
        assert _ids(outsider, label) == set()


def test_a_steward_sees_nothing_while_the_request_waits_for_identity(change, steward_a):
    from requests.models import Request

    # Set up as a request filed by a resident whose identity check is still to come.
    Request.objects.filter(pk=change.request_id).update(status="awaiting_identity")
    assert _ids(steward_a, "corrections.ProposedChange") == set()


def test_write_backs_are_for_staff_and_statements_for_their_readers(
    change, alice, other_resident, steward_a, steward_b, clerk
):
    change_decide(change=change, actor=steward_a, decision="denied", reason="Deed shows it")
    statement = statement_file(change=change, actor=alice, text="I disagree.")
    label = "corrections.DisagreementStatement"
    assert _ids(alice, label) == {statement.pk}
    assert _ids(steward_a, label) == {statement.pk}
    assert _ids(clerk, label) == {statement.pk}
    assert _ids(other_resident, label) == _ids(steward_b, label) == set()
    assert DisagreementStatement.objects.count() == 1
    assert _ids(alice, "corrections.WriteBack") == set()
    assert not WriteBack.objects.exists()
    assert _ids(steward_b, "corrections.RecipientNotice") == set()
    assert not RecipientNotice.objects.exists()
    assert ProposedChange.objects.get().status == "denied"
