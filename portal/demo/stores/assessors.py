"""The Assessors' CAMA database: parcels, owners, sales, exemptions and abatement applications."""

from __future__ import annotations

import datetime as dt
import itertools
import pathlib
import random

from portal.demo.formatting import abbreviate_street
from portal.demo.model import APARTMENTS_LARGE, APARTMENTS_SMALL, THREE_FAMILY, TWO_FAMILY
from portal.demo.stores._city import City, Ownership, Parcel
from portal.demo.stores._common import (
    Speller,
    SqliteWriter,
    StoreResult,
    atomic_target,
    money,
    random_date,
)
from portal.demo.stores._valuation import EXEMPTION_YEARS, annual_tax_cents, price_index

SLUG = "assessors"
FILENAME = "assessors.sqlite3"
SEED_OFFSET = 1

SCHEMA = """
CREATE TABLE parcels (
    parcel_id TEXT PRIMARY KEY,
    location TEXT NOT NULL,
    street_number INTEGER NOT NULL,
    street_name TEXT NOT NULL,
    zip TEXT NOT NULL,
    land_use_code TEXT NOT NULL,
    land_use TEXT NOT NULL,
    units INTEGER NOT NULL,
    lot_size_acres REAL NOT NULL,
    year_built INTEGER NOT NULL,
    fiscal_year INTEGER NOT NULL,
    land_value INTEGER NOT NULL,
    building_value INTEGER NOT NULL,
    other_value INTEGER NOT NULL,
    total_value INTEGER NOT NULL
);
CREATE TABLE owners (
    parcel_id TEXT PRIMARY KEY REFERENCES parcels (parcel_id),
    owner_name TEXT NOT NULL,
    co_owner_name TEXT,
    owner_type TEXT NOT NULL CHECK (owner_type IN ('INDIVIDUAL', 'TRUST', 'LLC')),
    trustee_name TEXT,
    manager_name TEXT,
    care_of TEXT,
    mailing_address TEXT NOT NULL,
    mailing_city TEXT NOT NULL,
    mailing_state TEXT NOT NULL,
    mailing_zip TEXT NOT NULL,
    owned_since TEXT NOT NULL,
    deed_book INTEGER,
    deed_page INTEGER
);
CREATE TABLE sales (
    sale_id INTEGER PRIMARY KEY,
    parcel_id TEXT NOT NULL REFERENCES parcels (parcel_id),
    sale_date TEXT NOT NULL,
    sale_price INTEGER NOT NULL,
    grantor TEXT NOT NULL,
    grantee TEXT NOT NULL,
    deed_type TEXT NOT NULL,
    sale_code TEXT NOT NULL,
    book INTEGER NOT NULL,
    page INTEGER NOT NULL
);
CREATE TABLE exemptions (
    exemption_id INTEGER PRIMARY KEY,
    parcel_id TEXT NOT NULL REFERENCES parcels (parcel_id),
    fiscal_year INTEGER NOT NULL,
    clause TEXT NOT NULL,
    description TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    amount REAL NOT NULL,
    granted_on TEXT NOT NULL,
    UNIQUE (parcel_id, fiscal_year, clause)
);
CREATE TABLE abatements (
    application_number TEXT PRIMARY KEY,
    parcel_id TEXT NOT NULL REFERENCES parcels (parcel_id),
    fiscal_year INTEGER NOT NULL,
    applicant_name TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    reason TEXT NOT NULL,
    status TEXT NOT NULL,
    decided_on TEXT,
    abated_amount REAL,
    household_income INTEGER,
    household_size INTEGER,
    monthly_medical_expenses INTEGER,
    hardship_statement TEXT
);
"""

INDEXES = """
CREATE INDEX parcels_location ON parcels (location);
CREATE INDEX parcels_street ON parcels (street_name, street_number);
CREATE INDEX owners_owner_name ON owners (owner_name);
CREATE INDEX owners_co_owner_name ON owners (co_owner_name);
CREATE INDEX owners_trustee_name ON owners (trustee_name);
CREATE INDEX owners_manager_name ON owners (manager_name);
CREATE INDEX owners_mailing_address ON owners (mailing_address);
CREATE INDEX sales_parcel ON sales (parcel_id, sale_date);
CREATE INDEX sales_grantor ON sales (grantor);
CREATE INDEX sales_grantee ON sales (grantee);
CREATE INDEX exemptions_parcel ON exemptions (parcel_id);
CREATE INDEX exemptions_applicant ON exemptions (applicant_name);
CREATE INDEX abatements_parcel ON abatements (parcel_id);
CREATE INDEX abatements_applicant ON abatements (applicant_name);
"""

INSERT_PARCEL = "INSERT INTO parcels VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_OWNER = "INSERT INTO owners VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_SALE = "INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_EXEMPTION = "INSERT INTO exemptions VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_ABATEMENT = "INSERT INTO abatements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

ABATEMENT_REASONS = (
    ("Overvaluation", 50),
    ("Incorrect property data", 25),
    ("Disproportionate assessment", 10),
    ("Financial hardship (Clause 18)", 15),
)
ABATEMENT_OUTCOMES = (("Granted", 40), ("Denied", 35), ("Deemed denied", 15), ("Withdrawn", 10))
HARDSHIP_STATEMENTS = (
    "Laid off in the spring; unemployment benefits end next month.",
    "My husband is in long-term care and his pension goes to the nursing home.",
    "Medical bills after my surgery; I cannot work until my doctor clears me.",
    "Fixed Social Security income and the furnace had to be replaced this winter.",
    "Caring full time for my mother, so my hours were cut to part time.",
    "Business closed during the year and we are behind on the mortgage.",
)


def write(city: City, directory: pathlib.Path, *, seed: int) -> StoreResult:
    rng = random.Random(seed + SEED_OFFSET)
    speller = Speller(rng, typo_rate=0.01, drop_middle_rate=0.06)
    target = directory / FILENAME
    with atomic_target(target) as temporary:
        writer = SqliteWriter(temporary, SCHEMA)
        parcels, owners, sales, exemptions, abatements = [], [], [], [], []
        for parcel in city.parcels:
            parcels.append(_parcel_row(parcel))
            deeds = _sales(rng, speller, parcel, sales)
            owners.append(_owner_row(speller, parcel, deeds.get(id(parcel.current))))
            for exemption in parcel.exemptions:
                granted = random_date(
                    rng,
                    dt.date(exemption.fiscal_year, 1, 15),
                    dt.date(exemption.fiscal_year, 4, 15),
                )
                exemptions.append(
                    (
                        len(exemptions) + 1,
                        parcel.parcel_id,
                        exemption.fiscal_year,
                        exemption.clause,
                        exemption.description,
                        speller.name(exemption.applicant, "last_first_upper"),
                        money(exemption.amount_cents),
                        granted.isoformat(),
                    )
                )
            abatements.extend(_abatements(rng, speller, parcel, city, len(abatements)))
        writer.insert("parcels", INSERT_PARCEL, parcels)
        writer.insert("owners", INSERT_OWNER, owners)
        writer.insert("sales", INSERT_SALE, sales)
        writer.insert("exemptions", INSERT_EXEMPTION, exemptions)
        writer.insert("abatements", INSERT_ABATEMENT, abatements)
        counts = writer.finish(INDEXES)
    return StoreResult(SLUG, target, counts)


def _parcel_row(parcel: Parcel) -> tuple[object, ...]:
    code, description = parcel.land_use
    minimum_units = {TWO_FAMILY: 2, THREE_FAMILY: 3, APARTMENTS_SMALL: 4, APARTMENTS_LARGE: 9}
    units = max(len(parcel.units), minimum_units.get(parcel.dwelling, 1))
    street = abbreviate_street(parcel.location.street).upper()
    return (
        parcel.parcel_id,
        f"{parcel.location.number} {street}",
        parcel.location.number,
        street,
        parcel.location.zip,
        code,
        description,
        units,
        parcel.lot_acres,
        parcel.year_built,
        2026,
        parcel.land_value,
        parcel.building_value,
        parcel.other_value,
        parcel.total_value,
    )


def recorded_owner(speller: Speller, ownership: Ownership) -> str:
    """The owner of record as a tax system prints it: the entity, or the people on the deed."""
    if ownership.entity:
        return ownership.entity
    return speller.names_joined(ownership.parties, "last_first_upper")


def _owner_row(
    speller: Speller, parcel: Parcel, deed: tuple[int, int] | None
) -> tuple[object, ...]:
    ownership = parcel.current
    parties = ownership.parties
    co_owner = trustee = manager = None
    if ownership.entity_kind == "trust":
        owner_type, owner_name = "TRUST", ownership.entity
        trustee = f"{speller.name(parties[0], 'last_first_upper')} TR"
        if len(parties) > 1:
            co_owner = f"{speller.name(parties[1], 'last_first_upper')} TR"
    elif ownership.entity_kind == "llc":
        owner_type, owner_name = "LLC", ownership.entity
        manager = speller.name(parties[0], "last_first_upper")
    else:
        owner_type = "INDIVIDUAL"
        owner_name = speller.name(parties[0], "last_first_upper")
        if len(parties) > 1:
            co_owner = speller.name(parties[1], "last_first_upper")
    mailing = ownership.mailing
    book, page = deed if deed else (None, None)
    return (
        parcel.parcel_id,
        owner_name,
        co_owner,
        owner_type,
        trustee,
        manager,
        mailing.care_of or None,
        mailing.line1,
        mailing.city,
        mailing.state,
        mailing.zip,
        ownership.start.isoformat(),
        book,
        page,
    )


def _sales(
    rng: random.Random, speller: Speller, parcel: Parcel, rows: list[tuple[object, ...]]
) -> dict[int, tuple[int, int]]:
    """One sale per change of title, priced from the house-price index; returns book/page."""
    deeds = {}
    for seller, buyer in itertools.pairwise(parcel.ownerships):
        day = buyer.start
        same_people = [party.person_id for party in seller.parties] == [
            party.person_id for party in buyer.parties
        ] and bool(seller.parties[0].person_id)
        grantor = recorded_owner(speller, seller)
        if same_people:
            price, deed_type, code = 1, "Quitclaim", "Nominal / transfer to trust"
        elif not seller.parties[0].person_id and rng.random() < 0.25:
            price = _market_price(rng, parcel, day)
            deed_type, code = "Fiduciary", "Estate sale"
            grantor = f"ESTATE OF {speller.name(seller.parties[0], 'natural').upper()}"
        else:
            price = _market_price(rng, parcel, day)
            deed_type = "Warranty" if rng.random() < 0.2 else "Quitclaim"
            code = "Arm's length"
        book, page = deed_reference(rng, day)
        deeds[id(buyer)] = (book, page)
        rows.append(
            (
                len(rows) + 1,
                parcel.parcel_id,
                day.isoformat(),
                price,
                grantor,
                recorded_owner(speller, buyer),
                deed_type,
                code,
                book,
                page,
            )
        )
    return deeds


def _market_price(rng: random.Random, parcel: Parcel, day: dt.date) -> int:
    price = parcel.total_value * price_index(day) * rng.uniform(0.88, 1.12)
    return max(500, round(price / 500) * 500)


def deed_reference(rng: random.Random, day: dt.date) -> tuple[int, int]:
    """A Registry of Deeds book and page that grow with time, as the real volumes do."""
    book = 4500 + (day.year - 1975) * 430 + day.timetuple().tm_yday
    return book, rng.randint(1, 400)


def _abatements(
    rng: random.Random, speller: Speller, parcel: Parcel, city: City, numbered: int
) -> list[tuple[object, ...]]:
    rows = []
    for fiscal_year in EXEMPTION_YEARS:
        if rng.random() >= 0.025:
            continue
        ownership = parcel.owner_on(dt.date(fiscal_year - 1, 1, 1))
        if ownership is None:
            continue
        reasons = [reason for reason, _ in ABATEMENT_REASONS]
        weights = [weight for _, weight in ABATEMENT_REASONS]
        if not (ownership.occupied_by_owner and ownership.people):
            weights[-1] = 0
        reason = rng.choices(reasons, weights)[0]
        filed = random_date(rng, dt.date(fiscal_year, 1, 2), dt.date(fiscal_year, 2, 1))
        status = rng.choices(*zip(*ABATEMENT_OUTCOMES, strict=True))[0]
        decided = None if status == "Withdrawn" else filed + dt.timedelta(rng.randint(30, 90))
        abated = None
        if status == "Granted":
            tax = annual_tax_cents(parcel, fiscal_year)
            share = rng.uniform(0.03, 0.12) if not reason.startswith("Financial") else 0.5
            abated = money(round(tax * share))
        income = size = medical = statement = None
        if reason.startswith("Financial"):
            household = city.households.get(ownership.household_id, [])
            size = max(1, len(household))
            income = rng.randint(90, 380) * 100
            medical = rng.choice((0, 0, rng.randint(2, 150) * 10))
            statement = rng.choice(HARDSHIP_STATEMENTS)
        rows.append(
            (
                f"AB-{fiscal_year}-{numbered + len(rows) + 1:04d}",
                parcel.parcel_id,
                fiscal_year,
                recorded_owner(speller, ownership),
                filed.isoformat(),
                reason,
                status,
                decided.isoformat() if decided else None,
                abated,
                income,
                size,
                medical,
                statement,
            )
        )
    return rows
