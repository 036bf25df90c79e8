"""What a steward types or uploads for a manual source, turned into records, and every way it can
be wrong said in words, at the place it is wrong."""

import pytest

from requests.gathering.manual_entry import (
    CSV_MAX_BYTES,
    CSV_MAX_ROWS,
    PROBLEMS_SHOWN,
    EnteredRecord,
    EntryError,
    csv_records,
    duplicate_records,
    entered_record,
    field_name_normal,
)
from tasks.connectors.base import SourceRecord


def problems(error: pytest.ExceptionInfo) -> list[tuple[str, str, int | None]]:
    return [(problem.where, problem.message, problem.row) for problem in error.value.problems]


# --- Field names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("Date of birth", "date_of_birth"),
        ("  NAME ", "name"),
        ("parcel-id", "parcel_id"),
        ("Bill no.", "bill_no"),
        ("service_address", "service_address"),
    ],
)
def test_field_names_are_normalised_to_the_names_the_matcher_reads(typed, normal):
    assert field_name_normal(typed) == normal


# --- Records typed into the form --------------------------------------------------------------


def test_a_typed_record_becomes_a_source_record_without_blank_rows():
    record = entered_record(
        EnteredRecord(
            record_type=" tax bill ",
            key=" RE-2024-0042 ",
            rows=[("Name", " Alice Archer "), ("", ""), ("Date of birth", "1980-03-14")],
        )
    )

    assert record == SourceRecord(
        key="RE-2024-0042",
        record_type="tax bill",
        fields={"name": "Alice Archer", "date_of_birth": "1980-03-14"},
    )


def test_a_typed_record_needs_its_kind_its_number_and_a_field():
    with pytest.raises(EntryError) as error:
        entered_record(EnteredRecord(rows=[("", "")]))

    wheres = [where for where, _message, _row in problems(error)]
    assert wheres == ["record_type", "key", "fields"]


def test_a_value_without_a_field_name_is_refused_on_its_row():
    with pytest.raises(EntryError) as error:
        entered_record(
            EnteredRecord(record_type="permit", key="B-1", rows=[("name", "A"), ("", "12 Elm")])
        )

    assert problems(error) == [("name", "Enter a field name for the value 12 Elm.", 1)]


def test_a_field_name_without_a_value_is_refused_on_its_row():
    with pytest.raises(EntryError) as error:
        entered_record(EnteredRecord(record_type="permit", key="B-1", rows=[("address", " ")]))

    assert problems(error) == [("value", "Enter the value of address.", 0)]


def test_a_field_entered_twice_in_one_record_is_refused():
    with pytest.raises(EntryError) as error:
        entered_record(
            EnteredRecord(record_type="permit", key="B-1", rows=[("Name", "A"), ("name", "B")])
        )

    assert problems(error)[0][0:1] == ("name",)
    assert "entered twice" in problems(error)[0][1]
    assert problems(error)[0][2] == 1


def test_over_long_parts_of_a_typed_record_are_refused():
    with pytest.raises(EntryError) as error:
        entered_record(
            EnteredRecord(
                record_type="t" * 101, key="k" * 201, rows=[("n" * 101, "v"), ("note", "v" * 2001)]
            )
        )

    assert [where for where, _message, _row in problems(error)] == [
        "record_type",
        "key",
        "name",
        "value",
    ]


def test_a_blank_entry_is_known_as_blank():
    assert EnteredRecord(rows=[(" ", "")]).is_blank
    assert not EnteredRecord(rows=[("", "x")]).is_blank


def test_the_same_kind_and_number_twice_is_a_duplicate_whatever_the_case():
    records = [
        SourceRecord("B-1", "permit"),
        SourceRecord("B-2", "permit"),
        SourceRecord("b-1", "Permit"),
        SourceRecord("B-1", "licence"),
    ]

    assert duplicate_records(records) == [2]


# --- CSV files --------------------------------------------------------------------------------


def test_each_row_of_a_csv_file_is_a_record_keyed_by_the_chosen_column():
    data = (
        "\ufeffBill number,Name,Date of birth,Note\r\n"
        "RE-1,Alice Archer,1980-03-14,\r\n"
        "\r\n"
        'RE-2,"Archer, Alice",1980-03-14,"two\nlines"\r\n'
    ).encode()

    records = csv_records(data=data, key_column="bill number", record_type="tax bill")

    assert records == [
        SourceRecord(
            "RE-1",
            "tax bill",
            {"bill_number": "RE-1", "name": "Alice Archer", "date_of_birth": "1980-03-14"},
        ),
        SourceRecord(
            "RE-2",
            "tax bill",
            {
                "bill_number": "RE-2",
                "name": "Archer, Alice",
                "date_of_birth": "1980-03-14",
                "note": "two\nlines",
            },
        ),
    ]


def test_a_short_row_reads_its_missing_cells_as_empty():
    records = csv_records(data=b"key,name,address\nK-1,Alice\n", key_column="key", record_type="x")

    assert records[0].fields == {"key": "K-1", "name": "Alice"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b",,\n,,\n", "The file is empty."),
        ("name,key\nJosé,1\n".encode("latin-1"), "The file is not UTF-8 text."),
        (b"name,key\x00\n", "binary data"),
        (b"name;key\nA;1\n", "separated by commas"),
        (b"name,,key\nA,b,1\n", "column 2 has no name"),
        (b"name,Name,key\nA,B,1\n", "these appear twice: name"),
        (b"name,key\n", "no records under them"),
        (b"name,key\nA,1,extra\n", "Row 2 has more cells"),
        (b"name,key\nA,\n", "Row 2 has no key."),
        (b"name,key\nA,1\nB,1\n", "Rows 2 and 3 have the same key, 1."),
        (b'name,key\n"A,1\n', "could not be read as CSV"),
    ],
)
def test_a_bad_csv_file_is_refused_in_words(data, message):
    with pytest.raises(EntryError) as error:
        csv_records(data=data, key_column="key", record_type="tax bill")

    assert any(message in text for _where, text, _row in problems(error)), problems(error)


def test_a_missing_key_column_names_the_columns_the_file_has():
    with pytest.raises(EntryError) as error:
        csv_records(data=b"name,bill\nA,1\n", key_column="Account", record_type="bill")

    assert problems(error) == [
        (
            "key_column",
            "The file has no column named Account. Its columns are: name, bill.",
            None,
        )
    ]


def test_a_csv_file_needs_a_kind_of_record():
    with pytest.raises(EntryError) as error:
        csv_records(data=b"name,key\nA,1\n", key_column="key", record_type=" ")

    assert problems(error)[0][0] == "record_type"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    with pytest.raises(EntryError) as error:
        csv_records(data=b"x" * (CSV_MAX_BYTES + 1), key_column="key", record_type="t")

    assert "larger than" in problems(error)[0][1]


def test_a_file_over_the_row_limit_is_refused():
    rows = "".join(f"A,{number}\n" for number in range(CSV_MAX_ROWS + 1))

    with pytest.raises(EntryError) as error:
        csv_records(data=f"name,key\n{rows}".encode(), key_column="key", record_type="t")

    assert f"more than {CSV_MAX_ROWS} records" in problems(error)[0][1]


def test_a_file_at_the_row_limit_is_read():
    rows = "".join(f"A,{number}\n" for number in range(CSV_MAX_ROWS))

    records = csv_records(data=f"name,key\n{rows}".encode(), key_column="key", record_type="t")

    assert len(records) == CSV_MAX_ROWS


def test_many_bad_rows_list_the_first_few_and_count_the_rest():
    rows = "".join("A,\n" for _ in range(PROBLEMS_SHOWN + 3))

    with pytest.raises(EntryError) as error:
        csv_records(data=f"name,key\n{rows}".encode(), key_column="key", record_type="t")

    found = problems(error)
    assert len(found) == PROBLEMS_SHOWN + 1
    assert found[-1][1] == "And 3 more rows with a problem."


def test_an_over_long_value_in_a_file_is_refused_with_its_row():
    with pytest.raises(EntryError) as error:
        csv_records(
            data=f"name,key\n{'A' * 2001},1\nB,{'k' * 201}\n".encode(),
            key_column="key",
            record_type="t",
        )

    messages = [text for _where, text, _row in problems(error)]
    assert messages == [
        "Row 2 has a value longer than 2000 characters.",
        "Row 3: the record number must be 200 characters or fewer.",
    ]
