"""How strongly a department's record is the resident's, and on which of its fields.

Exact: an identifier the resident proved (an account number, a parcel id) is the record's. Strong:
name and date of birth. Weak: name and a current or previous address, with no date of birth or
identifier to settle it, or a name too thin to tell ("R. Smith") with the resident's date of birth;
a clerk must confirm a weak match before anything is released (DESIGN.md, "Review"). A record that
names another person (a namesake with another suffix, middle initial or date of birth) is no
match, whatever else agrees, a proved identifier included (a parcel keeps its id when it is sold):
releasing someone else's data is the worst failure this system can have.

The record's fields are read under these names (a connector's columns are mapped onto them):
`name`, `owner_name`, `co_owner_name`, `billing_name` (a name as printed, joint names allowed) or
the columns `first_name`, `middle_name`, `last_name`, `suffix`; `date_of_birth`; `address`,
`mailing_address`, `property_address`, `service_address` (one printed line) or the columns
`address_line1`, `address_line2`, `city`, `postal_code`; and each identifier under its kind
(`parcel_id`, `account_number`...), the same kind names as the resident's proved identifiers.
A name field holds the name of the person the record is about (the account holder, the owner),
never someone else's, such as a child's on a registration.
"""

import datetime as dt
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.matching.addresses import Address, address_from_parts, compare_addresses
from portal.matching.names import (
    NameComparison,
    NameVerdict,
    PersonName,
    compare_names,
    name_rank,
)

__all__ = [
    "ADDRESS_FIELDS",
    "ADDRESS_PART_FIELDS",
    "BIRTH_FIELD",
    "NAME_FIELDS",
    "NAME_PART_FIELDS",
    "Match",
    "MatchStrength",
    "ResidentAttributes",
    "match_record",
    "parse_date",
    "same_identifier",
]

NAME_FIELDS = ("name", "owner_name", "co_owner_name", "billing_name")
NAME_PART_FIELDS = ("first_name", "middle_name", "last_name", "suffix")
BIRTH_FIELD = "date_of_birth"
ADDRESS_FIELDS = ("address", "mailing_address", "property_address", "service_address")
ADDRESS_PART_FIELDS = ("address_line1", "address_line2", "city", "postal_code")


class MatchStrength(models.TextChoices):
    EXACT = "exact", _("An identifier the resident proved")
    STRONG = "strong", _("Name and date of birth")
    WEAK = "weak", _("Name and address only: a clerk must confirm")
    NONE = "none", _("Not the resident's")


@dataclass(frozen=True)
class ResidentAttributes:
    """What the resident verified. Identifiers are only those they proved (level 2 by account
    knowledge, a mailed code): one merely typed into a form is not evidence and is left out."""

    legal_name: PersonName
    date_of_birth: dt.date | None = None
    current_address: Address | str = ""
    previous_addresses: tuple[Address | str, ...] = ()
    proved_identifiers: Mapping[str, str | Collection[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """The strength, the record's fields that matched (its identifier kinds, name fields,
    `date_of_birth`, address fields) and those that ruled it out. A clerk confirms before
    release (`needs_confirmation`) every weak match, and an exact one on a trust's or company's
    record or under a name that may be a namesake's."""

    strength: MatchStrength
    matched: tuple[str, ...] = ()
    conflicts: tuple[str, ...] = ()
    needs_confirmation: bool = False


_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


def parse_date(value: object) -> dt.date | None:
    """A date from a department's column: a date, a datetime, "1980-03-14" (a time may follow),
    "3/14/1980" (month first, as US systems print it) or "19800314"; None for anything else."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if us_date := _US_DATE.fullmatch(text):
            month, day, year = (int(part) for part in us_date.groups())
            return dt.date(year, month, day)
        if re.fullmatch(r"\d{8}", text):
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?", text):
            return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None
    return None


def _identifier_parts(value: object) -> tuple[str, ...]:
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        return ()
    return tuple(re.sub(r"[\W_]+", " ", str(value).upper()).split())


def same_identifier(one: object, other: object) -> bool:
    """Whether two printings of an identifier are one: case and separators do not matter
    ("w-100" is "W 100"), but where both are printed in parts the parts must agree, so parcel
    "12-3-4" is not "1-23-4". One printed without separators ("12345678") is compared whole."""
    ours, theirs = _identifier_parts(one), _identifier_parts(other)
    if not ours or not theirs:
        return False
    if len(ours) > 1 and len(theirs) > 1:
        return ours == theirs
    return "".join(ours) == "".join(theirs)


def _values(value: object) -> list[object]:
    if isinstance(value, str | bytes) or not isinstance(value, Collection):
        return [value]
    return list(value)


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    return "" if isinstance(value, bool) or not isinstance(value, int | Decimal) else str(value)


def _names(resident: PersonName, record: Mapping) -> tuple[NameComparison | None, tuple[str, ...]]:
    """The best comparison over the record's name fields, and the fields that gave it."""
    found: list[tuple[NameComparison, tuple[str, ...]]] = []
    for name_field in NAME_FIELDS:
        if _text(record.get(name_field)).strip():
            found.append((compare_names(resident, _text(record[name_field])), (name_field,)))
    present = tuple(key for key in NAME_PART_FIELDS if _text(record.get(key)).strip())
    if present:
        parts = PersonName(*(_text(record.get(key)) for key in NAME_PART_FIELDS))
        found.append((compare_names(resident, parts), present))
    if not found:
        return None, ()
    best, _fields = max(found, key=lambda item: name_rank(item[0]))
    return best, tuple(
        key for result, keys in found if result.verdict is best.verdict for key in keys
    )


def _addresses(resident: ResidentAttributes, record: Mapping) -> tuple[str, ...]:
    """The record's address fields that are the resident's current or a previous address."""
    theirs: list[tuple[str, Address | str]] = [
        (key, _text(record.get(key))) for key in ADDRESS_FIELDS if _text(record.get(key)).strip()
    ]
    if _text(record.get("address_line1")).strip():
        line1, line2, city, postal_code = (_text(record.get(key)) for key in ADDRESS_PART_FIELDS)
        columns = address_from_parts(line1=line1, line2=line2, city=city, postal_code=postal_code)
        theirs.append(("address_line1", columns))
    ours = [resident.current_address, *resident.previous_addresses]
    return tuple(
        key
        for key, address in theirs
        if any(compare_addresses(own, address).same_address for own in ours if own)
    )


def _proved(resident: ResidentAttributes, record: Mapping) -> tuple[str, ...]:
    """The identifier kinds the resident proved that the record carries."""
    return tuple(
        kind
        for kind, proved in resident.proved_identifiers.items()
        if any(
            same_identifier(ours, theirs)
            for ours in _values(proved)
            for theirs in _values(record.get(kind))
        )
    )


def match_record(*, resident: ResidentAttributes, record_attributes: Mapping) -> Match:
    """How strongly one record (its fields under the names in this module's docstring) is the
    resident's. Never raises for odd values: anything unreadable simply does not match."""
    names, name_fields = _names(resident.legal_name, record_attributes)
    born = parse_date(record_attributes.get(BIRTH_FIELD))
    birth_agrees = born is not None and born == resident.date_of_birth
    conflicts: list[str] = []
    organisation_only = names is not None and names.differences == ("organisation",)
    if names is not None and names.verdict is NameVerdict.DIFFERENT and not organisation_only:
        conflicts.extend(name_fields)  # another person: a namesake is never the resident
    if born is not None and resident.date_of_birth is not None and not birth_agrees:
        conflicts.append(BIRTH_FIELD)
    if conflicts:
        return Match(MatchStrength.NONE, conflicts=tuple(conflicts))
    identifiers = _proved(resident, record_attributes)
    addresses = _addresses(resident, record_attributes)
    birth = (BIRTH_FIELD,) if birth_agrees else ()
    if identifiers:
        # A trust's or company's record (its trustee's data inside may be the resident's, c. 66A
        # §1), or one whose name may be a namesake's ("Robert Smith Jr." on the father's parcel):
        # a clerk picks out what is the resident's.
        same = name_fields if names is not None and names.same_person else ()
        doubtful = names is not None and names.verdict is NameVerdict.COMPATIBLE and not birth
        return Match(
            MatchStrength.EXACT,
            identifiers + same + birth + addresses,
            needs_confirmation=organisation_only or doubtful,
        )
    if names is None or organisation_only:
        return Match(MatchStrength.NONE)
    if birth_agrees and names.full_name_agrees:
        return Match(MatchStrength.STRONG, name_fields + birth + addresses)
    if names.same_person and addresses:
        return Match(MatchStrength.WEAK, name_fields + addresses, needs_confirmation=True)
    if birth_agrees and names.verdict is NameVerdict.COMPATIBLE and "name" not in names.unconfirmed:
        # "R. Smith" born the resident's birthday: likely, but initials are shared by brothers.
        return Match(MatchStrength.WEAK, name_fields + birth + addresses, needs_confirmation=True)
    return Match(MatchStrength.NONE)
