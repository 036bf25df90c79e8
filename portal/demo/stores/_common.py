"""What every department store shares: atomic files, SQLite writing, dates, money and spelling."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import pathlib
import random
import sqlite3
from collections.abc import Iterator, Sequence

from portal.demo.formatting import Named, format_address, format_name_parts
from portal.demo.model import REFERENCE_DATE, Address

# Exports are dated the night before the demo's reference date.
EXPORT_DATE = REFERENCE_DATE - dt.timedelta(days=1)
LAST_RECORD_DATE = EXPORT_DATE


@dataclasses.dataclass(frozen=True, slots=True)
class StoreResult:
    """Where one department store was written and how many rows each of its tables holds."""

    slug: str
    path: pathlib.Path
    tables: dict[str, int]
    files: tuple[pathlib.Path, ...] = ()


@contextlib.contextmanager
def atomic_target(target: pathlib.Path) -> Iterator[pathlib.Path]:
    """Yield a temporary sibling path; replace `target` with it only if the block succeeds.

    A reader never sees a half-written store, and a failed build leaves the old one in place.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


class SqliteWriter:
    """Builds one SQLite file quickly (no journal while building) and counts rows per table."""

    def __init__(self, path: pathlib.Path, schema: str) -> None:
        self.connection = sqlite3.connect(path)
        self.connection.execute("PRAGMA journal_mode = OFF")
        self.connection.execute("PRAGMA synchronous = OFF")
        self.connection.executescript(schema)
        self.counts: dict[str, int] = {}

    def insert(self, table: str, statement: str, rows: Sequence[Sequence[object]]) -> None:
        self.connection.executemany(statement, rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def finish(self, indexes: str) -> dict[str, int]:
        """Create the search indexes after loading (faster than maintaining them row by row)."""
        self.connection.executescript(indexes)
        self.connection.commit()
        self.connection.close()
        return dict(self.counts)


# Dates ---------------------------------------------------------------------------------------


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end < start:
        return start
    return dt.date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def business_day(day: dt.date) -> dt.date:
    """Move a weekend due date to the following Monday, as the City does."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def first_business_day(year: int, month: int) -> dt.date:
    return business_day(dt.date(year, month, 1))


def eastern_offset(moment: dt.datetime) -> dt.timezone:
    """America/New_York's offset for a wall-clock time, by the US rule in force since 2007.

    Computed rather than looked up so the output does not depend on a machine's time-zone data.
    """
    march_first = dt.date(moment.year, 3, 1)
    dst_start = march_first + dt.timedelta(days=(6 - march_first.weekday()) % 7 + 7)
    november_first = dt.date(moment.year, 11, 1)
    dst_end = november_first + dt.timedelta(days=(6 - november_first.weekday()) % 7)
    wall_clock = (moment.date(), moment.hour)
    hours = -4 if (dst_start, 2) <= wall_clock < (dst_end, 2) else -5
    return dt.timezone(dt.timedelta(hours=hours))


def money(cents: int) -> float:
    """Dollars with two decimals, from exact integer cents."""
    return round(cents / 100, 2)


# Names and addresses as each department spells them -------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class Party:
    """Someone named in a record: a resident of the population or an outsider (person is None)."""

    first: str
    middle: str
    last: str
    suffix: str = ""
    person_id: str = ""


def party_of(person: Named, *, person_id: str = "") -> Party:
    return Party(person.first, person.middle, person.last, person.suffix, person_id)


class Speller:
    """Spells names and addresses one department's way, with its own small rate of slips."""

    def __init__(
        self, rng: random.Random, *, typo_rate: float = 0.01, drop_middle_rate: float = 0.08
    ) -> None:
        self.rng = rng
        self.typo_rate = typo_rate
        self.drop_middle_rate = drop_middle_rate

    def name(self, who: Named, style: str, *, variant: int | None = None) -> str:
        rng = self.rng
        first, middle, last = who.first, who.middle, who.last
        if middle and rng.random() < self.drop_middle_rate:
            middle = ""
        if rng.random() < self.typo_rate:
            if rng.random() < 0.6:
                last = typo(rng, last)
            else:
                first = typo(rng, first)
        chosen = rng.randrange(3) if variant is None else variant
        return format_name_parts(
            first=first, middle=middle, last=last, suffix=who.suffix, style=style, variant=chosen
        )

    def names_joined(self, parties: Sequence[Named], style: str) -> str:
        """Co-owners on one line: SMITH ROBERT J & MARY A when they share a surname."""
        if not parties:
            return ""
        spelled = [self.name(parties[0], style)]
        for party in parties[1:]:
            if style == "last_first_upper" and party.last == parties[0].last:
                given = format_name_parts(
                    first=party.first,
                    middle=party.middle,
                    last="",
                    suffix=party.suffix,
                    style=style,
                )
                spelled.append(given)
            else:
                spelled.append(self.name(party, style))
        return " & ".join(spelled)

    def address(self, address: Address, style: str, *, short_directional: bool = False) -> str:
        line = format_address(address, style, short_directional=short_directional)
        if self.rng.random() < self.typo_rate / 2:
            number, _, rest = line.partition(" ")
            line = f"{number} {typo(self.rng, rest)}"
        return line


def typo(rng: random.Random, text: str) -> str:
    """One slip of the keyboard: two letters swapped, one dropped, or one doubled."""
    letters = [index for index, char in enumerate(text) if char.isalpha()]
    if len(letters) < 4:
        return text
    position = rng.choice(letters[1:-1])
    kind = rng.randrange(3)
    if kind == 0 and position + 1 < len(text) and text[position + 1].isalpha():
        return text[:position] + text[position + 1] + text[position] + text[position + 2 :]
    if kind == 1:
        return text[:position] + text[position + 1 :]
    return text[:position] + text[position] + text[position:]
