"""Residents' vehicles as the state registry reports them to the City: plate, VIN, make, model."""

from __future__ import annotations

import dataclasses
import random

from portal.demo.model import REFERENCE_DATE, Person
from portal.demo.stores._city import City

# (make, model, world manufacturer identifier, lowest and highest list price in dollars)
VEHICLES = (
    ("HONDA", "CIVIC", "2HG", 22_000, 30_000),
    ("HONDA", "CR-V", "5J6", 28_000, 38_000),
    ("HONDA", "ACCORD", "1HG", 26_000, 36_000),
    ("TOYOTA", "CAMRY", "4T1", 26_000, 35_000),
    ("TOYOTA", "RAV4", "2T3", 28_000, 39_000),
    ("TOYOTA", "COROLLA", "2T1", 21_000, 27_000),
    ("TOYOTA", "TACOMA", "3TM", 30_000, 45_000),
    ("FORD", "F-150", "1FT", 35_000, 62_000),
    ("FORD", "ESCAPE", "1FM", 27_000, 36_000),
    ("FORD", "EXPLORER", "1FM", 36_000, 50_000),
    ("CHEVROLET", "SILVERADO", "1GC", 36_000, 60_000),
    ("CHEVROLET", "EQUINOX", "2GN", 27_000, 34_000),
    ("CHEVROLET", "MALIBU", "1G1", 23_000, 29_000),
    ("NISSAN", "ROGUE", "5N1", 27_000, 35_000),
    ("NISSAN", "ALTIMA", "1N4", 25_000, 31_000),
    ("SUBARU", "OUTBACK", "4S4", 29_000, 39_000),
    ("SUBARU", "FORESTER", "JF2", 27_000, 36_000),
    ("HYUNDAI", "ELANTRA", "5NP", 20_000, 26_000),
    ("HYUNDAI", "TUCSON", "KM8", 27_000, 36_000),
    ("KIA", "SORENTO", "5XY", 30_000, 41_000),
    ("JEEP", "GRAND CHEROKEE", "1C4", 38_000, 55_000),
    ("JEEP", "WRANGLER", "1C4", 33_000, 48_000),
    ("RAM", "1500", "1C6", 38_000, 60_000),
    ("GMC", "SIERRA", "1GT", 40_000, 62_000),
    ("VOLKSWAGEN", "JETTA", "3VW", 21_000, 28_000),
    ("TESLA", "MODEL 3", "5YJ", 40_000, 50_000),
    ("MAZDA", "CX-5", "JM3", 28_000, 37_000),
    ("DODGE", "GRAND CARAVAN", "2C4", 28_000, 36_000),
)
VIN_CHARACTERS = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
VIN_VALUES = {str(digit): digit for digit in range(10)} | dict(
    zip(
        "ABCDEFGHJKLMNPRSTUVWXYZ",
        (1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 9, 2, 3, 4, 5, 6, 7, 8, 9),
        strict=True,
    )
)
VIN_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"  # 2010 is A; the cycle repeats every 30 years


@dataclasses.dataclass(frozen=True, slots=True)
class Vehicle:
    owner: Person
    plate: str
    vin: str
    make: str
    model: str
    model_year: int
    list_price: int
    first_year: int
    last_year: int


def draw_vehicles(rng: random.Random, city: City) -> list[Vehicle]:
    plates: set[str] = set()
    vehicles = []
    for person in city.people:
        age = person.age_on(REFERENCE_DATE)
        if age < 18 or age > 90 or rng.random() > 0.82:
            continue
        for _ in range(2 if rng.random() < 0.2 else 1):
            make, model, wmi, low, high = rng.choice(VEHICLES)
            model_year = rng.randint(2009, 2026)
            first_year = max(model_year - 1, 2023 - rng.randint(0, 4))
            last_year = 2026 if rng.random() < 0.85 else rng.choice((2024, 2025))
            if last_year < first_year:
                last_year = first_year
            vehicles.append(
                Vehicle(
                    owner=person,
                    plate=_plate(rng, plates),
                    vin=synthetic_vin(rng, wmi, model_year),
                    make=make,
                    model=model,
                    model_year=model_year,
                    list_price=rng.randint(low // 100, high // 100) * 100,
                    first_year=first_year,
                    last_year=last_year,
                )
            )
    return vehicles


def _plate(rng: random.Random, taken: set[str]) -> str:
    letters = "ABCDEFGHJKLMNPRSTVWXYZ"
    while True:
        shape = rng.randrange(3)
        if shape == 0:
            plate = f"{rng.randint(1, 9)}{''.join(rng.choices(letters, k=3))}{rng.randint(10, 99)}"
        elif shape == 1:
            plate = (
                f"{rng.randint(100, 999)}{''.join(rng.choices(letters, k=2))}{rng.randint(1, 9)}"
            )
        else:
            plate = (
                f"{rng.randint(1, 9)}{''.join(rng.choices(letters, k=2))}{rng.randint(100, 999)}"
            )
        if plate not in taken:
            taken.add(plate)
            return plate


def synthetic_vin(rng: random.Random, wmi: str, model_year: int) -> str:
    """A 17-character VIN with a real maker prefix, the right year code and a valid check digit."""
    descriptor = "".join(rng.choices(VIN_CHARACTERS, k=5))
    year_code = VIN_YEAR_CODES[(model_year - 2010) % 30]
    plant = rng.choice(VIN_CHARACTERS[10:])
    serial = f"{rng.randrange(10**6):06d}"
    draft = f"{wmi}{descriptor}0{year_code}{plant}{serial}"
    return draft[:8] + vin_check_digit(draft) + draft[9:]


def vin_check_digit(vin: str) -> str:
    total = sum(VIN_VALUES[char] * weight for char, weight in zip(vin, VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def excise_value(vehicle: Vehicle, levy_year: int) -> int:
    """Massachusetts' schedule: a share of list price that falls with the vehicle's age."""
    age = levy_year - vehicle.model_year
    share = {-1: 0.5, 0: 0.9, 1: 0.6, 2: 0.4, 3: 0.25}.get(age, 0.1)
    return round(vehicle.list_price * share)
