"""Writes to a resident's profile. Every change arrives here after the resident checked it."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.policies.stamp import stamp
from portal.profiles.identifiers import identifier_clean
from portal.profiles.models import (
    AddressKind,
    PreferredLanguage,
    Profile,
    ProfileAddress,
    ResidentIdentifier,
)

EARLIEST_YEAR = 1900


@dataclass(frozen=True)
class LegalName:
    first: str
    middle: str
    last: str
    suffix: str
    other_names: str


@dataclass(frozen=True)
class Address:
    street: str
    unit: str
    city: str
    state: str
    postal_code: str


@dataclass(frozen=True)
class PreviousAddress:
    """An address lived at from one year to another. `address_id` names the one being changed;
    None adds a new one."""

    address: Address
    from_year: int
    until_year: int
    address_id: int | None = None


@dataclass(frozen=True)
class Identifier:
    kind: str
    value: str


@dataclass(frozen=True)
class ProfileChanges:
    """What the resident confirmed on the "Check your answers" page; None means unchanged."""

    name: LegalName | None = None
    date_of_birth: dt.date | None = None
    current_address: Address | None = None
    phone: str | None = None
    preferred_language: str | None = None
    previous_address: PreviousAddress | None = None
    identifier: Identifier | None = None


def profile_ensure(*, user: object) -> Profile:
    """The user's profile, created empty the first time they look at it."""
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


def _address_fields(address: Address) -> dict[str, str]:
    return {
        "street": address.street,
        "unit": address.unit,
        "city": address.city,
        "state": address.state.upper(),
        "postal_code": address.postal_code,
    }


def _check(changes: ProfileChanges, *, today: dt.date) -> None:
    if changes.date_of_birth is not None and not (
        dt.date(EARLIEST_YEAR, 1, 1) <= changes.date_of_birth < today
    ):
        raise ValidationError(_("Date of birth must be in the past"), code="date_of_birth")
    if changes.preferred_language is not None and changes.preferred_language not in (
        PreferredLanguage.values
    ):
        raise ValidationError(_("Choose a language from the list"), code="language")
    previous = changes.previous_address
    if previous is not None and not (
        EARLIEST_YEAR <= previous.from_year <= previous.until_year <= today.year
    ):
        raise ValidationError(_("The years you lived there are not possible"), code="years")


@transaction.atomic
def profile_changes_save(*, profile: Profile, changes: ProfileChanges) -> Profile:
    """Save what the resident confirmed. Raises ValidationError on an impossible value and
    ProfileAddress.DoesNotExist when the previous address being changed was removed meanwhile."""
    today = timezone.localdate()
    _check(changes, today=today)
    locked = Profile.objects.select_for_update().get(pk=profile.pk)
    fields: list[str] = []
    if changes.name is not None:
        locked.legal_first_name = changes.name.first
        locked.legal_middle_name = changes.name.middle
        locked.legal_last_name = changes.name.last
        locked.name_suffix = changes.name.suffix
        locked.former_names = changes.name.other_names
        fields += [
            "legal_first_name",
            "legal_middle_name",
            "legal_last_name",
            "name_suffix",
            "former_names",
        ]
    if changes.date_of_birth is not None:
        locked.date_of_birth = changes.date_of_birth
        fields.append("date_of_birth")
    if changes.phone is not None:
        locked.phone = changes.phone
        fields.append("phone")
    if changes.preferred_language is not None:
        locked.preferred_language = changes.preferred_language
        fields.append("preferred_language")
    if changes.current_address is not None:
        _current_address_save(locked, changes.current_address)
    if changes.previous_address is not None:
        _previous_address_save(locked, changes.previous_address)
    if changes.identifier is not None:
        value = identifier_clean(kind=changes.identifier.kind, value=changes.identifier.value)
        ResidentIdentifier.objects.get_or_create(
            profile=locked, kind=changes.identifier.kind, value=value
        )
    # Details given again are collected again: under the privacy policy in force today.
    restamped = [stamp(locked)] if fields else []
    if changes != ProfileChanges():
        locked.save(update_fields=[*fields, *restamped, "updated_at"])
        _profile_change_audit(
            locked,
            fields=[
                *fields,
                *(["current_address"] if changes.current_address is not None else []),
                *(["previous_addresses"] if changes.previous_address is not None else []),
                *(["identifiers"] if changes.identifier is not None else []),
            ],
            details={
                "identifier_kind": changes.identifier.kind if changes.identifier else None,
            },
        )
    return locked


def _profile_change_audit(profile: Profile, *, fields: list[str], details: dict) -> None:
    """Which parts of the profile changed, by name; never what they now say."""
    audit_record(
        action="profile.changed",
        category=AuditCategory.RECORD,
        actor=profile.user,
        obj=profile,
        fields=fields,
        details={"user_id": profile.user_id, **details},
    )


def _current_address_save(profile: Profile, address: Address) -> None:
    current = profile.addresses.filter(kind=AddressKind.CURRENT).first()
    if current is None:
        ProfileAddress.objects.create(
            profile=profile, kind=AddressKind.CURRENT, **_address_fields(address)
        )
        return
    for name, value in _address_fields(address).items():
        setattr(current, name, value)
    current.save(update_fields=[*_address_fields(address), stamp(current)])


def _previous_address_save(profile: Profile, previous: PreviousAddress) -> None:
    # The resident gives years; the range covers them whole, so a record dated any day in those
    # years falls inside it.
    lived_from = dt.date(previous.from_year, 1, 1)
    lived_until = dt.date(previous.until_year, 12, 31)
    if previous.address_id is None:
        ProfileAddress.objects.create(
            profile=profile,
            kind=AddressKind.PREVIOUS,
            lived_from=lived_from,
            lived_until=lived_until,
            **_address_fields(previous.address),
        )
        return
    address = profile.addresses.get(kind=AddressKind.PREVIOUS, pk=previous.address_id)
    for name, value in _address_fields(previous.address).items():
        setattr(address, name, value)
    address.lived_from = lived_from
    address.lived_until = lived_until
    address.save(
        update_fields=[
            *_address_fields(previous.address),
            "lived_from",
            "lived_until",
            stamp(address),
        ]
    )


@transaction.atomic
def previous_address_remove(*, profile: Profile, address_id: int) -> None:
    """Remove one of the resident's previous addresses; nothing happens if it is already gone."""
    removed, _counts = profile.addresses.filter(kind=AddressKind.PREVIOUS, pk=address_id).delete()
    if removed:
        _profile_change_audit(
            profile, fields=["previous_addresses"], details={"removed_address_id": address_id}
        )


@transaction.atomic
def identifier_remove(*, profile: Profile, identifier_id: int) -> None:
    """Remove one of the resident's numbers; nothing happens if it is already gone."""
    removed, _counts = profile.identifiers.filter(pk=identifier_id).delete()
    if removed:
        _profile_change_audit(
            profile, fields=["identifiers"], details={"removed_identifier_id": identifier_id}
        )
