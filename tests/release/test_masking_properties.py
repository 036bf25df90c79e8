"""Property tests of masking: card numbers, SSNs and taxpayer numbers of every brand and range,
written every way, placed in any field of any record, never survive into what is released."""

import datetime as dt
import json
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from requests.release.masking import luhn_valid, mask_record, mask_text, secret_kind

MODEST = settings(max_examples=200, deadline=None)

SEPARATORS = (" ", "-", ".")
# What a formatted number may be surrounded by: letters and punctuation, no digits (a digit glued
# to a number makes it another number) and nothing that starts a hash marker or a placeholder.
NEIGHBOURS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,.;:'\"()!?/-"

# Ordinary names of department fields, none of them a secret's name. Some name another person,
# whose data is flagged but masked all the same.
FIELD_NAMES = (
    "owner_name",
    "mailing_address",
    "property_address",
    "parcel_id",
    "bill_number",
    "amount",
    "notes",
    "memo",
    "history",
    "payments",
    "reference",
    "description",
    "co_owner_name",
    "emergency_contact",
    "Comments",
    "legacyData",
)

# (prefixes, lengths) of the real brands.
BRANDS = (
    (("4",), (13, 16, 19)),  # Visa
    (("51", "52", "53", "54", "55", "2221", "2720"), (16,)),  # Mastercard
    (("34", "37"), (15,)),  # American Express
    (("6011", "644", "649", "65"), (16, 19)),  # Discover
    (("300", "305", "36", "38"), (14,)),  # Diners Club
    (("3528", "3589"), (16, 17, 18, 19)),  # JCB
    (("62",), (16, 17, 18, 19)),  # UnionPay
    (("50", "56", "58", "67"), (13, 15, 17, 18, 19)),  # Maestro
)


@dataclass(frozen=True)
class Planted:
    value: object  # as written into the record
    digits: str  # the number, digits only
    kind: str  # the note masking must make


def _digits(min_size: int, max_size: int | None = None) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=min_size, max_size=max_size or min_size)


def with_check_digit(partial: str) -> str:
    return next(partial + digit for digit in "0123456789" if luhn_valid(partial + digit))


@st.composite
def card_numbers(draw) -> str:
    prefixes, lengths = draw(st.sampled_from(BRANDS))
    prefix = draw(st.sampled_from(prefixes))
    length = draw(st.sampled_from(lengths))
    return with_check_digit(prefix + draw(_digits(length - len(prefix) - 1)))


def _split(digits: str, sizes: list[int]) -> list[str]:
    groups, position = [], 0
    for size in sizes:
        if position >= len(digits):
            break
        groups.append(digits[position : position + size])
        position += size
    if position < len(digits):
        groups.append(digits[position:])
    return groups


def _printed_sizes(length: int) -> list[int]:
    if length == 15:
        return [4, 6, 5]
    if length == 14:
        return [4, 6, 4]
    return [4] * (length // 4)


@st.composite
def written_cards(draw, digits: str) -> str:
    """A card number as a person or a legacy system might have written it."""
    style = draw(st.sampled_from(["whole", "fours", "printed", "random_groups", "mixed"]))
    if style == "whole":
        return digits
    if style == "fours":
        groups = _split(digits, [4] * 5)
    elif style == "printed":
        groups = _split(digits, _printed_sizes(len(digits)))
    elif style == "random_groups":
        groups = _split(digits, draw(st.lists(st.integers(1, 6), min_size=1, max_size=19)))
    else:  # printed grouping, a different separator between each group
        groups = _split(digits, _printed_sizes(len(digits)))
        separators = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(groups)))
        written = groups[0]
        for separator, group in zip(separators, groups[1:], strict=False):
            written += separator + group
        return written
    return draw(st.sampled_from(SEPARATORS)).join(groups)


@st.composite
def ssns(draw) -> tuple[str, str]:
    """(digits, kind): an SSN in the valid ranges, or an ITIN (area 9xx) reported as a TIN."""
    area = draw(st.integers(1, 999).filter(lambda area: area != 666))
    group = draw(st.integers(1, 99))
    serial = draw(st.integers(1, 9999))
    return f"{area:03d}{group:02d}{serial:04d}", "tin" if area >= 900 else "ssn"


@st.composite
def in_context(draw, written: str) -> str:
    """Alone, or inside text: at its start, at its end, or in the middle, next to letters or
    punctuation."""
    before = draw(st.text(NEIGHBOURS, max_size=20))
    after = draw(st.text(NEIGHBOURS, max_size=20))
    where = draw(st.sampled_from(["alone", "start", "end", "middle"]))
    return {
        "alone": written,
        "start": written + after,
        "end": before + written,
        "middle": before + written + after,
    }[where]


@st.composite
def planted_values(draw) -> Planted:
    what = draw(st.sampled_from(["card", "ssn", "ein"]))
    if what == "card":
        digits = draw(card_numbers())
        if draw(st.integers(0, 5)) == 0:
            return Planted(int(digits), digits, "payment_card")
        return Planted(draw(in_context(draw(written_cards(digits)))), digits, "payment_card")
    if what == "ssn":
        digits, kind = draw(ssns())
        # As a number only when it keeps all nine digits (area 100 or more): one stored with a
        # leading zero lost is caught by its field's name, not by its digits.
        if digits[0] != "0" and draw(st.integers(0, 5)) == 0:
            return Planted(int(digits), digits, kind)
        separator = draw(st.sampled_from(("", *SEPARATORS)))
        written = separator.join((digits[:3], digits[3:5], digits[5:]))
        return Planted(draw(in_context(written)), digits, kind)
    prefix = draw(st.integers(1, 99))
    digits = f"{prefix:02d}" + draw(_digits(7))
    return Planted(draw(in_context(f"{digits[:2]}-{digits[2:]}")), digits, "tin")


# Other content: words, small numbers, flags, nothing, nested in lists and objects.
_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False),
    st.text(NEIGHBOURS, max_size=30),
)
_values = st.recursive(
    _leaves,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELD_NAMES), children, max_size=4),
    ),
    max_leaves=20,
)
_records = st.dictionaries(st.sampled_from(FIELD_NAMES), _values, max_size=6)


def _containers(value, path: str):
    """(path, container) for every object and list in a value, the value itself first."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _containers(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        yield path, value
        for index, item in enumerate(value):
            yield from _containers(item, f"{path}.{index}")


@st.composite
def records_with_planted(draw) -> tuple[dict, list[tuple[str, Planted]]]:
    """A random record with card numbers and SSNs placed in any of its fields, at any depth,
    as (record, [(path, planted)])."""
    record = draw(_records)
    placed = []
    for number, planted in enumerate(draw(st.lists(planted_values(), min_size=1, max_size=4))):
        path, container = draw(st.sampled_from(list(_containers(record, ""))))
        if isinstance(container, dict):
            key = f"{draw(st.sampled_from(FIELD_NAMES))}_{number}"
            container[key] = planted.value
            placed.append((f"{path}.{key}" if path else key, planted))
        else:
            placed.append((f"{path}.{len(container)}", planted))
            container.append(planted.value)
    return record, placed


def _without_separators(text: str) -> str:
    for separator in (*SEPARATORS, "\u00a0"):
        text = text.replace(separator, "")
    return text


def test_field_names_used_here_are_not_secrets():
    assert [name for name in FIELD_NAMES if secret_kind(name)] == []


@MODEST
@given(records_with_planted())
def test_no_card_number_ssn_or_tin_survives_masking_in_any_field(record_and_placed):
    record, placed = record_and_placed

    masked = mask_record(record)

    released = _without_separators(json.dumps(masked.fields))
    for _path, planted in placed:
        assert planted.digits not in released
    notes = {(note.field, note.kind) for note in masked.notes}
    for path, planted in placed:
        assert (path, planted.kind) in notes
    assert mask_record(masked.fields) == masked


@MODEST
@given(st.data())
def test_a_card_number_written_any_way_is_removed_from_text(data):
    digits = data.draw(card_numbers())
    text = data.draw(in_context(data.draw(written_cards(digits))))

    masked, kinds = mask_text(text)

    assert digits not in _without_separators(masked)
    assert "payment_card" in kinds
    assert mask_text(masked) == (masked, kinds)


@MODEST
@given(
    _digits(15).map(
        lambda partial: next(partial + d for d in "0123456789" if not luhn_valid(partial + d))
    ),
    st.sampled_from(("", *SEPARATORS)),
)
def test_sixteen_digits_that_fail_luhn_are_left_alone(digits, separator):
    written = separator.join(digits[i : i + 4] for i in range(0, 16, 4))

    assert mask_text(f"Reference {written}.") == (f"Reference {written}.", ())


@MODEST
@given(
    st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
    st.integers(200, 999),
    st.integers(200, 999),
    st.integers(0, 9999),
    st.integers(0, 99_999),
    st.integers(0, 9999),
    st.integers(0, 999_999),
)
def test_dates_phones_zip_codes_and_amounts_are_left_alone(
    date, area_code, exchange, line, zip5, plus4, cents
):
    texts = [
        date.isoformat(),
        date.strftime("%m/%d/%Y"),
        f"({area_code}) {exchange}-{line:04d}",
        f"{area_code}-{exchange}-{line:04d}",
        f"{area_code}.{exchange}.{line:04d}",
        f"Westfield, MA {zip5:05d}-{plus4:04d}",
        f"${cents // 100:,}.{cents % 100:02d}",
        f"Paid {date.isoformat()} {cents // 100}.{cents % 100:02d} by check",
    ]
    for text in texts:
        assert mask_text(text) == (text, ())
