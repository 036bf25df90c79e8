"""The csv connector: the newest export in a folder, read row by row, never outside the folder."""

import os
import time
import tracemalloc

import pytest

from tasks.connectors import csv as csv_connector
from tasks.connectors.base import ConnectorError
from tasks.connectors.registry import configuration_problems, connector_for, parameter_names

pytestmark = pytest.mark.django_db

HEADER = "RESIDENT_ID,LAST_NAME,FIRST_NAME,DOB,ADDRESS\n"
ROWS = (
    "R-1,SMITH,ROBERT,1961-04-02,12 ELM ST\n"
    "R-2,Smith,Mary,1963-09-30,12 ELM ST\n"
    "R-3,JONES,MARY,1961-04-02,4 OAK AVE #2\n"
)
HOSTILE = ["x'); DROP TABLE residents; --", "../../etc/passwd"]


def _write(path, text, *, age_seconds=0, encoding="utf-8"):
    path.write_text(text, encoding=encoding)
    moment = time.time() - age_seconds
    os.utime(path, (moment, moment))
    return path


@pytest.fixture
def folder(tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    return exports


def _configuration(folder, **changes):
    return {
        "folder": str(folder),
        "file": "street-listing-*.csv",
        "lookups": {
            "by_birth": {
                "match": {"DOB": "date_of_birth", "LAST_NAME": "last_name"},
                "record_type": "street_listing",
                "key": "RESIDENT_ID",
            },
            "by_id": {"match": {"RESIDENT_ID": "identifier"}, "key": "RESIDENT_ID"},
        },
        **changes,
    }


def _lookup(source, name="by_birth", **parameters):
    return connector_for(source).lookup(name=name, parameters=parameters)


def _error(source, name="by_birth", **parameters) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        _lookup(source, name, **parameters)
    return caught.value


def test_matching_rows_of_the_newest_export_are_returned(folder, make_source):
    _write(
        folder / "street-listing-2025.csv",
        HEADER + "R-9,SMITH,OLD,1961-04-02,x\n",
        age_seconds=86400,
    )
    _write(folder / "street-listing-2026.csv", HEADER + ROWS)
    _write(folder / "other-export.csv", HEADER + "R-8,SMITH,OTHER,1961-04-02,x\n")
    source = make_source("csv", _configuration(folder))

    records = _lookup(source, date_of_birth="1961-04-02", last_name=" smith ")

    assert [record.key for record in records] == ["R-1"]
    assert records[0].record_type == "street_listing"
    assert records[0].fields == {
        "RESIDENT_ID": "R-1",
        "LAST_NAME": "SMITH",
        "FIRST_NAME": "ROBERT",
        "DOB": "1961-04-02",
        "ADDRESS": "12 ELM ST",
    }


def test_columns_can_be_renamed_to_the_names_matching_reads(folder, make_source):
    _write(folder / "street-listing-2026.csv", HEADER + ROWS)
    configuration = _configuration(folder)
    configuration["lookups"]["by_birth"]["fields"] = {
        "DOB": "date_of_birth",
        "FIRST_NAME": "first_name",
    }
    source = make_source("csv", configuration)

    (record,) = _lookup(source, date_of_birth="1961-04-02", last_name="smith")

    assert record.fields["date_of_birth"] == "1961-04-02"
    assert record.fields["first_name"] == "ROBERT"
    assert record.fields["LAST_NAME"] == "SMITH"
    assert "DOB" not in record.fields


@pytest.mark.parametrize("fields", [["DOB"], {"DOB": "date of birth"}, {"": "dob"}])
def test_renames_that_are_not_plain_names_are_refused(folder, fields):
    configuration = _configuration(folder)
    configuration["lookups"]["by_birth"]["fields"] = fields

    problems = configuration_problems(kind="csv", configuration=configuration)

    assert problems == ["lookup 'by_birth': fields maps column names to plain field names"]


def test_the_folder_can_come_from_the_environment(folder, make_source, monkeypatch):
    _write(folder / "street-listing-2026.csv", HEADER + ROWS)
    monkeypatch.setenv("CLERK_EXPORT_FOLDER", str(folder))
    configuration = _configuration(folder)
    del configuration["folder"]
    source = make_source("csv", {**configuration, "folder_env": "CLERK_EXPORT_FOLDER"})

    assert [record.key for record in _lookup(source, "by_id", identifier="r-3")] == ["R-3"]


def test_encoding_and_delimiter_are_configurable(folder, make_source):
    text = (HEADER + "R-4,GAGNÉ,LOUISE,1970-01-01,1 MAIN ST\n").replace(",", ";")
    _write(folder / "street-listing-2026.csv", text, encoding="cp1252")
    source = make_source("csv", _configuration(folder, encoding="cp1252", delimiter=";"))

    records = _lookup(source, date_of_birth="1970-01-01", last_name="Gagné")

    assert records[0].fields["LAST_NAME"] == "GAGNÉ"


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_parameters_are_only_data(folder, make_source, hostile):
    row = f'R-5,"{hostile}",EVE,1980-05-05,x\n'
    _write(folder / "street-listing-2026.csv", HEADER + ROWS + row)
    source = make_source("csv", _configuration(folder))

    none = _lookup(source, "by_id", identifier=hostile)
    exact = _lookup(source, date_of_birth="1980-05-05", last_name=hostile)

    assert none == []
    assert [record.fields["LAST_NAME"] for record in exact] == [hostile]


def test_an_export_of_a_million_rows_is_streamed_in_bounded_memory(folder, make_source):
    path = folder / "street-listing-2026.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("RESIDENT_ID,LAST_NAME,FIRST_NAME\n")
        for start in range(0, 1_000_000, 50_000):
            handle.write(
                "".join(
                    f"R-{number},LAST{number},FIRST\n" for number in range(start, start + 50_000)
                )
            )
    size = path.stat().st_size
    source = make_source("csv", _configuration(folder), timeout_seconds=60)
    connector = connector_for(source)

    tracemalloc.start()
    try:
        records = connector.lookup(name="by_id", parameters={"identifier": "R-999999"})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert [record.key for record in records] == ["R-999999"]
    assert size > 25_000_000
    assert peak < 1_000_000, f"peak {peak} bytes reading a {size}-byte file"


def test_too_broad_a_match_is_refused(folder, make_source, monkeypatch):
    monkeypatch.setattr(csv_connector, "MAX_MATCHES", 1)
    _write(folder / "street-listing-2026.csv", HEADER + ROWS + "R-6,Smith,Jr,1961-04-02,x\n")
    source = make_source("csv", _configuration(folder))

    one = _lookup(source, date_of_birth="1963-09-30", last_name="smith")
    error = _error(source, date_of_birth="1961-04-02", last_name="smith")

    assert [record.key for record in one] == ["R-2"]
    assert error.permanent
    assert "the lookup's match is too broad" in error.message


# --- Never outside the folder -----------------------------------------------------------------


def test_a_newest_export_that_links_outside_the_folder_is_refused(folder, tmp_path, make_source):
    _write(folder / "street-listing-2025.csv", HEADER + ROWS, age_seconds=86400)
    outside = _write(tmp_path / "secrets.csv", HEADER + "R-7,SECRET,S,1961-04-02,x\n")
    (folder / "street-listing-2026.csv").symlink_to(outside)
    source = make_source("csv", _configuration(folder))

    error = _error(source, date_of_birth="1961-04-02", last_name="secret")

    assert error.permanent
    assert "street-listing-2026.csv is a link to somewhere outside" in error.message


def test_a_link_that_stays_inside_the_folder_is_read(folder, make_source):
    target = _write(folder / "latest-export.data", HEADER + ROWS)
    (folder / "street-listing-2026.csv").symlink_to(target)
    source = make_source("csv", _configuration(folder))

    assert [record.key for record in _lookup(source, "by_id", identifier="R-2")] == ["R-2"]


@pytest.mark.parametrize(
    "pattern", ["../secrets.csv", "../*", "sub/street.csv", "..", "/etc/passwd", "a\\b.csv"]
)
def test_a_file_pattern_cannot_leave_the_folder(folder, pattern):
    problems = configuration_problems(
        kind="csv", configuration=_configuration(folder, file=pattern)
    )

    assert "file must be a name in the folder, without /, \\ or .." in problems


def test_a_folder_that_does_not_exist_is_refused(tmp_path, make_source, monkeypatch):
    missing = tmp_path / "nowhere"
    assert f"the folder {missing} does not exist" in configuration_problems(
        kind="csv", configuration=_configuration(missing)
    )
    assert "folder must be an absolute path, like /srv/exports/clerk" in configuration_problems(
        kind="csv", configuration=_configuration("relative/exports")
    )
    monkeypatch.setenv("CLERK_EXPORT_FOLDER", str(missing))
    configuration = _configuration(missing)
    del configuration["folder"]
    source = make_source("csv", {**configuration, "folder_env": "CLERK_EXPORT_FOLDER"})

    error = _error(source, "by_id", identifier="R-1")

    assert error.permanent
    assert "does not exist" in error.message


# --- What a clerk is told ---------------------------------------------------------------------


def test_a_missing_export_column_or_parameter_is_a_permanent_error(folder, make_source):
    source = make_source("csv", _configuration(folder))
    assert "export has not arrived" in _error(source, "by_id", identifier="R-1").message

    _write(folder / "street-listing-2026.csv", "RESIDENT_ID,NAME\nR-1,x\n")
    assert "has no column 'DOB'" in _error(source, date_of_birth="1", last_name="x").message
    assert "needs the parameter 'identifier'" in _error(source, "by_id").message
    assert "no lookup named 'nope'" in _error(source, "nope").message


def test_an_export_in_another_encoding_is_a_permanent_error(folder, make_source):
    _write(
        folder / "street-listing-2026.csv",
        HEADER + "R-4,GAGNÉ,L,1970-01-01,x\n",
        encoding="latin-1",
    )
    source = make_source("csv", _configuration(folder))

    error = _error(source, "by_id", identifier="R-4")

    assert error.permanent
    assert "not in the encoding utf-8" in error.message


def test_an_empty_export_has_no_records(folder, make_source):
    _write(folder / "street-listing-2026.csv", "")
    source = make_source("csv", _configuration(folder))

    assert _lookup(source, "by_id", identifier="R-1") == []


def test_configuration_problems_are_stated(folder):
    assert configuration_problems(kind="csv", configuration={}) == [
        "give exactly one of folder and folder_env",
        "file must give the export's name or a pattern like street-listing-*.csv",
        "lookups must name at least one lookup",
    ]
    problems = configuration_problems(
        kind="csv",
        configuration=_configuration(
            folder,
            folder_env="X",
            encoding="no-such-codec",
            delimiter=";;",
            password="s3cret",
            lookups={
                "a": {"match": {}, "key": ""},
                "b": {"match": {"C": "not a name"}, "key": "C"},
            },
        ),
    )
    assert problems == [
        "unknown setting 'password'",
        "give exactly one of folder and folder_env",
        "the encoding 'no-such-codec' is not one Python knows",
        "delimiter must be one character, like , or ; or a tab",
        "lookup 'a' needs match: which column equals which parameter",
        "lookup 'a' needs key, the column that identifies a record",
        "lookup 'b': match maps column names to plain parameter names",
    ]
    assert configuration_problems(kind="csv", configuration=_configuration(folder)) == []


def test_the_parameters_a_configuration_takes_are_named(folder):
    assert parameter_names(kind="csv", configuration=_configuration(folder)) == {
        "date_of_birth",
        "last_name",
        "identifier",
    }


def test_a_folder_variable_that_is_not_set_is_permanent(folder, make_source, monkeypatch):
    monkeypatch.delenv("CLERK_EXPORT_FOLDER", raising=False)
    configuration = _configuration(folder)
    del configuration["folder"]
    source = make_source("csv", {**configuration, "folder_env": "CLERK_EXPORT_FOLDER"})

    error = _error(source, "by_id", identifier="R-1")

    assert error.permanent
    assert "CLERK_EXPORT_FOLDER is not set" in error.message


def test_an_export_that_is_not_valid_csv_is_permanent(folder, make_source):
    _write(folder / "street-listing-2026.csv", HEADER + "R-1," + "x" * 200_000 + ",a,b,c\n")
    source = make_source("csv", _configuration(folder))

    error = _error(source, "by_id", identifier="R-1")

    assert error.permanent
    assert "is not valid CSV near line 2" in error.message


def test_reading_longer_than_the_time_out_is_transient(folder, make_source, monkeypatch):
    _write(folder / "street-listing-2026.csv", HEADER + ROWS)
    monkeypatch.setattr(csv_connector, "DEADLINE_EVERY_ROWS", 1)
    ticks = iter(range(0, 10_000, 10))
    monkeypatch.setattr(csv_connector, "monotonic", lambda: next(ticks))
    source = make_source("csv", _configuration(folder))

    error = _error(source, "by_id", identifier="R-3")

    assert not error.permanent
    assert "took longer than 5 seconds" in error.message


def test_a_configuration_broken_after_it_was_saved_fails_the_lookup(folder, make_source):
    source = make_source("csv", _configuration(folder, file="../*"))

    error = _error(source, "by_id", identifier="R-1")

    assert error.permanent
    assert "file must be a name in the folder" in error.message


def test_a_byte_order_mark_before_the_first_column_is_ignored(folder, make_source):
    _write(folder / "street-listing-2026.csv", "\ufeff" + HEADER + ROWS)
    source = make_source("csv", _configuration(folder))

    assert [record.key for record in _lookup(source, "by_id", identifier="R-1")] == ["R-1"]
