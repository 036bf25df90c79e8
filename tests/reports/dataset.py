"""A small fixed set of requests, runs, corrections and access-log entries whose every figure was
worked out by hand (tests/reports/test_figures.py). Dates are in March and April 2025; Patriots'
Day (Monday 21 April 2025) is a Massachusetts holiday, so it is not a business day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from portal.access.models import AccessLogEntry
from portal.reports.figures import ReportFilters
from requests.corrections.models import ProposedChange
from requests.gathering.models import GatheredRecord, SourceRun
from requests.models import DataSource, Request, RequestEvent, RequestEventKind
from requests.release.models import Redaction, SourceDecision
from tests.factories import StaffFactory

PERIOD = ReportFilters(date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 4, 30))


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0, second: int = 0):
    zone = timezone.get_current_timezone()
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=zone)


@dataclass
class Dataset:
    resident: Any
    other_resident: Any
    clerk: Any
    second_clerk: Any
    officer: Any
    department_a: Any
    department_b: Any
    requests: dict[str, Request]


def _source(department, slug: str) -> DataSource:
    return DataSource.objects.create(
        department=department,
        slug=slug,
        name=f"Source {slug}",
        kind="manual",
        responsible_officer="Records officer",
    )


def _request(
    name: str,
    *,
    resident,
    kind: str,
    channel: str,
    received_at,
    received_on: dt.date,
    final_due_on: dt.date,
    status: str,
    finished: tuple[str, Any] | None = None,
    responded_at=None,
    extended: bool = False,
    exemptions: tuple[str, ...] = (),
    departments: tuple = (),
) -> Request:
    request = Request.objects.create(
        number=f"TEST-{name}",
        kind=kind,
        channel=channel,
        status=status,
        requester=resident,
        subject=resident,
        received_at=received_at,
        received_on=received_on,
        final_due_on=final_due_on,
        responded_at=responded_at,
        finished_at=finished[1] if finished else None,
        extended_at=received_at + dt.timedelta(days=3) if extended else None,
        denial_reason="Exempt." if exemptions else "",
        denial_exemptions=list(exemptions),
    )
    request.departments.set(departments)
    # A move between two unfinished states: never counted as the answer.
    RequestEvent.objects.create(
        request=request,
        kind=RequestEventKind.STATUS_CHANGED,
        from_status="gathering",
        to_status="in_review",
        created_at=received_at + dt.timedelta(hours=1),
    )
    if finished:
        to_status, when = finished
        RequestEvent.objects.create(
            request=request,
            kind=RequestEventKind.STATUS_CHANGED,
            from_status="in_review",
            to_status=to_status,
            created_at=when,
        )
    return request


def build(*, department_a, department_b, resident, other_resident) -> Dataset:
    clerk = StaffFactory(email="casey.clerk@example.org", first_name="Casey", last_name="Cole")
    second_clerk = StaffFactory(email="drew.clerk@example.org", first_name="Drew", last_name="Dale")
    officer = StaffFactory(email="pia.officer@example.org", role="privacy_officer")
    today = timezone.localdate()
    requests = {
        # Received Monday 3 March; written response Wednesday 5 March (2 business days);
        # released Friday 14 March (9 business days); due 7 April: on time.
        "R1": _request(
            "R1",
            resident=resident,
            kind="access",
            channel="web",
            received_at=at(2025, 3, 3, 10),
            received_on=dt.date(2025, 3, 3),
            final_due_on=dt.date(2025, 4, 7),
            status="released",
            responded_at=at(2025, 3, 5),
            finished=("released", at(2025, 3, 14)),
            departments=(department_a,),
        ),
        # Received Monday 10 March, extended; no written response; released Tuesday 22 April,
        # 30 business days (31 weekdays less Patriots' Day); due 14 April: late.
        "R2": _request(
            "R2",
            resident=other_resident,
            kind="access",
            channel="email",
            received_at=at(2025, 3, 10, 9),
            received_on=dt.date(2025, 3, 10),
            final_due_on=dt.date(2025, 4, 14),
            status="released",
            extended=True,
            finished=("released", at(2025, 4, 22)),
            departments=(department_a,),
        ),
        # An inquiry decided Friday 7 March: 4 business days, on time.
        "R3": _request(
            "R3",
            resident=resident,
            kind="inquiry",
            channel="web",
            received_at=at(2025, 3, 3, 11),
            received_on=dt.date(2025, 3, 3),
            final_due_on=dt.date(2025, 3, 17),
            status="decided",
            finished=("decided", at(2025, 3, 7)),
            departments=(department_b,),
        ),
        # Received on Saturday 5 April: counts as received Monday 7 April; still open.
        "R4": _request(
            "R4",
            resident=resident,
            kind="inquiry",
            channel="mail",
            received_at=at(2025, 4, 5),
            received_on=dt.date(2025, 4, 7),
            final_due_on=dt.date(2025, 4, 22),
            status="gathering",
        ),
        # Denied Thursday 27 March citing two exemptions: 5 business days, on time.
        "R5": _request(
            "R5",
            resident=other_resident,
            kind="access",
            channel="web",
            received_at=at(2025, 3, 20),
            received_on=dt.date(2025, 3, 20),
            final_due_on=dt.date(2025, 4, 24),
            status="denied",
            exemptions=("26c", "26n"),
            finished=("denied", at(2025, 3, 27)),
        ),
        # Received before the period (20 February), decided in it (4 March): 8 business days.
        "R6": _request(
            "R6",
            resident=resident,
            kind="correction",
            channel="web",
            received_at=at(2025, 2, 20),
            received_on=dt.date(2025, 2, 20),
            final_due_on=dt.date(2025, 3, 24),
            status="decided",
            finished=("decided", at(2025, 3, 4)),
        ),
        # Received in the period, withdrawn after it.
        "R7": _request(
            "R7",
            resident=resident,
            kind="access",
            channel="web",
            received_at=at(2025, 4, 28),
            received_on=dt.date(2025, 4, 28),
            final_due_on=dt.date(2025, 6, 2),
            status="withdrawn",
            finished=("withdrawn", at(2025, 5, 2)),
        ),
        # Before the period, answered before it: counted nowhere.
        "R8": _request(
            "R8",
            resident=resident,
            kind="inquiry",
            channel="phone",
            received_at=at(2025, 1, 6),
            received_on=dt.date(2025, 1, 6),
            final_due_on=dt.date(2025, 1, 21),
            status="decided",
            finished=("decided", at(2025, 1, 10)),
        ),
        # Received today and open: 0 business days old.
        "R9": _request(
            "R9",
            resident=other_resident,
            kind="access",
            channel="web",
            received_at=timezone.now(),
            received_on=today,
            final_due_on=today + dt.timedelta(days=40),
            status="gathering",
        ),
    }
    source_a = _source(department_a, "assessors-roll")
    source_b = _source(department_b, "water-billing")
    # Runs started in the period: two for the Assessors (one failed), one for Water and Sewer.
    SourceRun.objects.create(
        request=requests["R1"],
        source=source_a,
        status="succeeded",
        created_at=at(2025, 3, 3, 10),
        started_at=at(2025, 3, 3, 10, 0, 5),
        finished_at=at(2025, 3, 3, 10, 2),
    )
    SourceRun.objects.create(
        request=requests["R2"],
        source=source_a,
        status="failed",
        attempts=5,
        created_at=at(2025, 3, 10, 9),
        finished_at=at(2025, 3, 10, 11),
    )
    SourceRun.objects.create(
        request=requests["R3"],
        source=source_b,
        status="succeeded",
        created_at=at(2025, 3, 3, 11),
        finished_at=at(2025, 3, 3, 11, 0, 30),
    )
    # Before the period: not counted.
    correction_run = SourceRun.objects.create(
        request=requests["R6"],
        source=source_a,
        status="succeeded",
        created_at=at(2025, 2, 20),
        finished_at=at(2025, 2, 20, 13),
    )
    record = GatheredRecord.objects.create(
        run=correction_run, key="P-1", record_type="parcel", fields_encrypted=b""
    )
    for number, (status, created) in enumerate(
        (
            ("applied", at(2025, 3, 5)),
            ("denied", at(2025, 3, 6)),
            ("conflict", at(2025, 3, 7)),
            ("proposed", at(2025, 2, 21)),  # before the period
        )
    ):
        ProposedChange.objects.create(
            request=requests["R6"],
            record=record,
            source=source_a,
            department=department_a,
            record_key="P-1",
            record_type="parcel",
            field_name=f"field_{number}",
            current_value_encrypted=b"",
            reason="Synthetic.",
            proposed_by=resident,
            status=status,
            decision="denied" if status == "denied" else "",
            decision_reason="Not wrong." if status == "denied" else "",
            decided_at=None if status == "proposed" else created,
            created_at=created,
        )
    # R1: one source withheld citing 26c; one redaction citing 26a, one withdrawn (not counted).
    SourceDecision.objects.create(
        request=requests["R1"],
        source=source_b,
        answer="withheld",
        exemptions=["26c"],
        reason="Another person.",
        decided_by=clerk,
    )
    gathered = GatheredRecord.objects.create(
        run=SourceRun.objects.get(request=requests["R1"]),
        key="A-1",
        record_type="assessment",
        fields_encrypted=b"",
    )
    Redaction.objects.create(
        request=requests["R1"], record=gathered, field="owner", exemption="26a", created_by=clerk
    )
    Redaction.objects.create(
        request=requests["R1"],
        record=gathered,
        field="value",
        exemption="26o",
        created_by=clerk,
        withdrawn_by=clerk,
        withdrawn_at=at(2025, 3, 12),
    )

    def entry(actor, role, subject, *, action="view", outside=False, when=None, request=None):
        AccessLogEntry.objects.create(
            actor=actor,
            actor_role=role,
            subject=subject,
            action=action,
            item="request",
            outside_assignment=outside,
            occurred_at=when or at(2025, 3, 12),
            request=request,
        )

    entry(clerk, "clerk", resident, request=requests["R1"])
    entry(clerk, "clerk", other_resident, outside=True, request=requests["R2"])
    entry(clerk, "clerk", resident, action="export", request=requests["R1"])
    entry(officer, "privacy_officer", resident, request=requests["R3"])
    entry(second_clerk, "clerk", resident, outside=True, request=requests["R1"])
    entry(second_clerk, "clerk", resident, outside=True, request=requests["R3"])
    entry(second_clerk, "clerk", other_resident, outside=True, request=requests["R5"])
    entry(second_clerk, "clerk", other_resident, outside=True, when=at(2025, 5, 3))  # after
    return Dataset(
        resident=resident,
        other_resident=other_resident,
        clerk=clerk,
        second_clerk=second_clerk,
        officer=officer,
        department_a=department_a,
        department_b=department_b,
        requests=requests,
    )
