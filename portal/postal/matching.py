"""Finding the resident among an address source's records by name and date of birth.

An address-of-record lookup (named `address_of_record` in the data source's configuration) takes
`date_of_birth` (ISO date) and answers rows with these columns: `person_key` (the same for one
person across rows), `first_name`, `middle_name`, `last_name`, `suffix`, `date_of_birth`,
`address_line1`, `address_line2`, `city`, `state`, `postal_code` and `as_of` (a year or an ISO
date: the most recent row is the person's address of record). Names are compared here, after
normalising, because departments spell them their own way (DEPARTMENTS.md, "Matching facts").
"""

import datetime as dt
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from portal.postal.models import MatchStrength
from tasks.connectors.base import SourceRecord

LOOKUP_NAME = "address_of_record"
REQUIRED_COLUMNS = frozenset(
    {"person_key", "first_name", "last_name", "date_of_birth", "address_line1", "as_of"}
)
_SUFFIXES = {"junior": "jr", "senior": "sr", "2nd": "ii", "3rd": "iii", "4th": "iv"}


@dataclass(frozen=True)
class Resident:
    """Who the resident said they are."""

    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    date_of_birth: dt.date


@dataclass(frozen=True)
class PersonFound:
    """One person in a source, as their most recent record describes them."""

    source: str
    record_key: str
    person_key: str
    match: MatchStrength
    fields: Mapping[str, Any]

    def text(self, column: str) -> str:
        value = self.fields.get(column)
        return "" if value is None else str(value).strip()


def name_normalise(text: str | None) -> str:
    """Case, accents, spaces, hyphens, apostrophes and full stops do not matter."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed.casefold() if char.isalnum())


def suffix_normalise(text: str | None) -> str:
    plain = name_normalise(text)
    return _SUFFIXES.get(plain, plain)


def date_normalise(value: object) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value or "").strip()[:10]


def match_strength(resident: Resident, fields: Mapping[str, Any]) -> MatchStrength | None:
    """Full: last and first names agree, and middle initial and suffix do not disagree.
    Partial: the date of birth and one of the two names agree. Otherwise no match."""
    if date_normalise(fields.get("date_of_birth")) != resident.date_of_birth.isoformat():
        return None
    last_agrees = name_normalise(fields.get("last_name")) == name_normalise(resident.last_name)
    first_agrees = name_normalise(fields.get("first_name")) == name_normalise(resident.first_name)
    middle_theirs = name_normalise(fields.get("middle_name"))[:1]
    middle_ours = name_normalise(resident.middle_name)[:1]
    suffix_theirs = suffix_normalise(fields.get("suffix"))
    suffix_ours = suffix_normalise(resident.suffix)
    compatible = (not middle_theirs or not middle_ours or middle_theirs == middle_ours) and (
        not suffix_theirs or not suffix_ours or suffix_theirs == suffix_ours
    )
    if last_agrees and first_agrees and compatible:
        return MatchStrength.FULL
    if last_agrees or first_agrees:
        return MatchStrength.PARTIAL
    return None


def missing_columns(records: Iterable[SourceRecord]) -> set[str]:
    missing: set[str] = set()
    for record in records:
        missing |= REQUIRED_COLUMNS - set(record.fields)
    return missing


def persons_found(
    *, source: str, resident: Resident, records: Iterable[SourceRecord]
) -> list[PersonFound]:
    """Each matching person once, described by their most recent record; full matches first."""
    latest: dict[str, SourceRecord] = {}
    for record in records:
        person_key = str(record.fields["person_key"])
        current = latest.get(person_key)
        if current is None or _as_of(record) > _as_of(current):
            latest[person_key] = record
    found = []
    for person_key, record in latest.items():
        strength = match_strength(resident, record.fields)
        if strength is not None:
            found.append(
                PersonFound(
                    source=source,
                    record_key=record.key,
                    person_key=person_key,
                    match=strength,
                    fields=record.fields,
                )
            )
    return sorted(found, key=lambda person: (person.match != MatchStrength.FULL, person.person_key))


def _as_of(record: SourceRecord) -> str:
    value = record.fields.get("as_of")
    return date_normalise(value) if isinstance(value, dt.date) else str(value or "")
