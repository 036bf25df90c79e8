"""The release package's ZIP: every manifest hash verifies, data.json and the CSVs parse, hostile
values stay text, withheld values never appear, statements travel with the data, the stored copy
is not plaintext, and memory does not grow with the number of records."""

import csv
import datetime as dt
import hashlib
import io
import json
import tracemalloc
import zipfile
from collections.abc import Iterator
from decimal import Decimal

import pytest

from portal.crypto import DecryptionError
from portal.crypto_stream import StreamEncryptor, stream_decrypt
from requests.release.package import (
    DepartmentSummary,
    MaskMark,
    PackageMeta,
    PackageRecord,
    RedactionMark,
    Statement,
    package_write,
)

GENERATED_AT = dt.datetime(2026, 3, 2, 14, 30, tzinfo=dt.UTC)
DEPARTMENTS = ["Assessor", "Parks & Recreation", "Police", "Public Works", "Treasurer", "Clerk"]
LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "street": "Street address",
    "ssn": "Social Security number",
    "card": "Card number",
    "amount": "Amount",
}


def make_meta(departments=DEPARTMENTS) -> PackageMeta:
    return PackageMeta(
        request_number="WRP-2026-0042",
        resident_name="Rosa Díaz",
        generated_at=GENERATED_AT,
        departments_summary=[DepartmentSummary(name, "Records held") for name in departments],
        letter_pdf=b"%PDF-1.7\n% the letter\n%%EOF\n",
        field_labels=LABELS,
    )


def make_records(
    count: int, *, departments=DEPARTMENTS, fields: int = 12
) -> Iterator[PackageRecord]:
    """`count` records spread evenly over the departments, two sources each, ordered by
    department then source, made one at a time (as the caller streams them)."""
    per_department = -(-count // len(departments))
    made = 0
    for department in departments:
        for number in range(per_department):
            if made == count:
                return
            source = "Permits system" if number < per_department // 2 else "Billing ledger"
            yield PackageRecord(
                department=department,
                source=source,
                record_type="permit" if number % 3 else "payment",
                key=f"{department[:3].upper()}-{number:06d}",
                fields={
                    "first_name": "Rosa",
                    "last_name": "Díaz",
                    "street": f"{number} Elm Street",
                    "amount": Decimal("12.50") + number,
                    "issued": dt.date(2024, 1, 1) + dt.timedelta(days=number % 300),
                    **{f"extra_{n}": f"value {n} of record {number}" for n in range(fields - 5)},
                },
                collected_under="Privacy policy version 3",
            )
            made += 1


class _Unseekable:
    """A write-only stream, like a response body or an encrypting writer."""

    def __init__(self):
        self.buffer = io.BytesIO()

    def write(self, data: bytes) -> int:
        return self.buffer.write(data)

    def flush(self) -> None:
        pass


def build(records, meta=None):
    out = _Unseekable()
    summary = package_write(meta=meta or make_meta(), records=iter(records), out=out)
    return summary, zipfile.ZipFile(io.BytesIO(out.buffer.getvalue()))


def hostile_records() -> list[PackageRecord]:
    return [
        PackageRecord(
            department="<b>Police</b>",
            source='Records "RMS" & co',
            record_type="<img src=x onerror=alert(1)>",
            key="K-1'\"><script>alert(2)</script>",
            fields={
                "first_name": "<script>alert('x')</script>",
                "note": '=HYPERLINK("http://evil.example","click")',
                "ssn": "123-45-6789",
                "card": "**** **** **** 4242",
            },
            redacted=[RedactionMark("ssn", "c4s7(26)(c)", "Personal privacy")],
            masked=[MaskMark("card", "card number, last four digits shown")],
            statements=[
                Statement("S-1", "The <em>fine</em> was paid & refunded.", GENERATED_AT),
            ],
        ),
        PackageRecord(
            department="<b>Police</b>",
            source='Records "RMS" & co',
            record_type="incident",
            key="K-2",
            fields={"first_name": "Rosa"},
            statements=[
                Statement("S-1", "The <em>fine</em> was paid & refunded.", GENERATED_AT),
                Statement("S-2", "Second statement", None),
            ],
        ),
    ]


def test_every_manifest_hash_verifies_and_the_manifest_comes_last():
    summary, archive = build(make_records(60))

    names = archive.namelist()
    manifest = json.loads(archive.read("manifest.json"))
    assert names[-1] == "manifest.json"
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    for name, entry in manifest["files"].items():
        data = archive.read(name)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
        assert len(data) == entry["size"], name
    assert summary.manifest_sha256 == hashlib.sha256(archive.read("manifest.json")).hexdigest()
    assert {name: entry.sha256 for name, entry in summary.files.items()} == {
        name: entry["sha256"] for name, entry in manifest["files"].items()
    }
    assert archive.testzip() is None


def test_a_changed_file_no_longer_matches_its_manifest_hash():
    _, archive = build(make_records(12))
    manifest = json.loads(archive.read("manifest.json"))
    altered = archive.read("data.json").replace(b"Rosa", b"Rose")
    assert hashlib.sha256(altered).hexdigest() != manifest["files"]["data.json"]["sha256"]


def test_the_package_holds_the_index_letter_data_and_one_csv_per_department():
    meta = make_meta()
    summary, archive = build(make_records(60), meta)

    names = set(archive.namelist())
    assert {"index.html", "letter.pdf", "data.json", "manifest.json"} <= names
    assert {name for name in names if name.startswith("csv/")} == {
        "csv/assessor.csv",
        "csv/parks-recreation.csv",
        "csv/police.csv",
        "csv/public-works.csv",
        "csv/treasurer.csv",
        "csv/clerk.csv",
    }
    assert archive.read("letter.pdf") == meta.letter_pdf
    assert (summary.records, summary.departments, summary.statements) == (60, 6, 0)


def test_data_json_parses_and_holds_every_record_in_order():
    _, archive = build(make_records(60))

    data = json.loads(archive.read("data.json"))
    assert data["request_number"] == "WRP-2026-0042"
    assert data["resident_name"] == "Rosa Díaz"
    assert data["field_labels"]["ssn"] == "Social Security number"
    assert [item["department"] for item in data["departments"]] == DEPARTMENTS
    assert len(data["records"]) == 60
    first = data["records"][0]
    assert first["key"] == "ASS-000000"
    assert first["fields"]["amount"] == "12.50"
    assert first["fields"]["issued"] == "2024-01-01"
    assert first["collected_under"] == "Privacy policy version 3"


def test_csvs_parse_in_long_format_with_plain_language_field_names():
    _, archive = build(make_records(60))

    rows = list(csv.reader(io.StringIO(archive.read("csv/police.csv").decode())))
    assert rows[0] == ["source", "record type", "key", "field", "value", "collected under"]
    assert all(len(row) == 6 for row in rows)
    policy = "Privacy policy version 3"
    assert [
        "Permits system",
        "payment",
        "POL-000000",
        "Street address",
        "0 Elm Street",
        policy,
    ] in (rows)
    assert ["Permits system", "payment", "POL-000000", "Issued", "1 January 2024", policy] in rows
    assert len(rows) == 1 + 10 * 12
    assert {row[2][:3] for row in rows[1:]} == {"POL"}


def test_hostile_values_are_text_in_index_html():
    _, archive = build(hostile_records())

    page = archive.read("index.html").decode()
    assert "<script" not in page
    assert "<img" not in page
    assert "<b>" not in page
    assert "<em>fine" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "&lt;b&gt;Police&lt;/b&gt;" in page
    assert "K-1&#x27;&quot;&gt;&lt;script&gt;" in page
    assert "The &lt;em&gt;fine&lt;/em&gt; was paid &amp; refunded." in page


def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_kept_as_text():
    _, archive = build(hostile_records())

    name = next(name for name in archive.namelist() if name.startswith("csv/"))
    rows = list(csv.reader(io.StringIO(archive.read(name).decode())))
    values = [row[4] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil.example","click")' in values
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    assert name == "csv/bpoliceb.csv"


def test_withheld_values_show_their_exemption_and_never_the_value():
    _, archive = build(hostile_records())

    page = archive.read("index.html").decode()
    assert (
        '<th scope="row">Social Security number</th>'
        '<td class="withheld">[withheld: Personal privacy]</td>'
    ) in page
    for name in archive.namelist():
        assert b"123-45-6789" not in archive.read(name), name
    record = json.loads(archive.read("data.json"))["records"][0]
    assert record["fields"]["ssn"] is None
    assert record["withheld"] == [
        {"field": "ssn", "exemption": "c4s7(26)(c)", "exemption_label": "Personal privacy"}
    ]


def test_a_withheld_field_the_caller_left_out_still_shows_as_withheld():
    record = PackageRecord(
        department="Assessor",
        source="Ledger",
        record_type="account",
        key="A-1",
        fields={"first_name": "Rosa"},
        redacted=[RedactionMark("ssn", "c4s7(26)(c)", "Personal privacy")],
    )
    _, archive = build([record])

    assert "[withheld: Personal privacy]" in archive.read("index.html").decode()


def test_masked_values_show_with_their_label():
    _, archive = build(hostile_records())

    page = archive.read("index.html").decode()
    assert (
        '<td class="masked">**** **** **** 4242 (card number, last four digits shown)</td>'
    ) in page


def test_statements_are_files_shown_next_to_their_records_and_written_once():
    summary, archive = build(hostile_records())

    assert summary.statements == 2
    first = archive.read("statements/1.txt").decode()
    assert "The <em>fine</em> was paid & refunded." in first
    assert "Statement of disagreement 1" in first
    assert "Second statement" in archive.read("statements/2.txt").decode()
    assert "statements/3.txt" not in archive.namelist()
    page = archive.read("index.html").decode()
    assert page.count('href="statements/1.txt"') == 2
    assert page.count('href="statements/2.txt"') == 1
    records = json.loads(archive.read("data.json"))["records"]
    assert [item["number"] for item in records[1]["statements"]] == [1, 2]


def test_index_html_groups_by_department_and_source_with_accessible_tables():
    _, archive = build(make_records(24, departments=["Assessor", "Clerk"]))

    page = archive.read("index.html").decode()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<title>Your records: request WRP-2026-0042</title>" in page
    assert page.index("<h2>Assessor</h2>") < page.index("<h2>Clerk</h2>")
    assert page.count("<h3>Permits system</h3>") == 2
    assert page.count("<caption>") == page.count("</table>")
    assert page.count("<table>") == page.count("</table>")
    assert page.count("<section>") == page.count("</section>")
    assert '<th scope="row">Street address</th><td>0 Elm Street</td>' in page
    assert page.rstrip().endswith("</html>")


def test_departments_whose_names_make_the_same_file_name_get_different_csvs():
    records = [
        PackageRecord("Parks & Rec", "S", "t", "1", {"a": 1}),
        PackageRecord("Parks Rec", "S", "t", "2", {"a": 2}),
    ]
    _, archive = build(records)

    assert {"csv/parks-rec.csv", "csv/parks-rec-2.csv"} <= set(archive.namelist())


def test_a_package_with_no_records_is_still_complete_and_valid():
    summary, archive = build([])

    assert json.loads(archive.read("data.json"))["records"] == []
    assert "No records are included" in archive.read("index.html").decode()
    assert summary.records == 0
    assert archive.testzip() is None


def test_the_stored_package_is_not_readable_as_plaintext():
    stored = io.BytesIO()
    with StreamEncryptor(stored) as writer:
        package_write(meta=make_meta(), records=hostile_records(), out=writer)

    ciphertext = stored.getvalue()
    # Snippets long enough, or with characters outside base64, never to turn up by chance.
    for snippet in (b"index.html", b"manifest.json", b"PK\x03\x04", b"Second statement", b"K-1'"):
        assert snippet not in ciphertext
    plaintext = b"".join(stream_decrypt(io.BytesIO(ciphertext)))
    archive = zipfile.ZipFile(io.BytesIO(plaintext))
    assert archive.testzip() is None
    assert "Rosa" in archive.read("data.json").decode()


def _peak_bytes(count: int) -> int:
    tracemalloc.start()
    try:
        package_write(meta=make_meta(), records=make_records(count, fields=6), out=_Discard())
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


class _Discard:
    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass


def test_memory_does_not_grow_with_the_number_of_records():
    small = _peak_bytes(1_000)
    large = _peak_bytes(10_000)

    # The peak is the fixed buffers (about 4 MB). Holding the 10,000 records, or any output, in
    # memory would add about 10 MB on top of that.
    assert large < small * 1.5, (small, large)


def test_a_failure_part_way_raises_the_failure_and_leaves_no_readable_package():
    def records():
        yield from make_records(30)
        raise ConnectionError("database went away")

    stored = io.BytesIO()
    with pytest.raises(ConnectionError, match="database went away"), StreamEncryptor(stored) as out:
        package_write(meta=make_meta(), records=records(), out=out)

    with pytest.raises(DecryptionError, match="cut short"):
        b"".join(stream_decrypt(io.BytesIO(stored.getvalue())))


def test_values_of_every_kind_read_plainly_in_html_and_stay_exact_in_json(settings):
    settings.TIME_ZONE = "America/New_York"
    record = PackageRecord(
        department="Treasurer",
        source="Ledger",
        record_type="account",
        key="T-1",
        fields={
            "paid": True,
            "overdue": False,
            "due_at": dt.datetime(2026, 1, 15, 17, 0, tzinfo=dt.UTC),
            "owners": ["Rosa Díaz", "Amy Santiago"],
            "address": {"street": "1 Elm Street"},
            "blob": b"\x01\xff",
            "tags": {"b", "a"},
            "note": None,
        },
    )
    _, archive = build([record])

    page = archive.read("index.html").decode()
    assert '<th scope="row">Paid</th><td>Yes</td>' in page
    assert '<th scope="row">Overdue</th><td>No</td>' in page
    assert '<th scope="row">Due at</th><td>15 January 2026, 12:00</td>' in page
    assert '<th scope="row">Owners</th><td>Rosa Díaz, Amy Santiago</td>' in page
    assert '<th scope="row">Note</th><td></td>' in page
    fields = json.loads(archive.read("data.json"))["records"][0]["fields"]
    assert fields["due_at"] == "2026-01-15T17:00:00+00:00"
    assert fields["owners"] == ["Rosa Díaz", "Amy Santiago"]
    assert fields["address"] == {"street": "1 Elm Street"}
    assert fields["blob"] == "01ff"
    assert fields["tags"] == ["a", "b"]
    assert fields["note"] is None


def test_a_record_without_fields_and_a_department_met_again_still_make_a_whole_package():
    records = [
        PackageRecord("Clerk", "Vital records", "birth", "C-1", {}),
        PackageRecord("Assessor", "Ledger", "account", "A-1", {"amount": 1}),
        PackageRecord("Clerk", "Vital records", "birth", "C-2", {"name": "Rosa"}),
    ]
    summary, archive = build(records)

    page = archive.read("index.html").decode()
    assert '<th scope="row">Fields</th><td>None</td>' in page
    assert page.count("<section>") == page.count("</section>")
    rows = list(csv.reader(io.StringIO(archive.read("csv/clerk.csv").decode())))
    assert rows[1:] == [["Vital records", "birth", "C-2", "Name", "Rosa", ""]]
    assert summary.departments == 2
    assert archive.testzip() is None
