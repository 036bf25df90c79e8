"""The Water and Sewer billing vendor's database: accounts, meter readings, bills, payments,
shut-off notices and payment plans.

The vendor serves it through a small JSON API, so the file describes itself: a
`data_dictionary` table explains every column, and foreign keys are declared.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import pathlib
import random

from portal.demo.formatting import abbreviate_street, nickname_for
from portal.demo.model import APARTMENTS_LARGE, APARTMENTS_SMALL, THREE_FAMILY, TWO_FAMILY
from portal.demo.stores._city import City, Ownership, Parcel
from portal.demo.stores._common import (
    LAST_RECORD_DATE,
    Party,
    SqliteWriter,
    StoreResult,
    atomic_target,
    first_business_day,
    money,
    random_date,
)

SLUG = "water_sewer"
FILENAME = "water_sewer.sqlite3"
SEED_OFFSET = 4

OLDEST_ACCOUNT_END = dt.date(2016, 1, 1)  # accounts closed before this were purged
FIRST_BILL_MONTH = (2025, 1)
WATER_RATE_CENTS = 385  # per hundred cubic feet
SEWER_RATE_CENTS = 540
SERVICE_CHARGE_CENTS = 1_500  # per meter per quarter
DAYS_TO_PAY = 28

SCHEMA = """
CREATE TABLE accounts (
    account_number TEXT PRIMARY KEY,
    service_address TEXT NOT NULL,
    parcel_id TEXT NOT NULL,
    meter_number TEXT NOT NULL,
    billing_name TEXT NOT NULL,
    mailing_address TEXT NOT NULL,
    mailing_city TEXT NOT NULL,
    mailing_state TEXT NOT NULL,
    mailing_zip TEXT NOT NULL,
    billing_cycle INTEGER NOT NULL CHECK (billing_cycle IN (1, 2, 3)),
    opened_on TEXT NOT NULL,
    closed_on TEXT,
    status TEXT NOT NULL CHECK (status IN ('Active', 'Closed'))
);
CREATE TABLE meter_readings (
    reading_id INTEGER PRIMARY KEY,
    account_number TEXT NOT NULL REFERENCES accounts (account_number),
    meter_number TEXT NOT NULL,
    read_on TEXT NOT NULL,
    reading_hcf INTEGER NOT NULL,
    usage_hcf INTEGER NOT NULL,
    read_type TEXT NOT NULL CHECK (read_type IN ('Actual', 'Estimated'))
);
CREATE TABLE bills (
    bill_number TEXT PRIMARY KEY,
    account_number TEXT NOT NULL REFERENCES accounts (account_number),
    bill_type TEXT NOT NULL CHECK (bill_type IN ('Quarterly', 'Final')),
    bill_date TEXT NOT NULL,
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    usage_hcf INTEGER NOT NULL,
    water_charge REAL NOT NULL,
    sewer_charge REAL NOT NULL,
    service_charge REAL NOT NULL,
    previous_balance REAL NOT NULL,
    payments_received REAL NOT NULL,
    amount_due REAL NOT NULL,
    due_date TEXT NOT NULL
);
CREATE TABLE payments (
    payment_id INTEGER PRIMARY KEY,
    account_number TEXT NOT NULL REFERENCES accounts (account_number),
    paid_on TEXT NOT NULL,
    amount REAL NOT NULL,
    method TEXT NOT NULL CHECK (method IN ('check', 'cash', 'card', 'online', 'autopay'))
);
CREATE TABLE shutoff_notices (
    notice_number TEXT PRIMARY KEY,
    account_number TEXT NOT NULL REFERENCES accounts (account_number),
    notice_date TEXT NOT NULL,
    amount_past_due REAL NOT NULL,
    shutoff_scheduled_on TEXT NOT NULL,
    outcome TEXT NOT NULL
);
CREATE TABLE payment_plans (
    plan_number TEXT PRIMARY KEY,
    account_number TEXT NOT NULL REFERENCES accounts (account_number),
    started_on TEXT NOT NULL,
    balance_at_start REAL NOT NULL,
    monthly_payment REAL NOT NULL,
    installments INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('Active', 'Completed', 'Defaulted')),
    hardship_note TEXT
);
CREATE TABLE data_dictionary (
    table_name TEXT NOT NULL,
    column_name TEXT NOT NULL,
    description TEXT NOT NULL,
    PRIMARY KEY (table_name, column_name)
);
"""

INDEXES = """
CREATE INDEX accounts_service_address ON accounts (service_address);
CREATE INDEX accounts_billing_name ON accounts (billing_name);
CREATE INDEX accounts_mailing_address ON accounts (mailing_address);
CREATE INDEX accounts_parcel ON accounts (parcel_id);
CREATE INDEX readings_account ON meter_readings (account_number, read_on);
CREATE INDEX bills_account ON bills (account_number, bill_date);
CREATE INDEX payments_account ON payments (account_number, paid_on);
CREATE INDEX notices_account ON shutoff_notices (account_number);
CREATE INDEX plans_account ON payment_plans (account_number);
"""

INSERT_ACCOUNT = "INSERT INTO accounts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_READING = "INSERT INTO meter_readings VALUES (?, ?, ?, ?, ?, ?, ?)"
INSERT_BILL = "INSERT INTO bills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_PAYMENT = "INSERT INTO payments VALUES (?, ?, ?, ?, ?)"
INSERT_NOTICE = "INSERT INTO shutoff_notices VALUES (?, ?, ?, ?, ?, ?)"
INSERT_PLAN = "INSERT INTO payment_plans VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_DICTIONARY = "INSERT INTO data_dictionary VALUES (?, ?, ?)"

DATA_DICTIONARY = (
    ("accounts", "account_number", "Customer account number, WS- and seven digits"),
    ("accounts", "service_address", "Where the water is delivered (street line, abbreviated)"),
    ("accounts", "parcel_id", "Assessors' map-block-lot of the service address"),
    ("accounts", "meter_number", "Meter serving the building"),
    ("accounts", "billing_name", "Name printed on the bill (the property owner)"),
    ("accounts", "mailing_address", "Street line bills are mailed to"),
    ("accounts", "mailing_city", "City bills are mailed to"),
    ("accounts", "mailing_state", "State bills are mailed to"),
    ("accounts", "mailing_zip", "ZIP code bills are mailed to"),
    ("accounts", "billing_cycle", "1 bills Jan/Apr/Jul/Oct, 2 Feb/May/Aug/Nov, 3 Mar/Jun/Sep/Dec"),
    ("accounts", "opened_on", "Date the account was opened (ISO 8601)"),
    ("accounts", "closed_on", "Date the account was closed after a final reading, if closed"),
    ("accounts", "status", "Active or Closed"),
    ("meter_readings", "reading_id", "Reading sequence number"),
    ("meter_readings", "account_number", "Account the reading was billed to"),
    ("meter_readings", "meter_number", "Meter read"),
    ("meter_readings", "read_on", "Date of the reading"),
    ("meter_readings", "reading_hcf", "Cumulative register, hundreds of cubic feet"),
    ("meter_readings", "usage_hcf", "Usage since the previous reading, hundreds of cubic feet"),
    ("meter_readings", "read_type", "Actual, or Estimated when the meter could not be read"),
    ("bills", "bill_number", "Bill number"),
    ("bills", "account_number", "Account billed"),
    ("bills", "bill_type", "Quarterly, or Final when an account closes"),
    ("bills", "bill_date", "Date the bill was issued"),
    ("bills", "period_start", "First day of the service period"),
    ("bills", "period_end", "Last day of the service period"),
    ("bills", "usage_hcf", "Usage billed, hundreds of cubic feet"),
    ("bills", "water_charge", "Water charge in dollars"),
    ("bills", "sewer_charge", "Sewer charge in dollars"),
    ("bills", "service_charge", "Fixed quarterly meter charge in dollars"),
    ("bills", "previous_balance", "Amount due on the previous bill, in dollars"),
    ("bills", "payments_received", "Payments since the previous bill, in dollars"),
    ("bills", "amount_due", "Total now due, in dollars"),
    ("bills", "due_date", "Date payment is due"),
    ("payments", "payment_id", "Payment sequence number"),
    ("payments", "account_number", "Account credited"),
    ("payments", "paid_on", "Date received"),
    ("payments", "amount", "Amount in dollars"),
    ("payments", "method", "check, cash, card, online or autopay"),
    ("shutoff_notices", "notice_number", "Notice number"),
    ("shutoff_notices", "account_number", "Account in arrears"),
    ("shutoff_notices", "notice_date", "Date the notice was mailed"),
    ("shutoff_notices", "amount_past_due", "Past-due amount in dollars"),
    ("shutoff_notices", "shutoff_scheduled_on", "Date service would be shut off"),
    ("shutoff_notices", "outcome", "What happened: paid, payment plan, or service terminated"),
    ("payment_plans", "plan_number", "Plan number"),
    ("payment_plans", "account_number", "Account on the plan"),
    ("payment_plans", "started_on", "Date the plan began"),
    ("payment_plans", "balance_at_start", "Balance covered by the plan, in dollars"),
    ("payment_plans", "monthly_payment", "Agreed monthly payment, in dollars"),
    ("payment_plans", "installments", "Number of monthly payments agreed"),
    ("payment_plans", "status", "Active, Completed or Defaulted"),
    ("payment_plans", "hardship_note", "Staff note on the customer's hardship (sensitive)"),
    ("data_dictionary", "table_name", "Table described"),
    ("data_dictionary", "column_name", "Column described"),
    ("data_dictionary", "description", "What the column holds"),
)

HARDSHIP_NOTES = (
    "Customer lost hours at work this spring; agreed to spread the balance over six months.",
    "Spouse in treatment for cancer, household on one income. Plan approved by supervisor.",
    "Elderly owner on fixed income; daughter called on her behalf and will make the payments.",
    "Tenant left owing; owner between jobs. Plan approved.",
    "Recently widowed; estate not settled yet. Asked for more time.",
    "Medical leave after an injury, short-term disability pending.",
)
UNIT_COUNTS = {TWO_FAMILY: 2, THREE_FAMILY: 3, APARTMENTS_SMALL: 6, APARTMENTS_LARGE: 24}


@dataclasses.dataclass
class _Ledger:
    """Running balance of one account while its bills and payments are written."""

    habit: str
    method: str
    balance: int = 0
    paid_since_bill: int = 0
    notices: int = 0


def write(city: City, directory: pathlib.Path, *, seed: int) -> StoreResult:
    rng = random.Random(seed + SEED_OFFSET)
    target = directory / FILENAME
    tables: dict[str, list[tuple[object, ...]]] = {
        "accounts": [],
        "meter_readings": [],
        "bills": [],
        "payments": [],
        "shutoff_notices": [],
        "payment_plans": [],
    }
    for parcel in city.parcels:
        cycle = rng.randint(1, 3)
        meter = f"M{rng.randint(10**7, 10**8 - 1)}"
        register = rng.randint(100, 9000)
        for ownership in parcel.ownerships:
            if ownership.end is not None and ownership.end < OLDEST_ACCOUNT_END:
                continue
            register = _account(rng, parcel, ownership, cycle, meter, register, tables)
    with atomic_target(target) as temporary:
        writer = SqliteWriter(temporary, SCHEMA)
        writer.insert("accounts", INSERT_ACCOUNT, tables["accounts"])
        writer.insert("meter_readings", INSERT_READING, tables["meter_readings"])
        writer.insert("bills", INSERT_BILL, tables["bills"])
        writer.insert("payments", INSERT_PAYMENT, tables["payments"])
        writer.insert("shutoff_notices", INSERT_NOTICE, tables["shutoff_notices"])
        writer.insert("payment_plans", INSERT_PLAN, tables["payment_plans"])
        writer.insert("data_dictionary", INSERT_DICTIONARY, DATA_DICTIONARY)
        counts = writer.finish(INDEXES)
    return StoreResult(SLUG, target, counts)


def billing_name(rng: random.Random, ownership: Ownership) -> str:
    """How the vendor prints the customer: first names first, one shared surname."""
    if ownership.entity:
        return ownership.entity.title().replace("Llc", "LLC")
    parties = ownership.parties

    def given(party: Party) -> str:
        return nickname_for(party.first) if rng.random() < 0.2 else party.first

    first = parties[0]
    if len(parties) == 1:
        return f"{given(first)} {first.last}"
    second = parties[1]
    if second.last == first.last:
        return f"{given(first)} & {given(second)} {first.last}"
    return f"{given(first)} {first.last} & {given(second)} {second.last}"


def _account(
    rng: random.Random,
    parcel: Parcel,
    ownership: Ownership,
    cycle: int,
    meter: str,
    register: int,
    tables: dict[str, list[tuple[object, ...]]],
) -> int:
    accounts = tables["accounts"]
    number = f"WS-{10_000 + len(accounts) * 7:07d}"
    opened = ownership.start
    closed = ownership.end
    street = abbreviate_street(parcel.location.street)
    mailing = ownership.mailing
    accounts.append(
        (
            number,
            f"{parcel.location.number} {street}",
            parcel.parcel_id,
            meter,
            billing_name(rng, ownership),
            mailing.line1,
            mailing.city,
            mailing.state,
            mailing.zip,
            cycle,
            opened.isoformat(),
            closed.isoformat() if closed else None,
            "Closed" if closed else "Active",
        )
    )
    habit = rng.choices(("early", "on_time", "late", "struggling"), (45, 35, 16, 4))[0]
    method = rng.choices(("check", "online", "autopay", "card", "cash"), (30, 30, 25, 10, 5))[0]
    ledger = _Ledger(habit=habit, method=method)
    units = UNIT_COUNTS.get(parcel.dwelling, 1)
    for period_start, period_end, bill_date in _billing_periods(cycle):
        if period_start < opened:
            continue
        final = closed is not None and period_start < closed <= period_end
        if closed is not None and period_start >= closed:
            break
        if final and closed is not None:
            period_end, bill_date = closed, closed + dt.timedelta(days=7)
        if bill_date > LAST_RECORD_DATE:
            break
        summer = period_end.month in (7, 8, 9, 10)
        usage = sum(rng.randint(8, 24) for _ in range(units))
        if summer:
            usage = usage * 13 // 10
        register += usage
        estimated = rng.random() < 0.05
        tables["meter_readings"].append(
            (
                len(tables["meter_readings"]) + 1,
                number,
                meter,
                period_end.isoformat(),
                register,
                usage,
                "Estimated" if estimated else "Actual",
            )
        )
        _bill(rng, number, ledger, usage, period_start, period_end, bill_date, final, tables)
        if final:
            break
    return register


def _billing_periods(cycle: int) -> list[tuple[dt.date, dt.date, dt.date]]:
    """(period start, period end, bill date) for every quarter billed since the first bill month."""
    periods = []
    year, month = FIRST_BILL_MONTH
    month += cycle - 1
    while (year, month) <= (LAST_RECORD_DATE.year, LAST_RECORD_DATE.month):
        start_year, start_month = (year, month - 3) if month > 3 else (year - 1, month + 9)
        period_start = dt.date(start_year, start_month, 1)
        period_end = dt.date(year, month, 1) - dt.timedelta(days=1)
        periods.append((period_start, period_end, first_business_day(year, month)))
        year, month = (year, month + 3) if month <= 9 else (year + 1, month - 9)
    return periods


def _bill(
    rng: random.Random,
    account: str,
    ledger: _Ledger,
    usage: int,
    period_start: dt.date,
    period_end: dt.date,
    bill_date: dt.date,
    final: bool,
    tables: dict[str, list[tuple[object, ...]]],
) -> None:
    water, sewer = usage * WATER_RATE_CENTS, usage * SEWER_RATE_CENTS
    previous = ledger.balance + ledger.paid_since_bill
    amount_due = ledger.balance + water + sewer + SERVICE_CHARGE_CENTS
    due = bill_date + dt.timedelta(days=DAYS_TO_PAY)
    bills = tables["bills"]
    bills.append(
        (
            f"{bill_date:%y%m}-{len(bills) + 1:06d}",
            account,
            "Final" if final else "Quarterly",
            bill_date.isoformat(),
            period_start.isoformat(),
            period_end.isoformat(),
            usage,
            money(water),
            money(sewer),
            money(SERVICE_CHARGE_CENTS),
            money(previous),
            money(ledger.paid_since_bill),
            money(amount_due),
            due.isoformat(),
        )
    )
    ledger.balance, ledger.paid_since_bill = amount_due, 0
    _pay(rng, account, ledger, bill_date, due, tables)


def _pay(
    rng: random.Random,
    account: str,
    ledger: _Ledger,
    bill_date: dt.date,
    due: dt.date,
    tables: dict[str, list[tuple[object, ...]]],
) -> None:
    if ledger.habit == "early":
        paid_on, amount = bill_date + dt.timedelta(days=rng.randint(2, 20)), ledger.balance
    elif ledger.habit == "on_time":
        paid_on, amount = due - dt.timedelta(days=rng.randint(0, 3)), ledger.balance
    elif ledger.habit == "late":
        paid_on, amount = due + dt.timedelta(days=rng.randint(3, 40)), ledger.balance
    else:
        paid_on = due + dt.timedelta(days=rng.randint(10, 60))
        amount = ledger.balance * rng.choice((0, 0, 4, 5)) // 10
        if ledger.balance > 30_000 and ledger.notices < 2:
            _shutoff(rng, account, ledger, due, tables)
    if amount <= 0 or paid_on > LAST_RECORD_DATE:
        return
    payments = tables["payments"]
    payments.append((len(payments) + 1, account, paid_on.isoformat(), money(amount), ledger.method))
    ledger.balance -= amount
    ledger.paid_since_bill += amount


def _shutoff(
    rng: random.Random,
    account: str,
    ledger: _Ledger,
    due: dt.date,
    tables: dict[str, list[tuple[object, ...]]],
) -> None:
    notice_date = due + dt.timedelta(days=15)
    scheduled = notice_date + dt.timedelta(days=30)
    if scheduled > LAST_RECORD_DATE:
        return
    ledger.notices += 1
    outcome = rng.choices(
        ("Paid before shut-off", "Payment plan", "Service terminated"), (45, 45, 10)
    )[0]
    notices = tables["shutoff_notices"]
    notices.append(
        (
            f"SN-{notice_date.year}-{len(notices) + 1:04d}",
            account,
            notice_date.isoformat(),
            money(ledger.balance),
            scheduled.isoformat(),
            outcome,
        )
    )
    if outcome == "Payment plan":
        plans = tables["payment_plans"]
        installments = rng.choice((4, 6, 6, 9, 12))
        started = notice_date + dt.timedelta(days=rng.randint(3, 20))
        ended = started + dt.timedelta(days=30 * installments)
        status = "Active" if ended > LAST_RECORD_DATE else rng.choice(("Completed", "Defaulted"))
        plans.append(
            (
                f"PP-{started.year}-{len(plans) + 1:04d}",
                account,
                started.isoformat(),
                money(ledger.balance),
                money(ledger.balance // installments),
                installments,
                status,
                rng.choice(HARDSHIP_NOTES) if rng.random() < 0.85 else None,
            )
        )
        ledger.habit = "on_time"
    elif outcome == "Paid before shut-off":
        paid_on = random_date(rng, notice_date, scheduled)
        payments = tables["payments"]
        payments.append(
            (len(payments) + 1, account, paid_on.isoformat(), money(ledger.balance), "cash")
        )
        ledger.paid_since_bill += ledger.balance
        ledger.balance = 0
