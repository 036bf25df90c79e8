"""What a steward enters for a manual source, turned into `SourceRecord`s: records typed into the
form (a kind, the department's record number, and field name/value rows), or a CSV file (first
row the field names, one chosen column the record number, one record per row).

Pure functions: nothing here reads the database. Every problem is an `EntryProblem` in words for
the steward, saying where it is (which field, which row of the file), so the form can put it
beside what they typed.

Field names are normalised to lower case with underscores ("Date of birth" becomes
`date_of_birth`), the names the matcher reads (portal.matching.strength), so a record the steward
found by name and date of birth is matched like one a connector returned.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tasks.connectors.base import SourceRecord

# A department's export of one resident's records is small; these bound a mistaken upload.
CSV_MAX_BYTES = 1_000_000
CSV_MAX_ROWS = 1000
MAX_COLUMNS = 50
RECORD_TYPE_MAX_LENGTH = 100
KEY_MAX_LENGTH = 200
FIELD_NAME_MAX_LENGTH = 100
VALUE_MAX_LENGTH = 2000
# A file with many bad rows lists the first few; the rest are counted.
PROBLEMS_SHOWN = 10


@dataclass(frozen=True)
class EntryProblem:
    """One thing wrong. `where` names the part it is about: "record_type", "key", "fields", or
    for a field row "name"/"value" with its `row` (from 0); for a file "file" or "key_column"."""

    message: str
    where: str = ""
    row: int | None = None


class EntryError(ValueError):
    def __init__(self, problems: Sequence[EntryProblem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class EnteredRecord:
    """One record as typed into the form."""

    record_type: str = ""
    key: str = ""
    rows: Sequence[tuple[str, str]] = field(default_factory=tuple)

    @property
    def is_blank(self) -> bool:
        return not (
            self.record_type.strip()
            or self.key.strip()
            or any(name.strip() or value.strip() for name, value in self.rows)
        )


def field_name_normal(name: str) -> str:
    """ "Date of birth" → "date_of_birth": lower case, runs of spaces, dashes and dots as one
    underscore."""
    return re.sub(r"[\s\-.]+", "_", name.strip().lower()).strip("_")


def _too_long(text: str, limit: int) -> bool:
    return len(text) > limit


# --- Records typed into the form ------------------------------------------------------------


def entered_record(entry: EnteredRecord) -> SourceRecord:
    """The record a steward typed, or EntryError with every problem in it."""
    problems: list[EntryProblem] = []
    record_type = entry.record_type.strip()
    key = entry.key.strip()
    if not record_type:
        problems.append(
            EntryProblem(_("Enter the kind of record, for example: tax bill."), "record_type")
        )
    elif _too_long(record_type, RECORD_TYPE_MAX_LENGTH):
        problems.append(
            EntryProblem(
                _("The kind of record must be %(n)d characters or fewer.")
                % {"n": RECORD_TYPE_MAX_LENGTH},
                "record_type",
            )
        )
    if not key:
        problems.append(EntryProblem(_("Enter the department's number for this record."), "key"))
    elif _too_long(key, KEY_MAX_LENGTH):
        problems.append(
            EntryProblem(
                _("The record number must be %(n)d characters or fewer.") % {"n": KEY_MAX_LENGTH},
                "key",
            )
        )
    fields: dict[str, str] = {}
    for row, (raw_name, raw_value) in enumerate(entry.rows):
        name, value = raw_name.strip(), raw_value.strip()
        if not name and not value:
            continue
        normal = field_name_normal(name)
        if not normal:
            problems.append(
                EntryProblem(
                    _("Enter a field name for the value %(value)s.") % {"value": value}, "name", row
                )
            )
            continue
        if _too_long(name, FIELD_NAME_MAX_LENGTH):
            problems.append(
                EntryProblem(
                    _("A field name must be %(n)d characters or fewer.")
                    % {"n": FIELD_NAME_MAX_LENGTH},
                    "name",
                    row,
                )
            )
            continue
        if not value:
            problems.append(
                EntryProblem(_("Enter the value of %(name)s.") % {"name": name}, "value", row)
            )
            continue
        if _too_long(value, VALUE_MAX_LENGTH):
            problems.append(
                EntryProblem(
                    _("A value must be %(n)d characters or fewer.") % {"n": VALUE_MAX_LENGTH},
                    "value",
                    row,
                )
            )
            continue
        if normal in fields:
            problems.append(
                EntryProblem(
                    _("%(name)s is entered twice in this record: enter each field once.")
                    % {"name": name},
                    "name",
                    row,
                )
            )
            continue
        fields[normal] = value
    if not fields and not any(problem.where in ("name", "value") for problem in problems):
        problems.append(
            EntryProblem(
                _("Enter at least one field of the record, for example: name, and its value."),
                "fields",
            )
        )
    if problems:
        raise EntryError(problems)
    return SourceRecord(key=key, record_type=record_type, fields=fields)


def duplicate_records(records: Sequence[SourceRecord]) -> list[int]:
    """The positions of records whose kind and number an earlier record already has: the same
    record entered twice (the portal keeps one record per kind and number)."""
    seen: set[tuple[str, str]] = set()
    repeated = []
    for position, record in enumerate(records):
        identity = (record.record_type.casefold(), record.key.casefold())
        if identity in seen:
            repeated.append(position)
        seen.add(identity)
    return repeated


# --- A CSV file -----------------------------------------------------------------------------


def _decoded(data: bytes) -> str:
    if len(data) > CSV_MAX_BYTES:
        raise EntryError(
            [
                EntryProblem(
                    _("The file is larger than %(size)d KB. Upload only this resident's records.")
                    % {"size": CSV_MAX_BYTES // 1000},
                    "file",
                )
            ]
        )
    try:
        # "utf-8-sig" drops the byte order mark spreadsheet programs write first.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EntryError(
            [
                EntryProblem(
                    _(
                        "The file is not UTF-8 text. Save it from your spreadsheet as "
                        '"CSV UTF-8 (comma delimited)" and upload it again.'
                    ),
                    "file",
                )
            ]
        ) from None
    if "\x00" in text:
        raise EntryError(
            [EntryProblem(_("The file is not a CSV file: it holds binary data."), "file")]
        )
    if not text.strip():
        raise EntryError([EntryProblem(_("The file is empty."), "file")])
    return text


def _header(row: list[str]) -> list[str]:
    names = [field_name_normal(cell) for cell in row]
    problems = []
    if len(names) == 1 and (";" in row[0] or "\t" in row[0]):
        problems.append(
            EntryProblem(
                _("The columns must be separated by commas, not semicolons or tabs."), "file"
            )
        )
    elif len(names) > MAX_COLUMNS:
        problems.append(
            EntryProblem(
                _("The file has more than %(n)d columns.") % {"n": MAX_COLUMNS},
                "file",
            )
        )
    else:
        blank = [str(position + 1) for position, name in enumerate(names) if not name]
        if blank:
            problems.append(
                EntryProblem(
                    ngettext(
                        "The first row names the fields, but column %(columns)s has no name.",
                        "The first row names the fields, but columns %(columns)s have no name.",
                        len(blank),
                    )
                    % {"columns": ", ".join(blank)},
                    "file",
                )
            )
        twice = sorted({name for name in names if name and names.count(name) > 1})
        if twice:
            problems.append(
                EntryProblem(
                    _("Each column needs its own name; these appear twice: %(names)s.")
                    % {"names": ", ".join(twice)},
                    "file",
                )
            )
        long_names = [name for name in names if _too_long(name, FIELD_NAME_MAX_LENGTH)]
        if long_names:
            problems.append(
                EntryProblem(
                    _("A column name must be %(n)d characters or fewer.")
                    % {"n": FIELD_NAME_MAX_LENGTH},
                    "file",
                )
            )
    if problems:
        raise EntryError(problems)
    return names


def csv_records(*, data: bytes, key_column: str, record_type: str) -> list[SourceRecord]:
    """One record per row of a CSV file: its first row names the fields, `key_column` holds the
    department's record number, every record is of kind `record_type`. Empty cells are left out
    of a record's fields; blank lines are skipped. EntryError lists what is wrong, with the
    file's row numbers (the first row is row 1)."""
    text = _decoded(data)
    record_type = record_type.strip()
    if not record_type:
        raise EntryError(
            [EntryProblem(_("Enter the kind of record, for example: tax bill."), "record_type")]
        )
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(cells for cells in reader if any(cell.strip() for cell in cells))
        header = _header(first)
        key_name = field_name_normal(key_column)
        if key_name not in header:
            raise EntryError(
                [
                    EntryProblem(
                        _("The file has no column named %(column)s. Its columns are: %(columns)s.")
                        % {"column": key_column.strip(), "columns": ", ".join(header)},
                        "key_column",
                    )
                ]
            )
        key_at = header.index(key_name)
        records: list[SourceRecord] = []
        problems: list[EntryProblem] = []
        rows_of_key: dict[str, int] = {}
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) + len(problems) >= CSV_MAX_ROWS:
                raise EntryError(
                    [
                        EntryProblem(
                            _(
                                "The file has more than %(n)d records. Upload only this "
                                "resident's records."
                            )
                            % {"n": CSV_MAX_ROWS},
                            "file",
                        )
                    ]
                )
            if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
                problems.append(
                    EntryProblem(
                        _("Row %(row)d has more cells than the first row has column names.")
                        % {"row": line},
                        "file",
                    )
                )
                continue
            values = [cell.strip() for cell in cells[: len(header)]]
            values += [""] * (len(header) - len(values))
            key = values[key_at]
            if not key:
                problems.append(
                    EntryProblem(
                        _("Row %(row)d has no %(column)s.") % {"row": line, "column": key_name},
                        "file",
                    )
                )
                continue
            if _too_long(key, KEY_MAX_LENGTH):
                problems.append(
                    EntryProblem(
                        _("Row %(row)d: the record number must be %(n)d characters or fewer.")
                        % {"row": line, "n": KEY_MAX_LENGTH},
                        "file",
                    )
                )
                continue
            if any(_too_long(value, VALUE_MAX_LENGTH) for value in values):
                problems.append(
                    EntryProblem(
                        _("Row %(row)d has a value longer than %(n)d characters.")
                        % {"row": line, "n": VALUE_MAX_LENGTH},
                        "file",
                    )
                )
                continue
            if key.casefold() in rows_of_key:
                problems.append(
                    EntryProblem(
                        _("Rows %(first)d and %(row)d have the same %(column)s, %(key)s.")
                        % {
                            "first": rows_of_key[key.casefold()],
                            "row": line,
                            "column": key_name,
                            "key": key,
                        },
                        "file",
                    )
                )
                continue
            rows_of_key[key.casefold()] = line
            fields = {name: value for name, value in zip(header, values, strict=True) if value}
            records.append(SourceRecord(key=key, record_type=record_type, fields=fields))
    except csv.Error as error:
        raise EntryError(
            [
                EntryProblem(
                    _("The file could not be read as CSV (row %(row)d: %(error)s).")
                    % {"row": reader.line_num, "error": error},
                    "file",
                )
            ]
        ) from None
    except StopIteration:  # nothing but blank lines and empty cells
        raise EntryError([EntryProblem(_("The file is empty."), "file")]) from None
    if len(problems) > PROBLEMS_SHOWN:
        more = len(problems) - PROBLEMS_SHOWN
        problems = [
            *problems[:PROBLEMS_SHOWN],
            EntryProblem(
                ngettext(
                    "And %(n)d more row with a problem.",
                    "And %(n)d more rows with a problem.",
                    more,
                )
                % {"n": more},
                "file",
            ),
        ]
    if problems:
        raise EntryError(problems)
    if not records:
        raise EntryError(
            [EntryProblem(_("The file has column names but no records under them."), "file")]
        )
    return records
