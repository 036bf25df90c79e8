"""The release package: one ZIP a resident can open without any software of ours.

    index.html           the records, readable by a person, grouped by department and source
    letter.pdf           the response letter
    data.json            the same records, for a computer
    csv/<dept>.csv       one table per department (source, record type, key, field, value,
                         the privacy policy version it was collected under)
    statements/<n>.txt   the resident's statements of disagreement, one per file
    manifest.json        every other file's SHA-256 and size, written last

The records come once, as an iterator ordered by department then source, and may be many
(100,000 for one resident): `package_write` makes one pass, writing index.html straight into the
ZIP and the other outputs to scratch files, then copies those in. Scratch files are encrypted
under a key made for this package and never stored, so no plaintext of a resident's records
lands on disk. Memory use does not grow with the number of records.

Every value is hostile until escaped: HTML-escaped in index.html, and a CSV cell that a
spreadsheet would run as a formula starts with an apostrophe.
"""

import csv
import datetime as dt
import hashlib
import html
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO

from cryptography.fernet import Fernet
from django.utils import timezone
from django.utils.text import slugify

from portal.crypto_stream import StreamEncryptor, stream_decrypt

# Scratch files hold a few department CSVs at once; small segments keep their buffers small.
_SCRATCH_SEGMENT = 256 * 1024
_COPY_CHUNK = 256 * 1024
# index.html is written in pieces of about this size rather than per table row.
_HTML_FLUSH = 64 * 1024
_CSV_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RedactionMark:
    """A field held back, citing an exemption (code for the file, label for the resident)."""

    field: str
    exemption_code: str
    exemption_label: str


@dataclass(frozen=True)
class MaskMark:
    """A field whose sensitive parts automatic masking removed; `label` says what they were."""

    field: str
    label: str


@dataclass(frozen=True)
class Statement:
    """A statement of disagreement the resident made about a record, or one field of it
    (`field`, a key of the record's fields; empty for the whole record). The same `reference` on
    several records is one statement, written once."""

    reference: str
    text: str
    made_at: dt.datetime | None = None
    field: str = ""


@dataclass(frozen=True)
class PackageRecord:
    department: str
    source: str
    record_type: str
    key: str
    fields: Mapping[str, Any]  # already masked and redacted by the caller
    redacted: Sequence[RedactionMark] = ()
    masked: Sequence[MaskMark] = ()
    statements: Sequence[Statement] = ()
    collected_under: str | None = None  # the privacy policy version in force when collected


@dataclass(frozen=True)
class DepartmentSummary:
    """One department asked, with its answer in words ("312 records", "No records held")."""

    department: str
    outcome: str


@dataclass(frozen=True)
class PackageMeta:
    request_number: str
    resident_name: str
    generated_at: dt.datetime
    departments_summary: Sequence[DepartmentSummary]
    letter_pdf: bytes
    field_labels: Mapping[str, str]  # plain-language names for field keys


@dataclass(frozen=True)
class ManifestEntry:
    sha256: str
    size: int


@dataclass(frozen=True)
class PackageSummary:
    records: int
    departments: int
    statements: int
    files: Mapping[str, ManifestEntry]  # every file but manifest.json
    manifest_sha256: str
    manifest_size: int
    zip_size: int


def package_write(
    *, meta: PackageMeta, records: Iterable[PackageRecord], out: BinaryIO
) -> PackageSummary:
    """Write the package as a ZIP to `out` (written front to back, never sought) and return what
    it holds. `out` is not closed."""
    counted = _CountingWriter(out)
    builder = _Builder(meta=meta, scratch_key=Fernet.generate_key().decode())
    with zipfile.ZipFile(counted, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        builder.write(archive, records)
    return PackageSummary(
        records=builder.record_count,
        departments=len(builder.csv_scratch),
        statements=len(builder.statement_numbers),
        files=dict(builder.manifest),
        manifest_sha256=builder.manifest_sha256,
        manifest_size=builder.manifest_size,
        zip_size=counted.size,
    )


# --- Writing ------------------------------------------------------------------------------


class _CountingWriter:
    """`out` as zipfile sees it: write and flush only, so zipfile streams with data descriptors."""

    def __init__(self, out: BinaryIO):
        self._out = out
        self.size = 0

    def write(self, data: bytes) -> int:
        self._out.write(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        if hasattr(self._out, "flush"):
            self._out.flush()


class _Scratch:
    """A temporary file, encrypted as it is written, read back once."""

    def __init__(self, key: str):
        self._key = key
        # Closed by read_back() or discard(): it outlives any one block.
        self._file = tempfile.TemporaryFile()  # noqa: SIM115
        self._writer = StreamEncryptor(self._file, segment_size=_SCRATCH_SEGMENT, key=key)

    def write(self, data: bytes) -> None:
        self._writer.write(data)

    def read_back(self) -> Iterator[bytes]:
        self._writer.close()
        self._file.seek(0)
        try:
            yield from stream_decrypt(self._file, key=self._key)
        finally:
            self._file.close()

    def discard(self) -> None:
        self._file.close()


class _TextScratch(_Scratch):
    """A scratch file taking text, for csv.writer."""

    def __init__(self, key: str):
        super().__init__(key)
        self.text = io.TextIOWrapper(_BinarySink(self), encoding="utf-8", newline="")

    def read_back(self) -> Iterator[bytes]:
        self.text.flush()
        return super().read_back()


class _BinarySink(io.RawIOBase):
    def __init__(self, scratch: _Scratch):
        self._scratch = scratch

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._scratch.write(bytes(data))
        return len(data)


class _Entry:
    """A ZIP entry being written, hashed and counted on the way."""

    def __init__(self, archive: zipfile.ZipFile, name: str, date_time: tuple, *, large: bool):
        info = zipfile.ZipInfo(name, date_time=date_time)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self.name = name
        self._handle = archive.open(info, "w", force_zip64=large)
        self._hash = hashlib.sha256()
        self._size = 0
        self.closed = False

    def write(self, data: bytes) -> None:
        self._hash.update(data)
        self._size += len(data)
        self._handle.write(data)

    def close(self) -> ManifestEntry:
        self.closed = True
        self._handle.close()
        return ManifestEntry(sha256=self._hash.hexdigest(), size=self._size)


class _Builder:
    def __init__(self, *, meta: PackageMeta, scratch_key: str):
        self.meta = meta
        self.scratch_key = scratch_key
        self.date_time = _zip_date_time(meta.generated_at)
        self.manifest: dict[str, ManifestEntry] = {}
        self.record_count = 0
        self.csv_scratch: dict[str, tuple[str, _TextScratch, Any]] = {}  # dept -> name, file, csv
        self.statement_numbers: dict[str, int] = {}
        self.manifest_sha256 = ""
        self.manifest_size = 0
        self.labels = _Labels(meta.field_labels)
        self._open_entry: _Entry | None = None

    def write(self, archive: zipfile.ZipFile, records: Iterable[PackageRecord]) -> None:
        data_json = _Scratch(self.scratch_key)
        statements = _Scratch(self.scratch_key)
        statement_sizes: list[int] = []
        scratches = [data_json, statements]
        try:
            index = self._entry(archive, "index.html", large=True)
            page = _HtmlWriter(index)
            page.add(_html_head(self.meta))
            data_json.write(_json_head(self.meta))
            department = source = record_type = None
            for record in records:
                if record.department != department:
                    page.add(_html_close(record_type, source, department))
                    page.add(_html_department(record.department, self._csv_name(record)))
                    department, source, record_type = record.department, None, None
                    scratches.append(self.csv_scratch[department][1])
                if record.source != source:
                    page.add(_html_close(record_type, source, None))
                    page.add(f"<section>\n<h3>{_e(record.source)}</h3>\n")
                    source, record_type = record.source, None
                if record.record_type != record_type:
                    page.add(_html_close(record_type, None, None))
                    page.add(_html_table_start(record.record_type))
                    record_type = record.record_type
                numbers = self._statement_numbers(record, statements, statement_sizes)
                shown = _shown_fields(record, self.labels)
                page.add(_html_record(record, shown, numbers, self.labels))
                self._csv_rows(record, shown, numbers)
                data_json.write(_json_record(record, numbers, first=self.record_count == 0))
                self.record_count += 1
            page.add(_html_close(record_type, source, department))
            page.add(_html_foot(self.record_count))
            page.flush()
            self.manifest[index.name] = index.close()
            data_json.write(b"\n]}\n")

            self._copy(archive, "letter.pdf", [self.meta.letter_pdf])
            self._copy(archive, "data.json", data_json.read_back())
            for name, scratch, _ in self.csv_scratch.values():
                self._copy(archive, name, scratch.read_back())
            self._copy_statements(archive, statements, statement_sizes)
            self._write_manifest(archive)
        finally:
            for scratch in scratches:
                scratch.discard()
            if self._open_entry is not None and not self._open_entry.closed:
                # Failing part-way: close the entry so the ZIP closes and the error that stopped
                # the package is the one raised. What was written is incomplete; the caller
                # discards it.
                self._open_entry.close()

    def _entry(self, archive: zipfile.ZipFile, name: str, *, large: bool) -> "_Entry":
        self._open_entry = _Entry(archive, name, self.date_time, large=large)
        return self._open_entry

    def _csv_name(self, record: PackageRecord) -> str:
        if record.department not in self.csv_scratch:
            taken = {name for name, _, _ in self.csv_scratch.values()}
            slug = slugify(record.department) or "department"
            name, number = f"csv/{slug}.csv", 1
            while name in taken:
                number += 1
                name = f"csv/{slug}-{number}.csv"
            scratch = _TextScratch(self.scratch_key)
            writer = csv.writer(scratch.text)
            writer.writerow(["source", "record type", "key", "field", "value", "collected under"])
            self.csv_scratch[record.department] = (name, scratch, writer)
        return self.csv_scratch[record.department][0]

    def _csv_rows(self, record: PackageRecord, shown: list, numbers: list[int]) -> None:
        """One row per field; a statement of disagreement on a row of its own right after the
        field it is about (its text, and the file holding it)."""
        writer = self.csv_scratch[record.department][2]
        start = [_csv_cell(record.source), _csv_cell(record.record_type), _csv_cell(record.key)]
        # The privacy policy version the record was collected under, on each of its rows.
        policy = _csv_cell(record.collected_under or "")
        rows = []
        for row in _with_statements(record, shown, numbers):
            if isinstance(row, _StatementRow):
                rows.append(
                    [
                        *start,
                        _csv_cell(_statement_heading(row.statement, self.labels)),
                        _csv_cell(f"{row.statement.text} (statements/{row.number}.txt)"),
                        policy,
                    ]
                )
            else:
                _, label, text, _ = row
                rows.append([*start, label[2], _csv_cell(text), policy])
        writer.writerows(rows)

    def _statement_numbers(
        self, record: PackageRecord, scratch: _Scratch, sizes: list[int]
    ) -> list[int]:
        numbers = []
        for statement in record.statements:
            number = self.statement_numbers.get(statement.reference)
            if number is None:
                number = len(self.statement_numbers) + 1
                self.statement_numbers[statement.reference] = number
                text = _statement_text(number, statement, record, self.labels).encode()
                scratch.write(text)
                sizes.append(len(text))
            numbers.append(number)
        return numbers

    def _copy_statements(self, archive, scratch: _Scratch, sizes: list[int]) -> None:
        """statements/<n>.txt, cut back out of the one scratch file holding them all."""
        chunks = scratch.read_back()
        pending = b""
        for number, size in enumerate(sizes, start=1):
            entry = self._entry(archive, f"statements/{number}.txt", large=False)
            remaining = size
            while remaining:
                if not pending:
                    pending = next(chunks)
                piece, pending = pending[:remaining], pending[remaining:]
                entry.write(piece)
                remaining -= len(piece)
            self.manifest[entry.name] = entry.close()
        for _ in chunks:  # reads to the end, so a damaged scratch file cannot pass unnoticed
            pass

    def _copy(self, archive, name: str, chunks: Iterable[bytes]) -> None:
        entry = self._entry(archive, name, large=True)
        for chunk in chunks:
            for start in range(0, len(chunk), _COPY_CHUNK):
                entry.write(chunk[start : start + _COPY_CHUNK])
        self.manifest[name] = entry.close()

    def _write_manifest(self, archive) -> None:
        manifest = {
            "request_number": self.meta.request_number,
            "generated_at": self.meta.generated_at.isoformat(),
            "algorithm": "sha256",
            "files": {
                name: {"sha256": entry.sha256, "size": entry.size}
                for name, entry in self.manifest.items()
            },
        }
        data = (json.dumps(manifest, indent=2, ensure_ascii=False) + "\n").encode()
        entry = self._entry(archive, "manifest.json", large=False)
        entry.write(data)
        written = entry.close()
        self.manifest_sha256, self.manifest_size = written.sha256, written.size


class _HtmlWriter:
    def __init__(self, entry: _Entry):
        self._entry = entry
        self._parts: list[str] = []
        self._size = 0

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= _HTML_FLUSH:
            self.flush()

    def flush(self) -> None:
        self._entry.write("".join(self._parts).encode())
        self._parts, self._size = [], 0


# --- What each record says --------------------------------------------------------------------


class _Labels(dict):
    """Field key -> (plain-language name, the same escaped for HTML, the same for a CSV cell),
    worked out once per key: a package repeats a few keys on every record."""

    def __init__(self, labels: Mapping[str, str]):
        super().__init__()
        self._labels = labels

    def __missing__(self, name: str) -> tuple[str, str, str]:
        label = self._labels.get(name) or name.replace("_", " ").strip().capitalize() or name
        self[name] = (label, _e(label), _csv_cell(label))
        return self[name]


def _shown_fields(record: PackageRecord, labels: _Labels) -> list[tuple[str, tuple, str, str]]:
    """(field key, label, text shown, kind) per field, label as _Labels gives it; kind is "",
    "withheld" or "masked". A withheld field shows its exemption and never its value, whatever
    was passed."""
    fields = record.fields
    if not record.redacted and not record.masked:
        return [(name, labels[name], _text(value), "") for name, value in fields.items()]
    redacted = {mark.field: mark for mark in record.redacted}
    masked = {mark.field: mark for mark in record.masked}
    names = list(fields)
    names += [name for name in [*redacted, *masked] if name not in fields]
    shown = []
    for name in dict.fromkeys(names):
        label = labels[name]
        if name in redacted:
            shown.append((name, label, f"[withheld: {redacted[name].exemption_label}]", "withheld"))
        elif name in masked:
            value = _text(fields.get(name))
            mark = masked[name].label
            shown.append((name, label, f"{value} ({mark})" if value else f"[{mark}]", "masked"))
        else:
            shown.append((name, label, _text(fields.get(name)), ""))
    return shown


@dataclass(frozen=True)
class _StatementRow:
    """A statement of disagreement shown among a record's fields; `number` names its file."""

    number: int
    statement: Statement


def _with_statements(
    record: PackageRecord, shown: list, numbers: list[int]
) -> Iterator[tuple | _StatementRow]:
    """The shown fields with each statement of disagreement right after the field it is about;
    statements on the whole record, or on a field not shown, come after the last field."""
    if not record.statements:
        yield from shown
        return
    by_field: dict[str, list[_StatementRow]] = {}
    for number, statement in zip(numbers, record.statements, strict=True):
        by_field.setdefault(statement.field, []).append(_StatementRow(number, statement))
    for row in shown:
        yield row
        yield from by_field.pop(row[0], ())
    for rest in by_field.values():
        yield from rest


def _statement_heading(statement: Statement, labels: _Labels) -> str:
    if statement.field:
        return f"Your statement of disagreement about {labels[statement.field][0]}"
    return "Your statement of disagreement"


def _text(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return f"{value.day} {value:%B %Y, %H:%M}"
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, list | tuple):
        return ", ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, default=_json_value)
    return str(value)


def _statement_text(
    number: int, statement: Statement, record: PackageRecord, labels: _Labels
) -> str:
    made = f"Made: {_text(statement.made_at)}\n" if statement.made_at else ""
    field = f"Field: {labels[statement.field][0]}\n" if statement.field else ""
    return (
        f"Statement of disagreement {number}\n"
        f"About: {record.department}, {record.source}, {record.record_type} {record.key}\n"
        f"{field}{made}\n{statement.text.rstrip()}\n"
    )


def _csv_cell(text: str) -> str:
    return "'" + text if text.startswith(_CSV_FORMULA_STARTS) else text


# --- data.json ----------------------------------------------------------------------------


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, set | frozenset):
        return sorted(str(item) for item in value)
    return str(value)


def _json_head(meta: PackageMeta) -> bytes:
    head = {
        "request_number": meta.request_number,
        "resident_name": meta.resident_name,
        "generated_at": meta.generated_at.isoformat(),
        "departments": [
            {"department": item.department, "outcome": item.outcome}
            for item in meta.departments_summary
        ],
        "field_labels": dict(meta.field_labels),
    }
    text = json.dumps(head, ensure_ascii=False, indent=1)
    return (text[: text.rindex("}")].rstrip() + ',\n "records": [').encode()


def _json_record(record: PackageRecord, numbers: list[int], *, first: bool) -> bytes:
    withheld = {mark.field for mark in record.redacted}
    item = {
        "department": record.department,
        "source": record.source,
        "record_type": record.record_type,
        "key": record.key,
        "collected_under": record.collected_under,
        "fields": {
            name: None if name in withheld else value for name, value in record.fields.items()
        },
        "withheld": [
            {"field": m.field, "exemption": m.exemption_code, "exemption_label": m.exemption_label}
            for m in record.redacted
        ],
        "masked": [{"field": mark.field, "label": mark.label} for mark in record.masked],
        "statements": [
            {
                "number": number,
                "file": f"statements/{number}.txt",
                "field": statement.field or None,
                "text": statement.text,
                "made_at": statement.made_at.isoformat() if statement.made_at else None,
            }
            for number, statement in zip(numbers, record.statements, strict=True)
        ],
    }
    separator = "\n" if first else ",\n"
    return (separator + json.dumps(item, ensure_ascii=False, default=_json_value)).encode()


# --- index.html ---------------------------------------------------------------------------


_NEEDS_ESCAPING = re.compile(r"[&<>\"']")


def _e(value: Any) -> str:
    text = value if type(value) is str else str(value)
    # Most values have nothing to escape; finding that out in one scan is the fast path.
    return html.escape(text, quote=True) if _NEEDS_ESCAPING.search(text) else text


_STYLE = """
body { font-family: system-ui, sans-serif; line-height: 1.5; color: #1b1b1b; background: #fff;
  margin: 0 auto; max-width: 60rem; padding: 1rem; }
a { color: #1a4480; }
table { border-collapse: collapse; width: 100%; margin: 0 0 1.5rem; }
caption { text-align: left; font-weight: bold; padding: 0.25rem 0; }
th, td { border: 1px solid #565c65; padding: 0.25rem 0.5rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }
thead th { background: #dfe1e2; }
tbody th[scope="rowgroup"] { background: #f0f0f0; }
.withheld, .masked { font-style: italic; }
.statement { background: #faf3d1; }
"""


def _html_head(meta: PackageMeta) -> str:
    title = f"Your records: request {meta.request_number}"
    summary_rows = "".join(
        f'<tr><th scope="row">{_e(item.department)}</th><td>{_e(item.outcome)}</td></tr>\n'
        for item in meta.departments_summary
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>{_e(title)}</h1>
<p>Prepared for {_e(meta.resident_name)} by the City of Westfield on
{_e(_text(meta.generated_at))}.</p>
<h2>What is in this package</h2>
<ul>
<li>This page: your records, grouped by department and by the system that holds them.</li>
<li><a href="letter.pdf">The response letter</a> (PDF).</li>
<li><a href="data.json">data.json</a>: the same records in a format computers can read.</li>
<li>The folder <code>csv</code>: one spreadsheet file per department.</li>
<li>The folder <code>statements</code>: your statements of disagreement, one file each.</li>
<li><a href="manifest.json">manifest.json</a>: a fingerprint (SHA-256) of every file, to show
that none was changed.</li>
</ul>
<p>Where a value reads <em>[withheld: &hellip;]</em>, the City held it back and the reason
follows. Where part of a value is hidden, the note in brackets says what it is.</p>
<h2>Departments asked</h2>
<table>
<caption>What each department answered</caption>
<thead><tr><th scope="col">Department</th><th scope="col">Answer</th></tr></thead>
<tbody>
{summary_rows}</tbody>
</table>
"""


def _html_department(department: str, csv_name: str) -> str:
    return (
        f"<section>\n<h2>{_e(department)}</h2>\n"
        f'<p>Also as a spreadsheet: <a href="{_e(csv_name)}">{_e(csv_name)}</a>.</p>\n'
    )


def _html_table_start(record_type: str) -> str:
    return (
        f"<table>\n<caption>{_e(record_type)}</caption>\n"
        '<thead><tr><th scope="col">Record</th><th scope="col">Field</th>'
        '<th scope="col">Value</th></tr></thead>\n'
    )


def _html_close(record_type, source, department) -> str:
    """The closing tags for whatever was open: a table, a source section, a department."""
    return (
        ("</table>\n" if record_type is not None else "")
        + ("</section>\n" if source is not None else "")
        + ("</section>\n" if department is not None else "")
    )


def _html_record(record: PackageRecord, shown: list, numbers: list[int], labels: _Labels) -> str:
    rows = []
    for row in _with_statements(record, shown, numbers):
        if isinstance(row, _StatementRow):
            rows.append(
                f'<th scope="row">{_e(_statement_heading(row.statement, labels))}</th>'
                f'<td class="statement">{_e(row.statement.text)} '
                f'(<a href="statements/{row.number}.txt">statement {row.number}</a>)</td>'
            )
            continue
        _, label, text, kind = row
        value = f'<td class="{kind}">{_e(text)}</td>' if kind else f"<td>{_e(text)}</td>"
        rows.append(f'<th scope="row">{label[1]}</th>{value}')
    if record.collected_under:
        rows.append(f'<th scope="row">Collected under</th><td>{_e(record.collected_under)}</td>')
    if not rows:
        rows.append('<th scope="row">Fields</th><td>None</td>')
    head = f'<th scope="rowgroup" rowspan="{len(rows)}">{_e(record.key)}</th>'
    body = "</tr>\n<tr>".join(rows)
    return f"<tbody>\n<tr>{head}{body}</tr>\n</tbody>\n"


def _html_foot(record_count: int) -> str:
    if record_count == 0:
        return "<p>No records are included in this package.</p>\n</main>\n</body>\n</html>\n"
    return "</main>\n</body>\n</html>\n"


def _zip_date_time(moment: dt.datetime) -> tuple[int, int, int, int, int, int]:
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)
    return max(stamp, (1980, 1, 1, 0, 0, 0))  # the earliest time a ZIP can record


__all__ = [
    "DepartmentSummary",
    "ManifestEntry",
    "MaskMark",
    "PackageMeta",
    "PackageRecord",
    "PackageSummary",
    "RedactionMark",
    "Statement",
    "package_write",
]
