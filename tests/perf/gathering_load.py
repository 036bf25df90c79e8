"""What the gathering benchmark needs around it: a department web service that answers slowly,
residents ready to file, the demo City's population as proved residents, and the worker's log
read back as timings."""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from django.contrib.auth.hashers import make_password
from django.db.models import Max

from portal.accounts.models import Role, User
from portal.demo.model import Person
from portal.identity.models import (
    AccountKnowledgeAttempt,
    AttemptStatus,
    IdentityLevel,
    IdentityVerification,
    VerificationMethod,
)
from portal.identity.services import identifier_digest
from portal.profiles.models import (
    AddressKind,
    IdentifierKind,
    Profile,
    ProfileAddress,
    ResidentIdentifier,
)
from requests.models import ConnectorKind, DataSource, Department
from tests.factories import IdentityVerificationFactory, ProfileFactory, UserFactory

# --- A department web service that takes its time -------------------------------------------


class _SlowHandler(BaseHTTPRequestHandler):
    """GET /<source>/people?name=...&dob=... answers, after the server's delay, one person with
    that name and date of birth: the resident the request is about."""

    server: SlowServer

    def do_GET(self) -> None:
        time.sleep(self.server.delay_seconds)
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        source = url.path.strip("/").split("/")[0]
        body = json.dumps(
            {
                "people": [
                    {
                        "person_id": f"{source}-1",
                        "name": query.get("name", [""])[0],
                        "date_of_birth": query.get("dob", [""])[0],
                    }
                ]
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class SlowServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, delay_seconds: float) -> None:
        super().__init__(("127.0.0.1", 0), _SlowHandler)
        self.delay_seconds = delay_seconds

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def slow_service(*, delay_seconds: float) -> Iterator[SlowServer]:
    server = SlowServer(delay_seconds)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def slow_http_sources(*, base_url: str, count: int) -> list[DataSource]:
    """`count` http sources, each its own department, each asking the slow service by the
    resident's name and date of birth."""
    sources = []
    for number in range(1, count + 1):
        department = Department.objects.create(
            slug=f"bench-department-{number}", name=f"Benchmark department {number}"
        )
        sources.append(
            DataSource.objects.create(
                department=department,
                slug=f"bench-service-{number}",
                name=f"Benchmark web service {number}",
                kind=ConnectorKind.HTTP,
                responsible_officer="Department head",
                required_identity_level=2,
                timeout_seconds=10,
                attribute_map={"legal_name": "name", "date_of_birth": "dob"},
                configuration={
                    "base_url": f"{base_url}/source-{number}",
                    "lookups": {
                        "people": {
                            "path": "/people",
                            "params": {"name": "{name}", "dob": "{dob}"},
                            "record_type": "person",
                            "key": "person_id",
                            "records": "people",
                        }
                    },
                },
            )
        )
    return sources


def verified_resident(number: int) -> User:
    """A resident at identity level 2 with a profile: Alice Archer, one of many."""
    user = UserFactory(email=f"bench-resident-{number}@example.org")
    ProfileFactory(
        user=user,
        legal_first_name="Alice",
        legal_last_name="Archer",
        date_of_birth=dt.date(1980, 3, 14),
    )
    IdentityVerificationFactory(user=user)
    return user


# --- The demo City's people as residents of the portal ----------------------------------------


@dataclass(frozen=True)
class DemoResidents:
    users: list[User]
    with_water_account: int
    with_tax_bill: int


def _street_key(number: object, street: str) -> tuple[str, ...]:
    """The house number and the street's first word: "33 Pleasant St" and 33, "Pleasant
    Street" both give ("33", "PLEASANT")."""
    return (str(number), *street.upper().split()[:1])


def _water_accounts(path: Path) -> dict[tuple[str, ...], tuple[str, str]]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT account_number, service_address, parcel_id FROM accounts "
            "WHERE closed_on IS NULL OR closed_on = '' ORDER BY account_number"
        ).fetchall()
    accounts = {}
    for account_number, service_address, parcel_id in rows:
        number, _, street = service_address.partition(" ")
        accounts.setdefault(_street_key(number, street), (account_number, parcel_id))
    return accounts


def _latest_tax_bills(path: Path) -> dict[str, str]:
    with closing(sqlite3.connect(path)) as connection:
        rows = connection.execute(
            "SELECT parcel_id, bill_number FROM real_estate_bills ORDER BY fiscal_year, quarter"
        ).fetchall()
    return dict(rows)  # the latest year's bill wins


def demo_residents(
    *, people: Sequence[Person], stores: dict[str, Path], count: int, sources: list[DataSource]
) -> DemoResidents:
    """`count` adults of the demo population as portal residents, made in bulk: a profile with
    their name, date of birth and address, identity level 3 (so every source may be asked), and
    the water account of their home and, for owners, its latest tax bill, proved by a passed
    account check, as the sources that look up by those numbers need."""
    adults = [person for person in people if not person.is_minor][:count]
    if len(adults) < count:
        raise ValueError(f"the population holds {len(adults)} adults, fewer than {count}")
    water = _water_accounts(stores["water_sewer"])
    bills = _latest_tax_bills(stores["treasurer"])
    by_kind = {
        kind: next(s for s in sources if kind in (s.attribute_map or {}))
        for kind in (IdentifierKind.WATER_SEWER_ACCOUNT, IdentifierKind.REAL_ESTATE_BILL)
    }
    password = make_password(None)
    users = User.objects.bulk_create(
        User(
            email=f"bench-{person.person_id.lower()}@example.org",
            first_name=person.first,
            last_name=person.last,
            role=Role.RESIDENT,
            password=password,
        )
        for person in adults
    )
    if users[0].pk is None:  # a database that does not return keys from a bulk insert
        users = list(User.objects.filter(email__startswith="bench-").order_by("pk"))
    profiles = Profile.objects.bulk_create(
        Profile(
            user=user,
            legal_first_name=person.first,
            legal_middle_name=person.middle,
            legal_last_name=person.last,
            name_suffix=person.suffix,
            date_of_birth=person.date_of_birth,
        )
        for user, person in zip(users, adults, strict=True)
    )
    ProfileAddress.objects.bulk_create(
        ProfileAddress(
            profile=profile,
            kind=AddressKind.CURRENT,
            street=f"{person.address.number} {person.address.street}",
            unit=person.address.unit,
            city=person.address.city,
            state=person.address.state,
            postal_code=person.address.zip,
        )
        for profile, person in zip(profiles, adults, strict=True)
    )
    IdentityVerification.objects.bulk_create(
        IdentityVerification(
            user=user,
            level=IdentityLevel.ATTENDED,
            method=VerificationMethod.IN_PERSON_ID,
            evidence={"benchmark": True},
        )
        for user in users
    )
    proved: list[tuple[User, Profile, str, str]] = []
    for user, profile, person in zip(users, profiles, adults, strict=True):
        home = water.get(_street_key(person.address.number, person.address.street))
        if home is None:
            continue
        account_number, parcel_id = home
        proved.append((user, profile, IdentifierKind.WATER_SEWER_ACCOUNT, account_number))
        if person.is_homeowner and parcel_id in bills:
            proved.append((user, profile, IdentifierKind.REAL_ESTATE_BILL, bills[parcel_id]))
    _prove(proved, by_kind)
    kinds = [kind for _user, _profile, kind, _value in proved]
    return DemoResidents(
        users=users,
        with_water_account=kinds.count(IdentifierKind.WATER_SEWER_ACCOUNT),
        with_tax_bill=kinds.count(IdentifierKind.REAL_ESTATE_BILL),
    )


def _prove(proved: list[tuple[User, Profile, str, str]], by_kind: dict[str, DataSource]) -> None:
    """A passed account check for each (user, profile, kind, number), with its verification and
    the number saved on the profile, as `portal.identity` leaves them."""
    identifiers = ResidentIdentifier.objects.bulk_create(
        ResidentIdentifier(profile=profile, kind=kind, value=value)
        for _user, profile, kind, value in proved
    )
    verifications = IdentityVerification.objects.bulk_create(
        IdentityVerification(
            user=user,
            level=IdentityLevel.REMOTE,
            method=VerificationMethod.ACCOUNT_KNOWLEDGE,
            evidence={"identifier_kind": kind},
        )
        for user, _profile, kind, _value in proved
    )
    if verifications and verifications[0].pk is None:
        first = IdentityVerification.objects.aggregate(last=Max("pk"))["last"] - len(proved) + 1
        for offset, verification in enumerate(verifications):
            verification.pk = first + offset
    AccountKnowledgeAttempt.objects.bulk_create(
        AccountKnowledgeAttempt(
            user=user,
            identifier_kind=kind,
            identifier_last4=value[-4:],
            identifier_digest=identifier_digest(kind=kind, identifier=value),
            source=by_kind[kind],
            status=AttemptStatus.PASSED,
            resident_identifier=identifier,
            verification=verification,
        )
        for (user, _profile, kind, value), identifier, verification in zip(
            proved, identifiers, verifications, strict=True
        )
    )


# --- The worker's log, read back as timings ------------------------------------------------

_TASK_LINE = re.compile(
    r"^\[(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}): \w+/[\w-]+\] "
    r"Task (?P<name>[\w.]+)\[(?P<id>[0-9a-f-]+)\] (?P<event>received|succeeded|raised|failed)",
    re.MULTILINE,
)


@dataclass(frozen=True)
class TaskWindow:
    """From the first task of a name the worker received to the last it finished."""

    received: int
    finished: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.finished / self.seconds if self.seconds else 0.0


def task_window(log_text: str, task_name: str) -> TaskWindow:
    received: list[float] = []
    finished: list[float] = []
    for match in _TASK_LINE.finditer(log_text):
        if match["name"] != task_name:
            continue
        # The worker logs its local time; both sides of a window are read alike.
        logged = dt.datetime.strptime(match["at"], "%Y-%m-%d %H:%M:%S,%f").astimezone()
        at = logged.timestamp()
        (received if match["event"] == "received" else finished).append(at)
    if not received or not finished:
        return TaskWindow(received=len(received), finished=len(finished), seconds=0.0)
    return TaskWindow(
        received=len(received), finished=len(finished), seconds=max(finished) - min(received)
    )


def finished_count(log_text: str, task_name: str) -> int:
    return sum(
        1
        for match in _TASK_LINE.finditer(log_text)
        if match["name"] == task_name and match["event"] != "received"
    )


_SUCCEEDED_IN = re.compile(r"Task (?P<name>[\w.]+)\[[0-9a-f-]+\] succeeded in (?P<seconds>[\d.]+)s")


def task_seconds(log_text: str, task_name: str) -> list[float]:
    """How long each task of a name took in its pool process, as the worker logged it."""
    return [
        float(match["seconds"])
        for match in _SUCCEEDED_IN.finditer(log_text)
        if match["name"] == task_name
    ]
