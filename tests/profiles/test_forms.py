"""Each profile question refuses bad input with a message that says what to do."""

import datetime as dt

import pytest
import time_machine

from portal.profiles.forms import (
    AddressForm,
    DateOfBirthForm,
    IdentifierForm,
    LanguageForm,
    NameForm,
    PhoneForm,
    PreviousAddressForm,
)

TODAY = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def _errors(form) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: list(messages) for name, messages in form.errors.items()}


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"day": "", "month": "", "year": ""}, "day", "Enter your date of birth"),
        ({"day": "27", "month": "", "year": "1980"}, "month", "must include a month"),
        ({"day": "", "month": "", "year": "1980"}, "day", "must include a day and month"),
        ({"day": "27", "month": "3", "year": ""}, "year", "must include a year"),
        ({"day": "31", "month": "2", "year": "1980"}, "day", "must be a real date"),
        ({"day": "1", "month": "13", "year": "1980"}, "month", "must be a real date"),
        ({"day": "x", "month": "3", "year": "1980"}, "day", "must be a real date"),
        ({"day": "27", "month": "3", "year": "80"}, "year", "Year must include 4 numbers"),
        ({"day": "27", "month": "3", "year": "2027"}, "day", "must be in the past"),
        ({"day": "28", "month": "11", "year": "2026"}, "day", "must be in the past"),
        ({"day": "27", "month": "3", "year": "1850"}, "year", "on or after 1 January 1900"),
    ],
)
def test_date_of_birth_names_the_problem_on_the_box_to_fix(typed, field, message):
    errors = _errors(DateOfBirthForm(typed))

    assert list(errors) == [field]
    assert message in errors[field][0]


@time_machine.travel(TODAY, tick=False)
def test_a_real_past_date_of_birth_is_accepted():
    form = DateOfBirthForm({"day": "29", "month": "2", "year": "1980"})

    assert form.is_valid()
    assert form.cleaned_data["date_of_birth"] == dt.date(1980, 2, 29)


def test_name_needs_first_and_last_name():
    errors = _errors(NameForm({"first_name": "", "last_name": " "}))

    assert errors == {
        "first_name": ["Enter your first name"],
        "last_name": ["Enter your last name"],
    }


def test_name_over_the_length_limit_is_refused_with_the_limit():
    errors = _errors(NameForm({"first_name": "A" * 101, "last_name": "Archer"}))

    assert errors == {"first_name": ["First name must be 100 characters or fewer"]}


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"street": ""}, "street", "Enter the street address"),
        ({"state": "Mass"}, "state", "2 letters"),
        ({"state": "M1"}, "state", "2 letters"),
        ({"postal_code": "1085"}, "postal_code", "Enter a ZIP code"),
        ({"postal_code": "01085-12"}, "postal_code", "Enter a ZIP code"),
    ],
)
def test_address_refuses_what_cannot_be_an_address(typed, field, message):
    data = {"street": "12 Elm St", "city": "Westfield", "state": "MA", "postal_code": "01085"}
    errors = _errors(AddressForm({**data, **typed}))

    assert message in errors[field][0]


def test_address_keeps_the_state_in_capitals_and_zip_plus_four():
    form = AddressForm(
        {"street": "12 Elm St", "city": "Westfield", "state": "ma", "postal_code": "01085-1234"}
    )

    assert form.is_valid()
    assert form.cleaned_data["state"] == "MA"
    assert form.cleaned_data["postal_code"] == "01085-1234"


ADDRESS = {"street": "9 Oak Ave", "city": "Westfield", "state": "MA", "postal_code": "01085"}


@time_machine.travel(TODAY, tick=False)
@pytest.mark.parametrize(
    ("years", "field", "message"),
    [
        ({"from_year": "", "until_year": "2019"}, "from_year", "Enter the year you moved in"),
        ({"from_year": "2015", "until_year": ""}, "until_year", "Enter the year you moved out"),
        ({"from_year": "15", "until_year": "2019"}, "from_year", "4 numbers"),
        ({"from_year": "1850", "until_year": "2019"}, "from_year", "between 1900 and 2026"),
        ({"from_year": "2015", "until_year": "2030"}, "until_year", "this year or earlier"),
        ({"from_year": "2019", "until_year": "2015"}, "until_year", "same as or after"),
    ],
)
def test_previous_address_years_must_make_sense(years, field, message):
    errors = _errors(PreviousAddressForm({**ADDRESS, **years}))

    assert list(errors) == [field]
    assert message in errors[field][0]


@time_machine.travel(TODAY, tick=False)
def test_previous_address_years_become_numbers():
    form = PreviousAddressForm({**ADDRESS, "from_year": "2015", "until_year": "2026"})

    assert form.is_valid()
    assert (form.cleaned_data["from_year"], form.cleaned_data["until_year"]) == (2015, 2026)


@pytest.mark.parametrize("typed", ["413-555-0123", "(413) 555 0123", "+1 413 555 0123 x12", ""])
def test_phone_numbers_with_an_area_code_or_none_are_accepted(typed):
    assert PhoneForm({"phone": typed}).is_valid()


@pytest.mark.parametrize("typed", ["555-0123", "call me", "413-555-0123-4444-5555-6"])
def test_phone_numbers_without_an_area_code_or_with_letters_are_refused(typed):
    errors = _errors(PhoneForm({"phone": typed}))

    assert "area code" in errors["phone"][0]


def test_language_must_be_one_of_the_list():
    errors = _errors(LanguageForm({"preferred_language": "klingon"}))

    assert errors == {"preferred_language": ["Choose a language from the list"]}


def test_identifier_needs_a_kind_and_a_number_in_its_format():
    assert _errors(IdentifierForm({"kind": "", "value": ""})) == {
        "kind": ["Choose which kind of number this is"],
        "value": ["Enter the number"],
    }
    errors = _errors(IdentifierForm({"kind": "water_sewer_account", "value": "12"}))
    assert errors == {"value": ["Enter the number in the right format, like WS-0012345."]}


def test_identifier_is_kept_in_the_departments_format():
    form = IdentifierForm({"kind": "parcel_id", "value": " 57 - 12 - 3 "})

    assert form.is_valid()
    assert form.cleaned_data["value"] == "57-12-3"


def test_identifier_choices_carry_an_example_and_where_to_find_it():
    choices = IdentifierForm().kind_choices()

    assert len(choices) == 7
    radio, example, where = choices[0]
    assert radio.data["value"] == "water_sewer_account"
    assert example == "WS-0012345"
    assert "water and sewer bill" in str(where)
