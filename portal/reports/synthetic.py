"""Synthetic requests for measuring the reports at size: requests over the last two years with
their status history, department runs, access-log entries and some corrections, made from a
fixed seed with bulk inserts. Never in production (the command refuses)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Any

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import transaction
from django.utils import timezone

KINDS = ("inquiry", "access", "correction", "contest", "access_log")
KIND_WEIGHTS = (20, 50, 12, 5, 13)
CHANNELS = ("web", "email", "mail", "in_person", "phone")
CHANNEL_WEIGHTS = (70, 12, 8, 6, 4)
EXEMPTIONS = ("26a", "26c", "26n", "26o", "26p")
CORRECTION_STATUSES = ("proposed", "approved", "denied", "applied", "conflict", "withdrawn")
DAYS_BACK = 730


@dataclass(frozen=True)
class SyntheticSummary:
    requests: int
    events: int
    runs: int
    access_entries: int
    corrections: int


def _batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _people(*, seed: int, count: int, role: str, prefix: str) -> list[int]:
    from portal.accounts.models import User

    emails = [f"{prefix}-{seed}-{number}@example.org" for number in range(count)]
    existing = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
    User.objects.bulk_create(
        [
            User(
                email=email,
                role=role,
                # An unusable password: these accounts cannot sign in.
                password=UNUSABLE_PASSWORD_PREFIX,
                first_name=f"{prefix.title()}{number}",
                last_name="Synthetic",
            )
            for number, email in enumerate(emails)
            if email not in existing
        ],
        batch_size=1000,
    )
    return list(User.objects.filter(email__in=emails).values_list("pk", flat=True))


def _sources(*, seed: int) -> list[tuple[int, int]]:
    """(department id, source id) pairs: the City's own, or three synthetic ones."""
    from requests.models import ConnectorKind, DataSource, Department

    pairs = list(DataSource.objects.values_list("department_id", "pk"))
    if pairs:
        return pairs
    for number in range(3):
        department, _created = Department.objects.get_or_create(
            slug=f"synthetic-{seed}-{number}", defaults={"name": f"Synthetic department {number}"}
        )
        DataSource.objects.get_or_create(
            slug=f"synthetic-{seed}-{number}-records",
            defaults={
                "department": department,
                "name": f"Synthetic records {number}",
                "kind": ConnectorKind.PORTAL,
                "responsible_officer": "Synthetic officer",
            },
        )
    return list(DataSource.objects.values_list("department_id", "pk"))


def synthetic_requests_create(
    *, count: int, seed: int, batch_size: int = 5000, now: datetime | None = None
) -> SyntheticSummary:
    from portal.access.models import AccessLogEntry
    from portal.policies.stamp import policy_version_in_force_id
    from requests.calendar import business_calendar, due_dates
    from requests.gathering.models import SourceRun
    from requests.models import Request, RequestEvent, RequestEventKind

    generator = random.Random(seed)  # noqa: S311 - synthetic data from a fixed seed, not a secret
    now = now or timezone.now()
    calendar = business_calendar()
    residents = _people(
        seed=seed, count=max(20, min(5000, count // 20)), role="resident", prefix="resident"
    )
    clerks = _people(seed=seed, count=8, role="clerk", prefix="clerk")
    sources = _sources(seed=seed)
    policy_version = policy_version_in_force_id()
    due_cache: dict[tuple[str, Any], Any] = {}
    totals = {"requests": 0, "events": 0, "runs": 0, "access_entries": 0, "corrections": 0}
    start_number = Request.objects.filter(number__startswith=f"SYN{seed}-").count()

    def plan(number: int) -> dict[str, Any]:
        kind = generator.choices(KINDS, KIND_WEIGHTS)[0]
        received_at = now - timedelta(seconds=generator.randrange(DAYS_BACK * 86400))
        key = (kind, timezone.localdate(received_at))
        if key not in due_cache:
            due_cache[key] = due_dates(kind=kind, received_at=received_at, calendar=calendar)
        due = due_cache[key]
        age_days = (now - received_at).days
        # Most requests are answered within a few weeks; a few run late or are still open.
        took = timedelta(
            days=generator.choice((2, 5, 8, 12, 15, 20, 25, 30, 40, 60)),
            seconds=generator.randrange(86400),
        )
        finished = took.days < age_days and generator.random() < 0.97
        subject = generator.choice(residents)
        outcome = ""
        if finished:
            if kind in ("access", "access_log"):
                outcome = generator.choices(("released", "denied", "withdrawn"), (85, 8, 7))[0]
            elif kind == "inquiry":
                outcome = generator.choices(("decided", "denied", "withdrawn"), (88, 5, 7))[0]
            else:
                outcome = generator.choices(("decided", "denied", "withdrawn"), (80, 12, 8))[0]
        status = outcome or generator.choice(("gathering", "in_review", "awaiting_requester"))
        extended = generator.random() < 0.08
        finished_at = received_at + took if finished else None
        responded_at = None
        if kind in ("access", "access_log") and generator.random() < 0.6:
            candidate = received_at + timedelta(days=generator.choice((1, 3, 6, 9, 13)))
            if candidate < now:
                responded_at = candidate
        return {
            "request": Request(
                number=f"SYN{seed}-{number:08d}",
                kind=kind,
                channel=generator.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
                status=status,
                requester_id=subject,
                subject_id=subject,
                assignee_id=generator.choice(clerks),
                received_at=received_at,
                received_on=due.received_on,
                response_due_on=due.response_due_on,
                final_due_on=due.final_due_on,
                responded_at=responded_at,
                finished_at=finished_at,
                extended_at=received_at + timedelta(days=5) if extended else None,
                denial_reason="Synthetic denial." if outcome == "denied" else "",
                denial_exemptions=(
                    generator.sample(EXEMPTIONS, generator.choice((1, 1, 2)))
                    if outcome == "denied"
                    else []
                ),
                created_at=received_at,
                updated_at=finished_at or received_at,
                policy_version_id=policy_version,
            ),
            "finished_at": finished_at,
            "outcome": outcome,
            "source": generator.choice(sources),
            "outside": generator.random() < 0.03,
            "clerk": generator.choice(clerks),
            "correction": kind == "correction" and generator.random() < 0.5,
        }

    numbers = range(start_number, start_number + count)
    for batch in _batches((plan(number) for number in numbers), batch_size):
        with transaction.atomic():
            made = Request.objects.bulk_create([item["request"] for item in batch])
            departments, events, runs, entries = [], [], [], []
            for item, request in zip(batch, made, strict=True):
                department_id, source_id = item["source"]
                departments.append(
                    Request.departments.through(request_id=request.pk, department_id=department_id)
                )
                if item["finished_at"]:
                    events.append(
                        RequestEvent(
                            request_id=request.pk,
                            kind=RequestEventKind.STATUS_CHANGED,
                            from_status="in_review",
                            to_status=item["outcome"],
                            created_at=item["finished_at"],
                        )
                    )
                failed = generator.random() < 0.04
                runs.append(
                    SourceRun(
                        request_id=request.pk,
                        source_id=source_id,
                        status="failed" if failed else "succeeded",
                        attempts=5 if failed else 1,
                        created_at=request.received_at,
                        started_at=request.received_at + timedelta(seconds=2),
                        finished_at=request.received_at
                        + timedelta(seconds=generator.randrange(5, 900)),
                    )
                )
                entries.append(
                    AccessLogEntry(
                        subject_id=request.subject_id,
                        actor_id=item["clerk"],
                        actor_role="clerk",
                        action="view",
                        item="request",
                        request_id=request.pk,
                        outside_assignment=item["outside"],
                        occurred_at=request.received_at + timedelta(hours=3),
                    )
                )
            Request.departments.through.objects.bulk_create(departments)
            RequestEvent.objects.bulk_create(events)
            made_runs = SourceRun.objects.bulk_create(runs)
            AccessLogEntry.objects.bulk_create(entries)
            totals["corrections"] += _corrections(
                generator=generator, batch=batch, made=made, runs=made_runs
            )
        totals["requests"] += len(made)
        totals["events"] += len(events)
        totals["runs"] += len(runs)
        totals["access_entries"] += len(entries)
    return SyntheticSummary(**totals)


def _corrections(*, generator: random.Random, batch: list, made: list, runs: list) -> int:
    """A proposed change to one gathered record for about half the correction requests."""
    from requests.corrections.models import ProposedChange
    from requests.gathering.models import GatheredRecord

    chosen = [
        (item, request, run)
        for item, request, run in zip(batch, made, runs, strict=True)
        if item["correction"]
    ]
    if not chosen:
        return 0
    records = GatheredRecord.objects.bulk_create(
        [
            GatheredRecord(
                run_id=run.pk, key=f"R{request.pk}", record_type="account", fields_encrypted=b""
            )
            for _item, request, run in chosen
        ]
    )
    changes = []
    for (item, request, run), record in zip(chosen, records, strict=True):
        status = generator.choice(CORRECTION_STATUSES)
        decided = status not in ("proposed", "withdrawn")
        changes.append(
            ProposedChange(
                request_id=request.pk,
                record_id=record.pk,
                source_id=run.source_id,
                department_id=item["source"][0],
                record_key=record.key,
                record_type="account",
                field_name="mailing_address",
                current_value_encrypted=b"",
                reason="Synthetic correction.",
                proposed_by_id=request.subject_id,
                status=status,
                decision="denied" if status == "denied" else ("approved" if decided else ""),
                decision_reason="Synthetic decision." if status == "denied" else "",
                decided_at=request.received_at + timedelta(days=10) if decided else None,
                applied_at=request.received_at + timedelta(days=12)
                if status == "applied"
                else None,
                created_at=request.received_at + timedelta(days=1),
            )
        )
    ProposedChange.objects.bulk_create(changes)
    return len(changes)
