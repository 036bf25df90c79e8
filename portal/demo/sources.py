"""The demo City's data sources: how the portal reaches the department stores that
`portal/demo/stores/` writes, through the `sql` connector (tasks/connectors/sql.py), and the
water vendor's online service through the `http` connector. The other departments' sources, and
the `csv`, `manual` and `portal` kinds, are in portal/demo/sources_more.py.

Each source names its responsible officer (c. 66A §2(a)) and the identity level its records need
(DEPARTMENTS.md: water payment plans hold hardship notes, so level 3). Lookups take the parameter
`identifier`. The `account_knowledge_<kind>` lookups answer the level-2 identity check
(`portal.identity.selectors.account_knowledge_lookup_name`): the account's most recent bill first,
with `billing_name` and `amount_due`. A local SQLite path holds no secret, so `database_url` is
written out.
"""

from pathlib import Path
from typing import Any

from portal.demo.sources_more import more_source_definitions
from portal.demo.stores import parks_recreation, treasurer, water_sewer
from portal.demo.water_service import TOKEN_ENV as WATER_SERVICE_TOKEN_ENV
from portal.demo.water_service import water_service_port
from requests.models import ConnectorKind, DataSource, Department

WATER_ACCOUNT_KNOWLEDGE = """
SELECT accounts.account_number, accounts.billing_name, bills.amount_due, bills.bill_date
FROM accounts JOIN bills ON bills.account_number = accounts.account_number
WHERE accounts.account_number = :identifier
ORDER BY bills.bill_date DESC, bills.bill_number DESC
LIMIT 1
"""

# Only a bill of the parcel's latest tax year counts as recent; its latest quarter is the amount.
TAX_BILL_ACCOUNT_KNOWLEDGE = """
SELECT bill_number, quarter, billed_name AS billing_name, amount AS amount_due,
       issued_date AS bill_date
FROM real_estate_bills
WHERE bill_number = :identifier
  AND fiscal_year = (
      SELECT MAX(latest.fiscal_year) FROM real_estate_bills AS latest
      WHERE latest.parcel_id = real_estate_bills.parcel_id
  )
ORDER BY quarter DESC
LIMIT 1
"""


# The notice of each system (c. 30 §63; requests/sources.py exports them). Synthetic text for
# the demo City, in the shape a real filing takes.
WATER_BILLING_NOTICE = {
    "purpose": (
        "To bill and collect water and sewer charges for each service address, read meters, "
        "and give notice before service is shut off (M.G.L. c. 40 §§ 39A-39L, c. 83 § 16)."
    ),
    "categories_of_data": (
        "Account number, billing name, service and mailing addresses, meter readings and "
        "usage, bills, payments and their dates, shut-off notices."
    ),
    "approximate_number_of_persons": 13500,
    "retention_and_disposal": (
        "Bills and payments are kept 6 years after the account closes, meter readings 3 "
        "years (Municipal Records Retention Schedule); paper is shredded and electronic "
        "records are deleted by the billing vendor on the department's written instruction."
    ),
    "sources_of_data": (
        "Account holders when they open an account; meter reading equipment; the Treasurer/"
        "Collector for payments received; the Assessors for ownership changes."
    ),
    "uses_and_users": (
        "Water and sewer billing staff bill and collect; the Treasurer/Collector posts "
        "payments; the billing software vendor hosts the system under contract; unpaid "
        "charges are certified to the Assessors for a lien on the property tax bill."
    ),
}
PAYMENT_PLANS_NOTICE = {
    "purpose": (
        "To agree and follow payment plans with account holders who cannot pay a water and "
        "sewer bill in full, and to postpone shut-off for hardship."
    ),
    "categories_of_data": (
        "Account number, payment plan terms and instalments, hardship notes (income, "
        "household circumstances, medical certification against shut-off)."
    ),
    "approximate_number_of_persons": 400,
    "retention_and_disposal": (
        "Kept 6 years after the plan ends (Municipal Records Retention Schedule), then "
        "shredded or deleted; hardship documents are returned or destroyed when the plan "
        "is approved."
    ),
    "sources_of_data": (
        "Account holders applying for a plan; their physicians or social service agencies, "
        "with their consent."
    ),
    "uses_and_users": (
        "The Superintendent of Water and two named billing supervisors decide and monitor "
        "plans; no use outside the department except as the law requires."
    ),
    "sensitive": True,
}
REAL_ESTATE_TAX_NOTICE = {
    "purpose": (
        "To bill, collect and account for real-estate taxes on each parcel (M.G.L. c. 59, c. 60)."
    ),
    "categories_of_data": (
        "Bill numbers, parcel ids, owners' and co-owners' names, mailing addresses, amounts "
        "billed by quarter, payments with their dates and methods."
    ),
    "approximate_number_of_persons": 16000,
    "retention_and_disposal": (
        "Tax bills and receipts are kept 10 years (Municipal Records Retention Schedule) and "
        "tax-title records permanently; then shredded or deleted."
    ),
    "sources_of_data": (
        "The Assessors' commitment of the tax list; taxpayers and their banks or mortgage "
        "servicers for payments; the lockbox bank."
    ),
    "uses_and_users": (
        "The Treasurer/Collector's staff bill, collect and take tax-title; the Assessors "
        "for abatements; mortgage servicers and closing attorneys receive municipal lien "
        "certificates on request (c. 60 § 23); the State Department of Revenue for audits."
    ),
}


# The account fields a steward's approved correction is written back to, each a compare-and-set
# on the value the resident saw (tasks/connectors/sql.py). The column names are fixed text.
WATER_ACCOUNT_CORRECTABLE = ("billing_name", "mailing_address", "mailing_city", "mailing_zip")


def _account_corrections() -> dict[str, dict[str, str]]:
    return {
        column: {
            "read": f"SELECT {column} AS value FROM accounts WHERE account_number = :key",  # noqa: S608 (fixed names)
            "update": (
                f"UPDATE accounts SET {column} = :new "  # noqa: S608 (fixed names)
                f"WHERE account_number = :key AND {column} = :expected"
            ),
        }
        for column in WATER_ACCOUNT_CORRECTABLE
    }


def _lookup(sql: str, key: str, record_type: str) -> dict[str, str]:
    return {"sql": " ".join(sql.split()), "key": key, "record_type": record_type}


def _by_account(table: str, key: str, record_type: str, order: str) -> dict[str, str]:
    return _lookup(
        f"SELECT * FROM {table} WHERE account_number = :identifier ORDER BY {order}",  # noqa: S608 (fixed names)
        key,
        record_type,
    )


def water_service_source_definition() -> dict[str, Any]:
    """The water vendor's online service (portal/demo/water_service.py), which rundemo starts on
    loopback. It finds accounts by billing name and address, for a resident who has not proved
    an account number; the records of an account known by number come from the billing
    database source above, so no record is gathered twice under one key."""
    return {
        "slug": "water-sewer-billing-online",
        "department": "water_sewer",
        "kind": ConnectorKind.HTTP,
        "name": "Water and Sewer billing (online service)",
        "responsible_officer": "Superintendent of Water",
        "required_identity_level": 2,
        **WATER_BILLING_NOTICE,
        "attribute_map": {"legal_name": "name", "current_address": "address"},
        "configuration": {
            "base_url": f"http://127.0.0.1:{water_service_port()}",
            "token_env": WATER_SERVICE_TOKEN_ENV,
            "lookups": {
                "accounts_by_name_and_address": {
                    "path": "/accounts",
                    "params": {"name": "{name}", "address": "{address}"},
                    "record_type": "water_sewer_account",
                    "key": "account_number",
                    "records": "accounts",
                },
            },
        },
    }


def demo_source_definitions(directory: Path) -> list[dict[str, Any]]:
    water_url = f"sqlite:///{(directory / water_sewer.FILENAME).resolve()}"
    treasurer_url = f"sqlite:///{(directory / treasurer.FILENAME).resolve()}"
    return [
        {
            "slug": "water-sewer-billing",
            "department": "water_sewer",
            "name": "Water and sewer billing",
            "responsible_officer": "Superintendent of Water",
            "required_identity_level": 2,
            **WATER_BILLING_NOTICE,
            "attribute_map": {"water_sewer_account": "identifier"},
            "configuration": {
                "database_url": water_url,
                "lookups": {
                    "account_knowledge_water_sewer_account": _lookup(
                        WATER_ACCOUNT_KNOWLEDGE, "account_number", "water_sewer_bill"
                    ),
                    "account": _by_account(
                        "accounts", "account_number", "water_sewer_account", "account_number"
                    ),
                    "bills": _by_account("bills", "bill_number", "water_sewer_bill", "bill_date"),
                    "payments": _by_account(
                        "payments", "payment_id", "water_sewer_payment", "paid_on"
                    ),
                    "meter_readings": _by_account(
                        "meter_readings", "reading_id", "meter_reading", "read_on"
                    ),
                    "shutoff_notices": _by_account(
                        "shutoff_notices", "notice_number", "shutoff_notice", "notice_date"
                    ),
                },
                "corrections": {"water_sewer_account": _account_corrections()},
            },
        },
        {
            "slug": "water-sewer-payment-plans",
            "department": "water_sewer",
            "name": "Water and sewer payment plans and hardship notes",
            "responsible_officer": "Superintendent of Water",
            "required_identity_level": 3,
            **PAYMENT_PLANS_NOTICE,
            "attribute_map": {"water_sewer_account": "identifier"},
            "configuration": {
                "database_url": water_url,
                "lookups": {
                    "payment_plans": _by_account(
                        "payment_plans", "plan_number", "payment_plan", "started_on"
                    ),
                },
            },
        },
        {
            "slug": "treasurer-real-estate-tax",
            "department": "treasurer",
            "name": "Real-estate tax bills and payments",
            "responsible_officer": "Treasurer/Collector",
            "required_identity_level": 2,
            **REAL_ESTATE_TAX_NOTICE,
            "attribute_map": {"real_estate_bill": "identifier"},
            "configuration": {
                "database_url": treasurer_url,
                "lookups": {
                    "account_knowledge_real_estate_bill": _lookup(
                        TAX_BILL_ACCOUNT_KNOWLEDGE, "bill_number", "real_estate_bill"
                    ),
                    "real_estate_bills": _lookup(
                        "SELECT bill_number || '-Q' || quarter AS bill_key, * "
                        "FROM real_estate_bills WHERE bill_number = :identifier "
                        "ORDER BY quarter",
                        "bill_key",
                        "real_estate_bill",
                    ),
                    "real_estate_payments": _lookup(
                        "SELECT * FROM payments WHERE bill_type = 'real_estate' "
                        "AND bill_number = :identifier ORDER BY paid_date",
                        "payment_id",
                        "tax_payment",
                    ),
                },
            },
        },
        water_service_source_definition(),
        *more_source_definitions(directory),
    ]


def demo_sources_ensure(*, directory: Path) -> list[DataSource]:
    """Create or update the demo's data sources; idempotent (keyed by slug). The City Clerk's
    address-of-record source for codes by post is defined with that feature (portal.postal)."""
    from portal.postal.demo import postal_demo_sources_ensure

    # The folder Parks and Recreation's nightly export is dropped into: a csv source names a
    # folder that exists, even before the first export has arrived.
    (directory / parks_recreation.FOLDER).mkdir(parents=True, exist_ok=True)
    sources = [postal_demo_sources_ensure(directory=directory)]
    for definition in demo_source_definitions(directory):
        definition = dict(definition)
        slug = definition.pop("slug")
        definition["department"] = Department.objects.get(slug=definition["department"])
        source, _created = DataSource.objects.update_or_create(
            slug=slug,
            defaults={
                "kind": ConnectorKind.SQL,
                **definition,
                "enabled": True,
                "timeout_seconds": 10,
            },
        )
        sources.append(source)
    return sources
