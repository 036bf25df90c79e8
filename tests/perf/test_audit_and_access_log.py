"""Benchmarks, run apart (`make benchmark`): the audit trail's write and check, and the pages
that read the access log, at a size a city reaches in a few years. Figures are printed, never
asserted."""

import time

import pytest

from portal.access.models import AccessAction, AccessLogEntry
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.audit.verify import audit_chain_verify
from tests.factories import StaffFactory, UserFactory
from tests.perf.test_page_speed import _measure, _report

pytestmark = pytest.mark.django_db

EVENTS = 20_000
ENTRIES = 5_000


def test_audit_record_and_verify_time():
    started = time.perf_counter()
    for number in range(EVENTS):
        audit_record(
            action="request.status_changed",
            category=AuditCategory.STATE_CHANGE,
            object_type="requests.request",
            object_id=number,
            fields=["status"],
            details={"from_status": "gathering", "to_status": "in_review"},
        )
    writing = time.perf_counter() - started
    started = time.perf_counter()
    report = audit_chain_verify()
    checking = time.perf_counter() - started
    assert report.intact and report.checked == EVENTS
    print(
        f"\nBENCHMARK audit trail: {EVENTS} events written in {writing:.1f} s "
        f"({writing / EVENTS * 1000:.2f} ms each); verify_audit walked them in {checking:.2f} s "
        f"({EVENTS / checking:,.0f} events/s)"
    )


def test_access_log_pages_time(client):
    resident = UserFactory()
    clerk = StaffFactory()
    auditor = StaffFactory(role="auditor")
    AccessLogEntry.objects.bulk_create(
        AccessLogEntry(
            subject=resident,
            actor=clerk,
            actor_role="clerk",
            item="request",
            action=AccessAction.VIEW,
        )
        for _ in range(ENTRIES)
    )
    client.force_login(resident)
    _report(
        f"GET /account/who-has-seen-my-data/ ({ENTRIES} entries)",
        _measure(lambda: client.get("/account/who-has-seen-my-data/")),
    )
    client.force_login(auditor)
    _report(
        f"GET /staff/access-log/ ({ENTRIES} entries)",
        _measure(lambda: client.get("/staff/access-log/")),
    )
