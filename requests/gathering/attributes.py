"""The resident's identity attributes for a gathering: what their profile says and which City
numbers they proved, turned into `ResidentAttributes` (for matching) and into a source's lookup
parameters (through its `attribute_map`).

A number merely typed into the profile is not evidence: only one a passed account check saved
counts as proved (portal.matching.strength, "ResidentAttributes").
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from portal.identity.models import AccountKnowledgeAttempt, AttemptStatus
from portal.matching.names import PersonName
from portal.matching.strength import ResidentAttributes
from portal.profiles.models import AddressKind, Profile, ProfileAddress
from requests.models import DataSource

ACCOUNT_ID = "account_id"


@dataclass(frozen=True)
class GatheringAttributes:
    """Everything a gathering needs to know about the person the records are about."""

    resident: ResidentAttributes
    # Attribute name → value, as a source's attribute_map names them.
    values: Mapping[str, Any] = field(default_factory=dict)


def _address_line(address: ProfileAddress) -> str:
    unit = f" {address.unit}" if address.unit else ""
    return f"{address.street}{unit}, {address.city}, {address.state} {address.postal_code}"


def proved_identifiers(*, user: Any) -> dict[str, list[str]]:
    """The City numbers the user proved by a standing account check, by kind."""
    rows = (
        AccountKnowledgeAttempt.objects.filter(
            user=user,
            status=AttemptStatus.PASSED,
            verification__isnull=False,
            verification__revoked_at__isnull=True,
            resident_identifier__isnull=False,
        )
        .order_by("pk")
        .values_list("resident_identifier__kind", "resident_identifier__value")
    )
    proved: dict[str, list[str]] = {}
    for kind, value in rows:
        if value not in proved.setdefault(kind, []):
            proved[kind].append(value)
    return proved


def gathering_attributes(*, user: Any) -> GatheringAttributes:
    """The attributes of `user` (the person a request is about)."""
    profile = Profile.objects.filter(user=user).first()
    addresses = list(ProfileAddress.objects.filter(profile=profile)) if profile else []
    current = next((a for a in addresses if a.kind == AddressKind.CURRENT), None)
    previous = tuple(_address_line(a) for a in addresses if a.kind == AddressKind.PREVIOUS)
    proved = proved_identifiers(user=user)
    # The portal's own account number: what the portal holds under it is the account's own.
    proved[ACCOUNT_ID] = [str(user.pk)]
    name = PersonName(
        first=profile.legal_first_name if profile else "",
        middle=profile.legal_middle_name if profile else "",
        last=profile.legal_last_name if profile else "",
        suffix=profile.name_suffix if profile else "",
    )
    resident = ResidentAttributes(
        legal_name=name,
        date_of_birth=profile.date_of_birth if profile else None,
        current_address=_address_line(current) if current else "",
        previous_addresses=previous,
        proved_identifiers={kind: tuple(values) for kind, values in proved.items()},
    )
    values: dict[str, Any] = {
        "legal_name": profile.legal_name if profile else "",
        "first_name": name.first,
        "middle_name": name.middle,
        "last_name": name.last,
        "suffix": name.suffix,
        "date_of_birth": profile.date_of_birth.isoformat()
        if profile and profile.date_of_birth
        else None,
        "current_address": resident.current_address or None,
        "street": current.street if current else None,
        "postal_code": current.postal_code if current else None,
    }
    # A source is asked for one number of a kind: the first proved.
    values.update({kind: numbers[0] for kind, numbers in proved.items()})
    return GatheringAttributes(
        resident=resident, values={key: value or None for key, value in values.items()}
    )


def lookup_parameters(*, source: DataSource, attributes: GatheringAttributes) -> dict[str, Any]:
    """The source's lookup parameters, each filled from the attribute its map names (None when
    the resident has no such attribute: a query then simply finds nothing)."""
    mapping = source.attribute_map if isinstance(source.attribute_map, dict) else {}
    return {
        str(parameter): attributes.values.get(str(attribute))
        for attribute, parameter in mapping.items()
    }


def identifiers_used(*, source: DataSource, attributes: GatheringAttributes) -> dict[str, Any]:
    """The proved identifiers a source was asked by, by kind. A record the department found by a
    proved number carries that number, whatever its column is called there."""
    mapping = source.attribute_map if isinstance(source.attribute_map, dict) else {}
    proved = attributes.resident.proved_identifiers
    return {
        kind: attributes.values[kind]
        for kind in mapping
        if kind in proved and attributes.values.get(kind)
    }
