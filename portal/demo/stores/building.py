"""The Building Department's permitting system: permits, inspections, code-enforcement cases.

Complainants in enforcement cases are other residents: their identities are someone else's data
and the portal must withhold them from the property owner's copy.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib
import random

from portal.demo import names
from portal.demo.formatting import Named, format_address
from portal.demo.model import APARTMENTS_LARGE, APARTMENTS_SMALL, REFERENCE_DATE, Person
from portal.demo.stores._city import City, Ownership, Parcel
from portal.demo.stores._common import (
    LAST_RECORD_DATE,
    Party,
    Speller,
    SqliteWriter,
    StoreResult,
    atomic_target,
    business_day,
    money,
    random_date,
)

SLUG = "building"
FILENAME = "building.sqlite3"
SEED_OFFSET = 6
FIRST_PERMIT_DATE = dt.date(2017, 1, 3)

SCHEMA = """
CREATE TABLE permits (
    permit_number TEXT PRIMARY KEY,
    permit_type TEXT NOT NULL,
    work_description TEXT NOT NULL,
    property_address TEXT NOT NULL,
    parcel_id TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    applicant_phone TEXT,
    owner_name TEXT NOT NULL,
    contractor_name TEXT,
    contractor_license TEXT,
    estimated_cost INTEGER NOT NULL,
    fee REAL NOT NULL,
    applied_on TEXT NOT NULL,
    issued_on TEXT,
    status TEXT NOT NULL,
    closed_on TEXT
);
CREATE TABLE inspections (
    inspection_id INTEGER PRIMARY KEY,
    permit_number TEXT NOT NULL REFERENCES permits (permit_number),
    inspected_on TEXT NOT NULL,
    inspection_type TEXT NOT NULL,
    result TEXT NOT NULL,
    inspector TEXT NOT NULL,
    notes TEXT
);
CREATE TABLE code_cases (
    case_number TEXT PRIMARY KEY,
    property_address TEXT NOT NULL,
    parcel_id TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    complaint_type TEXT NOT NULL,
    description TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    status TEXT NOT NULL,
    closed_on TEXT,
    complainant_name TEXT,
    complainant_phone TEXT
);
"""

INDEXES = """
CREATE INDEX permits_address ON permits (property_address);
CREATE INDEX permits_parcel ON permits (parcel_id);
CREATE INDEX permits_applicant ON permits (applicant_name);
CREATE INDEX permits_owner ON permits (owner_name);
CREATE INDEX permits_contractor ON permits (contractor_name);
CREATE INDEX inspections_permit ON inspections (permit_number);
CREATE INDEX cases_address ON code_cases (property_address);
CREATE INDEX cases_parcel ON code_cases (parcel_id);
CREATE INDEX cases_owner ON code_cases (owner_name);
CREATE INDEX cases_complainant ON code_cases (complainant_name);
"""

INSERT_PERMIT = "INSERT INTO permits VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_INSPECTION = "INSERT INTO inspections VALUES (?, ?, ?, ?, ?, ?, ?)"
INSERT_CASE = "INSERT INTO code_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"


@dataclasses.dataclass(frozen=True, slots=True)
class Work:
    permit_type: str
    prefix: str
    description: str
    low: int
    high: int
    trade: str  # which residents' occupation could be the contractor
    homeowner_may_pull: bool


WORK = (
    Work("Building", "B", "Re-roof, strip and replace shingles", 9_000, 28_000, "Roofer", False),
    Work("Building", "B", "Build rear deck", 6_000, 25_000, "Carpenter", True),
    Work("Building", "B", "Kitchen renovation", 15_000, 70_000, "General Contractor", True),
    Work("Building", "B", "Two-story addition", 60_000, 220_000, "General Contractor", False),
    Work("Building", "B", "Roof-mounted solar array", 18_000, 40_000, "Electrician", False),
    Work("Building", "B", "Replacement windows", 5_000, 22_000, "Carpenter", True),
    Work("Building", "B", "Storage shed", 2_500, 9_000, "Carpenter", True),
    Work("Electrical", "E", "Service upgrade to 200 amps", 2_500, 6_000, "Electrician", False),
    Work("Electrical", "E", "EV charger in garage", 1_200, 3_500, "Electrician", False),
    Work("Plumbing", "P", "Water heater replacement", 1_500, 4_000, "Plumber", False),
    Work("Plumbing", "P", "Bathroom remodel plumbing", 3_000, 12_000, "Plumber", False),
    Work("Gas", "G", "Furnace replacement", 5_000, 14_000, "HVAC Technician", False),
)
OUTSIDE_CONTRACTORS = {
    "Roofer": ("Hampden Roofing Co.", "Valley Roof Pros LLC"),
    "Carpenter": ("Pioneer Carpentry Inc.", "Berkshire Gateway Builders"),
    "General Contractor": ("Whip City Builders LLC", "Connecticut Valley Remodeling"),
    "Electrician": ("Valley Electric Inc.", "Mount Tom Electrical Services"),
    "Plumber": ("Springfield Plumbing & Heating", "Blue Flame Plumbing LLC"),
    "HVAC Technician": ("Comfort Air Mechanical", "Tekoa Heating & Cooling"),
}
INSPECTORS = ("K. Moriarty", "D. Lavoie", "J. Ortiz", "S. Kowalczyk")
COMPLAINTS = (
    ("Overgrown vegetation", "Grass and brush over two feet tall along the sidewalk."),
    ("Trash and debris", "Bags of trash and old furniture piled beside the driveway."),
    ("Unregistered vehicle", "Two vehicles without plates parked on the lawn for months."),
    ("No heat", "Tenant reports no heat in the second-floor apartment for three days."),
    ("Unsafe porch", "Rear porch railing loose and stairs rotted."),
    ("Work without a permit", "Roofers working this week; no permit posted."),
    ("Snow not removed", "Sidewalk not cleared 24 hours after the storm."),
)


def write(city: City, directory: pathlib.Path, *, seed: int) -> StoreResult:
    rng = random.Random(seed + SEED_OFFSET)
    speller = Speller(rng, typo_rate=0.012, drop_middle_rate=0.3)
    target = directory / FILENAME
    trades = _trades(rng, city)
    permits: list[tuple[object, ...]] = []
    inspections: list[tuple[object, ...]] = []
    cases: list[tuple[object, ...]] = []
    numbers: dict[tuple[str, int], int] = {}
    streets: dict[str, list[Person]] = {}
    for person in city.people:
        if not person.is_minor and person.phone:
            streets.setdefault(person.address.street, []).append(person)
    for parcel in city.parcels:
        busy = parcel.dwelling in (APARTMENTS_SMALL, APARTMENTS_LARGE)
        if rng.random() < (0.2 if busy else 0.1):
            for _ in range(rng.choice((1, 1, 1, 2, 3))):
                _permit(rng, speller, parcel, trades, numbers, permits, inspections)
        if rng.random() < (0.06 if parcel.current.entity or busy else 0.012):
            _case(rng, speller, parcel, streets, cases)
    with atomic_target(target) as temporary:
        writer = SqliteWriter(temporary, SCHEMA)
        writer.insert("permits", INSERT_PERMIT, permits)
        writer.insert("inspections", INSERT_INSPECTION, inspections)
        writer.insert("code_cases", INSERT_CASE, cases)
        counts = writer.finish(INDEXES)
    return StoreResult(SLUG, target, counts)


def _trades(rng: random.Random, city: City) -> dict[str, list[tuple[Person, str]]]:
    """Residents who work in a trade, each with one licence number used on every permit."""
    prefixes = {
        "Electrician": "E-",
        "Plumber": "PL-",
        "HVAC Technician": "GF-",
        "Roofer": "HIC ",
        "Carpenter": "CS-",
        "General Contractor": "CS-",
    }
    trades: dict[str, list[tuple[Person, str]]] = {}
    for person in city.people:
        prefix = prefixes.get(person.occupation)
        if prefix and not person.is_minor:
            license_number = f"{prefix}{rng.randint(10_000, 199_999)}"
            trades.setdefault(person.occupation, []).append((person, license_number))
    return trades


def _owner_name(speller: Speller, ownership: Ownership) -> str:
    if ownership.entity:
        return ownership.entity.title().replace("Llc", "LLC")
    return " & ".join(speller.name(party, "natural") for party in ownership.parties)


def _permit(
    rng: random.Random,
    speller: Speller,
    parcel: Parcel,
    trades: dict[str, list[tuple[Person, str]]],
    numbers: dict[tuple[str, int], int],
    permits: list[tuple[object, ...]],
    inspections: list[tuple[object, ...]],
) -> None:
    applied = random_date(rng, FIRST_PERMIT_DATE, LAST_RECORD_DATE - dt.timedelta(days=5))
    ownership = parcel.owner_on(applied) or parcel.current
    work = rng.choice(WORK)
    residents = trades.get(work.trade, [])
    applicant: Named
    contractor_name = contractor_license = applicant_phone = None
    if work.homeowner_may_pull and ownership.people and rng.random() < 0.3:
        applicant = ownership.people[0]
        applicant_phone = ownership.people[0].phone or None
    elif residents and rng.random() < 0.5:
        tradesperson, contractor_license = residents[rng.randrange(len(residents))]
        applicant = tradesperson
        contractor_name = speller.name(tradesperson, "natural")
        applicant_phone = tradesperson.phone or None
    else:
        contractor_name = rng.choice(OUTSIDE_CONTRACTORS[work.trade])
        contractor_license = f"CS-{rng.randint(10_000, 199_999)}"
        applicant = Party(rng.choice(names.MALE_BORN_1960_TO_1989), "", rng.choice(names.SURNAMES))
    applicant_name = speller.name(applicant, "natural")
    key = (work.prefix, applied.year)
    numbers[key] = numbers.get(key, 0) + 1
    permit_number = f"{work.prefix}-{applied.year}-{numbers[key]:04d}"
    cost = rng.randint(work.low // 100, work.high // 100) * 100
    fee = max(5_000, cost)  # one percent of cost, at least $50, in cents
    withdrawn = rng.random() < 0.03
    issued = None if withdrawn else business_day(applied + dt.timedelta(days=rng.randint(2, 21)))
    if issued and issued > LAST_RECORD_DATE:
        issued = None
    status, closed = ("Withdrawn", None) if withdrawn else ("Applied", None)
    if issued:
        status = "Issued"
        visit = issued
        stages = ("Rough", "Final") if work.permit_type != "Building" else ("Framing", "Final")
        if rng.random() < 0.12:  # work stalled or the owner never called for a final inspection
            stages = stages[:1]
        for stage in stages:
            visit = business_day(visit + dt.timedelta(days=rng.randint(7, 90)))
            if visit > LAST_RECORD_DATE:
                break
            result = "Passed" if rng.random() < 0.85 else "Failed"
            inspections.append(
                (
                    len(inspections) + 1,
                    permit_number,
                    visit.isoformat(),
                    stage,
                    result,
                    rng.choice(INSPECTORS),
                    None if result == "Passed" else "Corrections required; reinspect.",
                )
            )
            if result == "Failed":
                visit = business_day(visit + dt.timedelta(days=rng.randint(5, 20)))
                if visit > LAST_RECORD_DATE:
                    break
                inspections.append(
                    (
                        len(inspections) + 1,
                        permit_number,
                        visit.isoformat(),
                        f"{stage} reinspection",
                        "Passed",
                        rng.choice(INSPECTORS),
                        None,
                    )
                )
            if stage == "Final":
                status, closed = "Closed", visit
        if status == "Issued" and issued < REFERENCE_DATE - dt.timedelta(days=730):
            status = "Expired"
    permits.append(
        (
            permit_number,
            work.permit_type,
            work.description,
            format_address(parcel.location, "street_only"),
            parcel.parcel_id,
            applicant_name,
            applicant_phone,
            _owner_name(speller, ownership),
            contractor_name,
            contractor_license,
            cost,
            money(fee),
            applied.isoformat(),
            issued.isoformat() if issued else None,
            status,
            closed.isoformat() if closed else None,
        )
    )


def _case(
    rng: random.Random,
    speller: Speller,
    parcel: Parcel,
    streets: dict[str, list[Person]],
    cases: list[tuple[object, ...]],
) -> None:
    opened = random_date(rng, dt.date(2021, 1, 4), LAST_RECORD_DATE - dt.timedelta(days=3))
    ownership = parcel.owner_on(opened) or parcel.current
    complaint, description = rng.choice(COMPLAINTS)
    tenants = [
        person
        for person in parcel.residents
        if not person.is_homeowner and not person.is_minor and person.phone
    ]
    neighbours = [
        person
        for person in streets.get(parcel.location.street, [])
        if person.address.building_key != parcel.location.building_key
    ]
    if complaint == "No heat" and tenants:
        complainant: Person | None = rng.choice(tenants)
    elif neighbours and rng.random() < 0.75:
        complainant = rng.choice(neighbours)
    else:
        complainant = None  # anonymous
    status = rng.choices(("Closed", "Open", "Referred to Housing Court"), (75, 18, 7))[0]
    closed = None
    if status != "Open":
        closed = opened + dt.timedelta(days=rng.randint(7, 120))
        if closed > LAST_RECORD_DATE:
            status, closed = "Open", None
    cases.append(
        (
            f"CE-{opened.year}-{len(cases) + 1:04d}",
            format_address(parcel.location, "street_only"),
            parcel.parcel_id,
            _owner_name(speller, ownership),
            complaint,
            description,
            opened.isoformat(),
            status,
            closed.isoformat() if closed else None,
            speller.name(complainant, "first_last") if complainant else None,
            complainant.phone if complainant else None,
        )
    )
