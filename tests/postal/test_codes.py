"""The mailed code: readable, random, and kept only as a keyed hash."""

from django.test import override_settings

from portal.postal.codes import (
    ALPHABET,
    LENGTH,
    code_display,
    code_generate,
    code_hash,
    code_is_well_formed,
    code_matches,
    code_normalise,
)


def test_codes_are_ten_characters_from_an_alphabet_without_look_alikes():
    codes = {code_generate() for _ in range(200)}

    assert len(codes) == 200
    assert all(len(code) == LENGTH and set(code) <= set(ALPHABET) for code in codes)
    assert not set("0O1IL2Z5S8B") & set(ALPHABET)


def test_code_is_printed_in_two_groups_and_typed_any_way():
    assert code_display("ACDEFGHJK3") == "ACDEF-GHJK3"
    assert code_normalise(" acdef-ghjk3 ") == "ACDEFGHJK3"
    assert code_normalise("ACDEF GHJK3") == "ACDEFGHJK3"
    assert code_is_well_formed("ACDEFGHJK3")
    assert not code_is_well_formed("ACDEFGHJK")
    assert not code_is_well_formed("ACDEFGHJK0")


def test_hash_is_bound_to_the_letter_and_never_the_code_itself():
    hashed = code_hash(code="ACDEFGHJK3", mailed_code_id="letter-1")

    assert "ACDEFGHJK3" not in hashed
    assert code_matches(code="ACDEFGHJK3", mailed_code_id="letter-1", stored_hash=hashed)
    assert not code_matches(code="ACDEFGHJK4", mailed_code_id="letter-1", stored_hash=hashed)
    assert not code_matches(code="ACDEFGHJK3", mailed_code_id="letter-2", stored_hash=hashed)
    assert not code_matches(code="ACDEFGHJK3", mailed_code_id="letter-1", stored_hash="")


def test_hash_depends_on_the_secret_key_and_survives_its_rotation():
    with override_settings(SECRET_KEY="old-secret-" * 5):
        hashed = code_hash(code="ACDEFGHJK3", mailed_code_id="letter-1")
    with override_settings(SECRET_KEY="new-secret-" * 5):
        assert not code_matches(code="ACDEFGHJK3", mailed_code_id="letter-1", stored_hash=hashed)
    with override_settings(SECRET_KEY="new-secret-" * 5, SECRET_KEY_FALLBACKS=["old-secret-" * 5]):
        assert code_matches(code="ACDEFGHJK3", mailed_code_id="letter-1", stored_hash=hashed)
