"""Match strength: exact on a proved identifier, strong on name and birth, weak on name and address;
a namesake is never the resident, whatever else agrees."""

import datetime as dt
from decimal import Decimal

import pytest

from portal.matching.names import PersonName
from portal.matching.strength import (
    Match,
    MatchStrength,
    ResidentAttributes,
    match_record,
    parse_date,
    same_identifier,
)

EXACT, STRONG, WEAK, NONE = (
    MatchStrength.EXACT,
    MatchStrength.STRONG,
    MatchStrength.WEAK,
    MatchStrength.NONE,
)
BORN = dt.date(1961, 5, 2)
SON_BORN = dt.date(1990, 8, 30)
HOSTILE = "x'); DROP TABLE residents; --"
ROBERT = ResidentAttributes(
    legal_name=PersonName("Robert", "James", "Smith"),
    date_of_birth=BORN,
    current_address="12 Elm Street Apt 2, Westfield, MA 01085",
    previous_addresses=("40 Court St, Westfield MA 01085", ""),
    proved_identifiers={"water_account": "W-1001", "parcel_id": ("12-3-4", "12-3-5")},
)


def _match(resident=ROBERT, **record):
    return match_record(resident=resident, record_attributes=record)


def test_a_proved_identifier_is_an_exact_match():
    match = _match(
        water_account="w 1001", billing_name="SMITH ROBERT J", service_address="12 ELM ST"
    )

    assert match == Match(EXACT, matched=("water_account", "billing_name", "service_address"))
    assert not match.needs_confirmation


def test_an_exact_match_needs_no_name_on_the_record():
    assert _match(parcel_id="12-3-5", meter="M-77").strength is EXACT
    assert _match(parcel_id=["99-1-1", "12-3-4"]).strength is EXACT


def test_an_identifier_the_resident_only_typed_is_not_evidence():
    # The resident typed W-2002 on a form, but proved only W-1001.
    typed = _match(water_account="W-2002", billing_name="Robert Smith")
    typed_with_address = _match(
        water_account="W-2002", billing_name="Robert Smith", address="12 Elm St"
    )
    proved_other_kind = _match(plate="W1001", billing_name="Robert Smith")

    assert typed.strength is NONE
    assert typed_with_address.strength is WEAK
    assert proved_other_kind.strength is NONE


def test_a_proved_identifier_on_another_persons_record_is_no_match():
    """A parcel keeps its id when sold: the previous owner's records are not the resident's."""
    previous_owner = _match(parcel_id="12-3-4", owner_name="Karen Jones")
    namesake_son = _match(
        parcel_id="12-3-4", owner_name="Robert J Smith Jr", date_of_birth=SON_BORN
    )

    assert previous_owner == Match(NONE, conflicts=("owner_name",))
    assert namesake_son == Match(NONE, conflicts=("date_of_birth",))


def test_a_proved_identifier_on_a_record_that_may_be_a_namesakes_is_for_a_clerk():
    junior = _match(parcel_id="12-3-4", owner_name="Robert J Smith Jr")
    initial = _match(water_account="W-1001", billing_name="R. Smith", date_of_birth=BORN)

    assert junior == Match(EXACT, matched=("parcel_id",), needs_confirmation=True)
    assert initial == Match(EXACT, matched=("water_account", "date_of_birth"))


def test_a_trusts_record_under_a_proved_identifier_is_exact_but_a_clerk_picks_it_out():
    trust = _match(parcel_id="12-3-4", owner_name="Smith Family Trust")
    trust_and_stranger = _match(
        parcel_id="12-3-4", owner_name="Smith Family Trust", co_owner_name="Karen Jones"
    )

    assert trust == Match(EXACT, matched=("parcel_id",), needs_confirmation=True)
    assert trust_and_stranger.strength is NONE


def test_name_and_date_of_birth_are_a_strong_match():
    printed = _match(name="Bob Smith", date_of_birth="1961-05-02")
    columns = _match(first_name="ROBERT", last_name="SMITH", middle_name="J", date_of_birth=BORN)
    with_home = _match(name="Smith, Robert", date_of_birth="5/2/1961", address="12 ELM ST #2")

    assert printed == Match(STRONG, matched=("name", "date_of_birth"))
    assert columns == Match(
        STRONG, matched=("first_name", "middle_name", "last_name", "date_of_birth")
    )
    assert with_home.matched == ("name", "date_of_birth", "address")
    assert not with_home.needs_confirmation


def test_a_date_of_birth_settles_a_suffix_the_residents_name_lacks():
    """A father and son are not born on one day."""
    assert _match(name="SMITH ROBERT J JR", date_of_birth=BORN).strength is STRONG
    assert _match(name="SMITH ROBERT J JR", address="12 Elm St").strength is NONE


def test_name_and_address_alone_are_a_weak_match_for_a_clerk_to_confirm():
    current = _match(name="Robert J. Smith", mailing_address="12 ELM ST #2, WESTFIELD MA 01085")
    previous = _match(owner_name="SMITH ROBERT J", property_address="40 COURT STREET")
    building = _match(name="Bob Smith", property_address="12 Elm St")

    assert current == Match(WEAK, matched=("name", "mailing_address"), needs_confirmation=True)
    assert previous == Match(
        WEAK, matched=("owner_name", "property_address"), needs_confirmation=True
    )
    assert building.strength is WEAK


def test_address_columns_are_read_as_one_address():
    match = _match(
        first_name="Robert",
        last_name="Smith",
        address_line1="12 Elm St",
        address_line2="Unit 2",
        city="Westfield",
        postal_code="01085",
    )

    assert match.strength is WEAK
    assert match.matched == ("first_name", "last_name", "address_line1")


@pytest.mark.parametrize(
    "record",
    [
        # Namesakes at the resident's own address.
        {"name": "SMITH ROBERT J JR", "address": "12 Elm St"},
        {"name": "Robert K. Smith", "address": "12 Elm St"},
        {"name": "Robert John Smith", "address": "12 Elm St"},
        {"name": "Robert J Smith", "address": "12 Elm St", "date_of_birth": "1990-08-30"},
        {"name": "Robert J Smith", "date_of_birth": "1961-05-03"},
        # Someone else at the resident's address, or the resident's name elsewhere.
        {"name": "Mary Smith", "address": "12 Elm St #2"},
        {"name": "Robert Smith", "address": "14 Elm St"},
        {"name": "Robert Smith", "address": "12 Elm St #3"},
        {"name": "Robert Smith", "address": "12 Elm St, Southwick MA 01077"},
        # A name alone is never enough.
        {"name": "Robert James Smith"},
        {"name": "Robert James Smith", "date_of_birth": "unknown"},
        # Too little of a name for an address to settle.
        {"name": "R. Smith", "address": "12 Elm St"},
        {"name": "Smith", "address": "12 Elm St"},
        # Nothing that names anyone.
        {"date_of_birth": BORN},
        {"name": "Dr.", "address": "12 Elm St"},
        {"name": "Smith Family Trust", "address": "12 Elm St", "date_of_birth": BORN},
        {},
    ],
)
def test_what_is_not_enough_or_names_someone_else_is_no_match(record):
    match = _match(**record)

    assert match.strength is NONE
    assert not match.needs_confirmation
    assert match.matched == ()


def test_a_namesake_says_which_fields_ruled_it_out():
    father = ResidentAttributes(
        legal_name=PersonName("Robert", "James", "Smith", "Sr."),
        date_of_birth=BORN,
        current_address="12 Elm St",
    )

    son = _match(father, name="Robert J. Smith Jr.", address="12 Elm St", date_of_birth=SON_BORN)

    assert son == Match(NONE, conflicts=("name", "date_of_birth"))


def test_a_thin_name_with_the_residents_birthday_is_weak_for_a_clerk():
    match = _match(name="R. Smith", date_of_birth=dt.datetime(1961, 5, 2, 0, 0, tzinfo=dt.UTC))

    assert match == Match(WEAK, matched=("name", "date_of_birth"), needs_confirmation=True)


def test_the_best_of_several_name_fields_decides():
    co_owner = _match(owner_name="Karen Jones", co_owner_name="Robert Smith", address="12 Elm St")
    strangers = _match(owner_name="Karen Jones", co_owner_name="Mary Smith", address="12 Elm St")

    assert co_owner.matched == ("co_owner_name", "address")
    assert strangers == Match(NONE, conflicts=("owner_name", "co_owner_name"))


def test_a_resident_without_a_known_birthday_or_addresses_matches_by_identifier_only():
    bare = ResidentAttributes(legal_name=PersonName("Robert", "", "Smith"))

    assert _match(bare, name="Robert Smith", date_of_birth=BORN).strength is NONE
    assert _match(bare, name="Robert Smith", address="12 Elm St").strength is NONE
    assert _match(bare, name="Robert Smith", water_account="W-1001").strength is NONE


@pytest.mark.parametrize(
    "record",
    [
        {"name": HOSTILE, "address": "12 Elm St", "date_of_birth": BORN},
        {"first_name": HOSTILE, "last_name": "Smith", "address": "12 Elm St"},
        {"first_name": "Robert", "last_name": HOSTILE, "date_of_birth": BORN},
        {"name": "Robert Smith", "address": HOSTILE},
        {"name": "Robert Smith", "address_line1": HOSTILE, "postal_code": HOSTILE},
        {"name": "Robert Smith", "date_of_birth": HOSTILE},
        {"name": "Robert Smith", "water_account": HOSTILE, "parcel_id": HOSTILE},
    ],
)
def test_a_hostile_value_is_only_data(record):
    assert _match(**record).strength is NONE


@pytest.mark.parametrize(
    "value", [None, 42, 4.2, True, b"Robert Smith", ["Robert Smith"], {"first": "Robert"}, object()]
)
def test_values_of_any_type_never_raise(value):
    fields = ("name", "first_name", "date_of_birth", "address", "address_line1", "water_account")

    assert _match(**dict.fromkeys(fields, value)).strength is NONE


def test_numbers_in_identifier_columns_are_compared_as_printed():
    resident = ResidentAttributes(
        legal_name=ROBERT.legal_name, proved_identifiers={"account_number": 100234}
    )

    assert _match(resident, account_number="100234").strength is EXACT
    assert _match(resident, account_number=Decimal(100234)).strength is EXACT
    assert _match(resident, account_number=True).strength is NONE


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("W-1001", "w 1001", True),
        ("1234-5678", "12345678", True),
        ("12-3-4", "12/3/4", True),
        ("12-3-4", "1-23-4", False),
        ("0012", "12", False),
        ("W-1001", "", False),
        (None, None, False),
        (HOSTILE, HOSTILE.upper(), True),
    ],
)
def test_identifiers_are_compared_without_case_or_separators(one, other, same):
    assert same_identifier(one, other) is same


@pytest.mark.parametrize(
    ("value", "date"),
    [
        (dt.date(1961, 5, 2), dt.date(1961, 5, 2)),
        (dt.datetime(1961, 5, 2, 23, 0, tzinfo=dt.UTC), dt.date(1961, 5, 2)),
        ("1961-05-02", dt.date(1961, 5, 2)),
        (" 1961-05-02T00:00:00 ", dt.date(1961, 5, 2)),
        ("5/2/1961", dt.date(1961, 5, 2)),
        ("05/02/1961", dt.date(1961, 5, 2)),
        ("19610502", dt.date(1961, 5, 2)),
        ("1961-02-30", None),
        ("13/2/1961", None),
        ("5/2/61", None),
        ("1961", None),
        ("", None),
        (None, None),
        (19610502, None),
        (HOSTILE, None),
    ],
)
def test_dates_of_birth_are_read_from_department_columns(value, date):
    assert parse_date(value) == date


def test_strengths_have_plain_labels():
    assert [strength.value for strength in MatchStrength] == ["exact", "strong", "weak", "none"]
    assert str(MatchStrength.WEAK.label) == "Name and address only: a clerk must confirm"
