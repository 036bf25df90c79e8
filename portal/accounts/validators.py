"""Password rules beyond Django's: no words about the City.

People who must invent a password for a City website reach first for the City's name, nickname,
ZIP code or landmarks, and so do the people guessing. NIST SP 800-63B asks to refuse such
context-specific words and to impose no composition rules, which is all this does.
"""

import re
from functools import cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Each term is matched ignoring case, spaces and punctuation between its letters, and the usual
# digit and symbol stand-ins for letters ("W3stf1eld", "whip-c1ty").
CITY_TERMS = (
    "westfield",
    "whip city",
    "whipcity",
    "01085",
    "01086",
    "massachusetts",
    "city hall",
    "pioneer valley",
    "westfield river",
    "records portal",
    "hampden county",
    "stanley park",
    "fipa",
    "chapter 66a",
)

_LOOKALIKES = {
    "a": "a4@",
    "b": "b8",
    "e": "e3",
    "g": "g9",
    "i": "i1!|l",
    "l": "l1!|i",
    "o": "o0",
    "s": "s5$z",
    "t": "t7+",
    "z": "z2s",
    "0": "0o",
    "1": "1il!|",
    "5": "5s$",
    "8": "8b",
    "6": "6",
}
# Anything that is neither a letter nor a digit may sit between the characters of a term.
_GAP = r"[\W_]*"


@cache
def _term_pattern(term: str) -> re.Pattern[str]:
    characters = [c for c in term.lower() if c.isalnum()]
    parts = [f"[{re.escape(_LOOKALIKES.get(c, c))}]" for c in characters]
    return re.compile(_GAP.join(parts), re.IGNORECASE)


def city_term_in(password: str) -> str | None:
    """The City-themed term the password contains, if any."""
    for term in CITY_TERMS:
        if _term_pattern(term).search(password):
            return term
    return None


class CityThemedPasswordValidator:
    """Refuses passwords that contain a word or number everyone links with the City."""

    def validate(self, password: str, user: object = None) -> None:
        if city_term_in(password):
            raise ValidationError(
                _(
                    "Your password contains a word or number linked to Westfield, such as the "
                    "City's name or ZIP code. People trying to guess passwords try these first. "
                    "Choose words that have nothing to do with the City."
                ),
                code="password_city_themed",
            )

    def get_help_text(self) -> str:
        return _("Your password cannot contain words or numbers linked to Westfield.")
