"""City numbers: accepted in the departments' own formats, tidied, refused with an example."""

import pytest
from django.core.exceptions import ValidationError

from portal.profiles.identifiers import IDENTIFIER_FORMATS, identifier_clean
from portal.profiles.models import IdentifierKind


@pytest.mark.parametrize(
    ("kind", "typed", "kept"),
    [
        ("water_sewer_account", "WS-0012345", "WS-0012345"),
        ("water_sewer_account", " ws 0012345 ", "WS-0012345"),
        ("water_sewer_account", "WS0012345", "WS-0012345"),
        ("parcel_id", "57-12-3", "57-12-3"),
        ("parcel_id", "057/012/003", "57-12-3"),
        ("real_estate_bill", "2026-001234", "2026-001234"),
        ("real_estate_bill", "2026001234", "2026-001234"),
        ("excise_bill", "mve-2025-000123", "MVE-2025-000123"),
        ("vehicle_plate", "1abc 23", "1ABC23"),
        ("vehicle_plate", "123-AB4", "123AB4"),
        ("dog_licence", "2025-42", "2025-0042"),
        ("building_permit", "b-2024-0123", "B-2024-0123"),
    ],
)
def test_numbers_are_kept_in_the_departments_format(kind, typed, kept):
    assert identifier_clean(kind=kind, value=typed) == kept


@pytest.mark.parametrize(
    ("kind", "typed"),
    [
        ("water_sewer_account", "12345"),
        ("water_sewer_account", "WS-00123456"),
        ("parcel_id", "57-12"),
        ("parcel_id", "A-12-3"),
        ("real_estate_bill", "26-001234"),
        ("excise_bill", "2025-000123"),
        ("vehicle_plate", "TOOLONG12"),
        ("dog_licence", "42"),
        ("building_permit", "X-2024-0123"),
    ],
)
def test_a_number_in_the_wrong_format_is_refused_with_an_example(kind, typed):
    with pytest.raises(ValidationError) as refused:
        identifier_clean(kind=kind, value=typed)

    assert IDENTIFIER_FORMATS[kind].example in refused.value.messages[0]


def test_every_kind_of_number_has_a_format_and_its_example_fits_it():
    assert set(IDENTIFIER_FORMATS) == set(IdentifierKind.values)
    for kind, identifier_format in IDENTIFIER_FORMATS.items():
        assert identifier_clean(kind=kind, value=identifier_format.example) == (
            identifier_format.example
        )


def test_an_empty_number_is_refused():
    with pytest.raises(ValidationError, match="Enter the number"):
        identifier_clean(kind="parcel_id", value="  ")


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValidationError, match="which kind"):
        identifier_clean(kind="library_card", value="123")
