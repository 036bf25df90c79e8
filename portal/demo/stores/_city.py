"""The city's parcels, their values, who has owned them and which exemptions they were granted.

Several departments talk about the same property (assessors, treasurer, water, building), so
this layer is computed once from the population, with its own generator, and shared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence

from portal.demo import names
from portal.demo.formatting import abbreviate_street
from portal.demo.model import (
    APARTMENTS_LARGE,
    APARTMENTS_SMALL,
    REFERENCE_DATE,
    SINGLE_FAMILY,
    THREE_FAMILY,
    TITLE_HOLDING_ROLES,
    TWO_FAMILY,
    Address,
    Person,
    PreviousAddress,
)
from portal.demo.stores._common import Party, party_of, random_date
from portal.demo.stores._valuation import Exemption, grant_exemptions

LAND_USES = {
    SINGLE_FAMILY: ("101", "Single Family"),
    TWO_FAMILY: ("104", "Two Family"),
    THREE_FAMILY: ("105", "Three Family"),
    APARTMENTS_SMALL: ("111", "Apartments 4-8 Units"),
    APARTMENTS_LARGE: ("112", "Apartments 9+ Units"),
}

# (land low, land high, building low, building high, acres low, acres high, built low, built high)
_VALUE_RANGES = {
    SINGLE_FAMILY: (65_000, 150_000, 140_000, 420_000, 0.12, 1.6, 1890, 2023),
    TWO_FAMILY: (55_000, 110_000, 170_000, 320_000, 0.10, 0.40, 1880, 1975),
    THREE_FAMILY: (55_000, 100_000, 200_000, 360_000, 0.10, 0.35, 1880, 1940),
    APARTMENTS_SMALL: (80_000, 160_000, 350_000, 750_000, 0.20, 0.80, 1900, 1990),
    APARTMENTS_LARGE: (150_000, 320_000, 900_000, 3_400_000, 0.60, 4.0, 1960, 2015),
}

OUT_OF_TOWN = (
    ("SPRINGFIELD", "MA", "01104"),
    ("WEST SPRINGFIELD", "MA", "01089"),
    ("SOUTHWICK", "MA", "01077"),
    ("AGAWAM", "MA", "01001"),
    ("HOLYOKE", "MA", "01040"),
    ("EASTHAMPTON", "MA", "01027"),
    ("LUDLOW", "MA", "01056"),
    ("SUFFIELD", "CT", "06078"),
    ("ENFIELD", "CT", "06082"),
    ("ALBANY", "NY", "12203"),
)
SNOWBIRD_TOWNS = (
    ("BOCA RATON", "FL", "33432"),
    ("NAPLES", "FL", "34102"),
    ("VENICE", "FL", "34285"),
    ("MYRTLE BEACH", "SC", "29577"),
)
OUT_OF_TOWN_STREETS = ("MAIN ST", "PARK AVE", "OAK ST", "MAPLE AVE", "CENTER ST", "HIGH ST")
LLC_WORDS = (
    "PIONEER VALLEY",
    "WHIP CITY",
    "HAMPDEN",
    "WESTFIELD RIVER",
    "BERKSHIRE GATEWAY",
    "TEKOA",
    "GREEN MEADOW",
    "CONNECTICUT VALLEY",
)
LLC_ENDINGS = ("PROPERTIES LLC", "HOLDINGS LLC", "RENTALS LLC", "REALTY LLC", "HOUSING LLC")


@dataclasses.dataclass(frozen=True, slots=True)
class Mailing:
    """A mailing address as a billing system prints it (upper case, one street line)."""

    line1: str
    city: str
    state: str
    zip: str
    care_of: str = ""


@dataclasses.dataclass
class Ownership:
    """One period of title: people directly, or a trust or LLC with people named inside it."""

    parties: tuple[Party, ...]
    start: dt.date
    end: dt.date | None
    mailing: Mailing
    entity: str = ""
    entity_kind: str = ""  # "", "trust" or "llc"
    household_id: str = ""
    occupied_by_owner: bool = False
    people: tuple[Person, ...] = ()

    def held_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclasses.dataclass
class Parcel:
    parcel_id: str
    location: Address
    dwelling: str
    units: tuple[str, ...]
    lot_acres: float
    year_built: int
    land_value: int
    building_value: int
    other_value: int
    ownerships: list[Ownership] = dataclasses.field(default_factory=list)
    residents: list[Person] = dataclasses.field(default_factory=list)
    exemptions: list[Exemption] = dataclasses.field(default_factory=list)

    @property
    def land_use(self) -> tuple[str, str]:
        return LAND_USES[self.dwelling]

    @property
    def total_value(self) -> int:
        return self.land_value + self.building_value + self.other_value

    @property
    def current(self) -> Ownership:
        return self.ownerships[-1]

    def owner_on(self, day: dt.date) -> Ownership | None:
        for ownership in self.ownerships:
            if ownership.held_on(day):
                return ownership
        return None


@dataclasses.dataclass
class City:
    people: list[Person]
    parcels: list[Parcel]
    by_building: dict[tuple[str, int], Parcel]
    by_person: dict[str, Person]
    households: dict[str, list[Person]]

    def parcel_at(self, address: Address) -> Parcel:
        return self.by_building[address.building_key]


@dataclasses.dataclass
class _Building:
    address: Address
    dwelling: str
    units: dict[str, None] = dataclasses.field(default_factory=dict)
    residents: list[Person] = dataclasses.field(default_factory=list)
    owners_now: list[Person] = dataclasses.field(default_factory=list)
    earlier_owners: dict[tuple[str, dt.date], list[Person]] = dataclasses.field(
        default_factory=dict
    )


def build_city(people: Sequence[Person], *, seed: int) -> City:
    """Derive parcels and their ownership history from where people live and lived."""
    rng = random.Random(seed + 100)
    buildings = _collect_buildings(people)
    parcel_ids = _parcel_ids(rng, list(buildings.values()))
    households: dict[str, list[Person]] = {}
    for person in people:
        households.setdefault(person.household_id, []).append(person)
    landlords = _landlord_pool(rng, households)

    parcels = []
    for key, building in buildings.items():
        land_low, land_high, bldg_low, bldg_high, acres_low, acres_high, built_low, built_high = (
            _VALUE_RANGES[building.dwelling]
        )
        other = 0 if rng.random() < 0.6 else rng.randint(20, 300) * 100
        parcel = Parcel(
            parcel_id=parcel_ids[key],
            location=building.address,
            dwelling=building.dwelling,
            units=tuple(sorted(label for label in building.units if label)),
            lot_acres=round(rng.uniform(acres_low, acres_high), 2),
            year_built=rng.randint(built_low, built_high),
            land_value=rng.randint(land_low // 100, land_high // 100) * 100,
            building_value=rng.randint(bldg_low // 100, bldg_high // 100) * 100,
            other_value=other,
            residents=list(building.residents),
        )
        parcel.ownerships = _ownerships(rng, building, landlords, households)
        parcel.exemptions = grant_exemptions(rng, parcel, households)
        parcels.append(parcel)
    by_building = {parcel.location.building_key: parcel for parcel in parcels}
    by_person = {person.person_id: person for person in people}
    return City(list(people), parcels, by_building, by_person, households)


def _collect_buildings(people: Sequence[Person]) -> dict[tuple[str, int], _Building]:
    buildings: dict[tuple[str, int], _Building] = {}

    def building_for(address: Address, dwelling: str) -> _Building:
        key = address.building_key
        if key not in buildings:
            buildings[key] = _Building(address.building, dwelling)
        buildings[key].units[address.unit] = None
        return buildings[key]

    for person in people:
        building = building_for(person.address, person.dwelling)
        building.residents.append(person)
        if person.is_homeowner:
            building.owners_now.append(person)
        for previous in person.previous_addresses:
            earlier = building_for(previous.address, previous.dwelling)
            if previous.owned and person.household_role in TITLE_HOLDING_ROLES:
                group = (person.household_id, previous.moved_out)
                earlier.earlier_owners.setdefault(group, []).append(person)
    return buildings


def _parcel_ids(rng: random.Random, buildings: list[_Building]) -> dict[tuple[str, int], str]:
    """Map-block-lot ids: each street its own map sheet, blocks by house number, lots in order."""
    streets = sorted({building.address.street for building in buildings})
    sheets = list(range(1, max(120, len(streets) + 1)))
    rng.shuffle(sheets)
    sheet_of = dict(zip(streets, sheets, strict=False))
    ids = {}
    lots: dict[tuple[str, int], int] = {}
    for building in sorted(buildings, key=lambda b: (b.address.street, b.address.number)):
        block = 1 + building.address.number // 40
        lot = lots[(building.address.street, block)] = (
            lots.get((building.address.street, block), 0) + 1
        )
        ids[building.address.building_key] = f"{sheet_of[building.address.street]}-{block}-{lot}"
    return ids


def _landlord_pool(rng: random.Random, households: dict[str, list[Person]]) -> list[list[Person]]:
    """About one owner household in ten also owns rental property in the city."""
    pool = []
    for members in households.values():
        owners = [person for person in members if person.is_homeowner]
        if owners and 35 <= owners[0].age_on(REFERENCE_DATE) <= 78 and rng.random() < 0.1:
            pool.append(owners)
    return pool


def _ownerships(
    rng: random.Random,
    building: _Building,
    landlords: list[list[Person]],
    households: dict[str, list[Person]],
) -> list[Ownership]:
    chain = []
    for (household_id, moved_out), owners in building.earlier_owners.items():
        start = min(previous.moved_in for person in owners for previous in _at(person, building))
        chain.append(
            Ownership(
                parties=tuple(party_of(person, person_id=person.person_id) for person in owners),
                start=start,
                end=moved_out,
                mailing=_property_mailing(_at(owners[0], building)[0].address),
                household_id=household_id,
                occupied_by_owner=True,
                people=tuple(owners),
            )
        )
    chain.sort(key=lambda ownership: ownership.start)

    if building.owners_now:
        owners = building.owners_now
        current = Ownership(
            parties=tuple(party_of(person, person_id=person.person_id) for person in owners),
            start=owners[0].moved_in,
            end=None,
            mailing=_owner_occupant_mailing(rng, owners[0], households),
            household_id=owners[0].household_id,
            occupied_by_owner=True,
            people=tuple(owners),
        )
        if chain and chain[-1].end and chain[-1].end > current.start:
            chain[-1].end = current.start
        trust_start = current.start + dt.timedelta(days=rng.randint(400, 9000))
        if rng.random() < 0.07 and trust_start < REFERENCE_DATE - dt.timedelta(days=200):
            trust = dataclasses.replace(
                current, start=trust_start, entity=_trust_name(rng, owners), entity_kind="trust"
            )
            current.end = trust_start
            chain += [current, trust]
        else:
            chain.append(current)
    else:
        start = chain[-1].end if chain and chain[-1].end else None
        if start is None:
            start = max(
                random_date(rng, dt.date(1980, 1, 1), dt.date(2025, 12, 31)) for _ in range(2)
            )
        chain.append(_landlord_ownership(rng, building, start, landlords))

    first = chain[0]
    if first.start.year > 1975 and rng.random() < 0.85:
        years_before = rng.randint(4, 30)
        begun = first.start.replace(year=max(1950, first.start.year - years_before), day=1)
        seller = _outsider(rng, couple=rng.random() < 0.6)
        chain.insert(
            0,
            Ownership(
                parties=seller,
                start=begun,
                end=first.start,
                mailing=_property_mailing(building.address),
                occupied_by_owner=True,
            ),
        )
    return chain


def _at(person: Person, building: _Building) -> list[PreviousAddress]:
    return [
        previous
        for previous in person.previous_addresses
        if previous.address.building_key == building.address.building_key
    ]


def _landlord_ownership(
    rng: random.Random, building: _Building, start: dt.date, landlords: list[list[Person]]
) -> Ownership:
    kind = rng.choices(("individual", "llc", "outsider", "realty_trust"), (40, 35, 15, 10))[0]
    if not landlords and kind in ("individual",):
        kind = "outsider"
    landlord = landlords[rng.randrange(len(landlords))] if landlords else []
    if kind == "individual":
        owners = landlord if rng.random() < 0.5 else landlord[:1]
        return Ownership(
            parties=tuple(party_of(person, person_id=person.person_id) for person in owners),
            start=start,
            end=None,
            mailing=_property_mailing(owners[0].address),
            household_id=owners[0].household_id,
            people=tuple(owners),
        )
    if kind == "outsider":
        return Ownership(
            parties=_outsider(rng, couple=rng.random() < 0.4),
            start=start,
            end=None,
            mailing=_out_of_town(rng, OUT_OF_TOWN),
        )
    manager: tuple[Party, ...]
    people: tuple[Person, ...] = ()
    if landlord and rng.random() < 0.6:
        manager, people = (party_of(landlord[0], person_id=landlord[0].person_id),), (landlord[0],)
    else:
        manager = _outsider(rng, couple=False)
    if kind == "llc":
        if rng.random() < 0.3:
            entity = f"{building.address.number} {_upper_street(building.address)} LLC"
        else:
            entity = f"{rng.choice(LLC_WORDS)} {rng.choice(LLC_ENDINGS)}"
    else:
        entity = f"{manager[0].last.upper()} REALTY TRUST"
    choice = rng.random()
    if choice < 0.4:
        mailing = Mailing(f"PO BOX {rng.randint(100, 2999)}", "WESTFIELD", "MA", "01086")
    elif choice < 0.7 and people:
        mailing = _property_mailing(people[0].address)
    else:
        mailing = _out_of_town(rng, OUT_OF_TOWN, suite=True)
    return Ownership(
        parties=manager,
        start=start,
        end=None,
        mailing=mailing,
        entity=entity,
        entity_kind="llc" if kind == "llc" else "trust",
        household_id=people[0].household_id if people else "",
        people=people,
    )


def _owner_occupant_mailing(
    rng: random.Random, owner: Person, households: dict[str, list[Person]]
) -> Mailing:
    """Most owners get mail at home; some use a PO box, winter elsewhere, or get it c/o a child."""
    choice = rng.random()
    if choice < 0.025:
        return Mailing(f"PO BOX {rng.randint(100, 2999)}", "WESTFIELD", "MA", "01086")
    if choice < 0.045 and owner.age_on(REFERENCE_DATE) >= 60:
        return _out_of_town(rng, SNOWBIRD_TOWNS)
    if choice < 0.055 and owner.age_on(REFERENCE_DATE) >= 75:
        mailing = _property_mailing(owner.address)
        return dataclasses.replace(mailing, care_of=_care_of(rng, owner, households))
    return _property_mailing(owner.address)


def _care_of(rng: random.Random, owner: Person, households: dict[str, list[Person]]) -> str:
    relatives = [
        person
        for person in households[owner.household_id]
        if person is not owner and not person.is_minor
    ]
    if relatives:
        relative = rng.choice(relatives)
        return f"C/O {relative.first.upper()} {relative.last.upper()}"
    return f"C/O {rng.choice(names.MALE_BORN_1960_TO_1989).upper()} {owner.last.upper()}"


def _property_mailing(address: Address) -> Mailing:
    line = f"{address.number} {_upper_street(address)}"
    if address.unit:
        line += f" #{address.unit}"
    return Mailing(line, address.city.upper(), address.state, address.zip)


def _upper_street(address: Address) -> str:
    return abbreviate_street(address.street).upper()


def _out_of_town(
    rng: random.Random, towns: Sequence[tuple[str, str, str]], *, suite: bool = False
) -> Mailing:
    city, state, zip_code = rng.choice(towns)
    line = f"{rng.randint(10, 4999)} {rng.choice(OUT_OF_TOWN_STREETS)}"
    if suite:
        line += f" STE {rng.randint(1, 4)}{rng.randint(0, 2)}{rng.randint(0, 9)}"
    elif state == "FL" or rng.random() < 0.2:
        line += f" APT {rng.randint(1, 12)}{rng.choice('ABCD')}"
    return Mailing(line, city, state, zip_code)


def _outsider(rng: random.Random, *, couple: bool) -> tuple[Party, ...]:
    """Owners who are not in the population: earlier owners, out-of-town landlords."""
    era = rng.choice((1945, 1970))
    last = rng.choice(names.SURNAMES)
    first = Party(
        rng.choice(names.MALE_BORN_BEFORE_1960 if era < 1960 else names.MALE_BORN_1960_TO_1989),
        rng.choice(names.MALE_BORN_BEFORE_1960),
        last,
    )
    if not couple:
        return (first,)
    second = Party(
        rng.choice(names.FEMALE_BORN_BEFORE_1960 if era < 1960 else names.FEMALE_BORN_1960_TO_1989),
        rng.choice(names.FEMALE_BORN_BEFORE_1960),
        last,
    )
    return (first, second)


def _trust_name(rng: random.Random, owners: Sequence[Person]) -> str:
    owner = owners[0]
    if rng.random() < 0.6:
        return f"{owner.last.upper()} FAMILY TRUST"
    initial = f" {owner.middle[0]}" if owner.middle else ""
    return f"{owner.first.upper()}{initial} {owner.last.upper()} REVOCABLE TRUST"
