"""Writing an approved change back (requests/corrections/writeback.py), in the test's process: a
real `sql` department database for what is written, and a scripted writer for what cannot be
staged with one (a lost answer, a dropped worker). An unknown outcome is settled by reading the
value back, never by writing again blindly; a manual source's change is confirmed by its
steward. The worker and the broker: test_write_back_worker.py."""

import datetime as dt
import sqlite3
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from requests.corrections.models import ChangeStatus, WriteBack, WriteBackStatus
from requests.corrections.selectors import field_history
from requests.corrections.services import (
    CorrectionError,
    Proposal,
    change_decide,
    correction_request_submit,
)
from requests.corrections.values import value_decrypt
from requests.corrections.writeback import (
    write_back_confirm,
    write_back_execute,
    write_back_retry,
    write_backs_reconcile,
)
from requests.models import ConnectorKind, DataSource
from tasks.connectors import registry
from tasks.connectors.base import (
    ConnectorError,
    ConnectorUnknownOutcome,
    WriteOutcome,
    WriteResult,
)
from tasks.connectors.sql import SqlConnector, dispose_engines

W = WriteBackStatus
SAW = "Alice Archer"
NEW = "Alice B. Archer"


# --- The water department's source, made writable for `name` ---------------------------------


def _store(path) -> str:
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE accounts (account_number TEXT PRIMARY KEY, name TEXT NOT NULL);"
            "CREATE TABLE writes (account_number TEXT);"
            "CREATE TRIGGER count_writes AFTER UPDATE ON accounts "
            "BEGIN INSERT INTO writes VALUES (new.account_number); END;"
        )
        connection.execute("INSERT INTO accounts VALUES ('W-7', ?)", (SAW,))
    connection.close()
    return str(path)


def _held(path) -> str:
    with sqlite3.connect(path) as connection:
        (name,) = connection.execute("SELECT name FROM accounts").fetchone()
    connection.close()
    return name


def _writes(path) -> int:
    with sqlite3.connect(path) as connection:
        (count,) = connection.execute("SELECT COUNT(*) FROM writes").fetchone()
    connection.close()
    return count


def _set_held(path, value: str) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE accounts SET name = ?", (value,))
    connection.close()


@pytest.fixture
def water_store(water_record, tmp_path):
    """The released water account's source, now an `sql` source that can write `name` back."""
    path = _store(tmp_path / "water.sqlite3")
    DataSource.objects.filter(pk=water_record.run.source_id).update(
        kind=ConnectorKind.SQL,
        configuration={
            "database_url": f"sqlite:///{path}",
            "lookups": {
                "account": {
                    "sql": "SELECT * FROM accounts WHERE account_number = :identifier",
                    "key": "account_number",
                    "record_type": "account",
                }
            },
            "corrections": {
                "account": {
                    "name": {
                        "read": "SELECT name AS value FROM accounts WHERE account_number = :key",
                        "update": "UPDATE accounts SET name = :new "
                        "WHERE account_number = :key AND name = :expected",
                    }
                }
            },
        },
    )
    yield path
    dispose_engines()


def _approved(alice, record, steward, *, value=NEW) -> WriteBack:
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(record=record, field_name="name", proposed_value=value, reason="Married")
        ],
    )
    change = change_decide(
        change=request.proposed_changes.get(), actor=steward, decision="approved"
    )
    return change.write_backs.get()


def _reload(write_back: WriteBack) -> WriteBack:
    return WriteBack.objects.select_related("change").get(pk=write_back.pk)


def _due_now(write_back: WriteBack) -> None:
    WriteBack.objects.filter(pk=write_back.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


# --- A real department database ------------------------------------------------------------


def test_an_approved_change_is_written_once_and_recorded_in_the_fields_history(
    alice, water_record, water_store, steward_b
):
    write_back = _approved(alice, water_record, steward_b)
    assert write_back.status == W.PENDING

    assert write_back_execute(write_back_id=write_back.pk, worker="w1") == W.APPLIED

    assert _held(water_store) == NEW
    write_back = _reload(write_back)
    assert write_back.attempts == 1 and write_back.finished_at is not None
    assert write_back.change.status == ChangeStatus.APPLIED
    (entry,) = field_history(
        source_id=write_back.source_id, record_key=water_record.key, field_name="name"
    )
    assert (entry.before, entry.after, entry.why) == (SAW, NEW, "Married")
    assert entry.decided_by == steward_b

    # A duplicate delivery, or the reconciler's nudge: nothing at all.
    assert write_back_execute(write_back_id=write_back.pk, worker="w2") is None
    assert _reload(write_back).attempts == 1
    assert _writes(water_store) == 1


def test_a_value_changed_meanwhile_goes_back_to_the_steward_and_the_source_is_untouched(
    alice, water_record, water_store, steward_b
):
    write_back = _approved(alice, water_record, steward_b)
    _set_held(water_store, "A. Archer-Smith")

    assert write_back_execute(write_back_id=write_back.pk, worker="w1") == W.CONFLICT

    assert _held(water_store) == "A. Archer-Smith"
    write_back = _reload(write_back)
    assert value_decrypt(write_back.found_value_encrypted) == "A. Archer-Smith"
    assert write_back.change.status == ChangeStatus.CONFLICT

    # Decided again, against the value the system holds now: a new round writes it.
    change = change_decide(change=write_back.change, actor=steward_b, decision="approved")
    second = change.write_backs.get(round=2)
    assert value_decrypt(second.expected_value_encrypted) == "A. Archer-Smith"
    assert write_back_execute(write_back_id=second.pk, worker="w1") == W.APPLIED
    assert _held(water_store) == NEW
    assert _writes(water_store) == 2  # the meanwhile change, and ours


def test_a_hostile_value_is_written_verbatim(alice, water_record, water_store, steward_b):
    hostile = 'Robert\'); DROP TABLE accounts; -- "Bobby"'
    write_back = _approved(alice, water_record, steward_b, value=hostile)

    assert write_back_execute(write_back_id=write_back.pk, worker="w1") == W.APPLIED

    assert _held(water_store) == hostile


# --- A scripted writer: lost answers, errors, dropped workers ----------------------------------


class ScriptedWriter(SqlConnector):
    """An `sql` source whose writes and reads answer as scripted, recording each call."""

    writes: ClassVar[list[Any]] = []
    reads: ClassVar[list[Any]] = []
    calls: ClassVar[list[tuple[str, dict[str, Any]]]] = []

    @classmethod
    def configuration_problems(cls, configuration: Mapping[str, Any]) -> list[str]:
        return []

    def read_value(self, **where: Any) -> Any:
        self.calls.append(("read", where))
        outcome = self.reads.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def apply_change(self, **write: Any) -> WriteOutcome:
        self.calls.append(("write", write))
        outcome = self.writes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


@pytest.fixture
def writer(water_record, monkeypatch):
    DataSource.objects.filter(pk=water_record.run.source_id).update(
        kind=ConnectorKind.SQL,
        configuration={"corrections": {"account": {"name": {"read": "-", "update": "-"}}}},
    )
    monkeypatch.setitem(registry.CONNECTORS, ConnectorKind.SQL, ScriptedWriter)
    ScriptedWriter.writes, ScriptedWriter.reads, ScriptedWriter.calls = [], [], []
    return ScriptedWriter


def _kinds(writer) -> list[str]:
    return [kind for kind, _call in writer.calls]


def _lost_answer(alice, water_record, steward_b, writer) -> WriteBack:
    writer.writes.append(ConnectorUnknownOutcome("the service gave no answer"))
    write_back = _approved(alice, water_record, steward_b)
    assert write_back_execute(write_back_id=write_back.pk, worker="w1") == W.UNKNOWN
    write_back = _reload(write_back)
    assert write_back.change.status == ChangeStatus.APPROVED
    assert "gave no answer" in write_back.last_error
    _due_now(write_back)
    return write_back


def test_an_unknown_outcome_read_back_as_the_new_value_is_applied_without_writing_again(
    alice, water_record, steward_b, writer
):
    write_back = _lost_answer(alice, water_record, steward_b, writer)
    writer.reads.append(NEW)

    assert write_back_execute(write_back_id=write_back.pk, worker="w2") == W.APPLIED

    assert _kinds(writer) == ["write", "read"]
    assert _reload(write_back).change.status == ChangeStatus.APPLIED


def test_an_unknown_outcome_read_back_as_the_value_seen_is_sent_again_with_the_same_key(
    alice, water_record, steward_b, writer
):
    write_back = _lost_answer(alice, water_record, steward_b, writer)
    writer.reads.append(SAW)
    writer.writes.append(WriteOutcome(WriteResult.APPLIED, NEW))

    assert write_back_execute(write_back_id=write_back.pk, worker="w2") == W.APPLIED

    assert _kinds(writer) == ["write", "read", "write"]
    keys = {call["idempotency_key"] for kind, call in writer.calls if kind == "write"}
    assert keys == {write_back.idempotency_key}
    assert writer.calls[-1][1]["expected"] == SAW and writer.calls[-1][1]["key"] == "W-7"


def test_an_unknown_outcome_read_back_as_another_value_is_a_conflict_without_writing(
    alice, water_record, steward_b, writer
):
    write_back = _lost_answer(alice, water_record, steward_b, writer)
    writer.reads.append("Someone Else")

    assert write_back_execute(write_back_id=write_back.pk, worker="w2") == W.CONFLICT

    assert _kinds(writer) == ["write", "read"]
    write_back = _reload(write_back)
    assert value_decrypt(write_back.found_value_encrypted) == "Someone Else"
    assert write_back.change.status == ChangeStatus.CONFLICT


def test_a_read_back_that_fails_stays_unknown_and_is_never_followed_by_a_blind_write(
    alice, water_record, steward_b, writer
):
    write_back = _lost_answer(alice, water_record, steward_b, writer)
    writer.reads.append(ConnectorError("the database did not answer", permanent=False))

    assert write_back_execute(write_back_id=write_back.pk, worker="w2") == W.UNKNOWN
    _due_now(write_back)
    writer.reads.append(NEW)
    assert write_back_execute(write_back_id=write_back.pk, worker="w3") == W.APPLIED

    assert _kinds(writer) == ["write", "read", "read"]


def test_a_worker_that_died_holding_a_write_back_leaves_it_to_be_read_back(
    alice, water_record, steward_b, writer
):
    write_back = _approved(alice, water_record, steward_b)
    WriteBack.objects.filter(pk=write_back.pk).update(
        status=W.RUNNING,
        attempts=1,
        claimed_by="dead-worker x",
        lease_expires_at=timezone.now() + dt.timedelta(minutes=5),
    )
    # Its lease is still running: no one else takes it.
    assert write_back_execute(write_back_id=write_back.pk, worker="w2") is None
    WriteBack.objects.filter(pk=write_back.pk).update(
        lease_expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    writer.reads.append(NEW)

    assert write_back_execute(write_back_id=write_back.pk, worker="w2") == W.APPLIED

    assert _kinds(writer) == ["read"]
    assert _reload(write_back).attempts == 2


def test_transient_errors_wait_and_retry_then_fail_for_a_clerk_to_read(
    alice, water_record, steward_b, writer, settings
):
    settings.CORRECTIONS_WRITE_BACK_MAX_ATTEMPTS = 2
    writer.writes += [ConnectorError("the database did not answer", permanent=False)] * 2
    write_back = _approved(alice, water_record, steward_b)

    assert write_back_execute(write_back_id=write_back.pk, worker="w1") == W.RETRY_WAIT
    write_back = _reload(write_back)
    assert write_back.next_attempt_at > timezone.now()
    assert write_back.last_error.endswith("it will be tried again")
    # Not yet due: a nudge does nothing.
    assert write_back_execute(write_back_id=write_back.pk, worker="w1") is None
    _due_now(write_back)
    assert write_back_execute(write_back_id=write_back.pk, worker="w1") == W.FAILED

    write_back = _reload(write_back)
    assert write_back.last_error == "the database did not answer (gave up after 2 attempts)"
    assert write_back.change.status == ChangeStatus.APPROVED
    assert _kinds(writer) == ["write", "write"]


def test_a_permanent_error_fails_at_once(alice, water_record, steward_b, writer):
    writer.writes.append(ConnectorError("the update failed: no such column", permanent=True))
    write_back = _approved(alice, water_record, steward_b)

    assert write_back_execute(write_back_id=write_back.pk, worker="w1") == W.FAILED

    assert _reload(write_back).last_error == "the update failed: no such column"


def test_a_failed_write_back_is_tried_again_by_its_steward_reading_back_first(
    alice, water_record, steward_b, steward_a, writer, django_capture_on_commit_callbacks
):
    writer.writes.append(ConnectorError("the update failed: no such column", permanent=True))
    write_back = _approved(alice, water_record, steward_b)
    assert write_back_execute(write_back_id=write_back.pk, worker="w1") == W.FAILED
    with pytest.raises(PermissionDenied):
        write_back_retry(write_back=write_back, actor=steward_a)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        write_back_retry(write_back=_reload(write_back), actor=steward_b)
    assert len(callbacks) == 1
    write_back = _reload(write_back)
    assert write_back.status == W.UNKNOWN and write_back.attempts == 0
    with pytest.raises(CorrectionError):
        write_back_retry(write_back=write_back, actor=steward_b)
    # The failed try may have reached the system: the value is read first, then written.
    writer.reads.append(SAW)
    writer.writes.append(WriteOutcome(WriteResult.APPLIED, NEW))
    assert write_back_execute(write_back_id=write_back.pk, worker="w2") == W.APPLIED
    assert _kinds(writer) == ["write", "read", "write"]


def test_a_failed_write_back_can_be_left_to_the_steward_to_apply_by_hand(
    alice, water_record, steward_b, writer
):
    writer.writes.append(ConnectorError("the update failed: no such column", permanent=True))
    write_back = _approved(alice, water_record, steward_b)
    write_back_execute(write_back_id=write_back.pk, worker="w1")
    write_back_retry(write_back=_reload(write_back), actor=steward_b, by_hand=True)
    write_back = _reload(write_back)
    assert write_back.status == W.WAITING_FOR_STEWARD
    write_back_confirm(write_back=write_back, actor=steward_b, applied=True)
    assert _reload(write_back).change.status == ChangeStatus.APPLIED


def test_a_connectors_bug_while_writing_is_settled_by_reading_back(
    alice, water_record, steward_b, writer
):
    writer.writes.append(RuntimeError("boom"))
    write_back = _approved(alice, water_record, steward_b)

    assert write_back_execute(write_back_id=write_back.pk, worker="w1") == W.UNKNOWN
    assert "RuntimeError" in _reload(write_back).last_error


def test_the_reconciler_resends_what_is_due_and_leaves_the_rest(
    alice, water_record, owner_record, steward_b, writer, django_capture_on_commit_callbacks
):
    now = timezone.now()
    due = _approved(alice, water_record, steward_b)
    rows = {
        "young_pending": {"status": W.PENDING},
        "old_pending": {"status": W.PENDING, "created_at": now - dt.timedelta(minutes=2)},
        "retry_due": {"status": W.RETRY_WAIT, "next_attempt_at": now - dt.timedelta(seconds=1)},
        "retry_later": {"status": W.RETRY_WAIT, "next_attempt_at": now + dt.timedelta(minutes=1)},
        "unknown_due": {"status": W.UNKNOWN, "next_attempt_at": now - dt.timedelta(seconds=1)},
        "lease_expired": {"status": W.RUNNING, "lease_expires_at": now - dt.timedelta(seconds=1)},
        "lease_live": {"status": W.RUNNING, "lease_expires_at": now + dt.timedelta(minutes=1)},
        "applied": {"status": W.APPLIED},
        "waiting_for_steward": {"status": W.WAITING_FOR_STEWARD},
    }
    ids = {}
    for number, (name, fields) in enumerate(rows.items(), start=2):
        made = WriteBack.objects.create(
            change=due.change,
            round=number,
            source_id=due.source_id,
            expected_value_encrypted=due.expected_value_encrypted,
            new_value_encrypted=due.new_value_encrypted,
            idempotency_key=f"key-{name}",
            **{"created_at": now, **fields},
        )
        ids[name] = made.pk
    WriteBack.objects.filter(pk=due.pk).update(created_at=now - dt.timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        counts = write_backs_reconcile(now=now)

    assert counts == {"pending": 2, "retry_due": 1, "unknown_due": 1, "lease_expired": 1}
    assert len(callbacks) == 5


# --- A manual source: the steward applies it and confirms -----------------------------------


def _waiting(alice, owner_record, steward_a) -> WriteBack:
    write_back = _approved(alice, owner_record, steward_a)
    assert write_back.status == W.WAITING_FOR_STEWARD
    return write_back


def test_the_departments_steward_confirms_a_change_made_by_hand(
    alice, owner_record, steward_a, steward_b
):
    write_back = _waiting(alice, owner_record, steward_a)
    with pytest.raises(PermissionDenied):
        write_back_confirm(write_back=write_back, actor=steward_b, applied=True)
    with pytest.raises(PermissionDenied):
        write_back_confirm(write_back=write_back, actor=alice, applied=True)

    write_back_confirm(write_back=write_back, actor=steward_a, applied=True)

    write_back = _reload(write_back)
    assert write_back.status == W.APPLIED
    assert write_back.confirmed_by == steward_a
    assert write_back.change.status == ChangeStatus.APPLIED
    (entry,) = field_history(
        source_id=write_back.source_id, record_key=owner_record.key, field_name="name"
    )
    assert entry.confirmed_by == steward_a and entry.after == NEW
    with pytest.raises(CorrectionError):
        write_back_confirm(write_back=write_back, actor=steward_a, applied=True)


def test_a_steward_who_drafted_the_change_cannot_confirm_it(alice, owner_record, steward_a):
    write_back = _waiting(alice, owner_record, steward_a)
    write_back.change.drafted_by = steward_a
    write_back.change.save(update_fields=["drafted_by"])

    with pytest.raises(CorrectionError):
        write_back_confirm(write_back=write_back, actor=steward_a, applied=True)

    assert _reload(write_back).status == W.WAITING_FOR_STEWARD


def test_a_change_not_made_because_the_value_differs_goes_back_as_a_conflict(
    alice, owner_record, steward_a
):
    write_back = _waiting(alice, owner_record, steward_a)
    with pytest.raises(CorrectionError):
        write_back_confirm(write_back=write_back, actor=steward_a, applied=False)
    with pytest.raises(CorrectionError):
        write_back_confirm(write_back=write_back, actor=steward_a, applied=False, found_value=SAW)

    write_back_confirm(
        write_back=write_back, actor=steward_a, applied=False, found_value=" Alicia Archer "
    )

    write_back = _reload(write_back)
    assert write_back.status == W.CONFLICT
    assert value_decrypt(write_back.found_value_encrypted) == "Alicia Archer"
    assert write_back.change.status == ChangeStatus.CONFLICT
