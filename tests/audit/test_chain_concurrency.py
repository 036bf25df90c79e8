"""Several connections writing audit events at the same moment still make one unbroken chain:
each event takes the next number and the hash of the one before under a lock (PostgreSQL; SQLite
runs one writer at a time)."""

import threading
import time

import pytest
from django.db import connection, connections

from portal.audit import services
from portal.audit.models import AuditCategory, AuditEvent
from portal.audit.verify import audit_chain_verify

pytestmark = pytest.mark.django_db(transaction=True)

WRITERS = 4
EVENTS_EACH = 5


def _write_together(count: int, events_each: int) -> list[object]:
    """`count` threads, each its own connection, start together and append events."""
    start = threading.Barrier(count)
    problems: list[object] = []

    def write(writer: int) -> None:
        try:
            start.wait(10)
            for number in range(events_each):
                services.audit_record(
                    action="test.written_at_once",
                    category=AuditCategory.DECISION,
                    object_type="requests.request",
                    object_id=writer * 100 + number,
                    details={"writer": writer},
                )
        except Exception as error:  # noqa: BLE001 (reported by the assertion)
            problems.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return problems


def test_writers_at_the_same_moment_make_one_unbroken_chain(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs several PostgreSQL connections; SQLite runs one writer at a time")
    before = AuditEvent.objects.count()
    read_head = services.audit_chain_head

    def slow_head():
        # Hold the head read a moment, so writers without the lock would all take the same one.
        head = read_head()
        time.sleep(0.05)
        return head

    monkeypatch.setattr(services, "audit_chain_head", slow_head)

    problems = _write_together(WRITERS, EVENTS_EACH)

    assert problems == []
    assert AuditEvent.objects.count() == before + WRITERS * EVENTS_EACH
    report = audit_chain_verify()
    assert report.intact, report.problem
    assert report.checked == before + WRITERS * EVENTS_EACH
