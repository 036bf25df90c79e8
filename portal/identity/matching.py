"""Comparing what a resident told us with what a department's bill says.

The name printed on a bill comes in each department's own style ("Bob & Mary Smith",
"SMITH ROBERT J & MARY A", "Smith, Rob"); the resident's profile has "Robert J. Smith". A bill
that belongs to someone else (a neighbour, a namesake with another middle initial, a father when
the son asks, a trust or company) must not match: a neighbour's bill is not enough.
"""

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

# Common short forms of given names, both directions are checked. Not exhaustive: a resident
# whose bill uses a rarer short form can link their account by a mailed code instead.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "abigail": ("abby", "gail"),
    "albert": ("al", "bert"),
    "alexander": ("alex", "sandy", "sasha"),
    "alexandra": ("alex", "sandra", "sasha"),
    "alfred": ("al", "alf", "fred"),
    "amanda": ("mandy",),
    "andrew": ("andy", "drew"),
    "anthony": ("tony",),
    "barbara": ("barb", "babs"),
    "benjamin": ("ben", "benny"),
    "catherine": ("cathy", "cate", "kate"),
    "charles": ("charlie", "chuck"),
    "christina": ("tina", "chris"),
    "christine": ("chris", "chrissy"),
    "christopher": ("chris",),
    "daniel": ("dan", "danny"),
    "danielle": ("dani",),
    "deborah": ("deb", "debbie"),
    "dmitry": ("dima",),
    "dominic": ("dom",),
    "donald": ("don", "donnie"),
    "dorothy": ("dot", "dottie"),
    "douglas": ("doug",),
    "edward": ("ed", "eddie", "ted"),
    "eleanor": ("ellie", "nell"),
    "elizabeth": ("liz", "beth", "betty", "lizzie", "eliza"),
    "eugene": ("gene",),
    "frances": ("fran",),
    "francis": ("frank",),
    "frederick": ("fred", "freddie"),
    "gerald": ("jerry", "gerry"),
    "gregory": ("greg",),
    "harold": ("hal", "harry"),
    "henry": ("hank", "harry"),
    "isabella": ("bella", "izzy"),
    "jacob": ("jake",),
    "jacqueline": ("jackie",),
    "james": ("jim", "jimmy", "jamie"),
    "jeffrey": ("jeff",),
    "jennifer": ("jen", "jenny"),
    "jessica": ("jess",),
    "john": ("jack", "johnny"),
    "jonathan": ("jon",),
    "joseph": ("joe", "joey"),
    "joshua": ("josh",),
    "judith": ("judy",),
    "katherine": ("kathy", "kate", "katie"),
    "kathleen": ("kathy", "kath"),
    "kenneth": ("ken", "kenny"),
    "kimberly": ("kim",),
    "lawrence": ("larry",),
    "leonard": ("len", "lenny"),
    "margaret": ("peggy", "maggie", "meg"),
    "matthew": ("matt",),
    "melissa": ("missy", "mel"),
    "michael": ("mike", "mikey"),
    "nathan": ("nate",),
    "nicholas": ("nick",),
    "oleksandr": ("sasha", "alex"),
    "patricia": ("pat", "patty", "trish"),
    "patrick": ("pat",),
    "peter": ("pete",),
    "philip": ("phil",),
    "raymond": ("ray",),
    "rebecca": ("becky", "becca"),
    "richard": ("rick", "dick", "rich"),
    "robert": ("bob", "rob", "bobby"),
    "ronald": ("ron", "ronnie"),
    "samantha": ("sam",),
    "samuel": ("sam",),
    "stanley": ("stan",),
    "stephanie": ("steph",),
    "stephen": ("steve",),
    "steven": ("steve",),
    "susan": ("sue", "susie"),
    "theodore": ("ted", "teddy", "theo"),
    "theresa": ("terry", "tess"),
    "thomas": ("tom", "tommy"),
    "timothy": ("tim",),
    "victoria": ("vicky", "tori"),
    "vincent": ("vince", "vinny"),
    "virginia": ("ginny",),
    "walter": ("walt",),
    "william": ("bill", "will", "billy"),
    "zachary": ("zach",),
}

_NAME_FORMS: dict[str, set[str]] = {}
for _full, _shorts in NICKNAMES.items():
    _NAME_FORMS.setdefault(_full, set()).add(_full)
    for _short in _shorts:
        _NAME_FORMS.setdefault(_short, {_short}).add(_full)

# A bill in the name of a trust, company or estate is not a person's (c. 66A §1), and knowing it
# does not show that the account holder is the resident.
ENTITY_WORDS = frozenset(
    {
        "assoc",
        "association",
        "associates",
        "authority",
        "bank",
        "church",
        "co",
        "company",
        "condominium",
        "corp",
        "corporation",
        "est",
        "estate",
        "holdings",
        "inc",
        "irrevocable",
        "llc",
        "llp",
        "lp",
        "ltd",
        "nominee",
        "partnership",
        "properties",
        "realty",
        "revocable",
        "tr",
        "trust",
        "trustee",
        "trustees",
    }
)
SUFFIXES = {"jr": "jr", "sr": "sr", "ii": "ii", "2nd": "ii", "iii": "iii", "3rd": "iii", "iv": "iv"}
_PARTY_SEPARATORS = {"&", "and"}


@dataclass(frozen=True)
class PersonName:
    first: str
    middle: str
    last: str
    suffix: str = ""

    def __str__(self) -> str:
        return " ".join(part for part in (self.first, self.middle, self.last, self.suffix) if part)


def name_tokens(text: str) -> list[str]:
    """Lower-case words without accents or punctuation: "O'Brien-Smith, J." → obrien smith j."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    plain = re.sub("['\u2019.]", "", plain)
    plain = plain.replace("&", " & ")
    return re.sub(r"[^a-z0-9&]+", " ", plain).split()


def _same_given_name(billed: str, profile: str) -> bool:
    billed_forms = _NAME_FORMS.get(billed, {billed})
    profile_forms = _NAME_FORMS.get(profile, {profile})
    return bool(billed_forms & profile_forms)


def _find_run(tokens: Sequence[str], run: Sequence[str]) -> int:
    for start in range(len(tokens) - len(run) + 1):
        if list(tokens[start : start + len(run)]) == list(run):
            return start
    return -1


def _parties(billed_name: str) -> list[tuple[list[str], str]]:
    """Each person on the bill as (name words, suffix)."""
    parties: list[tuple[list[str], str]] = []
    words: list[str] = []
    for token in [*name_tokens(billed_name), "&"]:
        if token in _PARTY_SEPARATORS:
            if words:
                suffixes = [SUFFIXES[word] for word in words if word in SUFFIXES]
                names = [word for word in words if word not in SUFFIXES]
                parties.append((names, suffixes[-1] if suffixes else ""))
            words = []
        else:
            words.append(token)
    return parties


def _party_matches(
    words: list[str], suffix: str, surname_elsewhere: bool, resident: PersonName
) -> bool:
    if not words or ENTITY_WORDS.intersection(words):
        return False
    last = name_tokens(resident.last)
    first = name_tokens(resident.first)
    if not last or not first:
        return False
    start = _find_run(words, last)
    if start >= 0:
        given = words[:start] + words[start + len(last) :]
    elif surname_elsewhere and (len(words) == 1 or (len(words) == 2 and len(words[1]) == 1)):
        # "Bob & Mary Smith", "SMITH ROBERT J & MARY A": the surname is printed once, for both.
        given = words
    else:
        return False
    if not given or not _same_given_name(given[0], first[0]):
        return False
    middle = name_tokens(resident.middle)
    if middle and len(given) > 1 and given[1][0] != middle[0][0]:
        return False
    resident_suffix = SUFFIXES.get("".join(name_tokens(resident.suffix)), "")
    # A father and son share a name and an address; only an explicit suffix tells them apart.
    # Billing systems often drop the suffix, and an elder is often known without "Sr.".
    return not suffix or suffix == resident_suffix or (suffix == "sr" and not resident_suffix)


def billing_name_matches(*, billed_name: str, resident: PersonName) -> bool:
    """Whether the resident is one of the people a bill is addressed to."""
    parties = _parties(billed_name)
    last = name_tokens(resident.last)
    for index, (words, suffix) in enumerate(parties):
        others = [other for position, (other, _) in enumerate(parties) if position != index]
        surname_elsewhere = bool(last) and any(_find_run(other, last) >= 0 for other in others)
        if _party_matches(words, suffix, surname_elsewhere, resident):
            return True
    return False


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
