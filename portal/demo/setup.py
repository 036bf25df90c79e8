"""Build the demo City: department data stores, the portal's own web-form records, departments
and demo accounts. Idempotent: stores are rebuilt only when the seed or size changed."""

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction

from portal.accounts.models import Role, User
from portal.demo.accounts import DemoAccount, DemoLogin, demo_accounts_ensure
from portal.demo.departments import DEMO_DEPARTMENTS
from portal.demo.disclosures import demo_disclosures_ensure
from portal.demo.model import Address, Person
from portal.demo.population import generate_population
from portal.demo.sources import demo_sources_ensure
from portal.demo.stores import read_manifest, stores_are_current, write_stores
from portal.policies.stamp import policy_version_lookup, stamp
from portal.profiles.models import AddressKind, Profile, ProfileAddress
from portal.webforms.models import FormSubmission
from requests.models import Department


@dataclass(frozen=True)
class DemoSetupResult:
    rebuilt: bool
    residents: int
    stores: dict[str, Path]
    form_submissions: int
    logins: list[DemoLogin]


def demo_setup(
    *, seed: int, residents: int, force: bool = False, log: Callable[[str], None] = print
) -> DemoSetupResult:
    directory = Path(settings.DEMO_DATA_DIR)
    people = generate_population(seed=seed, count=residents)
    rebuilt = force or not stores_are_current(directory, seed=seed, count=residents)
    if rebuilt:
        log(f"Building the demo department stores for {len(people)} synthetic residents...")
        stores = write_stores(people, directory, seed=seed)
    else:
        stores = _stores_from_manifest(directory)
    departments_ensure()
    demo_sources_ensure(directory=directory)
    form_submissions = _load_form_submissions(directory, replace=rebuilt)
    demo_people = demo_residents_choose(people)
    logins = demo_accounts_ensure(residents=demo_resident_accounts(demo_people))
    demo_profiles_fill(demo_people)
    demo_disclosures_ensure(people=demo_people)
    return DemoSetupResult(
        rebuilt=rebuilt,
        residents=len(people),
        stores=stores,
        form_submissions=form_submissions,
        logins=logins,
    )


def departments_ensure() -> None:
    for slug, (name, description) in DEMO_DEPARTMENTS.items():
        Department.objects.update_or_create(
            slug=slug, defaults={"name": str(name), "description": str(description)}
        )


def demo_residents_choose(people: list[Person]) -> list[Person]:
    """Two residents worth exploring: a homeowner who moved within the city (records under two
    addresses), and someone who shares a full name with an unrelated neighbour."""
    adults = [p for p in people if not p.is_minor and p.email]
    name_counts = Counter((p.first, p.last) for p in adults)
    mover = next(p for p in adults if p.is_homeowner and p.previous_addresses)
    namesake = next(
        p for p in adults if name_counts[(p.first, p.last)] > 1 and p.person_id != mover.person_id
    )
    return [mover, namesake]


def demo_resident_accounts(people: list[Person]) -> list[DemoAccount]:
    return [
        DemoAccount(Role.RESIDENT, person.email.lower(), person.first, person.last)
        for person in people
    ]


def _street_line(address: Address) -> str:
    return f"{address.number} {address.street}"


@transaction.atomic
def demo_profiles_fill(people: list[Person]) -> None:
    """The demo residents' profiles as they would have filled them in, once: a person exploring
    the demo may change them afterwards."""
    for person in people:
        profile, created = Profile.objects.get_or_create(
            user=User.objects.get(email=person.email.lower())
        )
        if not created and profile.legal_last_name:
            continue
        profile.legal_first_name = person.first
        profile.legal_middle_name = person.middle
        profile.legal_last_name = person.last
        profile.name_suffix = person.suffix
        profile.date_of_birth = person.date_of_birth
        profile.phone = person.phone
        stamp(profile)
        profile.save()
        profile.addresses.all().delete()
        ProfileAddress.objects.create(
            profile=profile,
            kind=AddressKind.CURRENT,
            street=_street_line(person.address),
            unit=person.address.unit,
            city=person.address.city,
            state=person.address.state,
            postal_code=person.address.zip,
            lived_from=person.moved_in,
        )
        for previous in person.previous_addresses:
            ProfileAddress.objects.create(
                profile=profile,
                kind=AddressKind.PREVIOUS,
                street=_street_line(previous.address),
                unit=previous.address.unit,
                city=previous.address.city,
                state=previous.address.state,
                postal_code=previous.address.zip,
                lived_from=previous.moved_in,
                lived_until=previous.moved_out,
            )


def _stores_from_manifest(directory: Path) -> dict[str, Path]:
    recorded = read_manifest(directory) or {}
    return {slug: directory / entry["path"] for slug, entry in recorded["stores"].items()}


@transaction.atomic
def _load_form_submissions(directory: Path, *, replace: bool) -> int:
    """The City's web forms' records live in the portal's own database."""
    if not replace and FormSubmission.objects.exists():
        return FormSubmission.objects.count()
    rows = json.loads((directory / "portal_webforms.json").read_text())
    FormSubmission.objects.all().delete()
    # Each submission is under the policy in force the day it was sent (one query for them all).
    version_at = policy_version_lookup()
    FormSubmission.objects.bulk_create(
        FormSubmission(
            form_name=row["form_name"],
            submitted_at=datetime.fromisoformat(row["submitted_at"]),
            name=row.get("name", ""),
            email=row.get("email", ""),
            phone=row.get("phone", ""),
            message=row.get("message", ""),
            answers=row.get("answers") or {},
            policy_version_id=version_at(datetime.fromisoformat(row["submitted_at"])),
        )
        for row in rows
    )
    return len(rows)
