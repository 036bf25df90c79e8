"""Generate the demo's synthetic population: households, homes, moves within the city, namesakes.

Everything is drawn from one `random.Random(seed)`, in a fixed order, using only operations whose
results do not depend on the platform (no hashing of strings, no iteration over sets, no
logarithms), so one seed gives one population everywhere.
"""

from __future__ import annotations

import dataclasses
import random

from portal.demo import names
from portal.demo.formatting import (
    ADDRESS_STYLES,
    NAME_STYLES,
    format_address,
    format_city_line,
    format_name,
    nickname_for,
)
from portal.demo.households import Household, HouseholdMaker, Member
from portal.demo.housing import Housing
from portal.demo.model import (
    REFERENCE_DATE,
    TITLE_HOLDING_ROLES,
    Address,
    Person,
    PreviousAddress,
)
from portal.demo.names import NICKNAMES

__all__ = [
    "ADDRESS_STYLES",
    "NAME_STYLES",
    "NICKNAMES",
    "REFERENCE_DATE",
    "Address",
    "Person",
    "PreviousAddress",
    "format_address",
    "format_city_line",
    "format_name",
    "generate_population",
    "nickname_for",
]

DOG_HOUSEHOLD_SHARE = 0.15


def generate_population(*, seed: int = 2026, count: int = 5000) -> list[Person]:
    """Build `count` synthetic residents in households, fully determined by `seed`."""
    if count < 1:
        raise ValueError("count must be at least 1")
    rng = random.Random(seed)
    maker = HouseholdMaker(rng)
    households = maker.make(count)
    housing = Housing(rng)
    housing.house(households)
    housing.settle_move_dates(households)
    maker.add_unrelated_namesakes(households, count)
    maker.separate_namesake_birthdays(households)
    _assign_contacts(rng, households)
    _assign_dogs(rng, households)
    return _freeze(households)


def _assign_contacts(rng: random.Random, households: list[Household]) -> None:
    taken_emails: set[str] = set()
    phones = _PhoneBook(rng)
    for household in households:
        for member in household.members:
            if member.age >= 18 or (member.age >= 16 and rng.random() < 0.4):
                member.email = _email(rng, member, taken_emails)
            if member.age >= 18 or (member.age >= 13 and rng.random() < 0.5):
                member.phone = phones.next_number()


def _email(rng: random.Random, member: Member, taken: set[str]) -> str:
    first, last = _ascii_lower(member.first), _ascii_lower(member.last)
    nick = _ascii_lower(nickname_for(member.first, variant=rng.randrange(3)))
    patterns = (
        f"{first}.{last}",
        f"{first}{last}",
        f"{first[0]}{last}",
        f"{first}_{last}",
        f"{last}.{first}",
        f"{first}.{last}{rng.randint(1, 99)}",
        f"{nick}{last}{member.dob.year % 100:02d}",
        f"{nick}{member.dob.year}",
    )
    local = rng.choice(patterns)
    domain = rng.choices(
        [name for name, _ in names.EMAIL_DOMAINS], [w for _, w in names.EMAIL_DOMAINS]
    )[0]
    candidate, suffix = f"{local}@{domain}", 2
    while candidate in taken:
        candidate, suffix = f"{local}{suffix}@{domain}", suffix + 1
    taken.add(candidate)
    return candidate


def _assign_dogs(rng: random.Random, households: list[Household]) -> None:
    for household in households:
        adults = household.adults
        if adults and rng.random() < DOG_HOUSEHOLD_SHARE:
            heads = household.heads
            holder = rng.choice(heads) if heads and rng.random() < 0.8 else rng.choice(adults)
            holder.has_dog = True


def _freeze(households: list[Household]) -> list[Person]:
    people = []
    for household_number, household in enumerate(households, start=1):
        household_id = f"H{household_number:05d}"
        if household.address is None:
            raise RuntimeError("every household is housed before it is frozen")
        for member in household.members:
            previous = tuple(
                dataclasses.replace(place, moved_in=max(place.moved_in, member.dob))
                for place in sorted(household.previous, key=lambda p: p.moved_in, reverse=True)
                if member.dob < place.moved_out
            )
            people.append(
                Person(
                    person_id=f"P{len(people) + 1:06d}",
                    household_id=household_id,
                    household_role=member.role,
                    first=member.first,
                    middle=member.middle,
                    last=member.last,
                    suffix=member.suffix,
                    sex=member.sex,
                    date_of_birth=member.dob,
                    email=member.email,
                    phone=member.phone,
                    address=household.address,
                    moved_in=max(household.moved_in, member.dob),
                    dwelling=household.dwelling,
                    previous_addresses=previous,
                    occupation=member.occupation,
                    is_veteran=member.veteran,
                    is_homeowner=household.owns and member.role in TITLE_HOLDING_ROLES,
                    has_dog=member.has_dog,
                    former_last=member.former_last,
                )
            )
    return people


class _PhoneBook:
    """Hands out unique fictional 555-01xx numbers, mostly in local area codes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.codes = [code for code, _ in names.AREA_CODES]
        self.weights = [weight for _, weight in names.AREA_CODES]
        self.free_lines = {code: list(range(100)) for code in self.codes}
        self.extensions = 0

    def next_number(self) -> str:
        rng = self.rng
        weights = [
            w if self.free_lines[c] else 0 for c, w in zip(self.codes, self.weights, strict=True)
        ]
        if not any(weights):
            self.extensions += 1
            code = rng.choices(self.codes, self.weights)[0]
            return f"{code}-555-01{rng.randrange(100):02d} x{self.extensions}"
        code = rng.choices(self.codes, weights)[0]
        lines = self.free_lines[code]
        line = lines.pop(rng.randrange(len(lines)))
        return f"{code}-555-01{line:02d}"


def _ascii_lower(text: str) -> str:
    return "".join(char for char in text.lower() if "a" <= char <= "z")
