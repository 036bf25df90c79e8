"""A field's value kept encrypted, as JSON so a number stays a number and "no value" stays null."""

import json
from typing import Any

from portal import crypto


def value_encrypt(value: Any) -> bytes:
    return crypto.encrypt(json.dumps(value, default=str).encode())


def value_decrypt(token: bytes | memoryview | None) -> Any:
    if token is None:
        return None
    return json.loads(crypto.decrypt(bytes(token)))


def value_text(value: Any) -> str:
    """A value as a person reads it: "" for no value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)
