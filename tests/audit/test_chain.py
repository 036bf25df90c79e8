"""The audit trail's hash chain, `verify_audit`, and PostgreSQL's refusal to change it."""

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from portal.audit.models import AuditCategory, AuditEvent
from portal.audit.services import AuditDetailError, audit_record
from portal.audit.verify import audit_chain_verify


def _events(count, actor=None):
    return [
        audit_record(
            action="test.thing_done",
            category=AuditCategory.DECISION,
            actor=actor,
            object_type="requests.request",
            object_id=number,
            fields=["status"],
            details={"to_status": "closed", "count": number},
        )
        for number in range(1, count + 1)
    ]


@pytest.mark.django_db
def test_events_are_chained_in_order(clerk):
    # Making the clerk's account is itself audited (the account, its safeguards).
    before = AuditEvent.objects.count()
    first, second, third = _events(3, actor=clerk)
    assert [first.sequence, second.sequence, third.sequence] == [
        before + 1,
        before + 2,
        before + 3,
    ]
    assert second.previous_hash == first.hash
    assert third.previous_hash == second.hash
    assert first.actor_id == clerk.pk and first.actor_role == "clerk"
    assert audit_chain_verify().intact
    assert audit_chain_verify().checked == before + 3


@pytest.mark.django_db
def test_details_hold_plain_values_only():
    with pytest.raises(AuditDetailError):
        audit_record(action="x", category=AuditCategory.RECORD, details={"who": object()})


@pytest.mark.django_db
def test_verify_audit_command_reports_an_intact_chain(capsys):
    _events(4)
    call_command("verify_audit")
    assert "intact: 4 events" in capsys.readouterr().out


def _without_append_only_trigger(sql, params):
    """Change a row behind the portal's back. On PostgreSQL the table's owner must first switch
    the trigger off, which is exactly what the trigger is there to make deliberate."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                'ALTER TABLE "audit_auditevent" DISABLE TRIGGER "audit_auditevent_append_only"'
            )
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(
                'ALTER TABLE "audit_auditevent" ENABLE TRIGGER "audit_auditevent_append_only"'
            )


@pytest.mark.django_db
def test_a_row_changed_with_raw_sql_is_named_by_verify_audit():
    events = _events(5)
    _without_append_only_trigger(
        "UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["test.hidden", 3]
    )
    report = audit_chain_verify()
    assert report.broken_at == 3
    assert report.checked == 2
    assert "changed" in report.problem
    with pytest.raises(CommandError, match="broken at event 3"):
        call_command("verify_audit")
    assert events[3].sequence == 4


@pytest.mark.django_db
def test_a_deleted_row_is_named_by_verify_audit():
    _events(4)
    _without_append_only_trigger("DELETE FROM audit_auditevent WHERE sequence = %s", [2])
    report = audit_chain_verify()
    assert report.broken_at == 3
    assert "missing" in report.problem


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditevent SET action = 'test.hidden'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ],
)
def test_postgresql_refuses_to_change_the_audit_trail(statement):
    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's")
    _events(2)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(statement)
    assert AuditEvent.objects.count() == 2
    assert audit_chain_verify().intact


@pytest.mark.django_db
def test_the_nightly_check_logs_the_head_and_a_break(caplog):
    from tasks.audit import verify_chain

    events = _events(3)
    with caplog.at_level("INFO", logger="portal.audit"):
        assert verify_chain() is True
    assert f"head 3 {events[-1].hash}" in caplog.text
    _without_append_only_trigger(
        "UPDATE audit_auditevent SET object_id = %s WHERE sequence = %s", ["999", 2]
    )
    with caplog.at_level("ERROR", logger="portal.audit"):
        assert verify_chain() is False
    assert "broken at event 2" in caplog.text
