"""Automatic masking of a resident's records before a clerk sees them (DESIGN.md, Review).

Never released (LAW.md, "Never public"; DEPARTMENTS.md, Treasurer): payment card numbers, SSNs and
other taxpayer numbers, passwords and password hashes, usernames, and the fields a source
classifies as never released. Each is replaced by words saying what was removed, keeping nothing
of the value. Other people's data inside the resident's records (a co-owner, an emergency contact)
is not masked but listed, for the clerk to decide.

What is found, and where:

- Card numbers: 13 to 19 digits, Luhn-checked, written whole or in groups separated by one space,
  dash, dot or no-break space, alone or inside free text. Groups must share one separator, unless
  they are grouped the way cards are printed (4-4-4-4, 4-6-5, ...): that keeps a date next to an
  amount ("2024-01-15 120.00") from being read as one number.
- SSNs: 3-2-4 digits with one dash, space or dot, or none, in the valid ranges (area not 000 or
  666, group not 00, serial not 0000). Area 9xx is an ITIN, reported as a "tin". Taxpayer numbers
  of employers are 2-7 digits with a dash (12-3456789).
- Password hashes anywhere (bcrypt, argon2, PBKDF2 and scrypt as Django stores them, $1$/$5$/$6$
  crypt, {SSHA} and its LDAP kin).
- Fields named for a secret (password, pin, token, api_key, ...), a username (username, login,
  user_id, ...), a card, SSN or taxpayer number: the whole value is removed, whatever it holds.
  That also catches an SSN stored as a number that lost its leading zero.
- Values stored as numbers are read as their digits, so a card number or SSN kept as an integer
  is caught too; a masked number becomes the words that replaced it.

Over-masking is the safe failure and these are known, accepted cases: any 9-digit run not part of
a longer one that falls in the SSN ranges (a ZIP+4 written without its dash, a 9-digit account
number, an amount of hundreds of millions); a run of numbers with one separator that happens to
pass the Luhn check (about one in ten runs of 13 to 19 digits); a field whose name contains a
secret's word as a whole word (last_login, file_hash). Not caught: digits glued to a longer run of
digits (a card inside a 20-digit reference), and dictionary keys, which are names and never
changed.

Masking is idempotent: the replacement words contain no digits, and finding them again reports
the same kinds, so masking a masked record gives the same record and the same notes. It is a pure
function of its input and the `RELEASE_OTHER_PERSON_FIELD_HINTS` setting, and fast: a package of
100,000 records runs every record through it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

# What replaces each kind of masked value. Plain words, no digits (so masking is idempotent),
# and the same in every language: they are part of the released data, not of the page.
PLACEHOLDERS = {
    "payment_card": "[card number removed]",
    "ssn": "[Social Security number removed]",
    "tin": "[taxpayer ID number removed]",
    "password": "[password removed]",
    "password_hash": "[password hash removed]",
    "username": "[username removed]",
    "never_released": "[removed: never released by this source]",
}

# The kinds in plain words, for the clerk's page and the letter.
KIND_LABELS = {
    "payment_card": "payment card number",
    "ssn": "Social Security number",
    "tin": "taxpayer identification number",
    "password": "password or other secret",
    "password_hash": "password hash",
    "username": "username",
    "never_released": "never released by this source",
}

# Field names whose whole value is removed, by kind; the first kind that matches wins, so the
# more specific names come first. Compared word by word, ignoring case and separators.
SECRET_FIELD_NAMES = (
    ("password_hash", ("password_hash", "hash")),
    (
        "payment_card",
        (
            "card_number",
            "credit_card",
            "debit_card",
            "card_no",
            "cc_number",
            "pan",
            "cvv",
            "cvv2",
            "cvc",
            "cvc2",
            "card_security_code",
        ),
    ),
    ("ssn", ("ssn", "social_security", "social_security_number")),
    ("tin", ("tin", "itin", "ein", "fein", "taxpayer_id", "taxpayer_identification_number")),
    (
        "password",
        ("password", "passwd", "pwd", "pin", "secret", "security_answer", "token", "api_key"),
    ),
    ("username", ("username", "user_name", "login", "user_id", "userid", "screen_name")),
)

# Field names that suggest someone other than the resident. Guardians are listed because a
# child's record holds the guardian's details: the clerk decides whether the guardian is the
# requester. A hint matches anywhere in a name, ignoring case and separators.
DEFAULT_OTHER_PERSON_FIELD_HINTS = (
    "emergency_contact",
    "co_owner",
    "coowner",
    "joint_owner",
    "spouse",
    "guardian",
    "complainant",
)


@dataclass(frozen=True)
class MaskNote:
    """What was masked, for the clerk and the letter. Never holds the masked value."""

    field: str  # dotted path for nested values, e.g. "contacts.0.phone"
    kind: str  # a key of PLACEHOLDERS


@dataclass(frozen=True)
class MaskedRecord:
    fields: dict[str, Any]  # same shape as the input, masked parts replaced
    notes: tuple[MaskNote, ...]
    others_data: tuple[str, ...]  # paths holding someone else's data: flagged, not masked


# --- Text ----------------------------------------------------------------------------------------

# A cheap first look: nothing to do in text without digits, hash markers or placeholders.
_WORTH_A_LOOK = re.compile(r"[0-9${\[]")
_DIGIT_RUN = re.compile(r"[0-9]+")
_CARD_MIN, _CARD_MAX = 13, 19
# Where a card number could be: 13 digits or more, one separator at most between two of them.
# Found in C, so the digit groups are looked at only where they could add up to a card.
_CARD_STRETCH = re.compile(r"(?<![0-9])(?<![0-9][ .\u00a0-])[0-9](?:[ .\u00a0-]?[0-9]){12,}")

# A hash's marker ($2b$, $argon2id$, $6$, {SSHA}): the full pattern is tried only after one.
_HASH_MARKER = re.compile(r"\$[0-9a-z]{1,8}\$|\{[0-9a-z-]{2,16}\}", re.IGNORECASE)
_HASH_CHARS = r"[A-Za-z0-9./+=,$_-]"
_PASSWORD_HASH = re.compile(
    "|".join(
        (
            r"(?:bcrypt(?:_sha256)?\$)?\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}",
            r"(?:argon2)?\$argon2(?:id|i|d)\$" + _HASH_CHARS + "+",
            r"\b(?:pbkdf2_sha1|pbkdf2_sha256|scrypt)\$[0-9]+\$" + _HASH_CHARS + "+",
            r"\$(?:1|5|6|y|7)\$" + _HASH_CHARS + r"+\$" + _HASH_CHARS + "+",
            r"\{(?:SSHA512|SSHA256|SSHA|SHA512|SHA256|SHA|SMD5|MD5|CRYPT|PBKDF2[A-Z0-9-]*)\}"
            + _HASH_CHARS
            + "+",
        )
    ),
    re.IGNORECASE,
)
# An SSN: 3-2-4 with one separator used twice, or none. An employer's taxpayer number: 2-7 with
# a dash. Never part of a longer digit run.
_SSN_OR_EIN = re.compile(
    r"(?<![0-9])(?:([0-9]{3})([-. ]?)([0-9]{2})\2([0-9]{4})|([0-9]{2})-[0-9]{7})(?![0-9])"
)

# Luhn: the value a digit adds when it is doubled.
_DOUBLED = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        total += _DOUBLED[digit] if position & 1 else digit
    return total % 10 == 0


def _card_shaped(sizes: list[int]) -> bool:
    """Grouped as cards are printed: fours with a shorter last group, or 4-6-x (Amex, Diners)."""
    if sizes[0] != 4:
        return False
    if len(sizes) == 3 and sizes[1] == 6:
        return True
    return all(size == 4 for size in sizes[1:-1]) and 1 <= sizes[-1] <= 4


def _card_spans(text: str) -> list[tuple[int, int]]:
    """Where card numbers are: every Luhn-valid run of 13-19 digits made of whole groups."""
    spans = []
    for stretch in _CARD_STRETCH.finditer(text):
        offset = stretch.start()
        spans += [(offset + start, offset + end) for start, end in _card_spans_in(stretch.group())]
    return spans


def _card_spans_in(text: str) -> list[tuple[int, int]]:
    runs = [(match.start(), match.end()) for match in _DIGIT_RUN.finditer(text)]
    spans = []
    for first in range(len(runs)):
        digits, sizes, separators = "", [], set()
        for index in range(first, len(runs)):
            start, end = runs[index]
            if index > first:  # inside a stretch, runs are one separator apart
                separators.add(text[start - 1])
            digits += text[start:end]
            sizes.append(end - start)
            if len(digits) > _CARD_MAX:
                break
            if (
                len(digits) >= _CARD_MIN
                and (len(separators) <= 1 or _card_shaped(sizes))
                and luhn_valid(digits)
            ):
                spans.append((runs[first][0], end))
    return spans


def _mask_cards(text: str) -> str:
    spans = _card_spans(text)
    if not spans:
        return text
    parts, position = [], 0
    for start, end in sorted(spans):
        if end <= position:
            continue
        if start >= position:
            parts.append(text[position:start])
            parts.append(PLACEHOLDERS["payment_card"])
        position = end
    parts.append(text[position:])
    return "".join(parts)


def _ssn_or_ein_replacement(match: re.Match[str]) -> str:
    area, _separator, group, serial, ein_prefix = match.groups()
    if ein_prefix is not None:
        return match.group(0) if ein_prefix == "00" else PLACEHOLDERS["tin"]
    if area in ("000", "666") or group == "00" or serial == "0000":
        return match.group(0)
    return PLACEHOLDERS["tin"] if area[0] == "9" else PLACEHOLDERS["ssn"]


def mask_text(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with every card number, SSN, taxpayer number and password hash replaced, and
    the kinds found (a placeholder already in the text counts, so masking twice reports the
    same)."""
    if _WORTH_A_LOOK.search(text) is None:
        return text, ()
    masked = text
    if ("$" in masked or "{" in masked) and _HASH_MARKER.search(masked):
        masked = _PASSWORD_HASH.sub(PLACEHOLDERS["password_hash"], masked)
    masked = _mask_cards(masked)
    masked = _SSN_OR_EIN.sub(_ssn_or_ein_replacement, masked)
    if "[" not in masked:
        return masked, ()
    return masked, tuple(kind for kind, words in PLACEHOLDERS.items() if words in masked)


# --- Field names ---------------------------------------------------------------------------------

_NAME_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


@functools.lru_cache(maxsize=8192)
def _words(name: str) -> tuple[str, ...]:
    """userPassword, user_password, USER-PASSWORD -> ("user", "password")."""
    return tuple(word.lower() for word in _NAME_WORDS.findall(name))


def _compact(name: str) -> str:
    return "".join(_words(name))


def _contains_words(words: tuple[str, ...], wanted: tuple[str, ...]) -> bool:
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def _names_secret(name: str, hint: str) -> bool:
    """Whole words only, so "pin" is not found in "shipping" nor "secret" in "secretary"; a
    long hint may end a name written without separators ("userpassword")."""
    words, wanted = _words(name), _words(hint)
    compact, wanted_compact = "".join(words), "".join(wanted)
    return (
        _contains_words(words, wanted)
        or compact == wanted_compact
        or (len(wanted_compact) >= 6 and compact.endswith(wanted_compact))
    )


@functools.lru_cache(maxsize=8192)
def secret_kind(name: str) -> str | None:
    """The kind of secret a field's name says it holds, or None."""
    for kind, hints in SECRET_FIELD_NAMES:
        if any(_names_secret(name, hint) for hint in hints):
            return kind
    return None


@functools.lru_cache(maxsize=8192)
def _names_other_person(name: str, hints: tuple[str, ...]) -> bool:
    compact = _compact(name)
    return any(hint in compact for hint in hints)


@functools.cache
def _other_person_hints() -> tuple[str, ...]:
    hints = getattr(settings, "RELEASE_OTHER_PERSON_FIELD_HINTS", DEFAULT_OTHER_PERSON_FIELD_HINTS)
    return tuple(compact for compact in map(_compact, hints) if compact)


@receiver(setting_changed)
def _forget_other_person_hints(*, setting: str, **kwargs: Any) -> None:
    if setting == "RELEASE_OTHER_PERSON_FIELD_HINTS":
        _other_person_hints.cache_clear()


# --- Records -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _NeverReleased:
    """A source's never-released names: a plain name matches that field at any depth; a dotted
    one matches that path, list positions ignored ("contacts.phone" is every contact's phone)."""

    names: frozenset[str]
    paths: frozenset[tuple[str, ...]]

    @classmethod
    def parse(cls, entries: Collection[str]) -> _NeverReleased:
        names, paths = set(), set()
        for entry in entries:
            compacted = (_compact(segment) for segment in entry.split(".") if not segment.isdigit())
            segments = tuple(segment for segment in compacted if segment)
            if len(segments) == 1:
                names.add(segments[0])
            elif segments:
                paths.add(segments)
        return cls(frozenset(names), frozenset(paths))

    def __bool__(self) -> bool:
        return bool(self.names or self.paths)

    def matches(self, names: tuple[str, ...]) -> bool:
        return names[-1] in self.names or names in self.paths


class _Masker:
    def __init__(self, never_released: _NeverReleased, other_hints: tuple[str, ...]) -> None:
        self.never_released = never_released if never_released else None
        self.other_hints = other_hints
        self.notes: dict[tuple[str, str], None] = {}
        self.others: list[str] = []

    def field(self, key: Any, value: Any, parent: str, names: tuple[str, ...], others: bool) -> Any:
        name = key if isinstance(key, str) else str(key)
        kind = secret_kind(name)
        if self.never_released is not None:
            names = (*names, _compact(name))
            if kind is None and self.never_released.matches(names):
                kind = "never_released"
        if _is_empty(value):
            return value
        if kind is not None:
            self.notes[(f"{parent}.{name}" if parent else name, kind)] = None
            return PLACEHOLDERS[kind]
        if not others and _names_other_person(name, self.other_hints):
            self.others.append(f"{parent}.{name}" if parent else name)
            others = True
        if isinstance(value, str) and _WORTH_A_LOOK.search(value) is None:
            return value  # the common case, decided without building the field's path
        return self.value(value, f"{parent}.{name}" if parent else name, names, others)

    def value(self, value: Any, path: str, names: tuple[str, ...], others: bool) -> Any:
        if isinstance(value, str):
            masked, kinds = mask_text(value)
            self._note(path, kinds)
            return masked
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, Mapping):
            return {key: self.field(key, item, path, names, others) for key, item in value.items()}
        if isinstance(value, list | tuple):
            items = (self.value(item, f"{path}.{i}", names, others) for i, item in enumerate(value))
            return list(items) if isinstance(value, list) else tuple(items)
        for text in _number_texts(value):
            masked, kinds = mask_text(text)
            if kinds:
                self._note(path, kinds)
                return masked
        return value

    def _note(self, path: str, kinds: tuple[str, ...]) -> None:
        for kind in kinds:
            self.notes[(path, kind)] = None


def _number_texts(value: Any) -> tuple[str, ...]:
    """How a number (or other scalar) is written, to look for a card number or SSN in it."""
    if isinstance(value, float):
        if value.is_integer():
            return (str(int(value)), repr(value))
        return (repr(value),)
    return (str(value),)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | list | tuple | Mapping) and not value)


def mask_record(fields: Mapping[str, Any], *, never_released: Collection[str] = ()) -> MaskedRecord:
    """Mask one record's fields (JSON-like values, nested). Keys are never changed.
    `never_released` names the fields the source classifies as never released."""
    masker = _Masker(_NeverReleased.parse(never_released), _other_person_hints())
    masked = {key: masker.field(key, value, "", (), False) for key, value in fields.items()}
    return MaskedRecord(
        fields=masked,
        notes=tuple(MaskNote(field=path, kind=kind) for path, kind in masker.notes),
        others_data=tuple(masker.others),
    )
