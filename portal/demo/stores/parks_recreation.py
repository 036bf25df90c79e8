"""Parks and Recreation's nightly registration export, a CSV file dropped in a folder.

Most participants are children: their records hold a guardian's contact details, an emergency
contact who is somebody else entirely, and sometimes medical notes.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import pathlib
import random

from portal.demo.model import ADULT_CHILD, CHILD, REFERENCE_DATE, TITLE_HOLDING_ROLES, Person
from portal.demo.stores._city import City
from portal.demo.stores._common import (
    EXPORT_DATE,
    LAST_RECORD_DATE,
    Speller,
    StoreResult,
    atomic_target,
    random_date,
)

SLUG = "parks_recreation"
FOLDER = "parks_recreation"
FILENAME = f"registrations-{EXPORT_DATE.isoformat()}.csv"
SEED_OFFSET = 5

COLUMNS = (
    "registration_id",
    "program",
    "season",
    "session_start",
    "participant_first_name",
    "participant_last_name",
    "participant_date_of_birth",
    "participant_email",
    "participant_phone",
    "home_address",
    "guardian_name",
    "guardian_email",
    "guardian_phone",
    "emergency_contact_name",
    "emergency_contact_phone",
    "emergency_contact_relationship",
    "medical_notes",
    "fee",
    "registered_on",
    "paid_date",
)


@dataclasses.dataclass(frozen=True, slots=True)
class Program:
    name: str
    youngest: int
    oldest: int
    seasons: tuple[str, ...]
    fee_cents: int


SEASONS = {
    "Summer 2025": dt.date(2025, 6, 30),
    "Fall 2025": dt.date(2025, 9, 15),
    "Winter 2026": dt.date(2026, 1, 10),
    "Spring 2026": dt.date(2026, 4, 6),
    "Summer 2026": dt.date(2026, 6, 29),
    "Fall 2026": dt.date(2026, 9, 14),
}
_ALL = tuple(SEASONS)
CURRENT_SEASON = _ALL[-1]  # the only season whose fees may still be outstanding
_SUMMERS = ("Summer 2025", "Summer 2026")
_FALLS = ("Fall 2025", "Fall 2026")
PROGRAMS = (
    Program("Youth Soccer", 5, 12, (*_FALLS, "Spring 2026"), 6_500),
    Program("Tee Ball", 4, 6, ("Spring 2026",), 4_500),
    Program("Youth Basketball", 8, 14, ("Winter 2026",), 7_000),
    Program("Learn to Skate", 4, 12, ("Winter 2026",), 9_000),
    Program("Swim Lessons", 3, 14, _SUMMERS, 5_500),
    Program("Summer Playground Program", 6, 12, _SUMMERS, 32_500),
    Program("Art in the Park", 5, 12, _SUMMERS, 8_000),
    Program("Tennis Clinic", 8, 16, _SUMMERS + _FALLS, 6_000),
    Program("Toddler Tumbling", 2, 4, ("Fall 2025", "Winter 2026", "Spring 2026"), 5_000),
)
ADULT_PROGRAMS = (
    Program("Adult Pickleball", 18, 99, _ALL, 4_000),
    Program("Senior Chair Yoga", 60, 99, ("Fall 2025", "Winter 2026", "Spring 2026"), 3_000),
    Program("Adult Co-ed Softball", 21, 55, _SUMMERS, 6_000),
    Program("Zumba", 18, 70, ("Fall 2025", "Winter 2026", "Fall 2026"), 4_500),
)
MEDICAL_NOTES = (
    "Peanut allergy - EpiPen in backpack",
    "Asthma, uses inhaler before exercise",
    "Bee sting allergy",
    "Type 1 diabetes - checks glucose at snack time",
    "ADHD, takes medication at lunch",
    "Lactose intolerant",
    "Wears glasses for sports",
    "Seasonal allergies",
    "Tree nut allergy",
    "Hearing aid in left ear",
)
RELATIONSHIPS = ("Grandparent", "Neighbor", "Family friend", "Aunt/Uncle")


def write(city: City, directory: pathlib.Path, *, seed: int) -> StoreResult:
    rng = random.Random(seed + SEED_OFFSET)
    speller = Speller(rng, typo_rate=0.015, drop_middle_rate=1.0)
    folder = directory / FOLDER
    target = folder / FILENAME
    rows = _registrations(rng, speller, city)
    with (
        atomic_target(target) as temporary,
        temporary.open("w", encoding="utf-8", newline="") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return StoreResult(SLUG, folder, {"registrations": len(rows)}, files=(target,))


def _registrations(rng: random.Random, speller: Speller, city: City) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    elders = [person for person in city.people if person.age_on(REFERENCE_DATE) >= 55]
    by_street: dict[str, list[Person]] = {}
    for person in city.people:
        if not person.is_minor and person.phone:
            by_street.setdefault(person.address.street, []).append(person)
    for members in city.households.values():
        children = [person for person in members if person.household_role == CHILD]
        guardians = [
            person
            for person in members
            if person.household_role in TITLE_HOLDING_ROLES and (person.email or person.phone)
        ]
        if children and guardians and rng.random() < 0.25:
            for child in children:
                contact, relationship = _emergency_contact(rng, child, elders, by_street)
                notes = rng.choice(MEDICAL_NOTES) if rng.random() < 0.15 else ""
                for program, season in _choose(rng, child, PROGRAMS, rng.randint(1, 3)):
                    guardian = rng.choice(guardians)
                    row = _row(
                        rng,
                        speller,
                        rows,
                        program,
                        season,
                        child,
                        guardian,
                        contact,
                        relationship,
                        notes,
                    )
                    rows.append(row)
        for adult in members:
            if adult.is_minor or adult.household_role == ADULT_CHILD or rng.random() >= 0.03:
                continue
            contact, relationship = _emergency_contact(rng, adult, elders, by_street)
            for program, season in _choose(rng, adult, ADULT_PROGRAMS, rng.randint(1, 2)):
                rows.append(
                    _row(
                        rng, speller, rows, program, season, adult, None, contact, relationship, ""
                    )
                )
    return rows


def _choose(
    rng: random.Random, person: Person, programs: tuple[Program, ...], how_many: int
) -> list[tuple[Program, str]]:
    """Program-seasons the person was the right age for, and lived in the city for."""
    eligible = [
        (program, season)
        for program in programs
        for season in program.seasons
        if program.youngest <= person.age_on(SEASONS[season]) <= program.oldest
        and person.address_on(SEASONS[season] - dt.timedelta(days=30)) is not None
    ]
    rng.shuffle(eligible)
    return sorted(eligible[:how_many], key=lambda choice: SEASONS[choice[1]])


def _emergency_contact(
    rng: random.Random,
    participant: Person,
    elders: list[Person],
    by_street: dict[str, list[Person]],
) -> tuple[Person | None, str]:
    """Somebody outside the household: a grandparent-aged resident or a neighbour."""
    relationship = rng.choice(RELATIONSHIPS)
    candidates = by_street.get(participant.address.street, []) if relationship == "Neighbor" else []
    pool = candidates or elders
    for _ in range(20):
        contact = pool[rng.randrange(len(pool))] if pool else None
        if contact is None:
            break
        if contact.household_id != participant.household_id and contact.phone:
            return contact, relationship
    return None, relationship


def _row(
    rng: random.Random,
    speller: Speller,
    rows: list[tuple[object, ...]],
    program: Program,
    season: str,
    participant: Person,
    guardian: Person | None,
    contact: Person | None,
    relationship: str,
    notes: str,
) -> tuple[object, ...]:
    starts = SEASONS[season]
    registered = random_date(rng, starts - dt.timedelta(days=45), starts - dt.timedelta(days=3))
    registered = min(registered, LAST_RECORD_DATE)
    paid = None if season == CURRENT_SEASON and rng.random() < 0.1 else registered
    address = participant.address_on(registered) or participant.address
    first = participant.first
    if participant.is_minor and rng.random() < 0.3:
        first = speller.name(participant, "nickname").split(" ")[0]
    guardian_name = (
        speller.name(guardian, rng.choice(("nickname", "first_last"))) if guardian else ""
    )
    return (
        f"PR-{starts:%y}{season[:2].upper()}-{len(rows) + 1:05d}",
        program.name,
        season,
        starts.isoformat(),
        first,
        participant.last,
        participant.date_of_birth.isoformat(),
        "" if guardian else participant.email,
        "" if guardian else participant.phone,
        speller.address(address, "abbrev"),
        guardian_name,
        guardian.email if guardian else "",
        guardian.phone if guardian else "",
        speller.name(contact, "first_last") if contact else "",
        contact.phone if contact else "",
        relationship if contact else "",
        notes,
        f"{program.fee_cents / 100:.2f}",
        registered.isoformat(),
        paid.isoformat() if paid else "",
    )
