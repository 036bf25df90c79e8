"""The demo population is hard to match on purpose: every spelling of a person is theirs, and no
one's name and birth date is strong for anyone else (namesakes, fathers and sons included)."""

import collections
import itertools

import pytest

from portal.demo.formatting import NAME_STYLES, format_address, format_name
from portal.demo.names import SURNAMES
from portal.demo.population import generate_population
from portal.matching.names import PersonName, compare_names, is_organisation
from portal.matching.strength import MatchStrength, ResidentAttributes, match_record


@pytest.fixture(scope="module")
def people():
    return generate_population(seed=2026, count=400)


def _legal_name(person) -> PersonName:
    return PersonName(person.first, person.middle, person.last, person.suffix)


def _resident(person) -> ResidentAttributes:
    return ResidentAttributes(
        legal_name=_legal_name(person),
        date_of_birth=person.date_of_birth,
        current_address=format_address(person.address, "full"),
        previous_addresses=tuple(
            format_address(previous.address, "full") for previous in person.previous_addresses
        ),
    )


def test_every_way_the_demo_prints_a_name_is_that_person(people):
    for person, style, variant in itertools.product(people, NAME_STYLES, range(3)):
        printed = format_name(person, style, variant=variant)
        assert compare_names(_legal_name(person), printed).same_person, (person.person_id, printed)


def test_each_person_is_strong_for_themselves_and_for_no_one_else(people):
    by_surname = collections.defaultdict(list)
    for person in people:
        by_surname[person.last].append(person)
    namesakes = 0
    for family in by_surname.values():
        for resident, other in itertools.product(family, repeat=2):
            record = {
                "name": format_name(other, "last_first_upper"),
                "date_of_birth": other.date_of_birth.isoformat(),
                "address": format_address(other.address, "upper_hash"),
            }
            match = match_record(resident=_resident(resident), record_attributes=record)
            if resident is other:
                assert match.strength is MatchStrength.STRONG
            else:
                assert match.strength is not MatchStrength.STRONG, (resident, other)
                namesakes += compare_names(_legal_name(resident), record["name"]).full_name_agrees
    assert namesakes, "the population holds namesakes, so this test can fail"


def test_a_father_and_son_at_one_address_are_never_each_others_match(people):
    pairs = [
        (one, other)
        for one, other in itertools.permutations(people, 2)
        if (one.first, one.last, one.address) == (other.first, other.last, other.address)
    ]
    assert pairs, "the population holds Sr./Jr. pairs"
    for resident, other in pairs:
        record = {
            "name": format_name(other, "natural"),
            "mailing_address": format_address(other.address, "abbrev"),
        }
        match = match_record(resident=_resident(resident), record_attributes=record)
        assert match.strength is MatchStrength.NONE, (resident, other)


def test_no_demo_surname_reads_as_an_organisation():
    assert not [surname for surname in SURNAMES if is_organisation(surname)]
