"""Where people live: a housing stock built on demand, and moves within the city.

A household that sold its previous home moves out the day the buyer moves in, so the assessors'
sale, the closed water account and the new owner's records all agree.
"""

from __future__ import annotations

import datetime as dt
import random

from portal.demo import names
from portal.demo.households import Household, add_years, random_date
from portal.demo.model import (
    APARTMENTS_LARGE,
    APARTMENTS_SMALL,
    REFERENCE_DATE,
    SINGLE_FAMILY,
    THREE_FAMILY,
    TWO_FAMILY,
    Address,
    PreviousAddress,
)

MOVER_SHARE = 0.27
EARLIEST_MOVE = dt.date(1970, 1, 1)
LATEST_MOVE = REFERENCE_DATE - dt.timedelta(days=45)


class Housing:
    """The city's buildings and spare rental units while households are being housed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used_numbers: dict[str, set[int]] = {street: set() for street in names.STREETS}
        self.rental_pool: list[tuple[Address, str]] = []
        self.rental_units: list[tuple[Address, str]] = []
        self.street_weights = [_street_weight(street) for street in names.STREETS]

    # Homes -----------------------------------------------------------------------------------

    def house(self, households: list[Household]) -> None:
        """Give every household a home: owners first, so their spare units can be rented out."""
        for household in households:
            if household.owns:
                self._house_owner(household)
        for household in households:
            if not household.owns:
                self._house_renter(household)

    def _house_owner(self, household: Household) -> None:
        dwelling = self.rng.choices((SINGLE_FAMILY, TWO_FAMILY, THREE_FAMILY), (80, 14, 6))[0]
        units = self._new_building(dwelling)
        own_unit = units[0] if self.rng.random() < 0.65 else self.rng.choice(units)
        household.address, household.dwelling = own_unit, dwelling
        for unit in units:
            if unit != own_unit:
                self.rental_pool.append((unit, dwelling))
                self.rental_units.append((unit, dwelling))

    def _house_renter(self, household: Household) -> None:
        rng = self.rng
        if self.rental_pool and rng.random() < 0.55:
            household.address, household.dwelling = self.rental_pool.pop(
                rng.randrange(len(self.rental_pool))
            )
            return
        dwelling = rng.choices(
            (SINGLE_FAMILY, TWO_FAMILY, THREE_FAMILY, APARTMENTS_SMALL, APARTMENTS_LARGE),
            (10, 20, 22, 24, 24),
        )[0]
        units = self._new_building(dwelling)
        taken = rng.choice(units)
        household.address, household.dwelling = taken, dwelling
        for unit in units:
            self.rental_units.append((unit, dwelling))
            if unit != taken:
                self.rental_pool.append((unit, dwelling))

    def _new_building(self, dwelling: str) -> list[Address]:
        """A new building on a free house number, returned as the list of its dwelling units."""
        rng = self.rng
        if dwelling in (APARTMENTS_SMALL, APARTMENTS_LARGE):
            street = rng.choice(_APARTMENT_STREETS)
        else:
            street = rng.choices(names.STREETS, self.street_weights)[0]
        used = self.used_numbers[street]
        highest = _street_weight(street) * 150
        number = rng.randint(1, highest)
        while number in used:
            number = rng.randint(1, highest + len(used))
        used.add(number)
        return [
            Address(number=number, street=street, unit=label) for label in _units(rng, dwelling)
        ]

    # Moves -----------------------------------------------------------------------------------

    def settle_move_dates(self, households: list[Household]) -> None:
        """Date every move-in; about a quarter of households moved within the city before.

        A household that sold its previous home moves out the day the buyer moves in, so the
        assessors' sale, the closed water account and the new owner's records all agree.
        """
        rng = self.rng
        movers = []
        for household in households:
            can_have_moved = any(adult.age >= 24 for adult in household.heads)
            if can_have_moved and rng.random() < MOVER_SHARE:
                movers.append(household)
            else:
                household.moved_in = self._move_in_date(household, earliest=None)
        mover_ids = {id(household) for household in movers}
        settled_owners = [
            household
            for household in households
            if household.owns and id(household) not in mover_ids
        ]
        sold_homes: set[tuple[str, int]] = set()
        for household in movers:
            self._move(household, settled_owners, sold_homes)
            if household.owns:
                settled_owners.append(household)

    def _move_in_date(self, household: Household, *, earliest: dt.date | None) -> dt.date:
        """Owners stay put for years; renters' tenures skew recent (the later of two draws)."""
        rng = self.rng
        start = max(household.earliest_adult_move(), EARLIEST_MOVE)
        if not household.owns:
            start = max(start, dt.date(1995, 1, 1))
        if earliest is not None:
            start = max(start, earliest)
        if start >= LATEST_MOVE:
            return LATEST_MOVE
        draws = 1 if household.owns else 2
        return max(random_date(rng, start, LATEST_MOVE) for _ in range(draws))

    def _move(
        self,
        household: Household,
        settled_owners: list[Household],
        sold_homes: set[tuple[str, int]],
    ) -> None:
        rng = self.rng
        first_possible = max(household.earliest_adult_move(), EARLIEST_MOVE)
        oldest = max(head.age for head in household.heads)
        if household.owns:
            owned_before = rng.random() < (0.5 if oldest >= 35 else 0.15)
        else:
            owned_before = rng.random() < (0.45 if oldest >= 62 else 0.08)
        seller_earliest = add_years(first_possible, 2)

        move_date, previous_home, previous_dwelling = None, None, ""
        if owned_before:
            buyer = self._find_buyer(household, settled_owners, sold_homes, seller_earliest)
            if buyer is not None:
                sold_homes.add(buyer.address.building_key)
                move_date = buyer.moved_in
                previous_home, previous_dwelling = buyer.address, buyer.dwelling
            else:
                previous_home = self._new_building(SINGLE_FAMILY)[0]
                previous_dwelling = SINGLE_FAMILY
        else:
            previous_home, previous_dwelling = self._previous_rental(household)
        if move_date is None:
            move_date = self._move_in_date(household, earliest=seller_earliest)

        latest_start = move_date - dt.timedelta(days=365)
        household.moved_in = move_date
        if latest_start <= first_possible:
            return
        started = max(random_date(rng, first_possible, latest_start) for _ in range(2))
        household.previous.append(
            PreviousAddress(previous_home, started, move_date, owned_before, previous_dwelling)
        )
        earlier_end = started
        if rng.random() < 0.2 and earlier_end - dt.timedelta(days=365) > first_possible:
            earlier_start = random_date(rng, first_possible, earlier_end - dt.timedelta(365))
            home, dwelling = self._previous_rental(household)
            household.previous.append(
                PreviousAddress(home, earlier_start, earlier_end, False, dwelling)
            )

    def _find_buyer(
        self,
        seller: Household,
        settled_owners: list[Household],
        sold_homes: set[tuple[str, int]],
        earliest: dt.date,
    ) -> Household | None:
        """An owner who already has a final move-in date and bought a house nobody else sold."""
        rng = self.rng
        if not settled_owners:
            return None
        for _ in range(60):
            candidate = settled_owners[rng.randrange(len(settled_owners))]
            if (
                candidate is not seller
                and candidate.address is not None
                and candidate.address.building_key not in sold_homes
                and candidate.moved_in >= earliest
                and candidate.moved_in >= dt.date(1985, 1, 1)
            ):
                return candidate
        return None

    def _previous_rental(self, household: Household) -> tuple[Address, str]:
        rng = self.rng
        if self.rental_units and rng.random() < 0.85:
            for _ in range(10):
                unit, dwelling = self.rental_units[rng.randrange(len(self.rental_units))]
                if unit != household.address:
                    return unit, dwelling
        dwelling = rng.choice((TWO_FAMILY, THREE_FAMILY, APARTMENTS_SMALL, APARTMENTS_LARGE))
        units = self._new_building(dwelling)
        for unit in units:
            self.rental_units.append((unit, dwelling))
        return rng.choice(units), dwelling


def _street_weight(street: str) -> int:
    """Busy streets hold more buildings; invented side streets fewer."""
    return _STREET_WEIGHTS[street]


_FIRST_INVENTED_STREET = names.STREETS.index("Pioneer Lane")
_STREET_WEIGHTS = {
    street: 4 if street in names.APARTMENT_STREETS else 2 if index < _FIRST_INVENTED_STREET else 1
    for index, street in enumerate(names.STREETS)
}
_APARTMENT_STREETS = sorted(names.APARTMENT_STREETS)


def _units(rng: random.Random, dwelling: str) -> list[str]:
    if dwelling == SINGLE_FAMILY:
        return [""]
    if dwelling == TWO_FAMILY:
        return ["1", "2"]
    if dwelling == THREE_FAMILY:
        return ["1", "2", "3"]
    if dwelling == APARTMENTS_SMALL:
        return [f"{floor}{letter}" for floor in range(1, rng.randint(2, 4) + 1) for letter in "AB"]
    floors, per_floor = rng.randint(3, 4), rng.randint(3, 9)
    return [
        f"{floor}{number:02d}" for floor in range(1, floors + 1) for number in range(1, per_floor)
    ]
