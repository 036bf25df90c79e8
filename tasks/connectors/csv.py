"""The `csv` connector: a department's nightly export, dropped as a CSV file in a folder.

Configuration:
    {"folder": "/srv/exports/clerk",         # or "folder_env": "CLERK_EXPORT_FOLDER"
     "file": "street-listing-*.csv",          # a name pattern; the newest matching file is read
     "encoding": "utf-8", "delimiter": ",",   # optional
     "lookups": {"<name>": {"match": {"DOB": "date_of_birth"},   # column: parameter
                            "record_type": "street_listing", "key": "RESIDENT_ID",
                            "fields": {"DOB": "date_of_birth"}}}}  # optional renames

`fields` renames an export's own column names to the names matching reads (first_name,
last_name, date_of_birth, address...); other columns keep their names.

The file is read row by row (never loaded whole), and a row is returned when every matched
column equals its parameter (ignoring case and surrounding spaces). Only a file directly in the
folder is read: a pattern cannot name another folder, and a file that is a link to somewhere
outside the folder is refused.
"""

from __future__ import annotations

import codecs
import csv
import fnmatch
import os
import re
from collections.abc import Mapping
from itertools import islice
from pathlib import Path
from time import monotonic
from typing import Any

from tasks.connectors.base import Connector, ConnectorError, SourceRecord

SETTINGS = frozenset({"folder", "folder_env", "file", "encoding", "delimiter", "lookups"})
LOOKUP_SETTINGS = frozenset({"match", "record_type", "key", "fields"})
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
# A lookup matching more rows than this is too broad to be about one person.
MAX_MATCHES = 10_000
# How often (in rows) a long read checks the source's time-out.
DEADLINE_EVERY_ROWS = 8192


def _file_pattern_problem(pattern: Any) -> str | None:
    if not isinstance(pattern, str) or not pattern.strip():
        return "file must give the export's name or a pattern like street-listing-*.csv"
    if any(mark in pattern for mark in ("/", "\\", "\0")) or ".." in pattern:
        return "file must be a name in the folder, without /, \\ or .."
    return None


def _folder_problem(folder: Any) -> str | None:
    if not isinstance(folder, str) or not os.path.isabs(folder):
        return "folder must be an absolute path, like /srv/exports/clerk"
    if not Path(folder).is_dir():
        return f"the folder {folder} does not exist"
    return None


def _lookup_problems(name: str, lookup: Any) -> list[str]:
    if not isinstance(lookup, dict):
        return [f"lookup {name!r} must be a JSON object"]
    problems = [
        f"lookup {name!r}: unknown setting {key!r}"
        for key in sorted(lookup.keys() - LOOKUP_SETTINGS)
    ]
    match = lookup.get("match")
    if not isinstance(match, dict) or not match:
        problems.append(f"lookup {name!r} needs match: which column equals which parameter")
    elif not all(
        isinstance(column, str) and column and isinstance(parameter, str) and NAME.match(parameter)
        for column, parameter in match.items()
    ):
        problems.append(f"lookup {name!r}: match maps column names to plain parameter names")
    if not isinstance(lookup.get("key"), str) or not lookup["key"]:
        problems.append(f"lookup {name!r} needs key, the column that identifies a record")
    renames = lookup.get("fields", {})
    if not isinstance(renames, dict) or not all(
        isinstance(column, str) and column and isinstance(field, str) and NAME.match(field)
        for column, field in renames.items()
    ):
        problems.append(f"lookup {name!r}: fields maps column names to plain field names")
    return problems


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # a link to nothing: it is never the newest
        return float("-inf")


def _normalised(value: Any) -> str:
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return text.strip().casefold()


class CsvConnector(Connector):
    kind = "csv"

    @classmethod
    def configuration_problems(cls, configuration: Mapping[str, Any]) -> list[str]:
        problems = [f"unknown setting {key!r}" for key in sorted(configuration.keys() - SETTINGS)]
        has_folder = "folder" in configuration
        has_env = "folder_env" in configuration
        if has_folder == has_env:
            problems.append("give exactly one of folder and folder_env")
        elif has_folder and (problem := _folder_problem(configuration["folder"])):
            problems.append(problem)
        elif has_env and not (
            isinstance(configuration["folder_env"], str) and NAME.match(configuration["folder_env"])
        ):
            problems.append("folder_env must be the name of an environment variable")
        if problem := _file_pattern_problem(configuration.get("file")):
            problems.append(problem)
        encoding = configuration.get("encoding", "utf-8")
        try:
            codecs.lookup(str(encoding))
        except LookupError:
            problems.append(f"the encoding {encoding!r} is not one Python knows")
        delimiter = configuration.get("delimiter", ",")
        if not isinstance(delimiter, str) or len(delimiter) != 1 or delimiter in '"\r\n':
            problems.append("delimiter must be one character, like , or ; or a tab")
        lookups = configuration.get("lookups")
        if not isinstance(lookups, dict) or not lookups:
            problems.append("lookups must name at least one lookup")
            return problems
        for name, lookup in lookups.items():
            problems += _lookup_problems(name, lookup)
        return problems

    @classmethod
    def parameter_names(cls, configuration: Mapping[str, Any]) -> set[str] | None:
        lookups = configuration.get("lookups")
        return {
            parameter
            for lookup in (lookups.values() if isinstance(lookups, dict) else ())
            if isinstance(lookup, dict) and isinstance(lookup.get("match"), dict)
            for parameter in lookup["match"].values()
            if isinstance(parameter, str)
        }

    def _folder(self) -> Path:
        if variable := self.configuration.get("folder_env"):
            folder = os.environ.get(str(variable), "")
            if not folder:
                raise ConnectorError(
                    f"the environment variable {variable} is not set", permanent=True
                )
        else:
            folder = str(self.configuration["folder"])
        if problem := _folder_problem(folder):
            raise ConnectorError(problem, permanent=True)
        return Path(folder).resolve()

    def _newest_file(self) -> Path:
        """The newest file matching the pattern, directly in the folder and really inside it."""
        folder = self._folder()
        pattern = str(self.configuration["file"])
        candidates = []
        with os.scandir(folder) as entries:
            for entry in entries:
                if fnmatch.fnmatchcase(entry.name, pattern):
                    candidates.append(Path(entry.path))
        if not candidates:
            raise ConnectorError(
                f"no file named like {pattern} is in {folder}: the department's export has not "
                "arrived",
                permanent=True,
            )
        newest = max(candidates, key=lambda path: (_modified(path), path.name))
        resolved = newest.resolve()
        if not resolved.is_relative_to(folder):
            raise ConnectorError(
                f"the file {newest.name} is a link to somewhere outside {folder}: refused",
                permanent=True,
            )
        if not resolved.is_file():
            raise ConnectorError(f"{newest.name} in {folder} is not a file", permanent=True)
        return resolved

    def lookup(self, *, name: str, parameters: Mapping[str, Any]) -> list[SourceRecord]:
        if problems := self.configuration_problems(self.configuration):
            raise ConnectorError("; ".join(problems), permanent=True)
        lookup = self.configuration["lookups"].get(name)
        if lookup is None:
            raise ConnectorError(f"no lookup named {name!r} is configured", permanent=True)
        wanted = {}
        for column, parameter in lookup["match"].items():
            value = parameters.get(parameter)
            if value is None or _normalised(value) == "":
                raise ConnectorError(
                    f"lookup {name!r} needs the parameter {parameter!r}", permanent=True
                )
            wanted[column] = _normalised(value)
        try:
            path = self._newest_file()
            rows = self._matching_rows(path, wanted=wanted, key=lookup["key"])
        except UnicodeDecodeError:
            raise ConnectorError(
                f"the export is not in the encoding {self.configuration.get('encoding', 'utf-8')}"
                ": set encoding in the source's configuration",
                permanent=True,
            ) from None
        except PermissionError as error:
            raise ConnectorError(
                f"the portal may not read {error.filename}", permanent=True
            ) from None
        except OSError as error:
            raise ConnectorError(
                f"the export could not be read ({error.strerror})",
                permanent=False,
            ) from None
        record_type = lookup.get("record_type", name)
        renames = lookup.get("fields", {})
        return [
            SourceRecord(
                key=row[lookup["key"]],
                record_type=record_type,
                fields={renames.get(column, column): value for column, value in row.items()},
            )
            for row in rows
        ]

    def _matching_rows(
        self, path: Path, *, wanted: Mapping[str, str], key: str
    ) -> list[dict[str, str]]:
        # O_NOFOLLOW: the file checked above is the file opened, even if a link is swapped in.
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        deadline = monotonic() + self.source.timeout_seconds
        with open(
            descriptor, encoding=self.configuration.get("encoding", "utf-8"), newline=""
        ) as handle:
            reader = csv.reader(handle, delimiter=self.configuration.get("delimiter", ","))
            try:
                header = next(reader, None)
                if header is None:
                    return []
                # A byte-order mark, as spreadsheet programs write, is not part of the first name.
                header = [column.strip().lstrip("\ufeff") for column in header]
                missing = [column for column in (*wanted, key) if column not in header]
                if missing:
                    raise ConnectorError(
                        f"{path.name} has no column {missing[0]!r}: check the lookup's match "
                        "and key",
                        permanent=True,
                    )
                tests = [(header.index(column), value) for column, value in wanted.items()]
                found = self._scan(reader, tests=tests, header=header, deadline=deadline)
            except csv.Error as error:
                raise ConnectorError(
                    f"{path.name} is not valid CSV near line {reader.line_num}: {error}",
                    permanent=True,
                ) from None
        return found

    def _scan(
        self, reader: Any, *, tests: list[tuple[int, str]], header: list[str], deadline: float
    ) -> list[dict[str, str]]:
        """The rows passing every test, one row in memory at a time. Kept lean: it runs once per
        row of exports that can hold millions."""
        first, wanted = tests[0]
        width = len(header)
        found = []
        while True:
            more = False
            for row in islice(reader, DEADLINE_EVERY_ROWS):
                more = True
                if len(row) <= first or row[first].strip().casefold() != wanted:
                    continue
                if not all(
                    index < len(row) and row[index].strip().casefold() == value
                    for index, value in tests
                ):
                    continue
                if len(found) == MAX_MATCHES:
                    raise ConnectorError(
                        f"more than {MAX_MATCHES} rows of the export match: the lookup's match "
                        "is too broad",
                        permanent=True,
                    )
                found.append(dict(zip(header, row + [""] * (width - len(row)), strict=False)))
            if not more:
                return found
            if monotonic() > deadline:
                raise ConnectorError(
                    f"reading the export took longer than {self.source.timeout_seconds} seconds",
                    permanent=False,
                )
