"""People's names as departments print them, normalised and compared.

One person appears as "Robert J. Smith", "Bob Smith", "SMITH ROBERT J" and "Smith, Rob"; a bill
may name two people ("Bob & Mary Smith", "SMITH ROBERT J & MARY A") or a trust or company, which
is not a data subject (c. 66A §1). A father and son share a name and an address, so a suffix or a
middle initial that disagrees means another person: namesakes are never merged.
"""

import enum
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from portal.matching.nicknames import NICKNAMES

__all__ = [
    "ENTITY_WORDS",
    "NICKNAMES",
    "SUFFIXES",
    "NameComparison",
    "NameParty",
    "NameVerdict",
    "PersonName",
    "compare_names",
    "fold",
    "given_name_forms",
    "is_organisation",
    "name_key",
    "name_parties",
    "name_rank",
    "name_tokens",
    "normalise_name",
    "normalise_suffix",
    "parse_name",
    "same_given_name",
]

_NAME_FORMS: dict[str, frozenset[str]] = {}
for _full, _shorts in NICKNAMES.items():
    for _form in (_full, *_shorts):
        _NAME_FORMS[_form] = _NAME_FORMS.get(_form, frozenset({_form})) | {_full}

# A bill in the name of a trust, company or estate is not a person's (c. 66A §1). Words that are
# also common surnames (Church aside, kept for parishes) are left out on purpose.
ENTITY_WORDS = frozenset(
    {"assoc", "associates", "association", "authority", "bank", "church", "club", "co"}
    | {"college", "commonwealth", "company", "condominium", "corp", "corporation", "est", "estate"}
    | {"foundation", "holdings", "hospital", "inc", "incorporated", "irrevocable", "limited"}
    | {"llc", "llp", "lp", "ltd", "nominee", "partners", "partnership", "pllc", "properties"}
    | {"realty", "revocable", "society", "tr", "trust", "trustee", "trustees", "university"}
)
# Generational suffixes, in their canonical spelling. Professional ones (Esq., MD) say nothing
# about which namesake a record is about, so they are set aside like titles.
SUFFIXES = {
    "jr": "jr",
    "junior": "jr",
    "sr": "sr",
    "senior": "sr",
    "ii": "ii",
    "2nd": "ii",
    "iii": "iii",
    "3rd": "iii",
    "iv": "iv",
    "4th": "iv",
}
_GENERATIONS = frozenset(SUFFIXES.values())
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "rev", "esq", "md", "phd", "dds", "cpa"})
# Small words of compound surnames ("de la Cruz", "van der Berg", "St. Pierre"): a record that
# keeps only the main word is the same family name, but cannot say it is the same person.
_PARTICLES = frozenset(
    {"da", "das", "de", "del", "della", "den", "der", "di", "do", "dos", "du", "la", "las"}
    | {"los", "st", "van", "von"}
)
_PARTY_SEPARATOR = re.compile(r"&|\+|/|\band\b")


def fold(text: str | None) -> str:
    """Lower case without accents: "José NÚÑEZ" → "jose nunez"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def name_tokens(text: str | None) -> list[str]:
    """Words without case, accents or punctuation: "O'Brien-Smith, J." → obrien smith j.

    Apostrophes and full stops join ("O'Neil" → oneil); other punctuation separates; "&" is kept
    as a word because it separates the people on a joint bill."""
    plain = re.sub("['\u2019\u2018`.]", "", fold(text)).replace("&", " & ")
    return re.sub(r"[^\w&]|_", " ", plain).split()


def name_key(text: str | None) -> str:
    """One word for a name part, so "García-López" and "GARCIA LOPEZ" compare equal."""
    return "".join(word for word in name_tokens(text) if word != "&")


def normalise_suffix(text: str | None) -> str:
    """ "Jr." and "junior" → jr, "2nd" → ii; anything else in its plain form."""
    key = name_key(text)
    return SUFFIXES.get(key, key)


def _generation(text: str | None) -> str:
    suffix = normalise_suffix(text)
    return suffix if suffix in _GENERATIONS else ""


def given_name_forms(name: str) -> frozenset[str]:
    """A given name with the full names it may stand for: "bob" → {bob, robert}."""
    key = name_key(name)
    return _NAME_FORMS.get(key, frozenset({key}))


def same_given_name(one: str, other: str) -> bool:
    """Whether two given names may be one person's: equal, or a nickname of the same full name
    (both directions: "Bob" ~ "Robert", "Rob" ~ "Bobby"; "Pat" ~ "Patricia" but not "Patricia"
    ~ "Patrick")."""
    if not name_key(one) or not name_key(other):
        return False
    return bool(given_name_forms(one) & given_name_forms(other))


def is_organisation(text: str | None) -> bool:
    """A trust, company, estate or other body: never a data subject, never the resident."""
    return bool(ENTITY_WORDS.intersection(name_tokens(text)))


@dataclass(frozen=True)
class PersonName:
    """A person's name in its parts, as they gave it (a profile, a form) or a record's columns."""

    first: str
    middle: str
    last: str
    suffix: str = ""

    def __str__(self) -> str:
        return " ".join(part for part in (self.first, self.middle, self.last, self.suffix) if part)


@dataclass(frozen=True)
class NameParty:
    """One person or organisation named in a name field, in normalised words.

    `surname` and `given` are known when the field says which is which ("Smith, Robert J", or
    separate columns); otherwise only `words` is, in the order printed."""

    words: tuple[str, ...]
    suffix: str = ""
    organisation: bool = False
    surname: tuple[str, ...] = ()
    given: tuple[str, ...] = ()

    @property
    def lone_given_name(self) -> bool:
        """ "Bob" in "Bob & Mary Smith", "MARY A" in "SMITH ROBERT J & MARY A": the surname is
        printed once, for both people."""
        shape = len(self.words) == 1 or (len(self.words) == 2 and len(self.words[1]) == 1)
        return not self.surname and not self.organisation and shape


def _party(text: str) -> NameParty | None:
    segments = [name_tokens(segment) for segment in text.split(",")]
    words = [token for segment in segments for token in segment]
    if not words:
        return None
    suffixes = [SUFFIXES[word] for word in words if word in SUFFIXES]
    suffix = suffixes[-1] if suffixes else ""
    organisation = bool(ENTITY_WORDS.intersection(words))
    kept = [
        [word for word in segment if word not in SUFFIXES and word not in _TITLES]
        for segment in segments
    ]
    named = [segment for segment in kept if segment]
    flat = tuple(word for segment in named for word in segment)
    if len(named) == 2 and not organisation:
        # "Last, First Middle": the comma says which words are the surname.
        return NameParty(flat, suffix, organisation, tuple(named[0]), tuple(named[1]))
    return NameParty(flat, suffix, organisation)


def name_parties(text: str | None) -> tuple[NameParty, ...]:
    """The people (or organisations) a name field names, in order: "Bob & Mary Smith" gives two
    parties, the first a lone given name that shares the second's surname."""
    parties = (_party(chunk) for chunk in _PARTY_SEPARATOR.split(fold(text)))
    return tuple(party for party in parties if party is not None and party.words)


def parse_name(text: str | None) -> PersonName:
    """One person's name split into parts, in normalised words. "Smith, Robert J." and
    "SMITH ROBERT J" (surname first when the last word is an initial) and "Robert J. Smith" all
    give robert / j / smith. Two bare words are read first name first: only a comparison with a
    known name (compare_names) can settle "SMITH ROBERT"."""
    parties = name_parties(text)
    if not parties:
        return PersonName("", "", "")
    party = parties[0]
    if party.surname:
        surname, given = list(party.surname), list(party.given)
    elif len(party.words) >= 3 and len(party.words[-1]) == 1:
        surname, given = [party.words[0]], list(party.words[1:])
    elif len(party.words) == 1:
        surname, given = list(party.words), []
    else:
        surname, given = [party.words[-1]], list(party.words[:-1])
    first = given[0] if given else ""
    return PersonName(first, " ".join(given[1:]), " ".join(surname), party.suffix)


def normalise_name(text: str | None) -> str:
    """A name in one canonical spelling, "first middle last suffix": "SMITH, ROBERT J., JR." →
    "robert j smith jr". Nicknames stay as written; compare_names knows them."""
    return str(parse_name(text))


class NameVerdict(enum.StrEnum):
    SAME = "same"  # the same person, as far as names can tell
    COMPATIBLE = "compatible"  # nothing disagrees, but the record says too little to tell
    DIFFERENT = "different"  # another person, an organisation, or a namesake


@dataclass(frozen=True)
class NameComparison:
    """The verdict, and which parts ("surname", "given_name", "middle_name", "suffix",
    "organisation", "name") agreed, disagreed, or were on one side only."""

    verdict: NameVerdict
    agreed: tuple[str, ...] = ()
    differences: tuple[str, ...] = ()
    unconfirmed: tuple[str, ...] = ()

    @property
    def same_person(self) -> bool:
        return self.verdict is NameVerdict.SAME

    @property
    def full_name_agrees(self) -> bool:
        """Surname and given name agree and nothing disagrees. Weaker than `same_person` only
        when the record carries a suffix the resident's name lacks; a date of birth settles
        that doubt, since a father and son are not born on one day."""
        return not self.differences and {"surname", "given_name"} <= set(self.agreed)


class _Parts:
    """What one comparison found, part by part."""

    def __init__(self) -> None:
        self.agreed: list[str] = []
        self.differences: list[str] = []
        self.unconfirmed: list[str] = []
        self.thin = False  # too little to tell a namesake apart

    def note(self, part: str, outcome: str) -> None:
        getattr(self, outcome).append(part)
        if outcome == "unconfirmed" and part != "middle_name" and part != "suffix":
            self.thin = True

    def result(self) -> NameComparison:
        if self.differences:
            verdict = NameVerdict.DIFFERENT
        elif self.thin:
            verdict = NameVerdict.COMPATIBLE
        else:
            verdict = NameVerdict.SAME
        differences = _unique(self.differences)
        # A part that disagrees anywhere is a difference; one in doubt anywhere is not agreed.
        unconfirmed = tuple(part for part in _unique(self.unconfirmed) if part not in differences)
        agreed = tuple(
            part for part in _unique(self.agreed) if part not in differences + unconfirmed
        )
        return NameComparison(verdict, agreed, differences, unconfirmed)


def _unique(parts: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(parts))


def _significant(words: Sequence[str]) -> set[str]:
    return {word for word in words if word not in _PARTICLES}


def _compare_surname(ours: Sequence[str], theirs: Sequence[str], parts: _Parts) -> None:
    if not theirs:
        parts.note("surname", "unconfirmed")
    elif list(ours) == list(theirs) or "".join(ours) == "".join(theirs):
        parts.note("surname", "agreed")
    elif _significant(ours) & _significant(theirs):
        parts.note("surname", "unconfirmed")
    else:
        parts.note("surname", "differences")


def _compare_given(
    first: Sequence[str], middle: Sequence[str], given: Sequence[str], parts: _Parts
) -> None:
    if not given:
        parts.note("given_name", "unconfirmed")
        return
    whole = "".join(first)
    rest_ours = [("middle_name", word) for word in middle]
    taken = next((k for k in range(1, len(given) + 1) if "".join(given[:k]) == whole), 0)
    if taken:
        parts.note("given_name", "agreed")
    elif same_given_name(given[0], whole):
        taken = 1
        parts.note("given_name", "agreed")
    elif len(given[0]) == 1 or len(first[0]) == 1:
        # An initial: "R Smith" may be Robert, or his brother Richard.
        taken = 1
        outcome = "unconfirmed" if given[0][0] == first[0][0] else "differences"
        parts.note("given_name", outcome)
    elif len(first) > 1 and given[0] == first[0]:
        # "Mary" for "Mary-Ann": the rest of the compound name is compared like a middle name.
        taken = 1
        parts.note("given_name", "unconfirmed")
        rest_ours = [("given_name", word) for word in first[1:]] + rest_ours
    else:
        parts.note("given_name", "differences")
        return
    rest_theirs = list(given[taken:])
    for (part, ours), theirs in zip(rest_ours, rest_theirs, strict=False):
        if len(ours) == 1 or len(theirs) == 1:
            agrees = ours[0] == theirs[0]
        else:
            agrees = same_given_name(ours, theirs)
        parts.note(part, "agreed" if agrees else "differences")
    if len(rest_ours) > len(rest_theirs):
        parts.note(rest_ours[len(rest_theirs)][0], "unconfirmed")
    elif len(rest_theirs) > len(rest_ours):
        parts.note("middle_name", "unconfirmed")


def _compare_suffix(ours: str, theirs: str, parts: _Parts) -> None:
    if ours and ours == theirs:
        parts.note("suffix", "agreed")
    elif ours and theirs:
        parts.note("suffix", "differences")  # Jr. and Sr.: father and son
    elif ours or theirs:
        parts.note("suffix", "unconfirmed")
        # Records often drop a suffix, and an elder is often known without "Sr."; but a record
        # marked Jr. (or II, III) for a resident whose name has none may be the son.
        if theirs and theirs != "sr":
            parts.thin = True


def _compare_party(
    resident: PersonName, party: NameParty, others: Sequence[NameParty]
) -> NameComparison:
    parts = _Parts()
    first, middle, last = (
        name_tokens(part) for part in (resident.first, resident.middle, resident.last)
    )
    if party.organisation:
        parts.note("organisation", "differences")
        return parts.result()
    if not first or not last or not party.words:
        parts.note("name", "unconfirmed")
        return parts.result()
    if party.surname or party.given:
        surname, given = party.surname, party.given
    else:
        located = _locate_surname(last, party, others)
        if located is None:
            parts.note("surname", "differences")
            return parts.result()
        surname, given = located
    _compare_surname(last, surname, parts)
    _compare_given(first, middle, given, parts)
    _compare_suffix(_generation(resident.suffix), _generation(party.suffix), parts)
    return parts.result()


def _locate_surname(
    last: list[str], party: NameParty, others: Sequence[NameParty]
) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """Split a party's words into (surname, given names) around the resident's surname, wherever
    it is printed ("Robert J Smith", "SMITH ROBERT J")."""
    words = list(party.words)
    start, end = _find_run(words, last), 0
    if start >= 0:
        end = start + len(last)
        while start > 0 and words[start - 1] in _PARTICLES and len(words) - (end - start) > 1:
            start -= 1  # "Maria de la Cruz": the particles belong to the surname
    elif "".join(last) in words:
        start = words.index("".join(last))
        end = start + 1
    elif len(last) > 1 and (shared := [i for i, w in enumerate(words) if w in _significant(last)]):
        start, end = shared[0], shared[0] + 1
    elif party.lone_given_name and any(_find_run(other.words, last) >= 0 for other in others):
        return tuple(last), tuple(words)
    else:
        return None
    return tuple(words[start:end]), tuple(words[:start] + words[end:])


def _find_run(words: Sequence[str], run: Sequence[str]) -> int:
    for start in range(len(words) - len(run) + 1):
        if list(words[start : start + len(run)]) == list(run):
            return start
    return -1


_RANK = {NameVerdict.DIFFERENT: 0, NameVerdict.COMPATIBLE: 1, NameVerdict.SAME: 2}


def name_rank(result: NameComparison) -> tuple[int, bool, bool, int, int]:
    """Orders comparisons from the worst fit to the best. Among misfits a person outranks an
    organisation, so a name field counts as an organisation's only when it names no one else."""
    return (
        _RANK[result.verdict],
        result.full_name_agrees,
        "organisation" not in result.differences,
        len(result.agreed),
        -len(result.unconfirmed),
    )


def compare_names(resident: PersonName, other: PersonName | str | None) -> NameComparison:
    """Compare the resident's name with a record's: a name field as printed (any order, joint
    names, organisations) or a record's separate name columns. For a joint name the party that
    fits the resident best decides: "Bob & Mary Smith" is Robert Smith's bill, and Mary's."""
    if isinstance(other, PersonName):
        text = " ".join((other.first, other.middle, other.last))
        structured = NameParty(
            words=tuple(name_tokens(text)),
            suffix=_generation(other.suffix),
            organisation=is_organisation(text),
            surname=tuple(name_tokens(other.last)),
            given=tuple(name_tokens(f"{other.first} {other.middle}")),
        )
        parties: tuple[NameParty, ...] = (structured,)
    else:
        parties = name_parties(other if isinstance(other, str) else "")
    if not parties:
        return NameComparison(NameVerdict.COMPATIBLE, unconfirmed=("name",))
    results = [
        _compare_party(resident, party, [p for p in parties if p is not party]) for party in parties
    ]
    return max(results, key=name_rank)
