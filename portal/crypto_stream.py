"""Encryption at rest for files too large to hold in memory (release packages).

The plaintext is cut into segments; each segment is a Fernet token from `portal.crypto`'s keys
(newest first, so adding a key in front rotates and older files stay readable). On disk:

    MAGIC | stream id (16 bytes) | { token length (4 bytes, big-endian) | token } ...

Each token's plaintext is `stream id | segment index (8 bytes) | final flag (1 byte) | data`.
Fernet authenticates every token; the stream id, the index and the final flag bind the tokens to
this file and to their place in it, so a segment moved, dropped, repeated or taken from another
file, and a file cut short or with bytes added after its end, all fail with `DecryptionError`.
Memory use is about two segments, whatever the file's size.
"""

import os
import struct
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.fernet import Fernet, InvalidToken

from portal import crypto
from portal.crypto import DecryptionError

MAGIC = b"WRPS1\n"
SEGMENT_SIZE = 1024 * 1024
# A reader refuses a token length above what the largest segment can produce, so a damaged
# length field cannot make it allocate gigabytes.
MAX_SEGMENT_SIZE = 16 * 1024 * 1024

_STREAM_ID_SIZE = 16
_LENGTH = struct.Struct(">I")
_SEGMENT_HEADER = struct.Struct(f">{_STREAM_ID_SIZE}sQ?")


def _max_token_length() -> int:
    # Fernet: version, timestamp, IV, AES-CBC padded ciphertext, HMAC; then urlsafe base64.
    raw = 1 + 8 + 16 + (_SEGMENT_HEADER.size + MAX_SEGMENT_SIZE) // 16 * 16 + 16 + 32
    return (raw + 2) // 3 * 4


_MAX_TOKEN_LENGTH = _max_token_length()


class StreamEncryptor:
    """A write-only binary file that encrypts into `dst` as it goes.

    `close()` writes the final segment and must be called (or use `with`): a stream without its
    final segment reads as truncated. Leaving a `with` block by an exception, or `abort()`, ends
    the stream without it, so a half-written file can never pass for a whole one. `dst` is not
    closed. `key` replaces the configured keys with one Fernet key, for scratch files encrypted
    under a key that is never stored.
    """

    def __init__(self, dst: BinaryIO, *, segment_size: int = SEGMENT_SIZE, key: str | None = None):
        if not 0 < segment_size <= MAX_SEGMENT_SIZE:
            raise ValueError(f"segment_size must be between 1 and {MAX_SEGMENT_SIZE}")
        self._dst = dst
        self._segment_size = segment_size
        self._encrypt = Fernet(key.encode()).encrypt if key else crypto.encrypt
        self._stream_id = os.urandom(_STREAM_ID_SIZE)
        self._index = 0
        self._buffer = bytearray()
        self._closed = False
        self.plaintext_size = 0
        self.ciphertext_size = 0
        self._put(MAGIC + self._stream_id)

    @property
    def closed(self) -> bool:
        return self._closed

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        if self._closed:
            raise ValueError("write to a closed encrypted stream")
        self._buffer += data
        self.plaintext_size += len(data)
        # Keep at least one byte back when the buffer is exactly full: the last segment is the
        # one that carries the final flag, and only close() knows which that is.
        while len(self._buffer) > self._segment_size:
            self._segment(bytes(self._buffer[: self._segment_size]), final=False)
            del self._buffer[: self._segment_size]
        return len(data)

    def flush(self) -> None:
        """Flush `dst`; a partial segment stays buffered until it is full or the stream closes."""
        if hasattr(self._dst, "flush"):
            self._dst.flush()

    def close(self) -> None:
        if self._closed:
            return
        self._segment(bytes(self._buffer), final=True)
        self._buffer = bytearray()
        self._closed = True
        self.flush()

    def abort(self) -> None:
        """Stop without the final segment: what was written reads as cut short."""
        self._buffer = bytearray()
        self._closed = True

    def __enter__(self) -> "StreamEncryptor":
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def _segment(self, data: bytes, *, final: bool) -> None:
        header = _SEGMENT_HEADER.pack(self._stream_id, self._index, final)
        token = self._encrypt(header + data)
        self._put(_LENGTH.pack(len(token)) + token)
        self._index += 1

    def _put(self, data: bytes) -> None:
        self._dst.write(data)
        self.ciphertext_size += len(data)


def _read_exactly(src: BinaryIO, size: int) -> bytes:
    parts = []
    remaining = size
    while remaining:
        part = src.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def stream_decrypt(src: BinaryIO, *, key: str | None = None) -> Iterator[bytes]:
    """The plaintext of an encrypted stream, one segment at a time.

    Raises DecryptionError when the stream is altered, cut short or not readable with the keys.
    The error can come after earlier chunks were yielded: a consumer that must not act on a
    damaged file reads it to the end before trusting what it got.
    """
    decrypt = _fernet_decrypt(key) if key else crypto.decrypt
    if _read_exactly(src, len(MAGIC)) != MAGIC:
        raise DecryptionError("not an encrypted stream")
    stream_id = _read_exactly(src, _STREAM_ID_SIZE)
    if len(stream_id) != _STREAM_ID_SIZE:
        raise DecryptionError("encrypted stream cut short")
    index = 0
    while True:
        prefix = _read_exactly(src, _LENGTH.size)
        if len(prefix) != _LENGTH.size:
            raise DecryptionError("encrypted stream cut short")
        (length,) = _LENGTH.unpack(prefix)
        if length > _MAX_TOKEN_LENGTH:
            raise DecryptionError("encrypted stream damaged")
        token = _read_exactly(src, length)
        if len(token) != length:
            raise DecryptionError("encrypted stream cut short")
        plaintext = decrypt(token)
        if len(plaintext) < _SEGMENT_HEADER.size:
            raise DecryptionError("encrypted stream damaged")
        segment_stream, segment_index, final = _SEGMENT_HEADER.unpack_from(plaintext)
        if segment_stream != stream_id or segment_index != index:
            raise DecryptionError("encrypted stream segments out of place")
        data = plaintext[_SEGMENT_HEADER.size :]
        if final:
            if src.read(1):
                raise DecryptionError("data after the end of the encrypted stream")
            if data:
                yield data
            return
        yield data
        index += 1


def _fernet_decrypt(key: str):
    fernet = Fernet(key.encode())

    def decrypt(token: bytes) -> bytes:
        try:
            return fernet.decrypt(token)
        except InvalidToken:
            raise DecryptionError("encrypted data unreadable with the given key") from None

    return decrypt


def reencrypt_stream(src: BinaryIO, dst: BinaryIO, *, segment_size: int = SEGMENT_SIZE) -> int:
    """Copy an encrypted stream into `dst` encrypted with the newest key; the plaintext size.

    On DecryptionError `dst` holds an incomplete stream (it never reads as valid: it has no final
    segment) and the caller discards it.
    """
    writer = StreamEncryptor(dst, segment_size=segment_size)
    for chunk in stream_decrypt(src):
        writer.write(chunk)
    writer.close()
    return writer.plaintext_size
