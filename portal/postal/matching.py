"""Finding the resident among an address source's records by name and date of birth.

An address-of-record lookup (named `address_of_record` in the data source's configuration) takes
`date_of_birth` (ISO date) and answers rows with these columns: `person_key` (the same for one
person across rows), `first_name`, `middle_name`, `last_name`, `suffix`, `date_of_birth`,
`address_line1`, `address_line2`, `city`, `state`, `postal_code` and `as_of` (a year or an ISO
date: the most recent row is the person's address of record). Names are compared here, after
normalising, because departments spell them their own way (DEPARTMENTS.md, "Matching facts").
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from portal.matching import strength
from portal.matching.names import PersonName, compare_names, name_key, normalise_suffix
from portal.postal.models import MatchStrength
from tasks.connectors.base import SourceRecord

LOOKUP_NAME = "address_of_record"
REQUIRED_COLUMNS = frozenset(
    {"person_key", "first_name", "last_name", "date_of_birth", "address_line1", "as_of"}
)


@dataclass(frozen=True)
class Resident:
    """Who the resident said they are."""

    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    date_of_birth: dt.date

    @property
    def name(self) -> PersonName:
        return PersonName(self.first_name, self.middle_name, self.last_name, self.suffix)


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


# Kept under these names for this module's callers; the normalising is portal.matching's.
name_normalise = name_key
suffix_normalise = normalise_suffix


def date_normalise(value: object) -> str:
    born = strength.parse_date(value)
    return born.isoformat() if born else str(value or "").strip()[:10]


def match_strength(resident: Resident, fields: Mapping[str, Any]) -> MatchStrength | None:
    """Full: what portal.matching calls a strong match (name and date of birth). Partial: the
    date of birth and the surname or the given name agree, so a clerk may pick the person out.

    The stored scale (full, partial) stays this module's: the mailed-code rows keep it, and a
    candidate is only ever found by date of birth, so exact and weak never arise here."""
    record = {key: fields.get(key) for key in (*strength.NAME_PART_FIELDS, strength.BIRTH_FIELD)}
    attributes = strength.ResidentAttributes(
        legal_name=resident.name, date_of_birth=resident.date_of_birth
    )
    found = strength.match_record(resident=attributes, record_attributes=record)
    if found.strength == strength.MatchStrength.STRONG:
        return MatchStrength.FULL
    if strength.parse_date(fields.get("date_of_birth")) != resident.date_of_birth:
        return None
    names = compare_names(
        resident.name, PersonName(*(str(record[key] or "") for key in strength.NAME_PART_FIELDS))
    )
    return MatchStrength.PARTIAL if {"surname", "given_name"} & set(names.agreed) else None


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
