"""The demo City's data sources: how the portal reaches the department stores that
`portal/demo/stores/` writes, through the `sql` connector (tasks/connectors/sql.py).

Each source names its responsible officer (c. 66A §2(a)) and the identity level its records need
(DEPARTMENTS.md: water payment plans hold hardship notes, so level 3). Lookups take the parameter
`identifier`. The `account_knowledge_<kind>` lookups answer the level-2 identity check
(`portal.identity.selectors.account_knowledge_lookup_name`): the account's most recent bill first,
with `billing_name` and `amount_due`. A local SQLite path holds no secret, so `database_url` is
written out.
"""

from pathlib import Path
from typing import Any

from portal.demo.stores import treasurer, water_sewer
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


def _lookup(sql: str, key: str, record_type: str) -> dict[str, str]:
    return {"sql": " ".join(sql.split()), "key": key, "record_type": record_type}


def _by_account(table: str, key: str, record_type: str, order: str) -> dict[str, str]:
    return _lookup(
        f"SELECT * FROM {table} WHERE account_number = :identifier ORDER BY {order}",  # noqa: S608 (fixed names)
        key,
        record_type,
    )


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
            },
        },
        {
            "slug": "water-sewer-payment-plans",
            "department": "water_sewer",
            "name": "Water and sewer payment plans and hardship notes",
            "responsible_officer": "Superintendent of Water",
            "required_identity_level": 3,
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
    ]


def demo_sources_ensure(*, directory: Path) -> list[DataSource]:
    """Create or update the demo's data sources; idempotent (keyed by slug). The City Clerk's
    address-of-record source for codes by post is defined with that feature (portal.postal)."""
    from portal.postal.demo import postal_demo_sources_ensure

    sources = [postal_demo_sources_ensure(directory=directory)]
    for definition in demo_source_definitions(directory):
        definition = dict(definition)
        slug = definition.pop("slug")
        definition["department"] = Department.objects.get(slug=definition["department"])
        source, _created = DataSource.objects.update_or_create(
            slug=slug,
            defaults={
                **definition,
                "kind": ConnectorKind.SQL,
                "enabled": True,
                "timeout_seconds": 10,
            },
        )
        sources.append(source)
    return sources
