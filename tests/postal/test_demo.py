"""The demo's address-of-record source over the City Clerk's street listing."""

import datetime as dt

import pytest

from portal.demo.population import generate_population
from portal.demo.stores import city_clerk
from portal.demo.stores._city import build_city
from portal.postal.demo import SOURCE_SLUG, postal_demo_sources_ensure
from portal.postal.lookup import address_of_record_lookup
from portal.postal.matching import Resident
from requests.models import DataSource
from tasks.connectors.registry import configuration_problems
from tasks.connectors.sql import dispose_engines
from tests.postal.helpers import ALICE_BORN


def test_the_demo_source_is_a_valid_read_only_sql_source(street_listing, settings):
    source = DataSource.objects.get(slug=SOURCE_SLUG)

    assert settings.POSTAL_ADDRESS_SOURCES == [SOURCE_SLUG]
    assert source.department.slug == "city_clerk"
    assert configuration_problems(kind=source.kind, configuration=source.configuration) == []


def test_ensuring_twice_updates_the_one_source(street_listing, tmp_path):
    postal_demo_sources_ensure(directory=tmp_path)

    assert DataSource.objects.filter(slug=SOURCE_SLUG).count() == 1


def test_the_demo_lookup_gives_the_most_recent_listing_year(street_listing):
    number = street_listing.add(
        first="Alice", last="Archer", born=ALICE_BORN, address="3 Old Road", years=(2022, 2023)
    )
    street_listing.add(
        first="Alice",
        last="Archer",
        born=ALICE_BORN,
        address="12 Elm Street Apt 2",
        years=(2025,),
        resident_number=number,
    )

    outcome = address_of_record_lookup(resident=Resident("Alice", "", "Archer", "", ALICE_BORN))

    [person] = outcome.full_matches
    assert person.record_key == f"2025-{number}"
    assert person.text("address_line1") == "12 Elm Street Apt 2"
    assert person.text("city") == "Westfield"


@pytest.fixture(scope="module")
def demo_city(tmp_path_factory):
    """A small demo City and its real City Clerk store, as `make run` builds them."""
    people = generate_population(seed=2026, count=300)
    directory = tmp_path_factory.mktemp("demo")
    city_clerk.write(build_city(people, seed=2026), directory, seed=2026)
    return people, directory


def test_demo_residents_are_found_at_their_current_address(demo_city, db):
    people, directory = demo_city
    postal_demo_sources_ensure(directory=directory)
    current = dt.date(city_clerk.LISTING_YEARS[-1], 1, 1)
    adults = [p for p in people if not p.is_minor and p.address_on(current) == p.address][:25]
    found = 0
    try:
        for person in adults:
            outcome = address_of_record_lookup(
                resident=Resident(
                    person.first, person.middle, person.last, person.suffix, person.date_of_birth
                )
            )
            if len(outcome.full_matches) != 1:
                continue  # not listed this year, a misspelt listing, or a married name
            found += 1
            assert (
                outcome.full_matches[0]
                .text("address_line1")
                .startswith(f"{person.address.number} {person.address.street}")
            )
    finally:
        dispose_engines()

    assert found >= 20
