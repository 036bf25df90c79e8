"""The department data stores: complete, consistent with the population, and safe to rebuild."""

import csv
import datetime as dt
import json
import pathlib
import re
import sqlite3

import pytest

from portal.demo.population import REFERENCE_DATE, Person, format_address, generate_population
from portal.demo.stores import (
    DEPARTMENT_SLUGS,
    GENERATOR_VERSION,
    building,
    read_manifest,
    stores_are_current,
    treasurer,
    write_stores,
)

SEED = 2026
COUNT = 800
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@pytest.fixture(scope="module")
def people() -> list[Person]:
    return generate_population(seed=SEED, count=COUNT)


@pytest.fixture(scope="module")
def stores(
    people: list[Person], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, pathlib.Path]:
    return write_stores(people, tmp_path_factory.mktemp("stores"), seed=SEED)


@pytest.fixture(scope="module")
def directory(stores: dict[str, pathlib.Path]) -> pathlib.Path:
    return stores["assessors"].parent


def _query(path: pathlib.Path, sql: str, *parameters: object) -> list[tuple]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql, parameters).fetchall()
    finally:
        connection.close()


def _tables(path: pathlib.Path) -> list[str]:
    rows = _query(path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    return [name for (name,) in rows]


def _dump(path: pathlib.Path) -> list[str]:
    """The whole database as SQL text: equal dumps mean equal schemas and equal rows."""
    connection = sqlite3.connect(path)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def _row_counts(path: pathlib.Path) -> dict[str, int]:
    counts = dict.fromkeys(_tables(path), 0)
    for statement in _dump(path):
        match = re.match(r'INSERT INTO "(\w+)" VALUES', statement)
        if match:
            counts[match.group(1)] += 1
    return counts


def _columns(path: pathlib.Path, table: str) -> list[tuple[str, int]]:
    return _query(path, "SELECT name, pk FROM pragma_table_info(?)", table)


def _csv_rows(folder: pathlib.Path) -> list[dict[str, str]]:
    (export,) = sorted(folder.glob("registrations-*.csv"))
    with export.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _years_before(iso_day: str, years: int) -> str:
    day = dt.date.fromisoformat(iso_day)
    return day.replace(year=day.year - years, day=min(day.day, 28)).isoformat()


def _luhn_valid(number: str) -> bool:
    digits = [int(char) for char in number][::-1]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * digit, 10)) for digit in digits[1::2])
    return total % 10 == 0


# The manifest and the files ------------------------------------------------------------------


def test_write_stores_returns_one_existing_path_per_department(
    stores: dict[str, pathlib.Path],
) -> None:
    assert (
        set(stores)
        == set(DEPARTMENT_SLUGS)
        == {
            "assessors",
            "treasurer",
            "city_clerk",
            "water_sewer",
            "parks_recreation",
            "building",
            "portal",
        }
    )
    assert all(path.exists() for path in stores.values())
    assert stores["parks_recreation"].is_dir()
    assert stores["portal"].name == "portal_webforms.json"


def test_every_store_listed_in_manifest_with_row_counts(
    stores: dict[str, pathlib.Path], directory: pathlib.Path
) -> None:
    manifest = read_manifest(directory)
    assert manifest is not None
    assert (manifest["seed"], manifest["count"]) == (SEED, COUNT)
    assert manifest["generator_version"] == GENERATOR_VERSION
    assert set(manifest["stores"]) == set(stores)
    for slug, store in manifest["stores"].items():
        assert (directory / store["path"]).resolve() == stores[slug].resolve()
        assert all((directory / file).is_file() for file in store["files"])
        assert store["tables"] and all(rows > 0 for rows in store["tables"].values())
        if store["format"] == "sqlite":
            assert _row_counts(stores[slug]) == store["tables"]
    parks = manifest["stores"]["parks_recreation"]["tables"]["registrations"]
    assert parks == len(_csv_rows(stores["parks_recreation"]))
    webforms = json.loads(stores["portal"].read_text(encoding="utf-8"))
    assert manifest["stores"]["portal"]["tables"]["submissions"] == len(webforms)


def test_stores_are_current_only_for_the_seed_and_count_they_were_built_with(
    directory: pathlib.Path,
) -> None:
    assert stores_are_current(directory, seed=SEED, count=COUNT)
    assert not stores_are_current(directory, seed=SEED + 1, count=COUNT)
    assert not stores_are_current(directory, seed=SEED, count=COUNT + 1)
    assert not stores_are_current(directory / "missing", seed=SEED, count=COUNT)


def test_same_seed_gives_identical_stores(
    people: list[Person], stores: dict[str, pathlib.Path], tmp_path: pathlib.Path
) -> None:
    again = write_stores(people, tmp_path, seed=SEED)
    for slug in ("assessors", "treasurer", "city_clerk", "water_sewer", "building"):
        assert _dump(again[slug]) == _dump(stores[slug])
    assert _csv_rows(again["parks_recreation"]) == _csv_rows(stores["parks_recreation"])
    assert again["portal"].read_bytes() == stores["portal"].read_bytes()


def test_each_store_draws_from_its_own_generator(
    people: list[Person],
    stores: dict[str, pathlib.Path],
    tmp_path: pathlib.Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(treasurer, "SEED_OFFSET", 99)
    shifted = write_stores(people, tmp_path, seed=SEED)
    assert _dump(shifted["treasurer"]) != _dump(stores["treasurer"])
    assert _dump(shifted["assessors"]) == _dump(stores["assessors"])
    assert _dump(shifted["water_sewer"]) == _dump(stores["water_sewer"])


def test_rewriting_replaces_stores_and_leaves_no_temporary_files(
    tmp_path: pathlib.Path,
) -> None:
    write_stores(generate_population(seed=1, count=150), tmp_path, seed=1)
    paths = write_stores(generate_population(seed=2, count=150), tmp_path, seed=2)
    assert read_manifest(tmp_path)["seed"] == 2
    leftovers = [path for path in tmp_path.rglob(".*") if path.is_file()]
    assert leftovers == []
    assert _query(paths["assessors"], "SELECT count(*) FROM parcels")[0][0] > 0


def test_a_failed_rewrite_keeps_the_previous_store(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    people = generate_population(seed=1, count=150)
    paths = write_stores(people, tmp_path, seed=1)
    before = _dump(paths["building"])
    monkeypatch.setattr(building, "SCHEMA", "CREATE TABLE broken (")
    with pytest.raises(sqlite3.Error):
        write_stores(people, tmp_path, seed=3)
    assert _dump(paths["building"]) == before
    assert [path for path in tmp_path.rglob(".*") if path.is_file()] == []


def test_every_table_has_a_primary_key_and_searched_columns_are_indexed(
    stores: dict[str, pathlib.Path],
) -> None:
    for slug, path in stores.items():
        if path.suffix != ".sqlite3":
            continue
        for table in _tables(path):
            primary = [name for name, pk in _columns(path, table) if pk]
            assert primary, f"{slug}.{table} has no primary key"
    expected = {
        "assessors": {"owners": "owner_name", "parcels": "location", "sales": "grantor"},
        "treasurer": {"excise_bills": "plate", "real_estate_bills": "billed_name"},
        "city_clerk": {"street_listing": "last_name", "dog_licenses": "owner_name"},
        "water_sewer": {"accounts": "billing_name"},
        "building": {"permits": "property_address", "code_cases": "complainant_name"},
    }
    for slug, tables in expected.items():
        for table, column in tables.items():
            indexed = set()
            for (index,) in _query(stores[slug], "SELECT name FROM pragma_index_list(?)", table):
                info = _query(stores[slug], "SELECT name FROM pragma_index_info(?)", index)
                indexed |= {name for (name,) in info}
            assert column in indexed, f"{slug}.{table}.{column} is not indexed"


def test_record_dates_are_before_the_reference_date(stores: dict[str, pathlib.Path]) -> None:
    latest = REFERENCE_DATE.isoformat()
    dates: list[str] = []
    for path in stores.values():
        if path.suffix == ".sqlite3":
            dates += [found for line in _dump(path) for found in ISO_DATE.findall(line)]
    assert len(dates) > 10_000
    expiries = {
        value
        for (value,) in _query(stores["city_clerk"], "SELECT rabies_expires_on FROM dog_licenses")
        + _query(stores["city_clerk"], "SELECT expires_on FROM business_certificates")
    }
    assert {found for found in dates if found >= latest} <= expiries
    for row in _csv_rows(stores["parks_recreation"]):
        assert row["registered_on"] < latest and row["session_start"] < latest
    for submission in json.loads(stores["portal"].read_text(encoding="utf-8")):
        assert submission["submitted_at"][:10] < latest


# What each department holds ------------------------------------------------------------------


def test_about_half_the_parcels_are_owner_occupied_and_owners_are_spelled_last_first_upper(
    people: list[Person], stores: dict[str, pathlib.Path]
) -> None:
    owners = _query(stores["assessors"], "SELECT owner_name, owner_type FROM owners")
    individuals = [name for name, kind in owners if kind == "INDIVIDUAL"]
    assert all(name == name.upper() for name in individuals)
    assert {"TRUST", "LLC"} <= {kind for _, kind in owners}
    homeowner = next(person for person in people if person.is_homeowner and person.middle)
    location = format_address(homeowner.address, "upper_street_only")
    recorded = _query(
        stores["assessors"],
        "SELECT owner_name, co_owner_name, trustee_name FROM owners "
        "JOIN parcels USING (parcel_id) WHERE location = ?",
        location,
    )
    assert recorded
    assert homeowner.last.upper() in " ".join(filter(None, recorded[0]))


def test_people_who_moved_appear_at_previous_address_in_older_records(
    people: list[Person], stores: dict[str, pathlib.Path]
) -> None:
    sellers = [
        (person, previous)
        for person in people
        if person.household_role == "head"
        for previous in person.previous_addresses
        if previous.owned and previous.moved_out >= dt.date(2017, 1, 1)
    ]
    assert sellers
    for person, previous in sellers:
        street = format_address(previous.address, "upper_street_only")
        sales = _query(
            stores["assessors"],
            "SELECT grantor FROM sales JOIN parcels USING (parcel_id) "
            "WHERE location = ? AND sale_date = ?",
            street,
            previous.moved_out.isoformat(),
        )
        assert sales
        # Departments make the odd typo, but never in the first and last name at once.
        assert person.last.upper() in sales[0][0] or person.first.upper() in sales[0][0]
        closed = _query(
            stores["water_sewer"],
            "SELECT closed_on FROM accounts WHERE service_address = ? AND closed_on = ?",
            format_address(previous.address, "street_only"),
            previous.moved_out.isoformat(),
        )
        assert closed
    listed_before_moving = [
        (person, previous, year)
        for person in people
        for previous in person.previous_addresses
        for year in range(2022, 2027)
        if previous.moved_in <= dt.date(year, 1, 1) < previous.moved_out
    ]
    assert listed_before_moving
    found = 0
    for person, previous, year in listed_before_moving:
        found += bool(
            _query(
                stores["city_clerk"],
                "SELECT 1 FROM street_listing WHERE listing_year = ? AND date_of_birth = ? "
                "AND street_name = ? AND street_number = ?",
                year,
                person.date_of_birth.isoformat(),
                previous.address.street,
                previous.address.number,
            )
        )
    assert found >= 0.85 * len(listed_before_moving)


def test_street_listing_covers_most_residents_every_year(
    people: list[Person], stores: dict[str, pathlib.Path]
) -> None:
    for year in (2022, 2026):
        living_here = [person for person in people if person.address_on(dt.date(year, 1, 1))]
        listed = _query(
            stores["city_clerk"],
            "SELECT count(DISTINCT resident_number) FROM street_listing WHERE listing_year = ?",
            year,
        )[0][0]
        assert 0.9 * len(living_here) <= listed <= len(living_here)


def test_legacy_card_numbers_pass_luhn(stores: dict[str, pathlib.Path]) -> None:
    rows = _query(
        stores["treasurer"],
        "SELECT card_number, method, paid_date FROM payments WHERE card_number IS NOT NULL",
    )
    total = _query(stores["treasurer"], "SELECT count(*) FROM payments")[0][0]
    assert rows
    assert len(rows) < 0.02 * total
    for card_number, method, paid_date in rows:
        digits = card_number.replace(" ", "")
        assert re.fullmatch(r"400000\d{10}", digits)
        assert _luhn_valid(digits)
        assert method == "card"
        assert paid_date < "2025-01-01"


def test_excise_vins_are_valid_17_character_vins(stores: dict[str, pathlib.Path]) -> None:
    values = dict(zip("0123456789", range(10), strict=True))
    values |= dict(zip("ABCDEFGH", range(1, 9), strict=True))
    values |= dict(zip("JKLMN", range(1, 6), strict=True)) | {"P": 7, "R": 9}
    values |= dict(zip("STUVWXYZ", range(2, 10), strict=True))
    weights = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
    vins = [vin for (vin,) in _query(stores["treasurer"], "SELECT DISTINCT vin FROM excise_bills")]
    assert vins
    for vin in vins:
        assert re.fullmatch(r"[A-HJ-NPR-Z0-9]{17}", vin)
        remainder = sum(values[char] * weight for char, weight in zip(vin, weights, strict=True))
        assert vin[8] == ("X" if remainder % 11 == 10 else str(remainder % 11))


def test_tax_bills_follow_the_owner_of_record_and_a_few_parcels_carry_liens(
    stores: dict[str, pathlib.Path],
) -> None:
    years = _query(stores["treasurer"], "SELECT DISTINCT fiscal_year FROM real_estate_bills")
    assert {year for (year,) in years} == {2025, 2026, 2027}
    parcels = _query(stores["assessors"], "SELECT count(*) FROM parcels")[0][0]
    liens = _query(stores["treasurer"], "SELECT count(*) FROM tax_title_liens")[0][0]
    assert 0 < liens < 0.05 * parcels
    current = _query(
        stores["treasurer"],
        "SELECT count(*) FROM real_estate_bills WHERE fiscal_year = 2027 AND billed_name IS NULL",
    )
    assert current == [(0,)]


def test_every_water_account_still_open_has_a_recent_bill_to_prove_with(
    stores: dict[str, pathlib.Path],
) -> None:
    latest = _query(
        stores["water_sewer"],
        "SELECT a.account_number, max(b.bill_date), b.amount_due FROM accounts a "
        "JOIN bills b USING (account_number) WHERE a.status = 'Active' "
        "GROUP BY a.account_number",
    )
    active = _query(stores["water_sewer"], "SELECT count(*) FROM accounts WHERE status = 'Active'")
    assert len(latest) >= 0.95 * active[0][0]
    assert all(bill_date >= "2026-08-01" for _, bill_date, _ in latest)
    assert all(re.fullmatch(r"WS-\d{7}", account) for account, _, _ in latest)
    assert any(amount_due > 0 for _, _, amount_due in latest)


def test_water_store_describes_every_column(stores: dict[str, pathlib.Path]) -> None:
    path = stores["water_sewer"]
    described = set(_query(path, "SELECT table_name, column_name FROM data_dictionary"))
    for table in _tables(path):
        for name, _ in _columns(path, table):
            assert (table, name) in described


def test_parks_children_have_a_guardian_and_an_emergency_contact_from_elsewhere(
    people: list[Person], stores: dict[str, pathlib.Path]
) -> None:
    by_phone = {person.phone: person for person in people if person.phone}
    rows = _csv_rows(stores["parks_recreation"])
    children = [
        row
        for row in rows
        if row["participant_date_of_birth"] > _years_before(row["session_start"], 18)
    ]
    assert children
    for row in children:
        assert row["guardian_name"] and (row["guardian_email"] or row["guardian_phone"])
        assert row["participant_email"] == "" and row["participant_phone"] == ""
        if row["emergency_contact_phone"]:
            contact = by_phone[row["emergency_contact_phone"]]
            guardian = by_phone.get(row["guardian_phone"])
            assert guardian is None or contact.household_id != guardian.household_id
    assert any(row["medical_notes"] for row in children)


def test_building_complainants_are_other_people_than_the_owner(
    stores: dict[str, pathlib.Path],
) -> None:
    cases = _query(stores["building"], "SELECT owner_name, complainant_name FROM code_cases")
    assert cases
    assert any(complainant for _, complainant in cases)
    assert all(owner != complainant for owner, complainant in cases)
    permits = _query(stores["building"], "SELECT permit_number FROM permits")
    assert all(re.fullmatch(r"[BEPG]-20\d{2}-\d{4}", number) for (number,) in permits)


def test_webform_submissions_carry_eastern_offsets(stores: dict[str, pathlib.Path]) -> None:
    submissions = json.loads(stores["portal"].read_text(encoding="utf-8"))
    assert submissions
    assert {"submission_id", "form_name", "submitted_at", "name", "email"} <= set(submissions[0])
    assert any("answers" in item for item in submissions)
    offsets = {dt.datetime.fromisoformat(item["submitted_at"]).utcoffset() for item in submissions}
    assert offsets == {dt.timedelta(hours=-4), dt.timedelta(hours=-5)}
    for item in submissions:
        moment = dt.datetime.fromisoformat(item["submitted_at"])
        summer = dt.date(moment.year, 4, 1) <= moment.date() <= dt.date(moment.year, 10, 31)
        winter = moment.month in (12, 1, 2)
        if summer:
            assert moment.utcoffset() == dt.timedelta(hours=-4)
        if winter:
            assert moment.utcoffset() == dt.timedelta(hours=-5)
        assert item["email"].rsplit("@", 1)[1].startswith("example.")
