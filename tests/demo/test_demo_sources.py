"""The demo's data sources: one for every demo department and connector kind, each passing the
source rules, and each finding the demo residents' own records (and not their namesakes')."""

import csv

import pytest

from portal.accounts.models import Role, User
from portal.demo.accounts import STAFF_ACCOUNTS, demo_accounts_ensure
from portal.demo.departments import DEMO_DEPARTMENTS
from portal.demo.population import generate_population
from portal.demo.setup import (
    demo_profiles_fill,
    demo_resident_accounts,
    demo_residents_choose,
    departments_ensure,
)
from portal.demo.sources import demo_sources_ensure
from portal.demo.stores import parks_recreation, write_stores
from portal.demo.stores._city import build_city
from portal.identity.models import IdentityLevel, VerificationMethod
from portal.identity.services import identity_verification_record
from portal.matching.strength import MatchStrength
from requests.gathering.models import GatheredRecord, RunStatus, SourceRun, WorkItem
from requests.gathering.services import fields_decrypt, source_run_execute
from requests.models import ConnectorKind
from requests.services import request_submit
from requests.sources import notice_missing_fields
from tasks.connectors.registry import connector_for
from tasks.connectors.sql import dispose_engines

pytestmark = pytest.mark.django_db

SEED = 2026
COUNT = 800


@pytest.fixture(scope="module")
def people():
    return generate_population(seed=SEED, count=COUNT)


@pytest.fixture(scope="module")
def store_directory(people, tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo-stores")
    write_stores(people, directory, seed=SEED)
    yield directory
    dispose_engines()


@pytest.fixture
def sources(settings, tmp_path, store_directory):
    settings.DEMO_DATA_DIR = tmp_path / "demo"
    departments_ensure()
    return {source.slug: source for source in demo_sources_ensure(directory=store_directory)}


@pytest.fixture
def demo_residents(people):
    """The demo's own residents: a homeowner who moved, and his namesake son at his address."""
    return demo_residents_choose(people)


def _resident(person, *, level=IdentityLevel.ATTENDED):
    """The person's account and profile as the demo makes them, verified to `level`."""
    demo_accounts_ensure(residents=demo_resident_accounts([person]))
    demo_profiles_fill([person])
    user = User.objects.get(email=person.email.lower())
    identity_verification_record(
        user=user,
        level=level,
        method=VerificationMethod.IN_PERSON_ID,
        evidence={"test": True},
    )
    return user


def _gathered(user, source, django_capture_on_commit_callbacks):
    """What one source's run gathers for the user's access request, run as a worker runs it."""
    with django_capture_on_commit_callbacks(execute=False):
        request = request_submit(requester=user, subject=user, kind="access")
    run = SourceRun.objects.get(request=request, source=source)
    assert source_run_execute(run_id=run.pk, worker="test") == RunStatus.SUCCEEDED
    return list(GatheredRecord.objects.filter(run=run).order_by("key"))


def _types(records):
    return {record.record_type for record in records}


# --- Coverage and the source rules ----------------------------------------------------------


def test_every_demo_department_has_a_source_and_every_connector_kind_appears(sources):
    enabled = [source for source in sources.values() if source.enabled]

    assert {source.department.slug for source in enabled} == set(DEMO_DEPARTMENTS)
    assert {source.kind for source in enabled} == set(ConnectorKind.values)


def test_every_demo_source_passes_the_source_rules(sources):
    for source in sources.values():
        source.full_clean()  # raises on any problem


def test_every_demo_source_has_a_complete_notice_and_sensitive_ones_need_level_3(sources):
    for source in sources.values():
        assert notice_missing_fields(source) == [], source.slug
        assert not source.sensitive or source.required_identity_level == 3
    assert sources["assessors-exemptions-abatements"].sensitive
    assert sources["parks-recreation-registrations"].sensitive


def test_the_building_department_has_a_demo_steward_for_its_manual_source(sources):
    stewards = [account for account in STAFF_ACCOUNTS if account.steward_of == "building"]

    assert [account.role for account in stewards] == [Role.STEWARD]


def test_no_demo_query_selects_a_complainant(sources):
    lookups = sources["building-permits"].configuration["lookups"]

    assert all("complainant" not in lookup["sql"] for lookup in lookups.values())


# --- The demo residents' records, found and matched -----------------------------------------


def test_the_homeowner_gets_his_parcel_and_sale_from_the_assessors(
    sources, demo_residents, django_capture_on_commit_callbacks
):
    owner = _resident(demo_residents[0])

    records = _gathered(owner, sources["assessors-property"], django_capture_on_commit_callbacks)

    assert {"parcel_owner", "property_sale"} <= _types(records)
    parcel = next(record for record in records if record.record_type == "parcel_owner")
    fields = fields_decrypt(parcel)
    assert demo_residents[0].last.upper() in fields["owner_name"]
    assert parcel.match_strength == MatchStrength.WEAK and parcel.needs_confirmation


def test_the_namesake_son_gets_none_of_his_fathers_property_or_dog_licences(
    sources, demo_residents, django_capture_on_commit_callbacks
):
    father, son = demo_residents
    assert (father.first, father.last) == (son.first, son.last)
    user = _resident(son)

    property_records = _gathered(
        user, sources["assessors-property"], django_capture_on_commit_callbacks
    )
    clerk_records = _gathered(
        user, sources["city-clerk-records"], django_capture_on_commit_callbacks
    )

    assert property_records == []
    assert _types(clerk_records) == {"street_listing"}
    assert all(
        fields_decrypt(record)["date_of_birth"] == son.date_of_birth.isoformat()
        for record in clerk_records
    )


def test_the_city_clerk_finds_the_listing_by_name_and_birth_and_the_dog_licences(
    sources, demo_residents, django_capture_on_commit_callbacks
):
    owner = demo_residents[0]
    assert owner.has_dog
    user = _resident(owner)

    records = _gathered(user, sources["city-clerk-records"], django_capture_on_commit_callbacks)

    listing = [record for record in records if record.record_type == "street_listing"]
    assert listing and all(record.match_strength == MatchStrength.STRONG for record in listing)
    licences = [record for record in records if record.record_type == "dog_licence"]
    assert licences and all(record.match_strength == MatchStrength.WEAK for record in licences)


def test_the_building_department_finds_the_owners_case_without_the_complainant(
    sources, demo_residents, django_capture_on_commit_callbacks
):
    user = _resident(demo_residents[0])

    records = _gathered(user, sources["building-permits"], django_capture_on_commit_callbacks)

    assert records
    assert all(
        not any(name.startswith("complainant") for name in fields_decrypt(record))
        for record in records
    )


def test_the_portal_source_returns_the_residents_own_profile(
    sources, demo_residents, django_capture_on_commit_callbacks
):
    user = _resident(demo_residents[0])

    records = _gathered(user, sources["portal-own-records"], django_capture_on_commit_callbacks)

    profile = next(record for record in records if record.record_type == "portal_profile")
    assert profile.match_strength == MatchStrength.EXACT  # found by the account itself
    assert {"portal_profile", "portal_address"} <= _types(records)


def test_an_exemption_holder_gets_the_exemption_only_at_level_3(
    people, sources, django_capture_on_commit_callbacks
):
    city = build_city(people, seed=SEED)
    by_id = {person.person_id: person for person in people}
    holder = next(
        by_id[exemption.applicant.person_id]
        for parcel in city.parcels
        for exemption in parcel.exemptions
        if by_id[exemption.applicant.person_id].email
        and by_id[exemption.applicant.person_id].address_on(parcel.current.start) is not None
    )
    user = _resident(holder)

    records = _gathered(
        user, sources["assessors-exemptions-abatements"], django_capture_on_commit_callbacks
    )

    assert "exemption" in _types(records)


def test_a_level_2_resident_gets_no_run_of_a_sensitive_source(
    sources, demo_residents, django_capture_on_commit_callbacks
):
    user = _resident(demo_residents[0], level=IdentityLevel.REMOTE)

    with django_capture_on_commit_callbacks(execute=False):
        request = request_submit(requester=user, subject=user, kind="access")

    slugs = set(SourceRun.objects.filter(request=request).values_list("source__slug", flat=True))
    assert "assessors-exemptions-abatements" not in slugs
    assert "parks-recreation-registrations" not in slugs
    assert "assessors-property" in slugs


def test_the_paper_archive_makes_a_work_item_for_the_building_steward(
    sources, demo_residents, django_capture_on_commit_callbacks
):
    user = _resident(demo_residents[0])

    with django_capture_on_commit_callbacks(execute=False):
        request = request_submit(requester=user, subject=user, kind="access")

    run = SourceRun.objects.get(request=request, source=sources["building-paper-archive"])
    assert run.status == RunStatus.WAITING_FOR_STEWARD
    item = WorkItem.objects.get(run=run)
    assert item.department.slug == "building"
    assert item.department.stewards.filter(email="steward.building@demo.example.org").exists()


def _adult_participant(people, store_directory):
    """A grown-up registered for a program under their own name (no guardian)."""
    export = next((store_directory / parks_recreation.FOLDER).glob("registrations-*.csv"))
    with export.open(encoding="utf-8", newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if not row["guardian_name"]]
    for row in rows:
        for person in people:
            if (
                person.email
                and (person.first, person.last)
                == (row["participant_first_name"], row["participant_last_name"])
                and person.date_of_birth.isoformat() == row["participant_date_of_birth"]
            ):
                return person
    raise AssertionError("the demo export holds no adult participant")


def test_parks_export_finds_an_adult_participants_registrations(people, store_directory, sources):
    person = _adult_participant(people, store_directory)
    source = sources["parks-recreation-registrations"]

    found = connector_for(source).lookup(
        name="registrations_as_participant",
        parameters={
            "first_name": person.first,
            "last_name": person.last,
            "date_of_birth": person.date_of_birth.isoformat(),
        },
    )

    assert found
    assert {record.fields["last_name"] for record in found} == {person.last}


def test_parks_registrations_are_gathered_and_matched_for_an_adult_participant(
    people, store_directory, sources, django_capture_on_commit_callbacks
):
    user = _resident(_adult_participant(people, store_directory))

    records = _gathered(
        user, sources["parks-recreation-registrations"], django_capture_on_commit_callbacks
    )

    assert records and all(record.match_strength == MatchStrength.STRONG for record in records)
