"""The demo's address-of-record source: the City Clerk's annual street listing
(portal/demo/stores/city_clerk.py), looked up by date of birth; names are compared in
portal/postal/matching.py and the most recent listing year gives the residential address.

The demo setup calls `postal_demo_sources_ensure()` after the departments exist.
"""

from pathlib import Path
from typing import Any

from django.conf import settings

from portal.demo.departments import DEMO_DEPARTMENTS
from portal.demo.stores import city_clerk
from requests.models import ConnectorKind, DataSource, Department

SOURCE_SLUG = "city-clerk-addresses"

# Every column the address-of-record lookup must give (portal/postal/matching.py). The listing
# holds one row per person and year, with the unit inside `residential_address`.
ADDRESS_OF_RECORD_SQL = """
SELECT listing_year || '-' || resident_number AS record_key,
       resident_number AS person_key,
       first_name, middle_name, last_name, suffix, date_of_birth,
       residential_address AS address_line1,
       '' AS address_line2,
       'Westfield' AS city,
       'MA' AS state,
       zip AS postal_code,
       listing_year AS as_of
FROM street_listing
WHERE date_of_birth = :date_of_birth
"""


def address_source_configuration(*, database_url: str) -> dict[str, Any]:
    """The `sql` connector configuration for a City Clerk street listing at this database."""
    return {
        "database_url": database_url,
        "lookups": {
            "address_of_record": {
                "sql": ADDRESS_OF_RECORD_SQL.strip(),
                "key": "record_key",
                "record_type": "street_listing",
            }
        },
    }


def postal_demo_sources_ensure(*, directory: Path | None = None) -> DataSource:
    """Create or update the demo's address-of-record source over the demo City Clerk store."""
    directory = Path(directory or settings.DEMO_DATA_DIR)
    name, description = DEMO_DEPARTMENTS[city_clerk.SLUG]
    department, _ = Department.objects.get_or_create(
        slug=city_clerk.SLUG, defaults={"name": str(name), "description": str(description)}
    )
    database = (directory / city_clerk.FILENAME).resolve()
    source, _ = DataSource.objects.update_or_create(
        slug=SOURCE_SLUG,
        defaults={
            "department": department,
            "name": "Annual street listing: addresses of record",
            "kind": ConnectorKind.SQL,
            "configuration": address_source_configuration(database_url=f"sqlite:///{database}"),
            "responsible_officer": "City Clerk",
            "required_identity_level": 2,
            "enabled": True,
            "timeout_seconds": 20,
            "attribute_map": {"date_of_birth": "date_of_birth"},
            # The notice of the system (c. 30 §63), synthetic for the demo City.
            "purpose": (
                "The annual listing of residents aged 17 and over, kept by street (M.G.L. "
                "c. 51 § 4): jury lists, the voter rolls' confirmation, and the address of "
                "record for mailed identity codes."
            ),
            "categories_of_data": (
                "Name, date of birth, occupation, residential address, veteran status, "
                "nationality, listing year."
            ),
            "approximate_number_of_persons": 33000,
            "retention_and_disposal": (
                "Street listings are kept permanently in the City Clerk's office (Municipal "
                "Records Retention Schedule); working copies are deleted after each year's "
                "listing is published."
            ),
            "sources_of_data": (
                "The annual census form returned by each household; changes reported by "
                "residents in person or in writing."
            ),
            "uses_and_users": (
                "City Clerk's staff keep the listing; the Board of Registrars confirms voters; "
                "the Office of Jury Commissioner receives the list yearly (c. 234A); the "
                "portal reads addresses of record to mail identity codes."
            ),
        },
    )
    return source
