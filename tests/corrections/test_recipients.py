"""When a change is applied or a statement of disagreement is filed, the outside recipients of
that data in the past 12 months are listed and the clerk gets a task to tell each one: one notice
per disclosure of the resident's data from that department (or naming no department), none for
older disclosures or other residents', and never twice."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from portal.audit.models import AuditEvent
from requests.corrections.models import (
    ChangeStatus,
    RecipientNotice,
    RecipientNoticeStatus,
)
from requests.corrections.services import (
    CorrectionError,
    Proposal,
    change_applied,
    change_decide,
    correction_request_submit,
    recipient_notice_done,
    recipient_notices_open,
    recipients_of,
    statement_file,
)
from requests.corrections.states import IllegalChangeMove
from tests.disclosures.conftest import record_disclosure

pytestmark = pytest.mark.django_db


def _days_ago(days):
    return timezone.localdate() - timedelta(days=days)


def _change(alice, record, steward, *, decision, reason=""):
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(
                record=record,
                field_name="name",
                proposed_value="Alicia Archer",
                reason="I changed my name in 2019.",
            )
        ],
    )
    change = request.proposed_changes.get()
    change_decide(change=change, actor=steward, decision=decision, reason=reason)
    change.refresh_from_db()
    return change


@pytest.fixture
def disclosures(clerk, alice, other_resident, department_a, department_b):
    """alice's data given out: from the assessors, from no named department, from water only,
    from the assessors too long ago; and bob's, from the assessors."""
    return {
        "assessors": record_disclosure(
            clerk, alice, departments=[department_a], disclosed_on=_days_ago(30)
        ),
        "unnamed": record_disclosure(clerk, alice, departments=[], disclosed_on=_days_ago(200)),
        "water": record_disclosure(
            clerk, alice, departments=[department_b], disclosed_on=_days_ago(10)
        ),
        "too_old": record_disclosure(
            clerk,
            alice,
            departments=[department_a],
            disclosed_on=_days_ago(settings.CORRECTIONS_RECIPIENTS_LOOKBACK_DAYS + 35),
        ),
        "bobs": record_disclosure(
            clerk, other_resident, departments=[department_a], disclosed_on=_days_ago(5)
        ),
    }


def _notified(**about):
    return sorted(RecipientNotice.objects.filter(**about).values_list("disclosure_id", flat=True))


def test_the_recipients_are_the_disclosures_of_that_departments_data_in_the_past_year(
    alice, disclosures, department_a
):
    found = list(recipients_of(subject_id=alice.pk, department_id=department_a.pk))

    assert sorted(d.pk for d in found) == sorted(
        [disclosures["assessors"].pk, disclosures["unnamed"].pk]
    )


def test_filing_a_statement_opens_one_notice_per_recipient(
    alice, owner_record, steward_a, disclosures
):
    change = _change(alice, owner_record, steward_a, decision="denied", reason="Deed says so.")

    statement = statement_file(change=change, actor=alice, text="The deed is out of date.")

    assert _notified(statement=statement) == sorted(
        [disclosures["assessors"].pk, disclosures["unnamed"].pk]
    )
    notices = RecipientNotice.objects.filter(statement=statement)
    assert {notice.status for notice in notices} == {RecipientNoticeStatus.OPEN}
    assert all(notice.change_id is None for notice in notices)
    event = AuditEvent.objects.get(action="correction.recipient_notices_opened")
    assert sorted(event.details["disclosure_ids"]) == _notified(statement=statement)


def test_filing_twice_is_refused_and_opens_no_more_notices(
    alice, owner_record, steward_a, disclosures
):
    change = _change(alice, owner_record, steward_a, decision="denied", reason="Deed says so.")
    statement = statement_file(change=change, actor=alice, text="The deed is out of date.")

    with pytest.raises(CorrectionError):
        statement_file(change=change, actor=alice, text="Again.")

    assert recipient_notices_open(subject_id=alice.pk, statement=statement) == []
    assert RecipientNotice.objects.count() == 2
    assert AuditEvent.objects.filter(action="correction.recipient_notices_opened").count() == 1


def test_applying_a_change_opens_one_notice_per_recipient(
    alice, water_record, steward_b, disclosures
):
    change = _change(alice, water_record, steward_b, decision="approved")
    assert change.status == ChangeStatus.APPROVED

    change_applied(change=change, actor=steward_b)

    assert _notified(change=change) == sorted([disclosures["water"].pk, disclosures["unnamed"].pk])


def test_applying_again_opens_no_more_notices(alice, water_record, steward_b, disclosures):
    change = _change(alice, water_record, steward_b, decision="approved")
    change_applied(change=change, actor=steward_b)

    with pytest.raises(IllegalChangeMove):
        change_applied(change=change, actor=steward_b)

    assert recipient_notices_open(subject_id=alice.pk, change=change) == []
    assert RecipientNotice.objects.count() == 2
    assert AuditEvent.objects.filter(action="correction.recipient_notices_opened").count() == 1


def test_no_recipient_means_no_notice(alice, owner_record, steward_a, clerk, department_b):
    record_disclosure(clerk, alice, departments=[department_b], disclosed_on=_days_ago(3))
    change = _change(alice, owner_record, steward_a, decision="denied", reason="Deed says so.")

    statement_file(change=change, actor=alice, text="The deed is out of date.")

    assert not RecipientNotice.objects.exists()
    assert not AuditEvent.objects.filter(action="correction.recipient_notices_opened").exists()


def test_a_disclosure_after_the_statement_carries_it_and_needs_no_notice(
    alice, owner_record, steward_a, clerk, department_a
):
    change = _change(alice, owner_record, steward_a, decision="denied", reason="Deed says so.")
    statement = statement_file(change=change, actor=alice, text="The deed is out of date.")

    later = record_disclosure(
        clerk, alice, departments=[department_a], disclosed_on=timezone.localdate()
    )

    assert later.statements_sent == [statement.pk]
    assert not RecipientNotice.objects.filter(disclosure=later).exists()


def test_the_clerk_marks_a_notice_done_once(alice, owner_record, steward_a, clerk, disclosures):
    change = _change(alice, owner_record, steward_a, decision="denied", reason="Deed says so.")
    statement = statement_file(change=change, actor=alice, text="The deed is out of date.")
    notice = RecipientNotice.objects.filter(statement=statement).first()

    done = recipient_notice_done(notice=notice, actor=clerk, how_told="Letter sent on 1 Dec.")

    assert done.status == RecipientNoticeStatus.DONE
    assert done.done_by == clerk
    with pytest.raises(CorrectionError):
        recipient_notice_done(notice=notice, actor=clerk, how_told="Again")
