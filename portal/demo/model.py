"""The shapes of the demo's synthetic people and the places they live.

Everything is frozen so a generated population can be shared between stores without one store
changing what another sees.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

# The demo's "today": every generated record is dated before it, so the data never drifts with
# the calendar of the machine that builds it.
REFERENCE_DATE = dt.date(2026, 11, 1)

SINGLE_FAMILY = "single_family"
TWO_FAMILY = "two_family"
THREE_FAMILY = "three_family"
APARTMENTS_SMALL = "apartments_4_to_8"
APARTMENTS_LARGE = "apartments_9_plus"
DWELLINGS = (SINGLE_FAMILY, TWO_FAMILY, THREE_FAMILY, APARTMENTS_SMALL, APARTMENTS_LARGE)

# Household roles: only heads, spouses and partners hold title to a home.
HEAD = "head"
SPOUSE = "spouse"
PARTNER = "partner"
CHILD = "child"
ADULT_CHILD = "adult_child"
ROOMMATE = "roommate"
TITLE_HOLDING_ROLES = frozenset({HEAD, SPOUSE, PARTNER})


@dataclasses.dataclass(frozen=True, slots=True)
class Address:
    """A Westfield street address in canonical form; departments spell it their own way."""

    number: int
    street: str
    unit: str = ""
    city: str = "Westfield"
    state: str = "MA"
    zip: str = "01085"

    @property
    def building(self) -> Address:
        """The same address without the unit: what a parcel or a water meter is keyed on."""
        return dataclasses.replace(self, unit="") if self.unit else self

    @property
    def building_key(self) -> tuple[str, int]:
        return (self.street, self.number)


@dataclasses.dataclass(frozen=True, slots=True)
class PreviousAddress:
    """Somewhere in Westfield a person lived before, with the dates they moved in and out.

    `owned` says the household owned the home then; only its heads and partners held title.
    """

    address: Address
    moved_in: dt.date
    moved_out: dt.date
    owned: bool
    dwelling: str

    @property
    def from_year(self) -> int:
        return self.moved_in.year

    @property
    def to_year(self) -> int:
        return self.moved_out.year


@dataclasses.dataclass(frozen=True, slots=True)
class Person:
    """One synthetic resident, with every fact a department store might record about them."""

    person_id: str
    household_id: str
    household_role: str
    first: str
    middle: str
    last: str
    suffix: str
    sex: str
    date_of_birth: dt.date
    email: str
    phone: str
    address: Address
    moved_in: dt.date
    dwelling: str
    previous_addresses: tuple[PreviousAddress, ...]
    occupation: str
    is_veteran: bool
    is_homeowner: bool
    has_dog: bool
    former_last: str = ""

    @property
    def full_name(self) -> str:
        parts = (self.first, self.middle, self.last, self.suffix)
        return " ".join(part for part in parts if part)

    def age_on(self, day: dt.date) -> int:
        """Whole years of age on a day, the way a clerk would compute it."""
        before_birthday = (day.month, day.day) < (self.date_of_birth.month, self.date_of_birth.day)
        return day.year - self.date_of_birth.year - int(before_birthday)

    @property
    def is_minor(self) -> bool:
        return self.age_on(REFERENCE_DATE) < 18

    def address_on(self, day: dt.date) -> Address | None:
        """Where the person lived in Westfield on a day, or None before they lived in the city."""
        if day < self.date_of_birth:
            return None
        if day >= self.moved_in:
            return self.address
        for previous in self.previous_addresses:
            if previous.moved_in <= day < previous.moved_out:
                return previous.address
        return None
