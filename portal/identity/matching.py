"""Comparing what a resident told us with what a department's bill says.

The name printed on a bill comes in each department's own style ("Bob & Mary Smith",
"SMITH ROBERT J & MARY A", "Smith, Rob"); the resident's profile has "Robert J. Smith". A bill
that belongs to someone else (a neighbour, a namesake with another middle initial, a father when
the son asks, a trust or company) must not match: a neighbour's bill is not enough.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from portal.matching.names import ENTITY_WORDS, PersonName, compare_names, name_tokens

# PersonName, ENTITY_WORDS and name_tokens live in portal.matching.names; they are named here too
# because the identity checks' callers know them from this module.
__all__ = [
    "ENTITY_WORDS",
    "PersonName",
    "billing_name_matches",
    "format_cents",
    "name_tokens",
    "stored_amount_cents",
    "typed_amount_cents",
]


def billing_name_matches(*, billed_name: str, resident: PersonName) -> bool:
    """Whether the resident is one of the people a bill is addressed to: the same person, not
    merely a compatible one. A bill marked Jr. for a resident without a suffix may be the son's,
    and knowing it does not show that the account holder is the resident."""
    return compare_names(resident, billed_name).same_person


# --- Amounts --------------------------------------------------------------------------------

_TYPED_AMOUNT = re.compile(r"-?(?:\d{1,3}(?:,\d{3})+|\d{1,9})(?:\.\d{1,2})?")


def typed_amount_cents(text: str) -> int | None:
    """Cents from what a person typed: "$1,234.50", "84.2", "84"; None if it is not an amount."""
    cleaned = re.sub(r"\s+", "", text or "").replace("$", "").replace("USD", "")
    if not _TYPED_AMOUNT.fullmatch(cleaned):
        return None
    return int(Decimal(cleaned.replace(",", "")) * 100)


def stored_amount_cents(value: object) -> int | None:
    """Cents from a department's column: a float, a Decimal or a string of dollars."""
    if value is None or isinstance(value, bool):
        return None
    try:
        dollars = Decimal(str(value).strip().replace("$", "").replace(",", ""))
    except InvalidOperation:
        return None
    if not dollars.is_finite():
        return None
    return int((dollars * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def format_cents(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    dollars, remainder = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{remainder:02d}"
