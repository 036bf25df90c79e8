"""A request across every demo source completes through a real worker (issue 6, "Must show" 1):
the demo City's stores, its sources as the demo defines them (whatever they are), the water
vendor's online service running, a demo resident verified in person who proved their City
numbers, and a steward answering each manual source."""

import sqlite3

import pytest

from portal.accounts.models import User
from portal.demo.accounts import demo_accounts_ensure
from portal.demo.population import generate_population
from portal.demo.setup import (
    demo_profiles_fill,
    demo_resident_accounts,
    demo_residents_choose,
    departments_ensure,
)
from portal.demo.sources import demo_sources_ensure
from portal.demo.stores import treasurer, water_sewer, write_stores
from portal.demo.stores._city import build_city
from portal.demo.water_service import PORT_ENV, TOKEN_ENV, water_server_in_thread
from portal.identity.models import (
    AccountKnowledgeAttempt,
    AttemptStatus,
    IdentityLevel,
    VerificationMethod,
)
from portal.identity.services import identity_verification_record
from portal.matching.strength import MatchStrength, match_record
from portal.profiles.models import ResidentIdentifier
from requests.gathering.attributes import gathering_attributes, identifiers_used, lookup_parameters
from requests.gathering.models import GatheredRecord, RunStatus, SourceRun, WorkItem
from requests.gathering.services import IDENTITY_CHECK_LOOKUP_PREFIX, work_item_complete
from requests.models import ConnectorKind
from requests.services import request_submit
from tasks.connectors.base import SourceRecord
from tasks.connectors.registry import connector_for
from tests.factories import StaffFactory
from tests.gathering.conftest import wait_for_review

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

SEED = 2026
COUNT = 800
TOKEN = "demo-water-token"
# Sources of the demo that hold the chosen homeowner's records (when the demo defines them).
HOLDERS = {
    "water-sewer-billing",
    "water-sewer-billing-online",
    "treasurer-real-estate-tax",
    "city-clerk-addresses",
    "assessors-property",
    "city-clerk-records",
    "portal-own-records",
}


@pytest.fixture(scope="module")
def people():
    return generate_population(seed=SEED, count=COUNT)


@pytest.fixture(scope="module")
def stores(people, tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo-stores")
    return directory, write_stores(people, directory, seed=SEED)


@pytest.fixture
def water_service(stores, monkeypatch):
    """The vendor's online service on a free loopback port, as rundemo starts it; the source
    reads the port, and the worker the token, from the environment."""
    _directory, paths = stores
    server, thread = water_server_in_thread(database=paths[water_sewer.SLUG], token=TOKEN)
    monkeypatch.setenv(PORT_ENV, str(server.server_address[1]))
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    yield
    server.shutdown()
    server.server_close()
    thread.join(5)


def _current_parcel(people, person) -> str:
    city = build_city(people, seed=SEED)
    return next(
        parcel.parcel_id
        for parcel in city.parcels
        for ownership in parcel.ownerships
        if ownership.end is None
        and person.person_id in {owner.person_id for owner in ownership.people}
    )


def _numbers(paths, parcel_id) -> dict[str, str]:
    """The homeowner's water account and latest real-estate tax bill, as the stores hold them."""
    with sqlite3.connect(paths[water_sewer.SLUG]) as water:
        (account,) = water.execute(
            "SELECT account_number FROM accounts WHERE parcel_id = ? AND closed_on IS NULL",
            (parcel_id,),
        ).fetchone()
    water.close()
    with sqlite3.connect(paths[treasurer.SLUG]) as taxes:
        (bill,) = taxes.execute(
            "SELECT bill_number FROM real_estate_bills WHERE parcel_id = ? "
            "ORDER BY fiscal_year DESC LIMIT 1",
            (parcel_id,),
        ).fetchone()
    taxes.close()
    return {"water_sewer_account": account, "real_estate_bill": bill}


def _prove(user, numbers, sources) -> None:
    """The numbers the resident proved by account checks, then a clerk's check of photo ID."""
    checked_by = {"water_sewer_account": "water-sewer-billing"}
    checked_by["real_estate_bill"] = "treasurer-real-estate-tax"
    for kind, number in numbers.items():
        identifier = ResidentIdentifier.objects.create(
            profile=user.profile, kind=kind, value=number
        )
        AccountKnowledgeAttempt.objects.create(
            user=user,
            identifier_kind=kind,
            identifier_last4=number[-4:],
            identifier_digest="x",
            status=AttemptStatus.PASSED,
            source=sources[checked_by[kind]],
            resident_identifier=identifier,
            verification=identity_verification_record(
                user=user,
                level=IdentityLevel.REMOTE,
                method=VerificationMethod.ACCOUNT_KNOWLEDGE,
                evidence={"test": True},
            ),
        )
    identity_verification_record(
        user=user,
        level=IdentityLevel.ATTENDED,
        method=VerificationMethod.IN_PERSON_ID,
        evidence={"test": True},
    )


def _held_for(source, attributes) -> set[str]:
    """The keys of the records `source` holds that match the resident, asked directly."""
    connector = connector_for(source)
    parameters = lookup_parameters(source=source, attributes=attributes)
    if all(value is None for value in parameters.values()):
        return set()
    identifiers = identifiers_used(source=source, attributes=attributes)
    held = set()
    for name in connector.lookup_names():
        if name.startswith(IDENTITY_CHECK_LOOKUP_PREFIX):
            continue
        for record in connector.lookup(name=name, parameters=parameters):
            fields = {**identifiers, **record.fields}
            found = match_record(resident=attributes.resident, record_attributes=fields)
            if found.strength != MatchStrength.NONE:
                held.add(f"{record.record_type}/{record.key}")
    return held


def test_a_request_across_every_demo_source_completes_with_records_from_each_holder(
    start_worker, people, stores, water_service, settings, tmp_path
):
    directory, paths = stores
    settings.DEMO_DATA_DIR = tmp_path / "demo"
    departments_ensure()
    sources = {source.slug: source for source in demo_sources_ensure(directory=directory)}
    enabled = {slug for slug, source in sources.items() if source.enabled}
    person = demo_residents_choose(people)[0]
    demo_accounts_ensure(residents=demo_resident_accounts([person]))
    demo_profiles_fill([person])
    user = User.objects.get(email=person.email.lower())
    _prove(user, _numbers(paths, _current_parcel(people, person)), sources)
    attributes = gathering_attributes(user=user)
    held = {
        slug: _held_for(sources[slug], attributes)
        for slug in enabled
        if sources[slug].kind != ConnectorKind.MANUAL
    }
    worker = start_worker()

    request = request_submit(requester=user, subject=user, kind="access")
    answered = {}
    for item in WorkItem.objects.filter(run__request=request).select_related("run__source"):
        steward = StaffFactory(role="steward")
        item.department.stewards.add(steward)
        record = SourceRecord(
            "FILE-1",
            "paper_file",
            {"name": person.full_name, "date_of_birth": person.date_of_birth.isoformat()},
        )
        work_item_complete(item=item, actor=steward, records=[record], found_nothing=False)
        answered[item.run.source.slug] = {"paper_file/FILE-1"}

    wait_for_review(request, worker, timeout=55)
    runs = {run.source.slug: run for run in SourceRun.objects.filter(request=request)}
    assert set(runs) == enabled
    assert {slug: run.status for slug, run in runs.items()} == dict.fromkeys(
        enabled, RunStatus.SUCCEEDED
    ), {slug: run.last_error for slug, run in runs.items()}
    assert all(runs[slug].attempts == 1 for slug in held)
    gathered = {slug: set() for slug in runs}
    for source_slug, key in GatheredRecord.objects.filter(run__request=request).values_list(
        "run__source__slug", "key"
    ):
        gathered[source_slug].add(key)
    assert gathered == {**held, **answered}
    assert {slug: run.records_found for slug, run in runs.items()} == {
        slug: len(keys) for slug, keys in gathered.items()
    }
    holders = {slug for slug, keys in held.items() if keys}
    assert HOLDERS & enabled <= holders
    assert {"water-sewer-billing", "water-sewer-billing-online", "treasurer-real-estate-tax"} <= (
        holders
    )
