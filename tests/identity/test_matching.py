"""The name on a bill against the profile's name; amounts to the cent."""

from decimal import Decimal

import pytest

from portal.identity.matching import (
    PersonName,
    billing_name_matches,
    format_cents,
    name_tokens,
    stored_amount_cents,
    typed_amount_cents,
)

ROBERT = PersonName(first="Robert", middle="James", last="Smith")


@pytest.mark.parametrize(
    "billed",
    [
        "Robert Smith",
        "Robert J. Smith",
        "SMITH ROBERT J",
        "Smith, Robert J.",
        "Bob Smith",
        "Smith, Rob",
        "Bob & Mary Smith",
        "Mary & Bob Smith",
        "SMITH MARY A & ROBERT J",
        "Robert Smith & Mary Jones",
        "Mary Jones & Robert Smith",
        "ROBERT JAMES SMITH",
    ],
)
def test_the_residents_own_name_in_every_billing_style_matches(billed):
    assert billing_name_matches(billed_name=billed, resident=ROBERT)


@pytest.mark.parametrize(
    "billed",
    [
        "Roberta Smith",
        "Robert Smyth",
        "SMITH ROBERT K",
        "Mary Smith",
        "Robert Jones & Mary Smith",
        "Smith Family Trust",
        "Robert J Smith Revocable Trust",
        "Elm Street LLC",
        "SMITH ROBERT J JR",
        "Smith",
        "",
    ],
)
def test_someone_elses_name_does_not_match(billed):
    assert not billing_name_matches(billed_name=billed, resident=ROBERT)


def test_a_nickname_in_the_profile_matches_the_full_name_on_the_bill():
    bob = PersonName(first="Bob", middle="", last="Smith")

    assert billing_name_matches(billed_name="SMITH ROBERT J", resident=bob)


def test_two_nicknames_of_one_name_match_each_other():
    rob = PersonName(first="Rob", middle="", last="Smith")

    assert billing_name_matches(billed_name="Bobby Smith", resident=rob)


def test_nicknames_of_different_names_do_not_match():
    patricia = PersonName(first="Patricia", middle="", last="Smith")

    assert billing_name_matches(billed_name="Pat Smith", resident=patricia)
    assert not billing_name_matches(billed_name="Patrick Smith", resident=patricia)


def test_the_son_matches_his_bill_and_the_father_does_not():
    son = PersonName(first="Robert", middle="J", last="Smith", suffix="Jr.")

    assert billing_name_matches(billed_name="SMITH ROBERT J JR", resident=son)
    assert not billing_name_matches(billed_name="SMITH ROBERT J JR", resident=ROBERT)
    assert not billing_name_matches(billed_name="SMITH ROBERT J SR", resident=son)


def test_an_elder_without_a_suffix_matches_a_bill_marked_senior():
    assert billing_name_matches(billed_name="SMITH ROBERT J SR", resident=ROBERT)


def test_a_bill_without_a_suffix_matches_a_resident_who_has_one():
    son = PersonName(first="Robert", middle="", last="Smith", suffix="III")

    assert billing_name_matches(billed_name="Robert Smith", resident=son)


def test_accents_apostrophes_and_hyphens_do_not_matter():
    resident = PersonName(first="José", middle="", last="O'Brien-Núñez")

    assert billing_name_matches(billed_name="OBRIEN NUNEZ JOSE", resident=resident)
    assert name_tokens("O\u2019Brien-Smith, J.") == ["obrien", "smith", "j"]


def test_a_profile_without_a_name_never_matches():
    assert not billing_name_matches(
        billed_name="Smith", resident=PersonName(first="", middle="", last="Smith")
    )


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("84.20", 8420),
        ("$84.2", 8420),
        ("84", 8400),
        ("1,911.46", 191146),
        (" $ 1911.46 ", 191146),
        ("-12.50", -1250),
    ],
)
def test_typed_amounts_become_cents(typed, cents):
    assert typed_amount_cents(typed) == cents


@pytest.mark.parametrize("typed", ["", "abc", "84.205", "8,42", "1,91,146.00", "84..2"])
def test_things_that_are_not_amounts_are_refused(typed):
    assert typed_amount_cents(typed) is None


@pytest.mark.parametrize(
    ("stored", "cents"),
    [(84.2, 8420), (Decimal("1911.46"), 191146), ("$55.00", 5500), (1911.465, 191147), (0, 0)],
)
def test_department_amounts_become_cents(stored, cents):
    assert stored_amount_cents(stored) == cents


@pytest.mark.parametrize("stored", [None, True, "n/a", float("nan")])
def test_department_values_that_are_not_amounts_give_none(stored):
    assert stored_amount_cents(stored) is None


def test_cents_are_shown_as_dollars():
    assert format_cents(191146) == "$1,911.46"
    assert format_cents(-1250) == "-$12.50"
