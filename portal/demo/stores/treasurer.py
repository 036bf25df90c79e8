"""The Treasurer/Collector's system: tax bills, payments, motor-vehicle excise, parking, liens.

A few legacy payment rows keep a full card number, as old counter systems did: synthetic test
numbers (the 4000 00 range, Luhn-valid), there so the portal's masking can be shown to work.
"""

from __future__ import annotations

import datetime as dt
import pathlib
import random

from portal.demo.stores._city import City, Parcel
from portal.demo.stores._common import (
    LAST_RECORD_DATE,
    Speller,
    SqliteWriter,
    StoreResult,
    atomic_target,
    business_day,
    money,
    random_date,
)
from portal.demo.stores._valuation import annual_tax_cents
from portal.demo.stores._vehicles import Vehicle, draw_vehicles, excise_value
from portal.demo.stores.assessors import deed_reference, recorded_owner

SLUG = "treasurer"
FILENAME = "treasurer.sqlite3"
SEED_OFFSET = 2

SCHEMA = """
CREATE TABLE real_estate_bills (
    bill_number TEXT NOT NULL,
    quarter INTEGER NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    parcel_id TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    billed_name TEXT NOT NULL,
    mailing_address TEXT NOT NULL,
    mailing_city TEXT NOT NULL,
    mailing_state TEXT NOT NULL,
    mailing_zip TEXT NOT NULL,
    issued_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    amount REAL NOT NULL,
    paid_date TEXT,
    PRIMARY KEY (bill_number, quarter)
);
CREATE TABLE payments (
    payment_id INTEGER PRIMARY KEY,
    bill_type TEXT NOT NULL CHECK (bill_type IN ('real_estate', 'excise', 'parking')),
    bill_number TEXT NOT NULL,
    quarter INTEGER,
    paid_date TEXT NOT NULL,
    amount REAL NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('check', 'cash', 'card', 'online')),
    payer_name TEXT,
    check_number TEXT,
    card_number TEXT,
    confirmation TEXT
);
CREATE TABLE excise_bills (
    bill_number TEXT PRIMARY KEY,
    levy_year INTEGER NOT NULL,
    owner_name TEXT NOT NULL,
    mailing_address TEXT NOT NULL,
    mailing_city TEXT NOT NULL,
    mailing_state TEXT NOT NULL,
    mailing_zip TEXT NOT NULL,
    plate TEXT NOT NULL,
    vin TEXT NOT NULL,
    make TEXT NOT NULL,
    model TEXT NOT NULL,
    model_year INTEGER NOT NULL,
    valuation INTEGER NOT NULL,
    amount REAL NOT NULL,
    issued_date TEXT NOT NULL,
    due_date TEXT NOT NULL,
    paid_date TEXT,
    status TEXT NOT NULL
);
CREATE TABLE parking_tickets (
    ticket_number TEXT PRIMARY KEY,
    plate TEXT NOT NULL,
    plate_state TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    location TEXT NOT NULL,
    violation TEXT NOT NULL,
    fine REAL NOT NULL,
    status TEXT NOT NULL,
    paid_date TEXT,
    registered_owner_name TEXT
);
CREATE TABLE tax_title_liens (
    lien_number TEXT PRIMARY KEY,
    parcel_id TEXT NOT NULL,
    owner_name TEXT NOT NULL,
    fiscal_year INTEGER NOT NULL,
    taking_date TEXT NOT NULL,
    amount REAL NOT NULL,
    book INTEGER NOT NULL,
    page INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('Active', 'Redeemed')),
    redeemed_date TEXT
);
"""

INDEXES = """
CREATE INDEX re_bills_parcel ON real_estate_bills (parcel_id, fiscal_year);
CREATE INDEX re_bills_name ON real_estate_bills (billed_name);
CREATE INDEX re_bills_mailing ON real_estate_bills (mailing_address);
CREATE INDEX payments_bill ON payments (bill_type, bill_number);
CREATE INDEX payments_payer ON payments (payer_name);
CREATE INDEX excise_owner ON excise_bills (owner_name);
CREATE INDEX excise_plate ON excise_bills (plate);
CREATE INDEX excise_vin ON excise_bills (vin);
CREATE INDEX excise_mailing ON excise_bills (mailing_address);
CREATE INDEX parking_plate ON parking_tickets (plate);
CREATE INDEX parking_owner ON parking_tickets (registered_owner_name);
CREATE INDEX liens_parcel ON tax_title_liens (parcel_id);
CREATE INDEX liens_owner ON tax_title_liens (owner_name);
"""

INSERT_BILL = "INSERT INTO real_estate_bills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_PAYMENT = "INSERT INTO payments VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_EXCISE = (
    "INSERT INTO excise_bills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_TICKET = "INSERT INTO parking_tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_LIEN = "INSERT INTO tax_title_liens VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"

# Fiscal years run July to June; FY2027's second-quarter bill is not yet due on the reference date.
BILLED_QUARTERS = {2025: (1, 2, 3, 4), 2026: (1, 2, 3, 4), 2027: (1,)}
METHODS = (("check", 35), ("online", 40), ("card", 15), ("cash", 10))
LEGACY_CARD_CUTOFF = dt.date(2025, 1, 1)
EXCISE_YEARS = (2024, 2025, 2026)

PARKING_LOCATIONS = (
    "Elm St meter lot",
    "Court St at Broad St",
    "Church St lot",
    "School St",
    "Arnold St at Elm St",
    "Main St at Elm St",
    "Union Ave at Union St",
    "North Elm St at Franklin St",
    "Western Ave near the university",
)
VIOLATIONS = (
    ("Expired meter", 2_500, 40),
    ("Overtime parking", 2_500, 20),
    ("No parking zone", 3_000, 15),
    ("Within 10 feet of a hydrant", 5_000, 8),
    ("Snow emergency", 5_000, 7),
    ("Handicapped space", 30_000, 3),
    ("Wrong side of street", 2_000, 7),
)


def write(city: City, directory: pathlib.Path, *, seed: int) -> StoreResult:
    rng = random.Random(seed + SEED_OFFSET)
    speller = Speller(rng, typo_rate=0.01, drop_middle_rate=0.05)
    target = directory / FILENAME
    with atomic_target(target) as temporary:
        writer = SqliteWriter(temporary, SCHEMA)
        payments: list[tuple[object, ...]] = []
        bills, liens = _real_estate(rng, speller, city, payments)
        vehicles = draw_vehicles(rng, city)
        excise = _excise(rng, speller, vehicles, payments)
        tickets = _parking(rng, speller, vehicles, payments)
        writer.insert("real_estate_bills", INSERT_BILL, bills)
        writer.insert("payments", INSERT_PAYMENT, payments)
        writer.insert("excise_bills", INSERT_EXCISE, excise)
        writer.insert("parking_tickets", INSERT_TICKET, tickets)
        writer.insert("tax_title_liens", INSERT_LIEN, liens)
        counts = writer.finish(INDEXES)
    return StoreResult(SLUG, target, counts)


# Real-estate tax ------------------------------------------------------------------------------


def _due_dates(fiscal_year: int) -> dict[int, tuple[dt.date, dt.date]]:
    """Quarter → (issued, due): preliminary bills in July, actual bills at the year's end."""
    start = fiscal_year - 1
    preliminary = business_day(dt.date(start, 7, 1))
    actual = business_day(dt.date(start, 12, 30))
    return {
        1: (preliminary, business_day(dt.date(start, 8, 1))),
        2: (preliminary, business_day(dt.date(start, 11, 1))),
        3: (actual, business_day(dt.date(fiscal_year, 2, 1))),
        4: (actual, business_day(dt.date(fiscal_year, 5, 1))),
    }


def _real_estate(
    rng: random.Random, speller: Speller, city: City, payments: list[tuple[object, ...]]
) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    bills, liens = [], []
    habits: dict[int, tuple[str, str]] = {}
    delinquent = {
        parcel.parcel_id
        for parcel in city.parcels
        if not parcel.current.entity and rng.random() < 0.012
    }
    for number, parcel in enumerate(city.parcels, start=1):
        for fiscal_year, quarters in BILLED_QUARTERS.items():
            ownership = parcel.owner_on(dt.date(fiscal_year - 1, 1, 1)) or parcel.ownerships[0]
            habit = habits.setdefault(id(ownership), _habit(rng))
            billed_name = recorded_owner(speller, ownership)
            mailing = ownership.mailing
            annual = annual_tax_cents(parcel, fiscal_year)
            shares = [annual // 4] * 3 + [annual - 3 * (annual // 4)]
            bill_number = f"{fiscal_year}-{number:06d}"
            unpaid_from = 3 if parcel.parcel_id in delinquent and fiscal_year == 2025 else 9
            if parcel.parcel_id in delinquent and fiscal_year > 2025:
                unpaid_from = 1 if rng.random() < 0.5 else 9
            for quarter in quarters:
                issued, due = _due_dates(fiscal_year)[quarter]
                amount = shares[quarter - 1]
                paid = None
                if quarter < unpaid_from:
                    paid = _paid_date(rng, habit[0], due)
                    payer = speller.name(ownership.parties[0], "natural")
                    _add_payment(
                        rng,
                        payments,
                        "real_estate",
                        bill_number,
                        quarter,
                        paid,
                        amount,
                        habit[1],
                        payer,
                    )
                bills.append(
                    (
                        bill_number,
                        quarter,
                        parcel.parcel_id,
                        fiscal_year,
                        billed_name,
                        mailing.line1,
                        mailing.city,
                        mailing.state,
                        mailing.zip,
                        issued.isoformat(),
                        due.isoformat(),
                        money(amount),
                        paid.isoformat() if paid else None,
                    )
                )
        if parcel.parcel_id in delinquent:
            liens.append(_lien(rng, speller, parcel, len(liens) + 1))
    return bills, liens


def _habit(rng: random.Random) -> tuple[str, str]:
    """How an owner pays: on time or late, and by which method."""
    timing = rng.choices(("early", "on_time", "late"), (55, 33, 12))[0]
    method = rng.choices(*zip(*METHODS, strict=True))[0]
    return timing, method


def _paid_date(rng: random.Random, timing: str, due: dt.date) -> dt.date | None:
    if timing == "early":
        paid = due - dt.timedelta(days=rng.randint(3, 28))
    elif timing == "on_time":
        paid = due - dt.timedelta(days=rng.randint(0, 2))
    else:
        paid = due + dt.timedelta(days=rng.randint(1, 75))
    return paid if paid <= LAST_RECORD_DATE else None


def _add_payment(
    rng: random.Random,
    payments: list[tuple[object, ...]],
    bill_type: str,
    bill_number: str,
    quarter: int | None,
    paid: dt.date | None,
    amount_cents: int,
    method: str,
    payer: str,
) -> None:
    if paid is None:
        return
    check_number = card_number = confirmation = None
    if method == "check":
        check_number = str(rng.randint(100, 9999))
    elif method == "online":
        confirmation = f"WEB{rng.randint(10**8, 10**9 - 1)}"
    elif method == "card":
        if paid < LEGACY_CARD_CUTOFF and rng.random() < 0.05:
            card_number = synthetic_card_number(rng)
        else:
            confirmation = f"POS{rng.randint(10**6, 10**7 - 1)}"
    payments.append(
        (
            len(payments) + 1,
            bill_type,
            bill_number,
            quarter,
            paid.isoformat(),
            money(amount_cents),
            method,
            payer,
            check_number,
            card_number,
            confirmation,
        )
    )


def synthetic_card_number(rng: random.Random) -> str:
    """A 16-digit Luhn-valid test number from the 4000 00 range, sometimes grouped by fours."""
    body = "400000" + "".join(str(rng.randrange(10)) for _ in range(9))
    number = body + str(luhn_check_digit(body))
    if rng.random() < 0.3:
        return " ".join(number[index : index + 4] for index in range(0, 16, 4))
    return number


def luhn_check_digit(body: str) -> int:
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def _lien(rng: random.Random, speller: Speller, parcel: Parcel, number: int) -> tuple[object, ...]:
    taking = business_day(dt.date(2025, 10, 1) + dt.timedelta(days=rng.randint(0, 40)))
    owed = annual_tax_cents(parcel, 2025) // 2
    redeemed = rng.random() < 0.5
    redeemed_on = random_date(rng, dt.date(2026, 2, 1), LAST_RECORD_DATE) if redeemed else None
    book, page = deed_reference(rng, taking)
    ownership = parcel.owner_on(dt.date(2024, 1, 1)) or parcel.current
    return (
        f"TT-2025-{number:04d}",
        parcel.parcel_id,
        recorded_owner(speller, ownership),
        2025,
        taking.isoformat(),
        money(owed + owed * 14 // 100),
        book,
        page,
        "Redeemed" if redeemed else "Active",
        redeemed_on.isoformat() if redeemed_on else None,
    )


# Motor-vehicle excise -----------------------------------------------------------------------


def _excise(
    rng: random.Random,
    speller: Speller,
    vehicles: list[Vehicle],
    payments: list[tuple[object, ...]],
) -> list[tuple[object, ...]]:
    rows = []
    for vehicle in vehicles:
        for levy_year in EXCISE_YEARS:
            if not vehicle.first_year <= levy_year <= vehicle.last_year:
                continue
            address = vehicle.owner.address_on(dt.date(levy_year, 1, 1))
            address = address or vehicle.owner.address_on(dt.date(levy_year, 7, 1))
            if address is None:
                continue
            issued = business_day(dt.date(levy_year, 2, 15) + dt.timedelta(rng.randint(0, 20)))
            due = business_day(issued + dt.timedelta(days=30))
            valuation = excise_value(vehicle, levy_year)
            amount = max(500, valuation * 25 // 10)
            outcome = rng.choices(("Paid", "Paid late", "Marked at RMV"), (88, 9, 3))[0]
            paid = None
            if outcome == "Paid":
                paid = due - dt.timedelta(days=rng.randint(0, 25))
            elif outcome == "Paid late":
                paid = due + dt.timedelta(days=rng.randint(5, 120))
                amount += 1_000  # demand fee
            if paid and paid > LAST_RECORD_DATE:
                paid, outcome = None, "Unpaid"
            bill_number = f"MVE-{levy_year}-{len(rows) + 1:06d}"
            method = rng.choices(*zip(*METHODS, strict=True))[0]
            payer = speller.name(vehicle.owner, "natural")
            _add_payment(rng, payments, "excise", bill_number, None, paid, amount, method, payer)
            rows.append(
                (
                    bill_number,
                    levy_year,
                    speller.name(vehicle.owner, "last_first_upper"),
                    speller.address(address, "upper_hash"),
                    address.city.upper(),
                    address.state,
                    address.zip,
                    vehicle.plate,
                    vehicle.vin,
                    vehicle.make,
                    vehicle.model,
                    vehicle.model_year,
                    valuation,
                    money(amount),
                    issued.isoformat(),
                    due.isoformat(),
                    paid.isoformat() if paid else None,
                    "Paid" if paid else outcome,
                )
            )
    return rows


def _parking(
    rng: random.Random,
    speller: Speller,
    vehicles: list[Vehicle],
    payments: list[tuple[object, ...]],
) -> list[tuple[object, ...]]:
    rows = []
    violations = [violation for violation, _, _ in VIOLATIONS]
    weights = [weight for _, _, weight in VIOLATIONS]
    fines = {violation: fine for violation, fine, _ in VIOLATIONS}
    for vehicle in vehicles:
        if rng.random() >= 0.12:
            continue
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            day = random_date(rng, dt.date(2024, 1, 2), LAST_RECORD_DATE - dt.timedelta(days=2))
            moment = dt.datetime.combine(day, dt.time(rng.randint(7, 19), rng.randrange(60)))
            violation = rng.choices(violations, weights)[0]
            fine = fines[violation]
            status = rng.choices(
                ("Paid", "Unpaid", "Dismissed on appeal", "Marked at RMV"), (78, 8, 6, 8)
            )[0]
            paid = None
            owner_name = None
            if status == "Paid":
                paid = day + dt.timedelta(days=rng.randint(0, 20))
                if paid > LAST_RECORD_DATE:
                    paid, status = None, "Unpaid"
            if status == "Marked at RMV":
                owner_name = speller.name(vehicle.owner, "last_first_upper")
            ticket = f"W{len(rows) + 104_211:07d}"
            method = rng.choice(("online", "online", "check", "cash"))
            payer = speller.name(vehicle.owner, "first_last")
            _add_payment(rng, payments, "parking", ticket, None, paid, fine, method, payer)
            rows.append(
                (
                    ticket,
                    vehicle.plate,
                    "MA",
                    moment.strftime("%Y-%m-%d %H:%M"),
                    rng.choice(PARKING_LOCATIONS),
                    violation,
                    money(fine),
                    status,
                    paid.isoformat() if paid else None,
                    owner_name,
                )
            )
    return rows
