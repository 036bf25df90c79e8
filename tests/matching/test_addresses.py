"""Addresses as departments print them: one home in every spelling, units and towns apart."""

import pytest

from portal.matching.addresses import (
    Address,
    AddressComparison,
    AddressVerdict,
    address_from_parts,
    compare_addresses,
    normalise_address,
)

SAME = AddressVerdict.SAME
SAME_BUILDING = AddressVerdict.SAME_BUILDING
DIFFERENT = AddressVerdict.DIFFERENT
HOSTILE = "x'); DROP TABLE residents; --"


@pytest.mark.parametrize(
    ("printed", "normal"),
    [
        ("12 Elm St", Address("12", "elm st")),
        ("12 Elm Street Apt 2", Address("12", "elm st", "2")),
        ("12 ELM ST #2", Address("12", "elm st", "2")),
        ("12 Elm St., Unit 02", Address("12", "elm st", "2")),
        ("12 Elm St Apt #2B", Address("12", "elm st", "2b")),
        ("12 Elm St Fl 3", Address("12", "elm st", "3")),
        ("12 Elm Street 3rd Floor", Address("12", "elm st", "3")),
        ("12 Elm St Rear", Address("12", "elm st", "rear")),
        ("12 Elm St Unit B-2", Address("12", "elm st", "b2")),
        (
            "12 Elm St, Apt 2, Westfield, MA 01085-1234",
            Address("12", "elm st", "2", "westfield", "01085"),
        ),
        ("12 ELM ST WESTFIELD MA 010851234", Address("12", "elm st", "", "westfield", "01085")),
        ("12 Elm St Apt 2 Westfield MA", Address("12", "elm st", "2", "westfield")),
        ("12 North Elm Street", Address("12", "n elm st")),
        ("12 N. Elm St.", Address("12", "n elm st")),
        ("12 Elm St N", Address("12", "elm st n")),
        ("40 Court Street", Address("40", "ct st")),
        ("7 Saint James Avenue", Address("7", "st james ave")),
        ("7 St. James Ave", Address("7", "st james ave")),
        ("5 Fox Run Terrace", Address("5", "fox run ter")),
        ("5 Cedar Knoll Drive", Address("5", "cedar knl dr")),
        ("9 Second Street", Address("9", "2nd st")),
        ("9 Smith-Jones Road", Address("9", "smith jones rd")),
        ("12-14 Union Ave Apt #3", Address("12-14", "union ave", "3")),
        ("12 1/2 Elm St", Address("12 1/2", "elm st")),
        ("12A Elm St", Address("12a", "elm st")),
        ("1 Broadway", Address("1", "broadway")),
        ("P.O. Box 44, Westfield MA 01086", Address("44", "po box", "", "westfield", "01086")),
        ("Post Office Box 44", Address("44", "po box")),
        ("12 Elm St, West Springfield, MA", Address("12", "elm st", "", "w springfield")),
        ("Elm Street", Address("", "elm st")),
        ("", Address()),
        (None, Address()),
        (", , ,", Address()),
        (HOSTILE, Address("", "x drop table residents")),
    ],
)
def test_a_printed_address_is_normalised(printed, normal):
    assert normalise_address(printed) == normal


@pytest.mark.parametrize(
    ("one", "other", "verdict"),
    [
        # DEPARTMENTS.md: one home, three spellings.
        ("12 Elm Street Apt 2", "12 ELM ST #2", SAME),
        ("12 Elm St Apt 2", "12 Elm St, Unit 2, Westfield MA 01085", SAME),
        ("12 Elm St", "12 ELM ST #2", SAME),
        ("12 ELM ST #2", "12 Elm Street", SAME),
        ("12 Elm St, Westfield, MA 01085", "12 ELM STREET WESTFIELD MA 01085-4455", SAME),
        ("12 N Elm St", "12 North Elm Street", SAME),
        ("12 Elm St 2nd Floor", "12 Elm St Apt 2", SAME),
        # Two flats in one three-decker are two households.
        ("12 Elm St Apt 1", "12 ELM ST #2", SAME_BUILDING),
        # Other homes.
        ("12 Elm St", "14 Elm St", DIFFERENT),
        ("12 Elm St", "12 Elm Ave", DIFFERENT),
        ("12 Elm St", "12 Elm", DIFFERENT),
        ("12 Elm St", "12 N Elm St", DIFFERENT),
        ("12 Elm St, Westfield MA 01085", "12 Elm St, Southwick MA 01077", DIFFERENT),
        ("12 Elm St, Westfield", "12 Elm St, Southwick", DIFFERENT),
        ("12 Elm St", "Elm St", DIFFERENT),
        ("", "", DIFFERENT),
        (HOSTILE, HOSTILE, DIFFERENT),
        ("12 Elm St", HOSTILE, DIFFERENT),
    ],
)
def test_addresses_are_compared(one, other, verdict):
    assert compare_addresses(one, other).verdict is verdict
    assert compare_addresses(other, one).verdict is verdict


def test_a_comparison_says_what_differed_and_what_was_on_one_side_only():
    assert compare_addresses("12 Elm St", "12 Elm St #2") == AddressComparison(
        SAME, unconfirmed=("unit",)
    )
    assert compare_addresses("12 Elm St #1", "12 Elm St #2").differences == ("unit",)
    assert compare_addresses("12 Elm St, 01085", "14 Elm Ave, 01077").differences == (
        "number",
        "street",
        "postal_code",
    )
    assert compare_addresses("", "12 Elm St").differences == ("address",)
    assert compare_addresses("12 Elm St", "12 Elm St").same_address


def test_a_zip_code_outweighs_a_differently_spelled_town():
    assert compare_addresses(
        "12 Elm St, Westfield MA 01085", "12 Elm St, Wfld MA 01085"
    ).same_address


def test_addresses_kept_in_columns_are_read_like_printed_ones():
    columns = address_from_parts(
        line1="12 ELM ST", line2="APT 2", city="Westfield", postal_code="01085-1234"
    )

    assert columns == Address("12", "elm st", "2", "westfield", "01085")
    assert address_from_parts(line1=None, line2=None, city=None, postal_code=None) == Address()
    assert compare_addresses(columns, "12 Elm Street Apt 2, Westfield MA").same_address


def test_an_address_prints_in_its_normal_form_and_knows_its_building():
    address = normalise_address("12 Elm Street Apt 2, Westfield, MA 01085")

    assert str(address) == "12 elm st #2, westfield 01085"
    assert str(address.building) == "12 elm st, westfield 01085"
    assert str(Address("12", "elm st")) == "12 elm st"


def test_every_way_the_demo_prints_an_address_is_one_home():
    from portal.demo.formatting import ADDRESS_STYLES, format_address, format_city_line
    from portal.demo.model import Address as DemoAddress

    homes = {
        DemoAddress(12, "North Elm Street", "2"): Address(
            "12", "n elm st", "2", "westfield", "01085"
        ),
        DemoAddress(7, "Fox Run Terrace"): Address("7", "fox run ter", "", "westfield", "01085"),
    }
    for home, normal in homes.items():
        for style in ADDRESS_STYLES:
            for short in (False, True):
                printed = format_address(home, style, short_directional=short)
                with_town = f"{printed}, {format_city_line(home, upper=True)}"
                assert compare_addresses(normal, printed).same_address, printed
                assert normalise_address(with_town) in {normal, normal.building}, with_town
