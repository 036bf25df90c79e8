"""How departments spell one person's name and address: the variation the matcher must undo."""

from __future__ import annotations

from typing import Protocol

from portal.demo.model import Address
from portal.demo.names import (
    DIRECTIONAL_ABBREVIATIONS,
    NICKNAMES,
    STREET_SUFFIX_ABBREVIATIONS,
)

NAME_STYLES = (
    "natural",  # Robert J. Smith Jr.
    "natural_full",  # Robert James Smith Jr.
    "first_last",  # Robert Smith
    "last_first_upper",  # SMITH ROBERT J JR
    "last_comma_first",  # Smith, Robert J., Jr.
    "nickname",  # Bob Smith
    "last_comma_nickname",  # Smith, Bob
)

ADDRESS_STYLES = (
    "full",  # 12 Elm Street Apt 2
    "abbrev",  # 12 Elm St Unit 2
    "upper_hash",  # 12 ELM ST #2
    "street_only",  # 12 Elm St
    "upper_street_only",  # 12 ELM ST
)


class Named(Protocol):
    """Anything with name parts: a Person, or a party on a deed who is not in the population."""

    @property
    def first(self) -> str: ...
    @property
    def middle(self) -> str: ...
    @property
    def last(self) -> str: ...
    @property
    def suffix(self) -> str: ...


def nickname_for(first: str, *, variant: int = 0) -> str:
    """A common short form of a given name, or the name itself when it has none."""
    options = NICKNAMES.get(first)
    if not options:
        return first
    return options[variant % len(options)]


def format_name(person: Named, style: str, *, variant: int = 0) -> str:
    """Spell a person's name as one department would; `variant` picks among nicknames."""
    return format_name_parts(
        first=person.first,
        middle=person.middle,
        last=person.last,
        suffix=person.suffix,
        style=style,
        variant=variant,
    )


def format_name_parts(
    *, first: str, middle: str, last: str, suffix: str, style: str, variant: int = 0
) -> str:
    """format_name for callers that altered one part first (a typo, a dropped middle)."""
    initial = f"{middle[0]}." if middle else ""
    bare_suffix = suffix.replace(".", "")
    if style == "natural":
        return _join(first, initial, last, suffix)
    if style == "natural_full":
        return _join(first, middle, last, suffix)
    if style == "first_last":
        return _join(first, last)
    if style == "last_first_upper":
        return _join(last, first, middle[:1], bare_suffix).upper()
    if style == "last_comma_first":
        given = _join(first, initial)
        return f"{last}, {given}, {suffix}" if suffix else f"{last}, {given}"
    if style == "nickname":
        return _join(nickname_for(first, variant=variant), last, suffix)
    if style == "last_comma_nickname":
        return f"{last}, {nickname_for(first, variant=variant)}"
    raise ValueError(f"unknown name style {style!r}; expected one of {NAME_STYLES}")


def abbreviate_street(street: str, *, short_directional: bool = False) -> str:
    """Elm Street → Elm St; North Elm Street → N Elm St when directionals are shortened too."""
    words = street.split()
    if words and words[-1] in STREET_SUFFIX_ABBREVIATIONS:
        words[-1] = STREET_SUFFIX_ABBREVIATIONS[words[-1]]
    if short_directional and len(words) > 2 and words[0] in DIRECTIONAL_ABBREVIATIONS:
        words[0] = DIRECTIONAL_ABBREVIATIONS[words[0]]
    return " ".join(words)


def format_address(address: Address, style: str, *, short_directional: bool = False) -> str:
    """Spell the street line of an address as one department would."""
    street = address.street
    if style != "full":
        street = abbreviate_street(street, short_directional=short_directional)
    line = f"{address.number} {street}"
    if style == "full":
        return f"{line} Apt {address.unit}" if address.unit else line
    if style == "abbrev":
        return f"{line} Unit {address.unit}" if address.unit else line
    if style == "upper_hash":
        return (f"{line} #{address.unit}" if address.unit else line).upper()
    if style == "street_only":
        return line
    if style == "upper_street_only":
        return line.upper()
    raise ValueError(f"unknown address style {style!r}; expected one of {ADDRESS_STYLES}")


def format_city_line(address: Address, *, upper: bool = False) -> str:
    """Westfield, MA 01085 (or WESTFIELD MA 01085, the way billing systems print it)."""
    if upper:
        return f"{address.city.upper()} {address.state} {address.zip}"
    return f"{address.city}, {address.state} {address.zip}"


def _join(*parts: str) -> str:
    return " ".join(part for part in parts if part)
