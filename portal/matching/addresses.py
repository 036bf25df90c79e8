"""US street addresses as departments print them, normalised and compared.

"12 Elm St", "12 Elm Street Apt 2" and "12 ELM ST #2" are one home (DEPARTMENTS.md). Street
suffixes and directionals follow the USPS abbreviations (Publication 28, appendix C1 and B), unit
designators are set aside so only the unit's number is compared, and ZIP+4 becomes the 5-digit
ZIP. An address is only ever data: anything that is not an address normalises to an empty one.
"""

import enum
import re
from dataclasses import dataclass, replace

from portal.matching.names import fold

__all__ = [
    "Address",
    "AddressComparison",
    "AddressVerdict",
    "address_from_parts",
    "compare_addresses",
    "normalise_address",
]

# Street suffix spellings → the USPS standard abbreviation (the common ones in Massachusetts).
_SUFFIX_SPELLINGS = {
    "aly": ("alley", "allee", "ally"),
    "ave": ("av", "aven", "avenu", "avenue", "avn", "avnue"),
    "bnd": ("bend",),
    "blvd": ("boul", "boulevard", "boulv"),
    "brk": ("brook",),
    "cir": ("circ", "circl", "circle", "crcl", "crcle"),
    "cmn": ("common",),
    "ct": ("court", "crt"),
    "ctr": ("center", "centre", "cntr"),
    "cres": ("crescent",),
    "dr": ("driv", "drive", "drv"),
    "ext": ("extension", "extn", "extnsn"),
    "grn": ("green",),
    "hl": ("hill",),
    "hts": ("heights", "ht"),
    "hwy": ("highway", "highwy", "hiway", "hiwy", "hway"),
    "knl": ("knoll",),
    "ln": ("lane",),
    "loop": ("loops",),
    "mdws": ("meadows",),
    "pass": (),
    "path": ("paths",),
    "pike": ("pikes",),
    "pkwy": ("parkway", "parkwy", "pkway", "pky"),
    "pl": ("place",),
    "plz": ("plaza",),
    "pt": ("point",),
    "rd": ("road",),
    "rdg": ("ridge",),
    "row": (),
    "run": (),
    "sq": ("sqr", "square", "sqre", "squ"),
    "st": ("str", "street", "strt"),
    "ter": ("terr", "terrace"),
    "tpke": ("trnpk", "turnpike", "turnpk"),
    "trl": ("trail", "trails", "trls"),
    "vw": ("view",),
    "walk": ("walks",),
    "way": ("wy",),
    "xing": ("crossing", "crssng"),
}
_SUFFIXES = {
    spelling: short for short, spellings in _SUFFIX_SPELLINGS.items() for spelling in spellings
}
_SUFFIXES.update({short: short for short in _SUFFIX_SPELLINGS})
_DIRECTIONALS = {
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "northeast": "ne",
    "northwest": "nw",
    "southeast": "se",
    "southwest": "sw",
}
_DIRECTIONALS.update({short: short for short in set(_DIRECTIONALS.values())})
_STREET_WORDS = {
    **_SUFFIXES,
    **_DIRECTIONALS,
    "saint": "st",
    "mount": "mt",
    "fort": "ft",
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
}
# "Apt 2", "Unit 2", "#2", "Fl 2" and "2nd Floor" all name unit 2: only the number is compared,
# because departments pick the designator their own way for one flat of a three-decker.
_UNIT_DESIGNATORS = frozenset(
    {"#", "apt", "apartment", "unit", "ste", "suite", "fl", "floor", "flr", "rm", "room"}
)
_FLOORS = frozenset({"fl", "floor", "flr"})
_UNIT_WORDS = {
    "rear": "rear",
    "front": "front",
    "frnt": "front",
    "upper": "upper",
    "uppr": "upper",
    "lower": "lower",
    "lowr": "lower",
    "basement": "basement",
    "bsmt": "basement",
}
_ORDINAL = re.compile(r"(\d+)(?:st|nd|rd|th)")
_ZIP = re.compile(r"(\d{5})(?:-?\d{4})?")
_STATES = frozenset({"ma", "mass", "massachusetts"})
_PO_BOX = (("po", "box"), ("p", "o", "box"), ("post", "office", "box"), ("pob",))


@dataclass(frozen=True)
class Address:
    """An address in normalised words; empty strings for the parts it does not have."""

    number: str = ""
    street: str = ""
    unit: str = ""
    city: str = ""
    postal_code: str = ""

    def __str__(self) -> str:
        line = " ".join(part for part in (self.number, self.street) if part)
        if self.unit:
            line = f"{line} #{self.unit}"
        locality = " ".join(part for part in (self.city, self.postal_code) if part)
        return f"{line}, {locality}" if locality else line

    @property
    def building(self) -> "Address":
        """The same address without the unit: what a parcel or a water meter is keyed on."""
        return replace(self, unit="")


def _words(text: str) -> list[str]:
    plain = re.sub(r"['\u2019.]", "", fold(text)).replace("#", " # ")
    words = re.sub(r"[^\w#/-]|_", " ", plain).split()
    return [word for word in words if word == "#" or re.search(r"[^\W_]", word)]


def _unit_value(word: str) -> str:
    value = word.replace("-", "").replace("#", "")
    ordinal = _ORDINAL.fullmatch(value)
    value = ordinal.group(1) if ordinal else value
    return value.lstrip("0") or value


def _take_unit(words: list[str]) -> tuple[list[str], str, list[str]]:
    """Split words into (before the unit, the unit, after the unit)."""
    for index, word in enumerate(words):
        if word in _UNIT_WORDS:
            return words[:index], _UNIT_WORDS[word], words[index + 1 :]
        if word in _FLOORS and index > 0 and _ORDINAL.fullmatch(words[index - 1]):
            return words[: index - 1], _unit_value(words[index - 1]), words[index + 1 :]  # 2nd Fl
        if word in _UNIT_DESIGNATORS and index + 1 < len(words):
            after = index + 2
            if words[index + 1] == "#" and index + 2 < len(words):
                after = index + 3  # "Apt #2"
            return words[:index], _unit_value(words[after - 1]), words[after:]
    return words, "", []


def _cut_street(words: list[str]) -> tuple[list[str], list[str]]:
    """Split the words after the house number into (street, what follows it): the street ends at
    its suffix, found after at least one name word ("Court St": "Court" is the name)."""
    mapped = [_STREET_WORDS.get(word, word.replace("-", " ")) for word in words]
    end = next((i + 1 for i in range(1, len(words)) if words[i] in _SUFFIXES), 0)
    if not end:
        return mapped, []
    while end < len(words) and words[end] in _SUFFIXES:
        end += 1  # "Fox Run Ter", "Cedar Knoll Dr"
    if end == len(words) - 1 and words[end] in _DIRECTIONALS:
        end += 1  # "Elm St N"
    return mapped[:end], words[end:]


def _locality(words: list[str]) -> tuple[str, str]:
    """(city, 5-digit ZIP) from what follows the street line."""
    words = list(words)
    postal_code = ""
    if words and (zip_code := _ZIP.fullmatch(words[-1])):
        postal_code = zip_code.group(1)
        words.pop()
    if words and (words[-1] in _STATES or (len(words) > 1 and len(words[-1]) == 2)):
        words.pop()  # the state: only Massachusetts is named in full
    city = " ".join(_DIRECTIONALS.get(word, word) for word in words)
    return city, postal_code


def normalise_address(text: str | None) -> Address:
    """A printed address in normalised parts: "12 ELM ST #2, WESTFIELD MA 01085-1234" and
    "12 Elm Street Apt 2, Westfield, MA 01085" both give 12 / elm st / 2 / westfield / 01085."""
    segments = [_words(segment) for segment in (text or "").split(",")]
    segments = [segment for segment in segments if segment]
    if not segments:
        return Address()
    line, rest = segments[0], segments[1:]
    if rest and (rest[0][0] in _UNIT_DESIGNATORS or rest[0][0] in _UNIT_WORDS):
        line = line + rest.pop(0)  # "12 Elm St, Apt 2, Westfield"
    rest_words = [word for segment in rest for word in segment]
    box = next((len(start) for start in _PO_BOX if line[: len(start)] == list(start)), 0)
    if box and len(line) > box:
        return Address(
            _unit_value(line[box]), "po box", "", *_locality(line[box + 1 :] + rest_words)
        )
    number = ""
    if re.search(r"\d", line[0]):
        number = line.pop(0)
        if line and re.fullmatch(r"\d/\d", line[0]):
            number = f"{number} {line.pop(0)}"  # "12 1/2 Elm St"
    before, unit, after = _take_unit(line)
    street, trailing = _cut_street(before)
    city, postal_code = _locality(trailing + after + rest_words)
    return Address(number, " ".join(" ".join(street).split()), unit, city, postal_code)


def address_from_parts(
    *,
    line1: str | None,
    line2: str | None = "",
    city: str | None = "",
    postal_code: str | None = "",
) -> Address:
    """An address kept in separate columns, as most departments do."""
    parts = (line1 or "", line2 or "", city or "", postal_code or "")
    return normalise_address(", ".join(part for part in parts if part.strip()))


class AddressVerdict(enum.StrEnum):
    SAME = "same"
    SAME_BUILDING = "same_building"  # another unit in one building: another household
    DIFFERENT = "different"


@dataclass(frozen=True)
class AddressComparison:
    """The verdict, and which parts ("number", "street", "unit", "city", "postal_code",
    "address") disagreed or were on one side only."""

    verdict: AddressVerdict
    differences: tuple[str, ...] = ()
    unconfirmed: tuple[str, ...] = ()

    @property
    def same_address(self) -> bool:
        return self.verdict is AddressVerdict.SAME


def compare_addresses(one: Address | str | None, other: Address | str | None) -> AddressComparison:
    """Whether two addresses are one home. A unit printed on one side only is the same address
    (many records keep only the building), noted as unconfirmed; two different units are the same
    building, not the same home. ZIP codes are compared when both have one, else city names."""
    ours = one if isinstance(one, Address) else normalise_address(one)
    theirs = other if isinstance(other, Address) else normalise_address(other)
    if not (ours.number and ours.street and theirs.number and theirs.street):
        return AddressComparison(AddressVerdict.DIFFERENT, differences=("address",))
    differences = [
        part for part in ("number", "street") if getattr(ours, part) != getattr(theirs, part)
    ]
    if ours.postal_code and theirs.postal_code:
        if ours.postal_code != theirs.postal_code:
            differences.append("postal_code")
    elif ours.city and theirs.city and ours.city != theirs.city:
        differences.append("city")
    if differences:
        return AddressComparison(AddressVerdict.DIFFERENT, differences=tuple(differences))
    if ours.unit and theirs.unit and ours.unit != theirs.unit:
        return AddressComparison(AddressVerdict.SAME_BUILDING, differences=("unit",))
    if ours.unit != theirs.unit:
        return AddressComparison(AddressVerdict.SAME, unconfirmed=("unit",))
    return AddressComparison(AddressVerdict.SAME)
