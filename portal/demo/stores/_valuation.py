"""What property is worth and owes: exemptions granted, tax per fiscal year, past sale prices."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

from portal.demo.model import REFERENCE_DATE, Person
from portal.demo.stores._common import Party, party_of

if TYPE_CHECKING:
    from portal.demo.stores._city import Parcel

EXEMPTION_CLAUSES = {
    "22": ("Veteran with service-connected disability (Clause 22)", 40_000),
    "41C": ("Elderly, income and asset limits (Clause 41C)", 100_000),
    "17D": ("Surviving spouse, minor child or elderly (Clause 17D)", 17_500),
    "37A": ("Legally blind (Clause 37A)", 50_000),
}
EXEMPTION_YEARS = (2024, 2025, 2026)


@dataclasses.dataclass(frozen=True, slots=True)
class Exemption:
    fiscal_year: int
    clause: str
    description: str
    amount_cents: int
    applicant: Party


def grant_exemptions(
    rng: random.Random, parcel: Parcel, households: dict[str, list[Person]]
) -> list[Exemption]:
    """Exemptions go to owner-occupants, one clause per household, in each year they qualify."""
    granted = []
    decided: dict[str, tuple[str | None, Person | None]] = {}
    for ownership in parcel.ownerships:
        if not ownership.occupied_by_owner or not ownership.people:
            continue
        if ownership.household_id not in decided:
            household = households.get(ownership.household_id, [])
            decided[ownership.household_id] = _exemption_clause(rng, ownership.people, household)
        clause, applicant = decided[ownership.household_id]
        if clause is None or applicant is None:
            continue
        description, amount = EXEMPTION_CLAUSES[clause]
        for fiscal_year in EXEMPTION_YEARS:
            assessed_on = dt.date(fiscal_year - 1, 7, 1)
            if not ownership.held_on(assessed_on):
                continue
            if clause == "41C" and applicant.age_on(assessed_on) < 65:
                continue
            granted.append(
                Exemption(
                    fiscal_year=fiscal_year,
                    clause=clause,
                    description=description,
                    amount_cents=amount,
                    applicant=party_of(applicant, person_id=applicant.person_id),
                )
            )
    return granted


def _exemption_clause(
    rng: random.Random, owners: Sequence[Person], household: Sequence[Person]
) -> tuple[str | None, Person | None]:
    veterans = [person for person in owners if person.is_veteran]
    if veterans and rng.random() < 0.55:
        return "22", veterans[0]
    oldest = max(owners, key=lambda person: person.age_on(REFERENCE_DATE))
    if oldest.age_on(REFERENCE_DATE) >= 67 and rng.random() < 0.25:
        return "41C", oldest
    adults = [person for person in household if not person.is_minor]
    if len(adults) == 1 and oldest.age_on(REFERENCE_DATE) >= 60 and rng.random() < 0.18:
        return "17D", oldest
    if rng.random() < 0.006:
        return "37A", oldest
    return None, None


# Tax rates per $1,000 of value, in cents, and each fiscal year's values relative to FY2026.
TAX_RATE_CENTS_PER_THOUSAND = {2024: 1935, 2025: 1891, 2026: 1824, 2027: 1786}
VALUE_FACTOR = {2024: 0.86, 2025: 0.93, 2026: 1.0, 2027: 1.06}


def assessed_value(parcel: Parcel, fiscal_year: int) -> int:
    return round(parcel.total_value * VALUE_FACTOR[fiscal_year] / 100) * 100


def annual_tax_cents(parcel: Parcel, fiscal_year: int) -> int:
    """The year's real-estate tax after any exemption granted for that year."""
    tax = assessed_value(parcel, fiscal_year) * TAX_RATE_CENTS_PER_THOUSAND[fiscal_year] // 1000
    for exemption in parcel.exemptions:
        if exemption.fiscal_year == fiscal_year:
            tax -= exemption.amount_cents
    return max(tax, 0)


_PRICE_INDEX = (
    (1950, 0.06),
    (1970, 0.12),
    (1980, 0.22),
    (1990, 0.36),
    (2000, 0.42),
    (2006, 0.66),
    (2012, 0.56),
    (2018, 0.66),
    (2020, 0.72),
    (2022, 0.88),
    (2024, 0.96),
    (2026, 1.0),
)


def price_index(day: dt.date) -> float:
    """Westfield-like house prices relative to 2026, interpolated between anchor years."""
    year = day.year + (day.timetuple().tm_yday - 1) / 366
    for (year_a, index_a), (year_b, index_b) in itertools.pairwise(_PRICE_INDEX):
        if year <= year_b:
            share = max(0.0, (year - year_a) / (year_b - year_a))
            return index_a + (index_b - index_a) * share
    return _PRICE_INDEX[-1][1]
