"""Encryption at rest for evidence files, uploads and packages.

Keys come from FIELD_ENCRYPTION_KEYS (comma-separated Fernet keys, newest first). Adding a new key
in front rotates: new data is encrypted with it, and data encrypted with any older listed key stays
readable until `reencrypt` moves it forward and the old key is removed.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """The data was not encrypted with any configured key, or was altered."""


@cache
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def _current_cipher() -> MultiFernet:
    return _cipher(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(data: bytes) -> bytes:
    return _current_cipher().encrypt(data)


def decrypt(token: bytes) -> bytes:
    try:
        return _current_cipher().decrypt(token)
    except InvalidToken:
        raise DecryptionError("encrypted data unreadable with the configured keys") from None


def reencrypt(token: bytes) -> bytes:
    """The same data, encrypted with the newest key."""
    try:
        return _current_cipher().rotate(token)
    except InvalidToken:
        raise DecryptionError("encrypted data unreadable with the configured keys") from None


def key_problem(key: str) -> str | None:
    """Why a configured key is unusable, or None."""
    try:
        Fernet(key.encode())
    except ValueError as error:
        return str(error)
    return None


def new_key() -> str:
    return Fernet.generate_key().decode()
