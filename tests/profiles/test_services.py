"""Saving what the resident confirmed, and reading back only their own."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from portal.profiles import selectors
from portal.profiles.models import AddressKind, Profile, ProfileAddress, ResidentIdentifier
from portal.profiles.services import (
    Address,
    Identifier,
    LegalName,
    PreviousAddress,
    ProfileChanges,
    identifier_remove,
    previous_address_remove,
    profile_changes_save,
    profile_ensure,
)
from tests.factories import ProfileAddressFactory, ProfileFactory, ResidentIdentifierFactory

pytestmark = pytest.mark.django_db

ELM = Address(street="12 Elm St", unit="2", city="Westfield", state="ma", postal_code="01085")
OAK = Address(street="9 Oak Ave", unit="", city="Westfield", state="MA", postal_code="01085")


def test_profile_is_created_once_on_first_look(resident):
    first = profile_ensure(user=resident)
    again = profile_ensure(user=resident)

    assert first.pk == again.pk
    assert Profile.objects.filter(user=resident).count() == 1
    assert first.legal_name == ""


def test_saving_nothing_changes_nothing(resident):
    profile = ProfileFactory(user=resident)
    before = Profile.objects.get(pk=profile.pk).updated_at

    profile_changes_save(profile=profile, changes=ProfileChanges())

    assert Profile.objects.get(pk=profile.pk).updated_at == before


def test_name_date_of_birth_phone_and_language_are_saved_together(resident):
    profile = profile_ensure(user=resident)

    profile_changes_save(
        profile=profile,
        changes=ProfileChanges(
            name=LegalName(
                first="Alice", middle="B", last="Archer", suffix="Jr.", other_names="Alice Bell"
            ),
            date_of_birth=dt.date(1980, 3, 27),
            phone="413-555-0123",
            preferred_language="es",
        ),
    )

    saved = Profile.objects.get(pk=profile.pk)
    assert saved.legal_name == "Alice B Archer Jr."
    assert saved.former_names == "Alice Bell"
    assert saved.date_of_birth == dt.date(1980, 3, 27)
    assert saved.phone == "413-555-0123"
    assert saved.preferred_language == "es"


def test_an_empty_phone_answer_removes_the_phone(resident):
    profile = ProfileFactory(user=resident, phone="413-555-0123")

    profile_changes_save(profile=profile, changes=ProfileChanges(phone=""))

    assert Profile.objects.get(pk=profile.pk).phone == ""


def test_current_address_is_created_then_changed_in_place(resident):
    profile = profile_ensure(user=resident)

    profile_changes_save(profile=profile, changes=ProfileChanges(current_address=ELM))
    profile_changes_save(profile=profile, changes=ProfileChanges(current_address=OAK))

    current = ProfileAddress.objects.get(profile=profile, kind=AddressKind.CURRENT)
    assert str(current) == "9 Oak Ave, Westfield, MA 01085"
    assert profile.addresses.count() == 1


def test_state_is_kept_in_capitals(resident):
    profile = profile_ensure(user=resident)

    profile_changes_save(profile=profile, changes=ProfileChanges(current_address=ELM))

    assert profile.addresses.get().state == "MA"


def test_previous_address_covers_the_whole_years_given(resident):
    profile = profile_ensure(user=resident)

    profile_changes_save(
        profile=profile,
        changes=ProfileChanges(
            previous_address=PreviousAddress(address=OAK, from_year=2015, until_year=2019)
        ),
    )

    previous = profile.addresses.get(kind=AddressKind.PREVIOUS)
    assert (previous.lived_from, previous.lived_until) == (
        dt.date(2015, 1, 1),
        dt.date(2019, 12, 31),
    )


def test_a_previous_address_is_changed_by_its_id(resident):
    profile = ProfileFactory(user=resident)
    existing = ProfileAddressFactory(profile=profile)

    profile_changes_save(
        profile=profile,
        changes=ProfileChanges(
            previous_address=PreviousAddress(
                address=OAK, from_year=2001, until_year=2003, address_id=existing.pk
            )
        ),
    )

    existing.refresh_from_db()
    assert existing.street == "9 Oak Ave"
    assert existing.lived_from == dt.date(2001, 1, 1)
    assert profile.addresses.count() == 1


def test_another_residents_previous_address_cannot_be_changed(resident, other_resident):
    profile = ProfileFactory(user=resident)
    theirs = ProfileAddressFactory(profile=ProfileFactory(user=other_resident))

    with pytest.raises(ProfileAddress.DoesNotExist):
        profile_changes_save(
            profile=profile,
            changes=ProfileChanges(
                previous_address=PreviousAddress(
                    address=OAK, from_year=2001, until_year=2003, address_id=theirs.pk
                )
            ),
        )

    theirs.refresh_from_db()
    assert theirs.street != "9 Oak Ave"


@time_machine.travel(dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC), tick=False)
@pytest.mark.parametrize(
    "changes",
    [
        ProfileChanges(date_of_birth=dt.date(2026, 11, 28)),
        ProfileChanges(date_of_birth=dt.date(1899, 12, 31)),
        ProfileChanges(preferred_language="xx"),
        ProfileChanges(
            previous_address=PreviousAddress(address=OAK, from_year=2019, until_year=2015)
        ),
        ProfileChanges(
            previous_address=PreviousAddress(address=OAK, from_year=2020, until_year=2027)
        ),
        ProfileChanges(identifier=Identifier(kind="parcel_id", value="not a parcel")),
    ],
)
def test_impossible_values_are_refused_and_nothing_is_saved(resident, changes):
    profile = ProfileFactory(user=resident, phone="413-555-0123")

    with pytest.raises(ValidationError):
        profile_changes_save(profile=profile, changes=changes)

    assert ResidentIdentifier.objects.count() == 0
    assert ProfileAddress.objects.count() == 0
    assert Profile.objects.get(pk=profile.pk).date_of_birth == dt.date(1980, 3, 27)


def test_an_identifier_is_added_once_in_the_departments_format(resident):
    profile = profile_ensure(user=resident)
    changes = ProfileChanges(identifier=Identifier(kind="water_sewer_account", value="ws0012345"))

    profile_changes_save(profile=profile, changes=changes)
    profile_changes_save(profile=profile, changes=changes)

    assert list(profile.identifiers.values_list("kind", "value")) == [
        ("water_sewer_account", "WS-0012345")
    ]


def test_removing_touches_only_the_residents_own(resident, other_resident):
    profile = ProfileFactory(user=resident)
    mine = ProfileAddressFactory(profile=profile)
    my_number = ResidentIdentifierFactory(profile=profile)
    other_profile = ProfileFactory(user=other_resident)
    theirs = ProfileAddressFactory(profile=other_profile)
    their_number = ResidentIdentifierFactory(profile=other_profile)

    previous_address_remove(profile=profile, address_id=theirs.pk)
    identifier_remove(profile=profile, identifier_id=their_number.pk)
    assert ProfileAddress.objects.filter(pk=theirs.pk).exists()
    assert ResidentIdentifier.objects.filter(pk=their_number.pk).exists()

    previous_address_remove(profile=profile, address_id=mine.pk)
    identifier_remove(profile=profile, identifier_id=my_number.pk)
    assert not ProfileAddress.objects.filter(pk=mine.pk).exists()
    assert not ResidentIdentifier.objects.filter(pk=my_number.pk).exists()


def test_removing_a_current_address_through_previous_removal_does_nothing(resident):
    profile = ProfileFactory(user=resident)
    current = ProfileAddressFactory(profile=profile, kind=AddressKind.CURRENT)

    previous_address_remove(profile=profile, address_id=current.pk)

    assert ProfileAddress.objects.filter(pk=current.pk).exists()


def test_overview_splits_addresses_and_lists_numbers(resident):
    profile = ProfileFactory(user=resident)
    current = ProfileAddressFactory(profile=profile, kind=AddressKind.CURRENT)
    previous = ProfileAddressFactory(profile=profile)
    number = ResidentIdentifierFactory(profile=profile)

    overview = selectors.profile_overview(profile=profile)

    assert overview.current_address == current
    assert overview.previous_addresses == [previous]
    assert overview.identifiers == [number]
    assert selectors.current_address_for(profile=profile) == current


def test_selectors_find_only_the_users_own_rows(resident, other_resident):
    theirs = ProfileAddressFactory(profile=ProfileFactory(user=other_resident))
    their_number = ResidentIdentifierFactory(profile=theirs.profile)

    assert selectors.previous_address_for(user=resident, address_id=theirs.pk) is None
    assert selectors.identifier_for(user=resident, identifier_id=their_number.pk) is None
    assert selectors.previous_address_for(user=other_resident, address_id=theirs.pk) == theirs
    assert selectors.identifier_for(user=other_resident, identifier_id=their_number.pk) == (
        their_number
    )
