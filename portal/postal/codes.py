"""The mailed code: random, easy to read off paper and type, kept only as a keyed hash."""

import hmac
import secrets

from django.conf import settings
from django.utils.crypto import salted_hmac

# No 0/O, 1/I/L, 2/Z, 5/S or 8/B: nothing a reader can mistake for another character.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
LENGTH = 10
GROUP = 5
_HASH_SALT = "portal.postal.codes"


def code_generate() -> str:
    """Ten characters (about 46 bits), from the operating system's secure random source."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def code_display(code: str) -> str:
    """As printed on the letter: two groups of five, `ACDEF-GHJKM`."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def code_normalise(text: str) -> str:
    """What a person typed, without spaces or dashes and in capitals."""
    return "".join(char for char in text.upper() if char not in " -\t\u2010\u2011\u2013")


def code_is_well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(char in ALPHABET for char in code)


def code_hash(*, code: str, mailed_code_id: str, secret: str | None = None) -> str:
    """A keyed hash (HMAC-SHA256 under a key derived from SECRET_KEY), bound to one letter.

    A copy of the database alone is not enough to try every possible code offline.
    """
    return salted_hmac(
        _HASH_SALT,
        f"{mailed_code_id}:{code}",
        secret=secret or settings.SECRET_KEY,
        algorithm="sha256",
    ).hexdigest()


def code_matches(*, code: str, mailed_code_id: str, stored_hash: str) -> bool:
    """Compare in constant time, accepting hashes made under a retired SECRET_KEY too."""
    if not stored_hash:
        return False
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return any(
        hmac.compare_digest(
            code_hash(code=code, mailed_code_id=mailed_code_id, secret=secret), stored_hash
        )
        for secret in secrets_in_use
    )
