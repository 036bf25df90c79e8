"""The City Clerk's records: the annual street listing, dog licences, business certificates and
marriage intentions. Vital records are deliberately absent: they are restricted by statute.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib
import random

from portal.demo.formatting import nickname_for
from portal.demo.model import REFERENCE_DATE, SPOUSE, Address, Person
from portal.demo.names import TRADE_OCCUPATIONS
from portal.demo.stores._city import City
from portal.demo.stores._common import (
    LAST_RECORD_DATE,
    Speller,
    SqliteWriter,
    StoreResult,
    atomic_target,
    business_day,
    money,
    random_date,
    typo,
)

SLUG = "city_clerk"
FILENAME = "city_clerk.sqlite3"
SEED_OFFSET = 3
LISTING_YEARS = (2022, 2023, 2024, 2025, 2026)
DOG_YEARS = (2024, 2025, 2026)

SCHEMA = """
CREATE TABLE street_listing (
    listing_id INTEGER PRIMARY KEY,
    listing_year INTEGER NOT NULL,
    resident_number TEXT NOT NULL,
    last_name TEXT NOT NULL,
    first_name TEXT NOT NULL,
    middle_name TEXT,
    suffix TEXT,
    date_of_birth TEXT NOT NULL,
    occupation TEXT,
    residential_address TEXT NOT NULL,
    street_number INTEGER NOT NULL,
    street_name TEXT NOT NULL,
    unit TEXT,
    zip TEXT NOT NULL,
    ward_precinct TEXT NOT NULL,
    veteran TEXT NOT NULL CHECK (veteran IN ('Y', 'N')),
    UNIQUE (listing_year, resident_number)
);
CREATE TABLE dog_licenses (
    license_number TEXT PRIMARY KEY,
    license_year INTEGER NOT NULL,
    owner_name TEXT NOT NULL,
    owner_address TEXT NOT NULL,
    owner_phone TEXT,
    dog_name TEXT NOT NULL,
    breed TEXT NOT NULL,
    color TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('M', 'F')),
    spayed_neutered TEXT NOT NULL CHECK (spayed_neutered IN ('Y', 'N')),
    rabies_certificate TEXT NOT NULL,
    rabies_vaccinated_on TEXT NOT NULL,
    rabies_expires_on TEXT NOT NULL,
    veterinarian TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    fee REAL NOT NULL
);
CREATE TABLE business_certificates (
    certificate_number TEXT PRIMARY KEY,
    business_name TEXT NOT NULL,
    business_type TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    owner_residence TEXT NOT NULL,
    business_address TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    expires_on TEXT NOT NULL
);
CREATE TABLE marriage_intentions (
    intention_number TEXT PRIMARY KEY,
    filed_on TEXT NOT NULL,
    party_a_name TEXT NOT NULL,
    party_a_date_of_birth TEXT NOT NULL,
    party_a_address TEXT NOT NULL,
    party_a_surname_after TEXT NOT NULL,
    party_b_name TEXT NOT NULL,
    party_b_date_of_birth TEXT NOT NULL,
    party_b_address TEXT NOT NULL,
    party_b_surname_after TEXT NOT NULL,
    intended_date TEXT NOT NULL
);
"""

INDEXES = """
CREATE INDEX listing_name ON street_listing (last_name, first_name);
CREATE INDEX listing_birth ON street_listing (date_of_birth);
CREATE INDEX listing_address ON street_listing (street_name, street_number);
CREATE INDEX listing_resident ON street_listing (resident_number);
CREATE INDEX dogs_owner ON dog_licenses (owner_name);
CREATE INDEX dogs_address ON dog_licenses (owner_address);
CREATE INDEX dogs_rabies ON dog_licenses (rabies_certificate);
CREATE INDEX business_owner ON business_certificates (owner_name);
CREATE INDEX business_name ON business_certificates (business_name);
CREATE INDEX marriage_party_a ON marriage_intentions (party_a_name);
CREATE INDEX marriage_party_b ON marriage_intentions (party_b_name);
"""

INSERT_LISTING = (
    "INSERT INTO street_listing VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_DOG = "INSERT INTO dog_licenses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_BUSINESS = "INSERT INTO business_certificates VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_MARRIAGE = "INSERT INTO marriage_intentions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

DOG_NAMES = (
    "Bella",
    "Max",
    "Luna",
    "Charlie",
    "Daisy",
    "Cooper",
    "Lucy",
    "Bailey",
    "Sadie",
    "Rocky",
    "Molly",
    "Tucker",
    "Maggie",
    "Bear",
    "Penny",
    "Duke",
    "Rosie",
    "Zeus",
    "Ginger",
    "Murphy",
    "Chloe",
    "Buddy",
    "Coco",
    "Oliver",
    "Willow",
    "Finn",
    "Remy",
    "Nala",
    "Teddy",
    "Pepper",
)
BREEDS = (
    "Labrador Retriever",
    "Golden Retriever",
    "German Shepherd",
    "Beagle",
    "Boxer",
    "Shih Tzu",
    "Pit Bull Mix",
    "Chihuahua",
    "Poodle (Miniature)",
    "Yorkshire Terrier",
    "Border Collie",
    "Siberian Husky",
    "Dachshund",
    "Boston Terrier",
    "Mixed Breed",
    "Bernese Mountain Dog",
    "Australian Shepherd",
    "Cavalier King Charles Spaniel",
)
COLORS = ("Black", "Yellow", "Brown", "White", "Black/White", "Tan", "Brindle", "Red", "Gray")
VETERINARIANS = (
    "Tekoa Veterinary Clinic",
    "Little River Animal Hospital",
    "Whip City Veterinary Associates",
    "Pioneer Valley Pet Care",
)
BUSINESS_TEMPLATES = {
    "Electrician": ("{last} Electric", "Electrical contractor"),
    "Plumber": ("{last} Plumbing & Heating", "Plumbing"),
    "Carpenter": ("{last} Carpentry", "Carpentry"),
    "General Contractor": ("{last} Home Improvement", "Home improvement contractor"),
    "HVAC Technician": ("{last} Heating & Cooling", "HVAC service"),
    "Roofer": ("{last} Roofing", "Roofing"),
    "Landscaper": ("{first}'s Landscaping", "Landscaping"),
    "Hairstylist": ("Studio {first}", "Hair salon"),
}
GENERIC_BUSINESSES = (
    ("Whip City Cleaning", "Cleaning service"),
    ("{first} {last} Photography", "Photography"),
    ("Pioneer Valley Tutoring", "Tutoring"),
    ("{last} Bookkeeping", "Bookkeeping"),
    ("{first}'s Home Daycare", "Family childcare"),
    ("{last} Auto Detailing", "Auto detailing"),
    ("Tekoa Crafts by {first}", "Crafts and gifts"),
)
COMMERCIAL_STREETS = ("Elm Street", "Main Street", "Union Avenue", "Broad Street", "Court Street")


@dataclasses.dataclass(frozen=True, slots=True)
class Marriage:
    spouse: Person
    partner: Person
    filed: dt.date


def write(city: City, directory: pathlib.Path, *, seed: int) -> StoreResult:
    rng = random.Random(seed + SEED_OFFSET)
    speller = Speller(rng, typo_rate=0.008, drop_middle_rate=0.05)
    target = directory / FILENAME
    with atomic_target(target) as temporary:
        writer = SqliteWriter(temporary, SCHEMA)
        marriages = _marriages(rng, city)
        writer.insert("street_listing", INSERT_LISTING, _street_listing(rng, city, marriages))
        writer.insert("dog_licenses", INSERT_DOG, _dog_licenses(rng, speller, city))
        writer.insert("business_certificates", INSERT_BUSINESS, _businesses(rng, speller, city))
        writer.insert("marriage_intentions", INSERT_MARRIAGE, _intentions(rng, speller, marriages))
        counts = writer.finish(INDEXES)
    return StoreResult(SLUG, target, counts)


def _marriages(rng: random.Random, city: City) -> dict[str, Marriage]:
    """A few recent weddings; before the wedding the spouse is listed under the former surname."""
    marriages: dict[str, Marriage] = {}
    wanted = max(1, round(len(city.people) * 0.004))
    for members in city.households.values():
        if len(marriages) >= wanted:
            break
        spouse = next((person for person in members if person.household_role == SPOUSE), None)
        head = members[0]
        if (
            spouse is None
            or not spouse.former_last
            or spouse.age_on(REFERENCE_DATE) > 45
            or head.moved_in < dt.date(2021, 6, 1)
            or rng.random() > 0.5
        ):
            continue
        earliest = max(head.moved_in - dt.timedelta(days=300), dt.date(2021, 6, 1))
        filed = random_date(rng, earliest, LAST_RECORD_DATE - dt.timedelta(days=75))
        marriages[spouse.person_id] = Marriage(spouse=spouse, partner=head, filed=filed)
    return marriages


def _ward_precincts(rng: random.Random, city: City) -> dict[str, str]:
    streets = sorted({person.address.street for person in city.people})
    streets += sorted(
        {
            previous.address.street
            for person in city.people
            for previous in person.previous_addresses
        }
    )
    wards = {}
    for street in streets:
        wards.setdefault(street, f"{rng.randint(1, 6)}{rng.choice('AB')}")
    return wards


def _street_listing(
    rng: random.Random, city: City, marriages: dict[str, Marriage]
) -> list[tuple[object, ...]]:
    rows = []
    wards = _ward_precincts(rng, city)
    for number, person in enumerate(city.people, start=1):
        resident_number = f"WF{number * 7 + 100_000:07d}"
        married = marriages.get(person.person_id)
        for year in LISTING_YEARS:
            address = person.address_on(dt.date(year, 1, 1))
            if address is None or rng.random() < 0.04:
                continue
            last = person.last
            if married and year <= married.filed.year:
                last = person.former_last
            first = person.first
            middle = person.middle
            style = rng.random()
            if middle and style < 0.25:
                middle = middle[0]
            elif style < 0.3:
                middle = ""
            if rng.random() < 0.008:
                last = typo(rng, last)
            age = person.age_on(dt.date(year, 1, 1))
            occupation = person.occupation
            if age < 5:
                occupation = ""
            elif age < 18:
                occupation = "Student"
            rows.append(
                (
                    len(rows) + 1,
                    year,
                    resident_number,
                    last,
                    first,
                    middle or None,
                    person.suffix or None,
                    person.date_of_birth.isoformat(),
                    occupation or None,
                    _full_address(address),
                    address.number,
                    address.street,
                    address.unit or None,
                    address.zip,
                    wards[address.street],
                    "Y" if person.is_veteran else "N",
                )
            )
    return rows


def _full_address(address: Address) -> str:
    line = f"{address.number} {address.street}"
    return f"{line} Apt {address.unit}" if address.unit else line


def _dog_licenses(rng: random.Random, speller: Speller, city: City) -> list[tuple[object, ...]]:
    rows = []
    numbers: dict[int, int] = {}
    for person in city.people:
        if not person.has_dog:
            continue
        dogs = [_dog(rng, first_year=DOG_YEARS[0]) for _ in range(2 if rng.random() < 0.2 else 1)]
        if rng.random() < 0.15:  # the first dog died and a new one came home
            arrived = rng.choice(DOG_YEARS[1:])
            dogs[0] = dataclasses.replace(dogs[0], last_year=arrived - 1)
            dogs.append(_dog(rng, first_year=arrived))
        for dog in dogs:
            certificate = f"RC-{rng.randint(10_000, 99_999)}"
            vaccinated = random_date(
                rng, dt.date(dog.first_year - 2, 3, 1), dt.date(dog.first_year, 1, 15)
            )
            for year in range(dog.first_year, dog.last_year + 1):
                address = person.address_on(dt.date(year, 3, 1))
                if address is None:
                    continue
                if vaccinated + dt.timedelta(days=3 * 365) < dt.date(year, 3, 1):
                    vaccinated = random_date(rng, dt.date(year - 1, 9, 1), dt.date(year, 2, 1))
                    certificate = f"RC-{rng.randint(10_000, 99_999)}"
                issued = business_day(random_date(rng, dt.date(year, 1, 2), dt.date(year, 3, 31)))
                numbers[year] = numbers.get(year, 0) + 1
                owner_style = "natural" if rng.random() < 0.8 else "nickname"
                rows.append(
                    (
                        f"{year}-{numbers[year]:04d}",
                        year,
                        speller.name(person, owner_style),
                        speller.address(address, "full"),
                        person.phone or None,
                        dog.name,
                        dog.breed,
                        dog.color,
                        dog.sex,
                        "Y" if dog.altered else "N",
                        certificate,
                        vaccinated.isoformat(),
                        (vaccinated + dt.timedelta(days=3 * 365)).isoformat(),
                        rng.choice(VETERINARIANS),
                        issued.isoformat(),
                        money(1_000 if dog.altered else 2_000),
                    )
                )
    return rows


@dataclasses.dataclass(frozen=True, slots=True)
class Dog:
    name: str
    breed: str
    color: str
    sex: str
    altered: bool
    first_year: int
    last_year: int


def _dog(rng: random.Random, *, first_year: int) -> Dog:
    return Dog(
        name=rng.choice(DOG_NAMES),
        breed=rng.choice(BREEDS),
        color=rng.choice(COLORS),
        sex=rng.choice("MF"),
        altered=rng.random() < 0.8,
        first_year=first_year,
        last_year=DOG_YEARS[-1],
    )


def _businesses(rng: random.Random, speller: Speller, city: City) -> list[tuple[object, ...]]:
    rows = []
    for person in city.people:
        age = person.age_on(REFERENCE_DATE)
        if age < 22 or age > 75:
            continue
        chance = 0.35 if person.occupation in TRADE_OCCUPATIONS else 0.02
        if person.occupation == "Self-Employed":
            chance = 0.5
        if rng.random() >= chance:
            continue
        template, kind = BUSINESS_TEMPLATES.get(person.occupation) or rng.choice(GENERIC_BUSINESSES)
        first = nickname_for(person.first) if rng.random() < 0.4 else person.first
        business = template.format(first=first, last=person.last)
        filed = random_date(rng, dt.date(2018, 1, 2), LAST_RECORD_DATE - dt.timedelta(days=10))
        for _ in range(2):
            home = person.address_on(filed) or person.address
            if rng.random() < 0.65:
                location = _full_address(home)
            else:
                street = rng.choice(COMMERCIAL_STREETS)
                location = f"{rng.randint(2, 400)} {street} Suite {rng.randint(1, 30)}"
            rows.append(
                (
                    f"BC-{filed.year}-{len(rows) + 1:04d}",
                    business,
                    kind,
                    speller.name(person, "natural"),
                    speller.address(home, "full"),
                    location,
                    filed.isoformat(),
                    (filed.replace(day=1) + dt.timedelta(days=4 * 365)).isoformat(),
                )
            )
            renewed = filed.replace(day=1) + dt.timedelta(days=4 * 365 - 20)
            if renewed > LAST_RECORD_DATE:
                break
            filed = renewed
    return rows


def _intentions(
    rng: random.Random, speller: Speller, marriages: dict[str, Marriage]
) -> list[tuple[object, ...]]:
    rows = []
    for marriage in marriages.values():
        partner, spouse, filed = marriage.partner, marriage.spouse, marriage.filed
        spouse_then = dataclasses.replace(spouse, last=spouse.former_last)
        partner_home = partner.address_on(filed) or partner.address
        spouse_home = spouse.address_on(filed) or partner_home
        rows.append(
            (
                f"MI-{filed.year}-{len(rows) + 1:04d}",
                filed.isoformat(),
                speller.name(partner, "natural_full"),
                partner.date_of_birth.isoformat(),
                speller.address(partner_home, "full"),
                partner.last,
                speller.name(spouse_then, "natural_full"),
                spouse.date_of_birth.isoformat(),
                speller.address(spouse_home, "full"),
                spouse.last,
                (filed + dt.timedelta(days=rng.randint(10, 60))).isoformat(),
            )
        )
    return rows
