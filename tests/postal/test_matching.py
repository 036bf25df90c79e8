"""Finding the resident among a source's records: normalised names, namesakes, latest record."""

import datetime as dt

import pytest

from portal.postal.matching import (
    Resident,
    date_normalise,
    match_strength,
    missing_columns,
    name_normalise,
    persons_found,
    suffix_normalise,
)
from portal.postal.models import MatchStrength
from tasks.connectors.base import SourceRecord

BORN = dt.date(1980, 3, 14)
ALICE = Resident(
    first_name="Alice", middle_name="May", last_name="Archer", suffix="", date_of_birth=BORN
)


def _row(**fields):
    base = {
        "first_name": "Alice",
        "middle_name": None,
        "last_name": "Archer",
        "suffix": None,
        "date_of_birth": BORN.isoformat(),
    }
    return {**base, **fields}


@pytest.mark.parametrize(
    ("text", "normal"),
    [("O'Brien", "obrien"), ("García-López", "garcialopez"), ("  ARCHER ", "archer"), (None, "")],
)
def test_names_are_compared_without_case_accents_or_punctuation(text, normal):
    assert name_normalise(text) == normal


def test_suffixes_and_dates_are_normalised():
    assert suffix_normalise("Jr.") == suffix_normalise("junior") == "jr"
    assert suffix_normalise("2nd") == "ii"
    assert date_normalise(dt.datetime(1980, 3, 14, 9, 0, tzinfo=dt.UTC)) == "1980-03-14"
    assert date_normalise(BORN) == "1980-03-14"
    assert date_normalise("1980-03-14T00:00:00") == "1980-03-14"


@pytest.mark.parametrize(
    ("row", "strength"),
    [
        (_row(), MatchStrength.FULL),
        (_row(first_name="ALICE", last_name="archer", middle_name="M."), MatchStrength.FULL),
        (_row(middle_name="Beth"), MatchStrength.PARTIAL),
        (_row(suffix="Jr"), MatchStrength.FULL),
        (_row(first_name="Alicia"), MatchStrength.PARTIAL),
        (_row(last_name="Archre"), MatchStrength.PARTIAL),
        (_row(first_name="Bob", last_name="Booker"), None),
        (_row(date_of_birth="1981-03-14"), None),
    ],
)
def test_match_strength(row, strength):
    assert match_strength(ALICE, row) == strength


def test_a_suffix_that_disagrees_is_not_a_full_match():
    senior = Resident(
        first_name="Alice", middle_name="", last_name="Archer", suffix="Sr.", date_of_birth=BORN
    )

    assert match_strength(senior, _row(suffix="Jr.")) == MatchStrength.PARTIAL


def test_each_person_is_described_by_their_most_recent_record():
    records = [
        SourceRecord(
            key="2024-A",
            record_type="t",
            fields={**_row(), "person_key": "A", "as_of": 2024, "address_line1": "1 Old Road"},
        ),
        SourceRecord(
            key="2026-A",
            record_type="t",
            fields={**_row(), "person_key": "A", "as_of": 2026, "address_line1": "9 New Street"},
        ),
        SourceRecord(
            key="2025-A",
            record_type="t",
            fields={**_row(), "person_key": "A", "as_of": 2025, "address_line1": "5 Mid Lane"},
        ),
    ]

    [person] = persons_found(source="s", resident=ALICE, records=records)

    assert person.record_key == "2026-A"
    assert person.text("address_line1") == "9 New Street"
    assert person.text("unit") == ""


def test_namesakes_are_separate_people_full_matches_first():
    records = [
        SourceRecord(
            key="1",
            record_type="t",
            fields={**_row(first_name="Alicia"), "person_key": "C", "as_of": "2026"},
        ),
        SourceRecord(
            key="2", record_type="t", fields={**_row(), "person_key": "B", "as_of": "2026"}
        ),
        SourceRecord(
            key="3", record_type="t", fields={**_row(), "person_key": "A", "as_of": "2026"}
        ),
        SourceRecord(
            key="4",
            record_type="t",
            fields={**_row(first_name="Zed", last_name="Zulu"), "person_key": "D", "as_of": "2026"},
        ),
    ]

    found = persons_found(source="s", resident=ALICE, records=records)

    assert [(p.person_key, p.match) for p in found] == [
        ("A", MatchStrength.FULL),
        ("B", MatchStrength.FULL),
        ("C", MatchStrength.PARTIAL),
    ]


def test_dates_as_of_compare_as_dates():
    records = [
        SourceRecord(
            key="old",
            record_type="t",
            fields={**_row(), "person_key": "A", "as_of": dt.date(2025, 12, 1)},
        ),
        SourceRecord(
            key="new",
            record_type="t",
            fields={**_row(), "person_key": "A", "as_of": dt.date(2026, 1, 5)},
        ),
    ]

    [person] = persons_found(source="s", resident=ALICE, records=records)

    assert person.record_key == "new"


def test_missing_columns_are_named():
    records = [SourceRecord(key="1", record_type="t", fields={"first_name": "A"})]

    assert missing_columns(records) == {
        "person_key",
        "last_name",
        "date_of_birth",
        "address_line1",
        "as_of",
    }
    assert missing_columns([]) == set()
