"""Automatic masking before release, by example: what is masked, what is left alone, and the
over-masking we accept."""

import json
from decimal import Decimal

import pytest

from requests.release.masking import (
    PLACEHOLDERS,
    MaskNote,
    luhn_valid,
    mask_record,
    mask_text,
    secret_kind,
)

CARD_REMOVED = PLACEHOLDERS["payment_card"]
SSN_REMOVED = PLACEHOLDERS["ssn"]
TIN_REMOVED = PLACEHOLDERS["tin"]


def with_check_digit(partial: str) -> str:
    """The number with its Luhn check digit appended."""
    return next(partial + digit for digit in "0123456789" if luhn_valid(partial + digit))


# Published test numbers of the real brands, 13 to 19 digits.
CARDS = [
    "4222222222222",  # Visa, 13
    "30569309025904",  # Diners Club, 14
    "378282246310005",  # American Express, 15
    "4111111111111111",  # Visa, 16
    "5555555555554444",  # Mastercard, 16
    "2223003122003222",  # Mastercard 2-series, 16
    "6011111111111117",  # Discover, 16
    "3530111333300000",  # JCB, 16
    with_check_digit("62123456789012345"),  # UnionPay, 18
    with_check_digit("601100000000000000"),  # Discover, 19
]


def digits_only(text: str) -> str:
    return "".join(char for char in text if char.isdigit())


def test_the_test_cards_pass_luhn_and_a_changed_digit_fails():
    for card in CARDS:
        assert luhn_valid(card), card
        assert 13 <= len(card) <= 19
    assert not luhn_valid("4111111111111112")


@pytest.mark.parametrize("card", CARDS)
@pytest.mark.parametrize("separator", ["", " ", "-", "."])
def test_card_number_in_groups_of_four_is_removed_whole(card, separator):
    written = separator.join(card[i : i + 4] for i in range(0, len(card), 4))

    masked, kinds = mask_text(f"Paid with {written}, thank you")

    assert masked == f"Paid with {CARD_REMOVED}, thank you"
    assert kinds == ("payment_card",)


@pytest.mark.parametrize(
    "text",
    [
        "3782 822463 10005",
        "3782-822463-10005",
        "3782-822463 10005",  # mixed separators, printed grouping
        "4111 1111-1111.1111",
        "card:378282246310005.",
        "x4111111111111111y",
        "(4111-1111-1111-1111)",
    ],
)
def test_card_number_written_as_printed_or_next_to_letters_is_removed(text):
    masked, kinds = mask_text(text)

    assert "378282246310005" not in digits_only(masked)
    assert "4111111111111111" not in digits_only(masked)
    assert kinds == ("payment_card",)


def test_card_number_after_another_number_is_removed_and_the_other_number_kept():
    masked, _kinds = mask_text("Receipt 12 4111 1111 1111 1111 taken")

    assert masked == f"Receipt 12 {CARD_REMOVED} taken"


def test_card_number_stored_as_an_integer_is_removed():
    record = mask_record({"payment": {"reference": 4111111111111111, "amount": 12.5}})

    assert record.fields == {"payment": {"reference": CARD_REMOVED, "amount": 12.5}}
    assert record.notes == (MaskNote(field="payment.reference", kind="payment_card"),)


def test_card_number_stored_as_a_float_is_removed():
    record = mask_record({"reference": 4111111111111111.0})

    assert record.fields == {"reference": CARD_REMOVED}


def test_card_number_stored_as_a_decimal_is_removed():
    record = mask_record({"reference": Decimal("4111111111111111"), "amount": Decimal("12.50")})

    assert record.fields == {"reference": CARD_REMOVED, "amount": Decimal("12.50")}


def test_groups_with_different_separators_and_no_card_grouping_are_not_a_card():
    # Documented: this is what keeps a date next to an amount from being read as a card.
    text = "41.11 1111-1111-1111"

    assert luhn_valid(digits_only(text))
    assert mask_text(text) == (text, ())


@pytest.mark.parametrize(
    "text",
    [
        "4111 1111 1111 1112",  # fails Luhn
        "4111111111111112",
        "1234-5678-9012-3456",
        "411111111111111",  # 15 digits, fails Luhn
        "123456789012",  # 12 digits
    ],
)
def test_numbers_that_fail_luhn_or_are_too_short_are_not_cards(text):
    assert mask_text(text) == (text, ())


def test_card_inside_a_longer_digit_run_is_not_found():
    # Documented: digits glued to a 20-digit reference are one number, not a card.
    text = "reference 12344111111111111111"

    assert mask_text(text) == (text, ())


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("078-05-1120", "ssn"),
        ("078 05 1120", "ssn"),
        ("078.05.1120", "ssn"),
        ("078051120", "ssn"),
        ("SSN:078-05-1120.", "ssn"),
        ("ssn078051120x", "ssn"),
        ("912-70-1234", "tin"),  # an ITIN
        ("EIN 12-3456789", "tin"),
    ],
)
def test_ssn_and_taxpayer_numbers_are_removed(text, kind):
    masked, kinds = mask_text(text)

    assert digits_only(masked) == ""
    assert PLACEHOLDERS[kind] in masked
    assert kinds == (kind,)


@pytest.mark.parametrize(
    "text",
    [
        "000-12-3456",  # area 000
        "666-12-3456",  # area 666
        "123-00-4567",  # group 00
        "123-45-0000",  # serial 0000
        "123-45.6789",  # two different separators
        "00-1234567",  # no EIN starts 00
        "1234567890",  # ten digits: part of a longer run
    ],
)
def test_numbers_outside_the_ssn_and_tin_ranges_are_left_alone(text):
    assert mask_text(text) == (text, ())


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-15",
        "01/15/2024",
        "20240115",
        "Paid 2024-01-15 120.00 by check 1042",
        "(413) 555-0123",
        "413-555-0123",
        "413.555.0123",
        "+1 413 555 0123",
        "4135550123",
        "Westfield, MA 01085-1234",
        "$1,234.56",
        "1234.56",
        "$12,345,678.90",
        "Parcel 12-34-5",
        "Parcel 123-45-6",
        "Bill RE-2024-000123",
        "VIN 1HGCM82633A004352",
        "4111 1111 1111 1112",
    ],
)
def test_dates_phones_zip_codes_amounts_and_parcel_ids_are_left_alone(text):
    assert mask_text(text) == (text, ())


def test_zip_plus_four_without_its_dash_is_over_masked_as_an_ssn():
    # Documented: a bare 9-digit run in the SSN ranges is masked; that is the safe failure.
    assert mask_text("01085 010851234") == (f"01085 {SSN_REMOVED}", ("ssn",))


@pytest.mark.parametrize(
    "value",
    [
        "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "bcrypt_sha256$$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "argon2$argon2id$v=19$m=102400,t=2,p=8$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A",
        "$argon2i$v=19$m=16,t=2,p=1$c29tZXNhbHQ$g3Qq0vBVcHcd2Uxm7mCpFQ",
        "pbkdf2_sha256$870000$Xq3bFHQ8d3rJ$kJp0k6hC3s9v+0m1mq0pZ7y0J6m3QWtM8yQ0s4mO7eU=",
        "$6$rounds=5000$saltsalt$" + "a" * 86,
        "$1$saltsalt$qjXMvbEw8oaL.CzflDugX/",
        "{SSHA}MTIzNDU2Nzg5MGFiY2RlZg==",
        "{SHA}fEqNCco3Yq9h5ZUglD3CZJT4lBs=",
        "{PBKDF2-SHA256}10000$c2FsdA$aGFzaA",
        "scrypt$16384$c2FsdA$8$1$aGFzaGhhc2g=",
        "$5$rounds=5000$saltsalt$" + "b" * 43,
    ],
)
def test_password_hashes_are_removed_wherever_they_appear(value):
    masked, kinds = mask_text(f"migrated from the old system: {value} (do not use)")

    assert masked == f"migrated from the old system: {PLACEHOLDERS['password_hash']} (do not use)"
    assert kinds == ("password_hash",)


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("password", "password"),
        ("Password", "password"),
        ("PASSWORD", "password"),
        ("userPassword", "password"),
        ("user_password", "password"),
        ("dbpassword", "password"),
        ("passwd", "password"),
        ("pwd", "password"),
        ("PIN", "password"),
        ("account-pin", "password"),
        ("secret", "password"),
        ("security_answer", "password"),
        ("SecurityAnswer", "password"),
        ("token", "password"),
        ("api_key", "password"),
        ("apiKey", "password"),
        ("API-KEY", "password"),
        ("hash", "password_hash"),
        ("password_hash", "password_hash"),
        ("passwordHash", "password_hash"),
        ("username", "username"),
        ("UserName", "username"),
        ("user_name", "username"),
        ("login", "username"),
        ("user_id", "username"),
        ("UserID", "username"),
        ("userid", "username"),
        ("screen_name", "username"),
        ("card_number", "payment_card"),
        ("CardNumber", "payment_card"),
        ("cvv", "payment_card"),
        ("ssn", "ssn"),
        ("SSN", "ssn"),
        ("social_security_number", "ssn"),
        ("tin", "tin"),
        ("ein", "tin"),
    ],
)
def test_field_named_for_a_secret_is_recognised_whatever_its_case_and_separators(name, kind):
    assert secret_kind(name) == kind


@pytest.mark.parametrize(
    "name",
    [
        "shipping",
        "spinner",
        "opinion",
        "secretary_name",
        "hashtag",
        "tokenized",
        "owner_name",
        "mailing_address",
        "parcel_id",
        "bill_number",
        "account_number",
        "pants",
        "continent",
    ],
)
def test_ordinary_field_names_are_not_secrets(name):
    assert secret_kind(name) is None


def test_secret_fields_lose_their_whole_value_whatever_it_holds():
    record = mask_record(
        {
            "owner_name": "Alice Archer",
            "Password": "hunter2",
            "legacy": {"user_name": "aarcher", "pin": 1234, "api_key": ["a", "b"]},
            "ssn": 78051120,  # an SSN stored as a number, its leading zero lost
        }
    )

    assert record.fields == {
        "owner_name": "Alice Archer",
        "Password": PLACEHOLDERS["password"],
        "legacy": {
            "user_name": PLACEHOLDERS["username"],
            "pin": PLACEHOLDERS["password"],
            "api_key": PLACEHOLDERS["password"],
        },
        "ssn": SSN_REMOVED,
    }
    assert record.notes == (
        MaskNote(field="Password", kind="password"),
        MaskNote(field="legacy.user_name", kind="username"),
        MaskNote(field="legacy.pin", kind="password"),
        MaskNote(field="legacy.api_key", kind="password"),
        MaskNote(field="ssn", kind="ssn"),
    )


def test_empty_secret_fields_stay_empty_and_are_not_noted():
    fields = {"password": "", "pin": None, "token": [], "username": {}}

    record = mask_record(fields)

    assert record.fields == fields
    assert record.notes == ()


def test_never_released_fields_are_removed_at_top_level_nested_and_in_lists():
    record = mask_record(
        {
            "internal_notes": "Owner called twice",
            "owner": {"internal_notes": "Difficult", "name": "Alice"},
            "contacts": [{"phone": "413-555-0123", "name": "A"}, {"phone": "", "name": "B"}],
            "Audit-Flag": True,
            "empty": None,
            "": "a field without a name",
        },
        never_released=["internal_notes", "contacts.phone", "audit_flag", "empty", ""],
    )

    removed = PLACEHOLDERS["never_released"]
    assert record.fields == {
        "internal_notes": removed,
        "owner": {"internal_notes": removed, "name": "Alice"},
        "contacts": [{"phone": removed, "name": "A"}, {"phone": "", "name": "B"}],
        "Audit-Flag": removed,
        "empty": None,
        "": "a field without a name",
    }
    assert [note.field for note in record.notes] == [
        "internal_notes",
        "owner.internal_notes",
        "contacts.0.phone",
        "Audit-Flag",
    ]
    assert {note.kind for note in record.notes} == {"never_released"}


def test_a_dotted_never_released_path_does_not_reach_other_fields_of_that_name():
    record = mask_record(
        {"owner": {"phone": "413-555-0123"}, "phone": "413-555-0199"},
        never_released=["owner.phone"],
    )

    assert record.fields == {
        "owner": {"phone": PLACEHOLDERS["never_released"]},
        "phone": "413-555-0199",
    }


def test_other_peoples_data_is_flagged_not_masked():
    fields = {
        "participant_name": "Casey Archer",
        "guardian_email": "alice@example.org",
        "emergency_contact": {"name": "Dana Lee", "spouse_name": "Eli Lee"},
        "CoOwnerName": "Bruno Archer",
        "owners": [{"name": "Alice"}, {"co_owner": "Bruno"}],
        "spouse": "",
    }

    record = mask_record(fields)

    assert record.fields == fields
    assert record.others_data == (
        "guardian_email",
        "emergency_contact",
        "CoOwnerName",
        "owners.1.co_owner",
    )
    assert record.notes == ()


def test_card_numbers_inside_other_peoples_data_are_still_masked():
    record = mask_record({"emergency_contact": {"note": "card 4111-1111-1111-1111"}})

    assert record.fields == {"emergency_contact": {"note": f"card {CARD_REMOVED}"}}
    assert record.others_data == ("emergency_contact",)
    assert record.notes == (MaskNote(field="emergency_contact.note", kind="payment_card"),)


def test_other_person_hints_come_from_the_setting(settings):
    settings.RELEASE_OTHER_PERSON_FIELD_HINTS = ["tenant"]

    record = mask_record({"tenant_name": "Fay", "co_owner": "Bruno"})

    assert record.others_data == ("tenant_name",)


def test_notes_name_the_field_and_kind_and_never_the_masked_value():
    record = mask_record(
        {"history": [{"memo": "card 4111 1111 1111 1111, SSN 078-05-1120"}], "login": "aarcher"}
    )

    assert record.notes == (
        MaskNote(field="history.0.memo", kind="payment_card"),
        MaskNote(field="history.0.memo", kind="ssn"),
        MaskNote(field="login", kind="username"),
    )
    shown = repr(record.notes) + repr(record.others_data)
    assert "4111" not in shown
    assert "078" not in shown
    assert "aarcher" not in shown


def test_keys_types_and_the_input_are_left_as_they_were():
    fields = {
        "Amount Due": 1234.56,
        "year": 2024,
        "paid": False,
        "voided": None,
        "lines": [1, 2.5, "x", None, True],
        "nested": {"tuple": (1, "4111111111111111")},
    }
    before = json.dumps(fields)

    record = mask_record(fields)

    assert json.dumps(fields) == before
    assert list(record.fields) == list(fields)
    assert record.fields["Amount Due"] == 1234.56
    assert record.fields["year"] == 2024
    assert record.fields["paid"] is False
    assert record.fields["voided"] is None
    assert record.fields["lines"] == [1, 2.5, "x", None, True]
    assert record.fields["nested"] == {"tuple": (1, CARD_REMOVED)}


def test_masking_a_masked_record_changes_nothing_and_notes_the_same():
    fields = {
        "memo": "card 4111-1111-1111-1111 and SSN 078 05 1120, EIN 12-3456789",
        "hash": "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        "password": "x",
        "internal": "never",
        "co_owner": "Bruno",
        "reference": 4111111111111111,
    }

    once = mask_record(fields, never_released=["internal"])
    twice = mask_record(once.fields, never_released=["internal"])

    assert twice == once


def test_a_record_without_anything_to_mask_comes_back_equal():
    fields = {
        "owner_name": "SMITH ROBERT J",
        "mailing_address": "12 Elm St Apt 2, Westfield, MA 01085-1234",
        "parcel_id": "12-34-5",
        "assessed_value": 312400,
        "sale_date": "2019-06-30",
    }

    record = mask_record(fields)

    assert record.fields == fields
    assert record.notes == ()
    assert record.others_data == ()
