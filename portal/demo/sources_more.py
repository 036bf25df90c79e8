"""The demo City's other data sources, so that every demo department is reachable and every
connector kind appears: the Assessors, the City Clerk and the Building Department's databases
(`sql`), Parks and Recreation's nightly export (`csv`), the Building Department's paper archive
(`manual`: its steward searches by hand) and what this portal holds itself (`portal`).

Department systems print names and addresses their own way ("PEREZ DANIEL R", "360 UNION ST"),
so the queries pick candidates broadly (by surname, date of birth or a proved number) and name
their columns as portal.matching.strength reads them (`owner_name`, `name`, `property_address`,
`address`, `date_of_birth`...); matching then decides which rows are the resident's. Queries
select only what may be released: the Building Department's complainants are left out.
"""

from pathlib import Path
from typing import Any

from portal.demo.stores import assessors, building, city_clerk, parks_recreation
from requests.models import ConnectorKind

# --- Assessors ------------------------------------------------------------------------------

# The parcels a person owns or holds in trust or as a company's manager, by surname (the CAMA
# prints "LAST FIRST M"), or by a proved parcel id. A trustee is printed "PEREZ DANIEL R TR".
ASSESSORS_PARCELS = """
SELECT parcels.parcel_id,
       owners.owner_name, owners.co_owner_name, owners.owner_type,
       CASE WHEN owners.trustee_name LIKE '% TR'
            THEN substr(owners.trustee_name, 1, length(owners.trustee_name) - 3)
            ELSE COALESCE(owners.trustee_name, owners.manager_name) END AS name,
       owners.trustee_name, owners.manager_name, owners.care_of,
       parcels.location || ', WESTFIELD, MA ' || parcels.zip AS property_address,
       owners.mailing_address || ', ' || owners.mailing_city || ', ' || owners.mailing_state
           || ' ' || owners.mailing_zip AS mailing_address,
       owners.owned_since, owners.deed_book, owners.deed_page,
       parcels.land_use, parcels.units, parcels.lot_size_acres, parcels.year_built,
       parcels.fiscal_year, parcels.land_value, parcels.building_value, parcels.other_value,
       parcels.total_value
FROM owners JOIN parcels ON parcels.parcel_id = owners.parcel_id
WHERE owners.owner_name LIKE '%' || :last_name || '%'
   OR owners.co_owner_name LIKE '%' || :last_name || '%'
   OR owners.trustee_name LIKE '%' || :last_name || '%'
   OR owners.manager_name LIKE '%' || :last_name || '%'
   OR parcels.parcel_id = :parcel_id
ORDER BY parcels.parcel_id
"""


def _assessors_sales(party: str) -> str:
    """Sales where the person was the buyer (grantee) or the seller (grantor)."""
    return f"""
SELECT sales.sale_id, sales.parcel_id, sales.{party} AS owner_name,
       sales.grantor, sales.grantee,
       parcels.location || ', WESTFIELD, MA ' || parcels.zip AS property_address,
       sales.sale_date, sales.sale_price, sales.deed_type, sales.sale_code, sales.book, sales.page
FROM sales JOIN parcels ON parcels.parcel_id = sales.parcel_id
WHERE sales.{party} LIKE '%' || :last_name || '%'
ORDER BY sales.sale_date
"""  # noqa: S608 (the column is one of two fixed names)


ASSESSORS_EXEMPTIONS = """
SELECT exemptions.exemption_id, exemptions.parcel_id, exemptions.fiscal_year,
       exemptions.clause, exemptions.description, exemptions.applicant_name AS owner_name,
       parcels.location || ', WESTFIELD, MA ' || parcels.zip AS property_address,
       exemptions.amount, exemptions.granted_on
FROM exemptions JOIN parcels ON parcels.parcel_id = exemptions.parcel_id
WHERE exemptions.applicant_name LIKE '%' || :last_name || '%'
ORDER BY exemptions.fiscal_year, exemptions.exemption_id
"""
ASSESSORS_ABATEMENTS = """
SELECT abatements.application_number, abatements.parcel_id, abatements.fiscal_year,
       abatements.applicant_name AS owner_name,
       parcels.location || ', WESTFIELD, MA ' || parcels.zip AS property_address,
       abatements.filed_on, abatements.reason, abatements.status, abatements.decided_on,
       abatements.abated_amount, abatements.household_income, abatements.household_size,
       abatements.monthly_medical_expenses, abatements.hardship_statement
FROM abatements JOIN parcels ON parcels.parcel_id = abatements.parcel_id
WHERE abatements.applicant_name LIKE '%' || :last_name || '%'
ORDER BY abatements.fiscal_year, abatements.application_number
"""

ASSESSORS_PROPERTY_NOTICE = {
    "purpose": (
        "To value every parcel in the City each year for the property tax (M.G.L. c. 59 "
        "§§ 2A, 38), keep the list of owners of record, and certify the tax commitment."
    ),
    "categories_of_data": (
        "Parcel ids, owners', co-owners', trustees' and company managers' names, mailing and "
        "property addresses, deed references, sale prices and dates, valuation and building "
        "characteristics."
    ),
    "approximate_number_of_persons": 15500,
    "retention_and_disposal": (
        "Valuation and ownership records are kept permanently (Municipal Records Retention "
        "Schedule); working files and field cards are shredded after 10 years."
    ),
    "sources_of_data": (
        "Deeds recorded at the Hampden County Registry of Deeds; building permits from the "
        "Building Department; owners' returns and inspections by the Assessors' staff."
    ),
    "uses_and_users": (
        "The Assessors value and commit the tax; the Treasurer/Collector bills it; ownership and "
        "valuation are public records (c. 66 § 10) and shown on the City's property look-up; "
        "the State Department of Revenue certifies values every five years."
    ),
}
ASSESSORS_EXEMPTIONS_NOTICE = {
    "purpose": (
        "To decide applications for personal exemptions (elderly, veterans, blind, surviving "
        "spouses; c. 59 § 5) and for abatements of the property tax (c. 59 § 59)."
    ),
    "categories_of_data": (
        "Applicants' names, parcel, exemption clause (revealing age, veteran status or "
        "disability), amounts granted; abatement applications with reasons, and for hardship "
        "applications household income, household size, medical expenses and a statement."
    ),
    "approximate_number_of_persons": 1200,
    "retention_and_disposal": (
        "Kept 10 years after the fiscal year (Municipal Records Retention Schedule), then "
        "shredded or deleted; supporting income documents are returned or destroyed once the "
        "application is decided."
    ),
    "sources_of_data": (
        "Applicants and their representatives; the Veterans' Services Officer's and physicians' "
        "certificates the applicant supplies."
    ),
    "uses_and_users": (
        "The Board of Assessors and two named staff decide applications; the Treasurer/"
        "Collector credits the tax bill; the Appellate Tax Board on appeal; exemption and "
        "income records are exempt from public disclosure (c. 4 § 7(26)(c))."
    ),
    "sensitive": True,
}

# --- City Clerk -----------------------------------------------------------------------------

# By date of birth, with the first or the last name: a spouse is listed under the former
# surname before the wedding, and a listing year may misspell one of them.
CLERK_STREET_LISTING = """
SELECT listing_id, listing_year, resident_number, first_name, middle_name, last_name, suffix,
       date_of_birth, occupation, residential_address AS address_line1, '' AS address_line2,
       'Westfield' AS city, zip AS postal_code, ward_precinct, veteran
FROM street_listing
WHERE date_of_birth = :date_of_birth
  AND (last_name = :last_name COLLATE NOCASE OR first_name = :first_name COLLATE NOCASE)
ORDER BY listing_year
"""
CLERK_DOG_LICENCES = """
SELECT license_number, license_year, owner_name AS name, owner_address AS address, owner_phone,
       dog_name, breed, color, sex, spayed_neutered, rabies_certificate, rabies_vaccinated_on,
       rabies_expires_on, veterinarian, issued_on, fee
FROM dog_licenses
WHERE owner_name LIKE '%' || :last_name || '%' OR license_number = :dog_licence
ORDER BY license_year, license_number
"""
CLERK_BUSINESS_CERTIFICATES = """
SELECT certificate_number, business_name, business_type, owner_name AS name,
       owner_residence AS address, business_address, filed_on, expires_on
FROM business_certificates
WHERE owner_name LIKE '%' || :last_name || '%'
ORDER BY filed_on, certificate_number
"""
# The resident's side of an intention of marriage: the other party's name, birth and address
# stay in the record as `other_party_*` for the clerk to withhold.
CLERK_MARRIAGE_INTENTIONS = """
SELECT intention_number, filed_on, intended_date,
       CASE WHEN party_a_date_of_birth = :date_of_birth THEN party_a_name
            ELSE party_b_name END AS name,
       CASE WHEN party_a_date_of_birth = :date_of_birth THEN party_a_date_of_birth
            ELSE party_b_date_of_birth END AS date_of_birth,
       CASE WHEN party_a_date_of_birth = :date_of_birth THEN party_a_address
            ELSE party_b_address END AS address,
       CASE WHEN party_a_date_of_birth = :date_of_birth THEN party_a_surname_after
            ELSE party_b_surname_after END AS surname_after_marriage,
       CASE WHEN party_a_date_of_birth = :date_of_birth THEN party_b_name
            ELSE party_a_name END AS other_party_name,
       CASE WHEN party_a_date_of_birth = :date_of_birth THEN party_b_date_of_birth
            ELSE party_a_date_of_birth END AS other_party_date_of_birth,
       CASE WHEN party_a_date_of_birth = :date_of_birth THEN party_b_address
            ELSE party_a_address END AS other_party_address
FROM marriage_intentions
WHERE party_a_date_of_birth = :date_of_birth OR party_b_date_of_birth = :date_of_birth
ORDER BY filed_on
"""

CITY_CLERK_NOTICE = {
    "purpose": (
        "The annual listing of residents (M.G.L. c. 51 § 4), dog licensing (c. 140 § 137), "
        "business certificates of persons trading under another name (c. 110 § 5) and "
        "intentions of marriage (c. 207 § 19)."
    ),
    "categories_of_data": (
        "Names, dates of birth, occupations, residential addresses, ward and precinct, veteran "
        "status; dog owners' names, addresses and telephone numbers with their dogs' rabies "
        "certificates; business owners' names and residences; marriage applicants' names, "
        "dates of birth and addresses."
    ),
    "approximate_number_of_persons": 34000,
    "retention_and_disposal": (
        "Street listings and marriage records are kept permanently; dog licences 3 years and "
        "business certificates 5 years after they lapse (Municipal Records Retention Schedule), "
        "then shredded or deleted."
    ),
    "sources_of_data": (
        "The annual census form returned by each household; dog owners and their "
        "veterinarians; business owners; the couple filing an intention."
    ),
    "uses_and_users": (
        "City Clerk's staff; the Board of Registrars and the Office of Jury Commissioner "
        "(c. 234A) receive the listing; the Animal Control Officer reads dog licences; business "
        "certificates and marriage intentions are public records; the State Registry of Vital "
        "Records receives marriage records."
    ),
}

# --- Parks and Recreation -------------------------------------------------------------------

PARKS_NOTICE = {
    "purpose": (
        "To register children and adults for the City's recreation programs, collect fees, and "
        "reach a guardian or emergency contact and know of a medical need during a program."
    ),
    "categories_of_data": (
        "Participants' names and dates of birth (mostly children), email and telephone, home "
        "address, guardians' names and contact details, emergency contacts' names, telephone "
        "and relationship, medical notes and allergies, fees and payment dates."
    ),
    "approximate_number_of_persons": 2500,
    "retention_and_disposal": (
        "Registrations are kept 3 years after the program season, medical notes until the "
        "season ends (Municipal Records Retention Schedule); the registration vendor deletes "
        "them on the department's written instruction."
    ),
    "sources_of_data": (
        "Participants and guardians when they register online or at the office; the emergency "
        "contacts they name."
    ),
    "uses_and_users": (
        "Recreation staff and program leaders run programs; the registration software vendor "
        "hosts the system under contract; medical notes go only to the program leader of the "
        "participant's session; nothing is shared outside the City except as the law requires."
    ),
    # Children's records and medical notes (DEPARTMENTS.md).
    "sensitive": True,
}

# --- Building Department --------------------------------------------------------------------

BUILDING_PERMITS = """
SELECT permit_number, permit_type, work_description, property_address, parcel_id,
       owner_name, applicant_name AS name, applicant_phone, contractor_name, contractor_license,
       estimated_cost, fee, applied_on, issued_on, status, closed_on
FROM permits
WHERE owner_name LIKE '%' || :last_name || '%'
   OR applicant_name LIKE '%' || :last_name || '%'
   OR parcel_id = :parcel_id
   OR permit_number = :building_permit
ORDER BY applied_on, permit_number
"""
BUILDING_INSPECTIONS = """
SELECT inspections.inspection_id, inspections.permit_number, permits.property_address,
       permits.parcel_id, permits.owner_name, permits.applicant_name AS name,
       inspections.inspected_on, inspections.inspection_type, inspections.result,
       inspections.inspector, inspections.notes
FROM inspections JOIN permits ON permits.permit_number = inspections.permit_number
WHERE permits.owner_name LIKE '%' || :last_name || '%'
   OR permits.applicant_name LIKE '%' || :last_name || '%'
   OR permits.parcel_id = :parcel_id
   OR permits.permit_number = :building_permit
ORDER BY inspections.inspected_on, inspections.inspection_id
"""
# The complainant's name and telephone are someone else's data: never selected.
BUILDING_CODE_CASES = """
SELECT case_number, property_address, parcel_id, owner_name, complaint_type, description,
       opened_on, status, closed_on
FROM code_cases
WHERE owner_name LIKE '%' || :last_name || '%' OR parcel_id = :parcel_id
ORDER BY opened_on, case_number
"""

BUILDING_PERMITTING_NOTICE = {
    "purpose": (
        "To issue and inspect building, electrical, plumbing and gas permits and enforce the "
        "State Building Code and the City's ordinances (780 CMR; M.G.L. c. 143)."
    ),
    "categories_of_data": (
        "Permit applications with applicants', owners' and contractors' names, telephone and "
        "licence numbers, property addresses and parcel ids, costs and fees; inspection results "
        "and inspectors' notes; code-enforcement cases against a property."
    ),
    "approximate_number_of_persons": 9000,
    "retention_and_disposal": (
        "Permits and inspections are kept for the life of the building; closed enforcement "
        "cases 7 years (Municipal Records Retention Schedule), then deleted by the permitting "
        "vendor on the department's written instruction."
    ),
    "sources_of_data": (
        "Applicants, owners and contractors; the department's inspectors; complaints from the "
        "public (the complainant's identity is withheld from the owner)."
    ),
    "uses_and_users": (
        "The Building Commissioner and inspectors; the Assessors for changes in value; the Fire "
        "Department for plan review; the permitting software vendor hosts the system under "
        "contract; permits are public records."
    ),
}
BUILDING_ARCHIVE_NOTICE = {
    "purpose": (
        "The department's paper files from before the permitting system (2017): permit "
        "applications, plans, inspection cards and code-enforcement case folders, kept by "
        "property address and searched by hand by the department."
    ),
    "categories_of_data": (
        "Applicants', owners' and contractors' names and addresses, plans of the building, "
        "inspection cards, enforcement letters and orders."
    ),
    "approximate_number_of_persons": 20000,
    "retention_and_disposal": (
        "Kept for the life of the building; enforcement folders 7 years after the case closes "
        "(Municipal Records Retention Schedule), then shredded."
    ),
    "sources_of_data": (
        "Applicants, owners and contractors; the department's inspectors; complaints from the "
        "public."
    ),
    "uses_and_users": (
        "The Building Commissioner and inspectors when work is done on the property again; "
        "owners, buyers and their attorneys reading a property's file (public records)."
    ),
}

# --- The portal itself ----------------------------------------------------------------------

PORTAL_NOTICE = {
    "purpose": (
        "To let residents ask for, receive and correct the City's records about them (M.G.L. "
        "c. 66A), and to keep what the City's web forms and surveys collected."
    ),
    "categories_of_data": (
        "Account email, profile (legal name, date of birth, telephone, addresses, City account "
        "numbers), requests and their messages and uploads, identity evidence; web-form and "
        "survey submissions with names, email, telephone, messages and answers."
    ),
    "approximate_number_of_persons": 6000,
    "retention_and_disposal": (
        "Requests and messages are kept 6 years after they are answered, identity evidence "
        "until its retention period ends, web-form submissions 3 years (Municipal Records "
        "Retention Schedule); then deleted."
    ),
    "sources_of_data": (
        "Residents and their representatives; the City's staff answering requests; people "
        "filling in the City's web forms and surveys."
    ),
    "uses_and_users": (
        "The City Clerk's staff and the privacy officer answer requests; department stewards "
        "for their sources; web-form submissions go to the department each form is for; the "
        "hosting provider under contract."
    ),
}


def _lookup(sql: str, key: str, record_type: str) -> dict[str, str]:
    return {"sql": " ".join(sql.split()), "key": key, "record_type": record_type}


def _sqlite_url(directory: Path, filename: str) -> str:
    return f"sqlite:///{(directory / filename).resolve()}"


def more_source_definitions(directory: Path) -> list[dict[str, Any]]:
    """The Assessors', City Clerk's, Parks and Recreation's, Building Department's and the
    portal's own sources, over the stores written into `directory`."""
    return [
        {
            "slug": "assessors-property",
            "department": "assessors",
            "kind": ConnectorKind.SQL,
            "name": "Property valuation: parcels, owners and sales",
            "responsible_officer": "Chair of the Board of Assessors",
            "required_identity_level": 2,
            **ASSESSORS_PROPERTY_NOTICE,
            "attribute_map": {"last_name": "last_name", "parcel_id": "parcel_id"},
            "configuration": {
                "database_url": _sqlite_url(directory, assessors.FILENAME),
                "lookups": {
                    "parcels": _lookup(ASSESSORS_PARCELS, "parcel_id", "parcel_owner"),
                    "purchases": _lookup(_assessors_sales("grantee"), "sale_id", "property_sale"),
                    "sales": _lookup(_assessors_sales("grantor"), "sale_id", "property_sale"),
                },
            },
        },
        {
            "slug": "assessors-exemptions-abatements",
            "department": "assessors",
            "kind": ConnectorKind.SQL,
            "name": "Personal exemptions and abatement applications",
            "responsible_officer": "Chair of the Board of Assessors",
            "required_identity_level": 3,
            **ASSESSORS_EXEMPTIONS_NOTICE,
            "attribute_map": {"last_name": "last_name"},
            "configuration": {
                "database_url": _sqlite_url(directory, assessors.FILENAME),
                "lookups": {
                    "exemptions": _lookup(ASSESSORS_EXEMPTIONS, "exemption_id", "exemption"),
                    "abatements": _lookup(
                        ASSESSORS_ABATEMENTS, "application_number", "abatement_application"
                    ),
                },
            },
        },
        {
            "slug": "city-clerk-records",
            "department": "city_clerk",
            "kind": ConnectorKind.SQL,
            "name": "Street listing, dog licences, business certificates, marriage intentions",
            "responsible_officer": "City Clerk",
            "required_identity_level": 2,
            **CITY_CLERK_NOTICE,
            "attribute_map": {
                "first_name": "first_name",
                "last_name": "last_name",
                "date_of_birth": "date_of_birth",
                "dog_licence": "dog_licence",
            },
            "configuration": {
                "database_url": _sqlite_url(directory, city_clerk.FILENAME),
                "lookups": {
                    "street_listing": _lookup(CLERK_STREET_LISTING, "listing_id", "street_listing"),
                    "dog_licences": _lookup(CLERK_DOG_LICENCES, "license_number", "dog_licence"),
                    "business_certificates": _lookup(
                        CLERK_BUSINESS_CERTIFICATES, "certificate_number", "business_certificate"
                    ),
                    "marriage_intentions": _lookup(
                        CLERK_MARRIAGE_INTENTIONS, "intention_number", "marriage_intention"
                    ),
                },
            },
        },
        {
            "slug": "parks-recreation-registrations",
            "department": "parks_recreation",
            "kind": ConnectorKind.CSV,
            "name": "Program registrations (nightly export)",
            "responsible_officer": "Director of Parks and Recreation",
            "required_identity_level": 3,
            **PARKS_NOTICE,
            "attribute_map": {
                "first_name": "first_name",
                "last_name": "last_name",
                "date_of_birth": "date_of_birth",
            },
            "configuration": {
                "folder": str((directory / parks_recreation.FOLDER).resolve()),
                "file": "registrations-*.csv",
                "lookups": {
                    "registrations_as_participant": {
                        "match": {
                            "participant_first_name": "first_name",
                            "participant_last_name": "last_name",
                            "participant_date_of_birth": "date_of_birth",
                        },
                        "record_type": "program_registration",
                        "key": "registration_id",
                        # The export's own column names, as matching reads them.
                        "fields": {
                            "participant_first_name": "first_name",
                            "participant_last_name": "last_name",
                            "participant_date_of_birth": "date_of_birth",
                            "home_address": "address",
                        },
                    },
                },
            },
        },
        {
            "slug": "building-permits",
            "department": building.SLUG,
            "kind": ConnectorKind.SQL,
            "name": "Permits, inspections and code enforcement (permitting system)",
            "responsible_officer": "Building Commissioner",
            "required_identity_level": 2,
            **BUILDING_PERMITTING_NOTICE,
            "attribute_map": {
                "last_name": "last_name",
                "parcel_id": "parcel_id",
                "building_permit": "building_permit",
            },
            "configuration": {
                "database_url": _sqlite_url(directory, building.FILENAME),
                "lookups": {
                    "permits": _lookup(BUILDING_PERMITS, "permit_number", "building_permit"),
                    "inspections": _lookup(BUILDING_INSPECTIONS, "inspection_id", "inspection"),
                    "code_cases": _lookup(BUILDING_CODE_CASES, "case_number", "code_case"),
                },
            },
        },
        {
            "slug": "building-paper-archive",
            "department": building.SLUG,
            "kind": ConnectorKind.MANUAL,
            "name": "Paper permit and code-enforcement files before 2017",
            "responsible_officer": "Building Commissioner",
            "required_identity_level": 2,
            **BUILDING_ARCHIVE_NOTICE,
            "attribute_map": {},
            "configuration": {},
        },
        {
            "slug": "portal-own-records",
            "department": "portal",
            "kind": ConnectorKind.PORTAL,
            "name": "This portal: profile, web forms and messages",
            "responsible_officer": "Privacy Officer",
            "required_identity_level": 2,
            **PORTAL_NOTICE,
            "attribute_map": {"account_id": "account_id"},
            "configuration": {"include": ["profile", "web_forms", "messages"]},
        },
    ]
