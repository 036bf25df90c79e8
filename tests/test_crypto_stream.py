"""Streamed encryption at rest: round trips at every size, key rotation, and every way of
altering a stored file (changed byte, moved, dropped or borrowed segment, cut short, extended)
refused with DecryptionError."""

import io
import os
import struct

import pytest
from cryptography.fernet import Fernet

from portal import crypto
from portal.crypto import DecryptionError
from portal.crypto_stream import MAGIC, StreamEncryptor, reencrypt_stream, stream_decrypt

SEGMENT = 64


def _encrypt(data: bytes, *, segment_size: int = SEGMENT, pieces: int = 7, key=None) -> bytes:
    out = io.BytesIO()
    with StreamEncryptor(out, segment_size=segment_size, key=key) as writer:
        for start in range(0, len(data), pieces):
            writer.write(data[start : start + pieces])
    return out.getvalue()


def _decrypt(stored: bytes, **kwargs) -> bytes:
    return b"".join(stream_decrypt(io.BytesIO(stored), **kwargs))


def _segments(stored: bytes) -> tuple[bytes, list[bytes]]:
    """The header and each length-prefixed token, as stored."""
    header_size = len(MAGIC) + 16
    header, rest, tokens = stored[:header_size], stored[header_size:], []
    while rest:
        (length,) = struct.unpack(">I", rest[:4])
        tokens.append(rest[: 4 + length])
        rest = rest[4 + length :]
    return header, tokens


@pytest.mark.parametrize(
    "size",
    [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 2 * SEGMENT, 10 * SEGMENT + 3],
    ids=lambda size: f"{size}_bytes",
)
def test_round_trip_gives_back_the_same_bytes(size):
    data = os.urandom(size)
    assert _decrypt(_encrypt(data)) == data


def test_exactly_one_segment_is_stored_as_one_final_segment():
    _, tokens = _segments(_encrypt(b"x" * SEGMENT))
    assert len(tokens) == 1


def test_many_segments_with_the_default_size_round_trip_in_one_write():
    data = os.urandom(3 * 1024 * 1024 + 5)
    out = io.BytesIO()
    with StreamEncryptor(out) as writer:
        writer.write(data)
    assert len(_segments(out.getvalue())[1]) == 4
    assert _decrypt(out.getvalue()) == data


def test_empty_stream_reads_as_empty():
    assert list(stream_decrypt(io.BytesIO(_encrypt(b"")))) == []


def test_stored_stream_contains_no_plaintext():
    data = b"Social Security number 123-45-6789, parking ticket PT-000042. " * 50
    stored = _encrypt(data)
    for snippet in (b"123-45-6789", b"PT-000042", b"Social Security", b"parking"):
        assert snippet not in stored
    assert _decrypt(stored) == data


def test_old_streams_stay_readable_after_a_new_key_is_added(settings):
    data = os.urandom(5 * SEGMENT)
    stored = _encrypt(data)

    settings.FIELD_ENCRYPTION_KEYS = [crypto.new_key(), *settings.FIELD_ENCRYPTION_KEYS]

    assert _decrypt(stored) == data


def test_reencrypt_stream_moves_it_to_the_newest_key(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    data = os.urandom(5 * SEGMENT + 1)
    stored = _encrypt(data)
    settings.FIELD_ENCRYPTION_KEYS = [crypto.new_key(), old_key]

    moved = io.BytesIO()
    size = reencrypt_stream(io.BytesIO(stored), moved, segment_size=SEGMENT)
    settings.FIELD_ENCRYPTION_KEYS = settings.FIELD_ENCRYPTION_KEYS[:1]

    assert size == len(data)
    assert _decrypt(moved.getvalue()) == data
    with pytest.raises(DecryptionError):
        _decrypt(stored)


def test_reencrypting_a_damaged_stream_fails_and_leaves_no_readable_copy():
    stored = bytearray(_encrypt(os.urandom(5 * SEGMENT)))
    stored[-10] ^= 1
    moved = io.BytesIO()

    with pytest.raises(DecryptionError):
        reencrypt_stream(io.BytesIO(bytes(stored)), moved, segment_size=SEGMENT)
    with pytest.raises(DecryptionError):
        _decrypt(moved.getvalue())


def test_a_stream_under_an_unknown_key_is_refused(settings):
    stored = _encrypt(b"evidence")
    settings.FIELD_ENCRYPTION_KEYS = [crypto.new_key()]
    with pytest.raises(DecryptionError):
        _decrypt(stored)


def test_a_scratch_key_replaces_the_configured_keys():
    key = crypto.new_key()
    stored = _encrypt(b"scratch data", key=key)

    assert _decrypt(stored, key=key) == b"scratch data"
    with pytest.raises(DecryptionError):
        _decrypt(stored)
    with pytest.raises(DecryptionError):
        _decrypt(stored, key=crypto.new_key())


def test_a_changed_byte_in_the_stream_id_or_any_token_is_detected():
    stored = _encrypt(os.urandom(3 * SEGMENT))
    header_size = len(MAGIC) + 16
    for position in range(header_size - 16, len(stored), 37):
        altered = bytearray(stored)
        altered[position] ^= 0x01
        with pytest.raises(DecryptionError):
            _decrypt(bytes(altered))


def test_a_changed_magic_is_refused():
    stored = bytearray(_encrypt(b"data"))
    stored[0] ^= 0x01
    with pytest.raises(DecryptionError, match="not an encrypted stream"):
        _decrypt(bytes(stored))


def test_reordered_segments_are_detected():
    header, tokens = _segments(_encrypt(os.urandom(3 * SEGMENT + 1)))
    swapped = header + tokens[1] + tokens[0] + b"".join(tokens[2:])
    with pytest.raises(DecryptionError, match="out of place"):
        _decrypt(swapped)


def test_a_dropped_segment_is_detected():
    header, tokens = _segments(_encrypt(os.urandom(3 * SEGMENT + 1)))
    with pytest.raises(DecryptionError, match="out of place"):
        _decrypt(header + tokens[0] + b"".join(tokens[2:]))


def test_a_repeated_segment_is_detected():
    header, tokens = _segments(_encrypt(os.urandom(3 * SEGMENT + 1)))
    with pytest.raises(DecryptionError, match="out of place"):
        _decrypt(header + tokens[0] + tokens[0] + b"".join(tokens[1:]))


def test_a_segment_from_another_stream_is_detected():
    data = os.urandom(3 * SEGMENT + 1)
    header, tokens = _segments(_encrypt(data))
    _, other_tokens = _segments(_encrypt(data))
    with pytest.raises(DecryptionError, match="out of place"):
        _decrypt(header + tokens[0] + other_tokens[1] + b"".join(tokens[2:]))


@pytest.mark.parametrize("segments_kept", [0, 1, 3])
def test_a_stream_cut_at_a_segment_boundary_is_detected(segments_kept):
    header, tokens = _segments(_encrypt(os.urandom(3 * SEGMENT + 1)))
    with pytest.raises(DecryptionError, match="cut short"):
        _decrypt(header + b"".join(tokens[:segments_kept]))


@pytest.mark.parametrize("cut", [1, 3, 5, 100])
def test_a_stream_cut_inside_a_segment_is_detected(cut):
    stored = _encrypt(os.urandom(3 * SEGMENT + 1))
    with pytest.raises(DecryptionError):
        _decrypt(stored[:-cut])


def test_a_stream_cut_inside_its_header_is_detected():
    stored = _encrypt(b"data")
    with pytest.raises(DecryptionError):
        _decrypt(stored[: len(MAGIC) + 3])


def test_bytes_after_the_final_segment_are_detected():
    header, tokens = _segments(_encrypt(os.urandom(2 * SEGMENT)))
    with pytest.raises(DecryptionError, match="after the end"):
        _decrypt(header + b"".join(tokens) + tokens[-1])


def test_a_huge_length_field_is_refused_without_reading_it():
    header, _ = _segments(_encrypt(b"data"))
    with pytest.raises(DecryptionError, match="damaged"):
        _decrypt(header + struct.pack(">I", 0xFFFFFFFF) + b"x" * 10)


def test_a_never_closed_writer_leaves_a_stream_that_reads_as_cut_short():
    out = io.BytesIO()
    writer = StreamEncryptor(out, segment_size=SEGMENT)
    writer.write(os.urandom(3 * SEGMENT))
    with pytest.raises(DecryptionError, match="cut short"):
        _decrypt(out.getvalue())


def test_writing_after_close_is_refused():
    writer = StreamEncryptor(io.BytesIO(), segment_size=SEGMENT)
    writer.close()
    writer.close()
    with pytest.raises(ValueError):
        writer.write(b"late")


@pytest.mark.parametrize("segment_size", [0, -1, 16 * 1024 * 1024 + 1])
def test_an_impossible_segment_size_is_refused(segment_size):
    with pytest.raises(ValueError):
        StreamEncryptor(io.BytesIO(), segment_size=segment_size)


def test_an_error_inside_the_with_block_leaves_a_stream_that_reads_as_cut_short():
    out = io.BytesIO()
    with pytest.raises(RuntimeError), StreamEncryptor(out, segment_size=SEGMENT) as writer:
        writer.write(os.urandom(3 * SEGMENT))
        raise RuntimeError("the package could not be finished")

    with pytest.raises(DecryptionError, match="cut short"):
        _decrypt(out.getvalue())


def test_a_validly_encrypted_segment_too_short_for_its_header_is_refused():
    key = crypto.new_key()
    header, _ = _segments(_encrypt(b"data", key=key))
    token = Fernet(key.encode()).encrypt(b"short")
    with pytest.raises(DecryptionError, match="damaged"):
        _decrypt(header + struct.pack(">I", len(token)) + token, key=key)
