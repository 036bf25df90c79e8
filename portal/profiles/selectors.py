"""Reads of a resident's own profile. Every query here is scoped by the signed-in user."""

from dataclasses import dataclass

from portal.profiles.models import AddressKind, Profile, ProfileAddress, ResidentIdentifier


@dataclass(frozen=True)
class ProfileOverview:
    profile: Profile
    current_address: ProfileAddress | None
    previous_addresses: list[ProfileAddress]
    identifiers: list[ResidentIdentifier]


def profile_overview(*, profile: Profile) -> ProfileOverview:
    """Everything the profile page shows, in two queries whatever the number of rows."""
    addresses = list(ProfileAddress.objects.filter(profile=profile))
    return ProfileOverview(
        profile=profile,
        current_address=next((a for a in addresses if a.kind == AddressKind.CURRENT), None),
        previous_addresses=[a for a in addresses if a.kind == AddressKind.PREVIOUS],
        identifiers=list(ResidentIdentifier.objects.filter(profile=profile)),
    )


def current_address_for(*, profile: Profile) -> ProfileAddress | None:
    return ProfileAddress.objects.filter(profile=profile, kind=AddressKind.CURRENT).first()


def previous_address_for(*, user: object, address_id: int) -> ProfileAddress | None:
    """One of the user's own previous addresses, or None (someone else's looks missing)."""
    return ProfileAddress.objects.filter(
        profile__user=user, kind=AddressKind.PREVIOUS, pk=address_id
    ).first()


def identifier_for(*, user: object, identifier_id: int) -> ResidentIdentifier | None:
    """One of the user's own numbers, or None (someone else's looks missing)."""
    return ResidentIdentifier.objects.filter(profile__user=user, pk=identifier_id).first()
