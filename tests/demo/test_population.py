"""The synthetic population: deterministic, realistic in shape, and hard to match on purpose."""

import collections
import dataclasses
import datetime as dt
import hashlib
import itertools
import os
import pathlib
import random
import re
import subprocess
import sys

import pytest

from portal.demo.population import (
    NICKNAMES,
    REFERENCE_DATE,
    Address,
    Person,
    format_address,
    format_name,
    generate_population,
)

REPOSITORY = pathlib.Path(__file__).resolve().parents[2]
COUNT = 300


@pytest.fixture(scope="module")
def people() -> list[Person]:
    return generate_population(seed=2026, count=COUNT)


@pytest.fixture(scope="module")
def many_people() -> list[Person]:
    """Enough people for rates to settle near their targets."""
    return generate_population(seed=2026, count=3000)


def _households(people: list[Person]) -> dict[str, list[Person]]:
    households: dict[str, list[Person]] = collections.defaultdict(list)
    for person in people:
        households[person.household_id].append(person)
    return households


def _sample_person(**changes: object) -> Person:
    person = Person(
        person_id="P000001",
        household_id="H00001",
        household_role="head",
        first="Robert",
        middle="James",
        last="Smith",
        suffix="",
        sex="M",
        date_of_birth=dt.date(1960, 5, 1),
        email="robert.smith@example.com",
        phone="413-555-0100",
        address=Address(12, "Elm Street", "2"),
        moved_in=dt.date(2000, 1, 1),
        dwelling="two_family",
        previous_addresses=(),
        occupation="Teacher",
        is_veteran=False,
        is_homeowner=True,
        has_dog=False,
    )
    return dataclasses.replace(person, **changes)


# Determinism ---------------------------------------------------------------------------------


def test_same_seed_gives_identical_population(people: list[Person]) -> None:
    assert generate_population(seed=2026, count=COUNT) == people


def test_different_seeds_give_different_populations(people: list[Person]) -> None:
    assert generate_population(seed=2027, count=COUNT) != people


def test_population_is_identical_whatever_the_hash_seed() -> None:
    program = (
        "import hashlib; from portal.demo.population import generate_population; "
        "print(hashlib.sha256(repr(generate_population(seed=5, count=200)).encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("0", "1", "4242"):
        environment = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPOSITORY)}
        result = subprocess.run(
            [sys.executable, "-c", program],
            cwd=REPOSITORY,
            env=environment,
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(result.stdout.strip())
    expected = hashlib.sha256(repr(generate_population(seed=5, count=200)).encode()).hexdigest()
    assert digests == {expected}


def test_generation_leaves_the_global_random_generator_alone() -> None:
    random.seed(99)
    before = random.getstate()
    generate_population(seed=1, count=100)
    assert random.getstate() == before


@pytest.mark.parametrize("count", [1, 7, 120, 301])
def test_population_has_exactly_the_requested_count(count: int) -> None:
    assert len(generate_population(seed=3, count=count)) == count


def test_a_population_needs_at_least_one_person() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate_population(seed=3, count=0)


# Shape -------------------------------------------------------------------------------------


def test_person_ids_are_unique_and_stable_looking(people: list[Person]) -> None:
    ids = [person.person_id for person in people]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"P\d{6}", person_id) for person_id in ids)


def test_adults_are_18_to_95_and_every_child_lives_with_an_adult(people: list[Person]) -> None:
    for members in _households(people).values():
        adults = [person for person in members if not person.is_minor]
        assert adults, "a household of children alone"
        for adult in adults:
            assert 18 <= adult.age_on(REFERENCE_DATE) <= 95
    children = [person for person in people if person.household_role == "child"]
    assert children
    assert all(child.is_minor for child in children)


def test_children_were_born_when_a_parent_was_an_adult(people: list[Person]) -> None:
    for members in _households(people).values():
        heads = [person for person in members if person.household_role in {"head", "spouse"}]
        for child in (person for person in members if person.household_role == "child"):
            assert any(head.age_on(child.date_of_birth) >= 18 for head in heads)


def test_addresses_are_in_westfield(people: list[Person]) -> None:
    addresses = [person.address for person in people] + [
        previous.address for person in people for previous in person.previous_addresses
    ]
    assert {(address.city, address.state) for address in addresses} == {("Westfield", "MA")}
    assert {address.zip for address in addresses} <= {"01085", "01086"}


def test_emails_are_unique_and_only_at_example_domains(people: list[Person]) -> None:
    emails = [person.email for person in people if person.email]
    assert len(set(emails)) == len(emails)
    assert all(
        email.split("@")[1] in {"example.com", "example.net", "example.org"} for email in emails
    )
    assert all(person.email for person in people if not person.is_minor)
    assert not any(person.email for person in people if person.age_on(REFERENCE_DATE) < 16)


def test_phones_use_only_the_fictional_555_01_lines(people: list[Person]) -> None:
    phones = [person.phone for person in people if person.phone]
    assert len(set(phones)) == len(phones)
    assert all(re.fullmatch(r"\d{3}-555-01\d{2}( x\d+)?", phone) for phone in phones)


def test_about_half_of_households_own_their_home(many_people: list[Person]) -> None:
    households = _households(many_people).values()
    owning = sum(any(person.is_homeowner for person in members) for members in households)
    assert 0.4 <= owning / len(households) <= 0.65


def test_only_heads_and_partners_hold_title_and_couples_co_own(people: list[Person]) -> None:
    owners = [person for person in people if person.is_homeowner]
    assert {person.household_role for person in owners} <= {"head", "spouse", "partner"}
    co_owned = [
        members
        for members in _households(people).values()
        if sum(person.is_homeowner for person in members) == 2
    ]
    assert co_owned


def test_some_households_are_renters_living_alone(people: list[Person]) -> None:
    alone = [members for members in _households(people).values() if len(members) == 1]
    assert any(not members[0].is_homeowner for members in alone)
    assert any(members[0].is_homeowner for members in alone)


# Moves ---------------------------------------------------------------------------------------


def test_about_a_quarter_of_people_moved_within_the_city(many_people: list[Person]) -> None:
    moved = sum(bool(person.previous_addresses) for person in many_people)
    assert 0.2 <= moved / len(many_people) <= 0.3


def test_previous_addresses_end_the_day_the_next_home_begins(people: list[Person]) -> None:
    movers = [person for person in people if person.previous_addresses]
    assert movers
    for person in movers:
        newest_first = person.previous_addresses
        assert newest_first[0].moved_out == person.moved_in
        for newer, older in itertools.pairwise(newest_first):
            assert older.moved_out == newer.moved_in
        for previous in newest_first:
            assert previous.moved_in < previous.moved_out
            assert previous.address != person.address
            assert previous.to_year >= previous.from_year


def test_address_on_a_day_follows_the_moves(people: list[Person]) -> None:
    person = next(person for person in people if person.previous_addresses)
    previous = person.previous_addresses[0]
    assert person.address_on(previous.moved_in) == previous.address
    assert person.address_on(person.moved_in - dt.timedelta(days=1)) == previous.address
    assert person.address_on(person.moved_in) == person.address
    assert person.address_on(person.date_of_birth - dt.timedelta(days=1)) is None


def test_a_home_sold_within_the_city_is_bought_the_day_the_seller_moves(
    many_people: list[Person],
) -> None:
    owners_now = {
        person.address.building_key: person for person in many_people if person.is_homeowner
    }
    sales = [
        (previous, owners_now[previous.address.building_key])
        for person in many_people
        if person.household_role == "head"
        for previous in person.previous_addresses
        if previous.owned and previous.address.building_key in owners_now
    ]
    assert sales
    assert all(previous.moved_out == buyer.moved_in for previous, buyer in sales)


# Namesakes -----------------------------------------------------------------------------------


def test_father_and_son_share_a_name_and_address_as_senior_and_junior(
    people: list[Person],
) -> None:
    pairs = []
    for members in _households(people).values():
        for son in (person for person in members if person.suffix in {"Jr.", "III"}):
            fathers = [
                person
                for person in members
                if person is not son
                and (person.first, person.middle, person.last) == (son.first, son.middle, son.last)
            ]
            if fathers:
                pairs.append((fathers[0], son))
    assert len(pairs) == round(COUNT * 0.01)
    for father, son in pairs:
        assert (father.suffix, son.suffix) in {("Sr.", "Jr."), ("Jr.", "III")}
        assert father.address == son.address
        assert father.middle
        assert son.date_of_birth.year - father.date_of_birth.year >= 20


def test_some_strangers_share_a_full_name_at_different_addresses(people: list[Person]) -> None:
    by_name: dict[tuple[str, str, str, str], list[Person]] = collections.defaultdict(list)
    for person in people:
        by_name[(person.first, person.middle, person.last, person.suffix)].append(person)
    strangers = [
        group for group in by_name.values() if len({person.household_id for person in group}) > 1
    ]
    assert len(strangers) >= round(COUNT * 0.005)
    for group in strangers:
        assert len({person.address for person in group}) == len(group)


def test_namesakes_differ_by_date_of_birth(many_people: list[Person]) -> None:
    by_name: dict[tuple[str, str, str, str], list[dt.date]] = collections.defaultdict(list)
    for person in many_people:
        key = (person.first, person.middle, person.last, person.suffix)
        by_name[key].append(person.date_of_birth)
    shared = [births for births in by_name.values() if len(births) > 1]
    assert shared
    assert all(len(set(births)) == len(births) for births in shared)


# Formatting --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "variant", "expected"),
    [
        ("natural", 0, "Robert J. Smith"),
        ("natural_full", 0, "Robert James Smith"),
        ("first_last", 0, "Robert Smith"),
        ("last_first_upper", 0, "SMITH ROBERT J"),
        ("last_comma_first", 0, "Smith, Robert J."),
        ("nickname", 0, "Bob Smith"),
        ("last_comma_nickname", 1, "Smith, Rob"),
    ],
)
def test_format_name_spells_one_person_each_departments_way(
    style: str, variant: int, expected: str
) -> None:
    assert format_name(_sample_person(), style, variant=variant) == expected


def test_format_name_keeps_the_suffix_that_tells_father_from_son() -> None:
    junior = _sample_person(suffix="Jr.")
    assert format_name(junior, "natural") == "Robert J. Smith Jr."
    assert format_name(junior, "last_first_upper") == "SMITH ROBERT J JR"
    assert format_name(junior, "last_comma_first") == "Smith, Robert J., Jr."


def test_format_name_without_a_middle_name_or_nickname() -> None:
    plain = _sample_person(first="Artem", middle="")
    assert format_name(plain, "natural") == "Artem Smith"
    assert format_name(plain, "last_first_upper") == "SMITH ARTEM"
    assert format_name(plain, "nickname") == "Artem Smith"


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("full", "12 Elm Street Apt 2"),
        ("abbrev", "12 Elm St Unit 2"),
        ("upper_hash", "12 ELM ST #2"),
        ("street_only", "12 Elm St"),
        ("upper_street_only", "12 ELM ST"),
    ],
)
def test_format_address_spells_one_address_each_departments_way(style: str, expected: str) -> None:
    assert format_address(Address(12, "Elm Street", "2"), style) == expected


def test_format_address_abbreviates_only_the_suffix_and_optionally_the_direction() -> None:
    address = Address(7, "North Elm Street")
    assert format_address(address, "abbrev") == "7 North Elm St"
    assert format_address(address, "upper_hash", short_directional=True) == "7 N ELM ST"
    assert format_address(Address(3, "Heron Court"), "abbrev") == "3 Heron Ct"
    assert format_address(Address(3, "Court Street"), "abbrev") == "3 Court St"


def test_unknown_styles_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown name style"):
        format_name(_sample_person(), "shouting")
    with pytest.raises(ValueError, match="unknown address style"):
        format_address(Address(1, "Elm Street"), "sideways")


def test_nickname_map_covers_the_common_pairs() -> None:
    assert len(NICKNAMES) >= 40
    assert {"Bob", "Rob", "Bobby"} <= set(NICKNAMES["Robert"])
    assert {"Bill", "Will"} <= set(NICKNAMES["William"])
    assert {"Liz", "Beth"} <= set(NICKNAMES["Elizabeth"])
    assert {"Peggy", "Maggie"} <= set(NICKNAMES["Margaret"])
    assert all(isinstance(value, tuple) and value for value in NICKNAMES.values())
