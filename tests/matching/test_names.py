"""Names as departments print them: one person in every spelling, namesakes and trusts apart."""

import pytest

from portal.matching.names import (
    NICKNAMES,
    NameComparison,
    NameParty,
    NameVerdict,
    PersonName,
    compare_names,
    fold,
    given_name_forms,
    is_organisation,
    name_key,
    name_parties,
    name_tokens,
    normalise_name,
    normalise_suffix,
    parse_name,
    same_given_name,
)

SAME, COMPATIBLE, DIFFERENT = NameVerdict.SAME, NameVerdict.COMPATIBLE, NameVerdict.DIFFERENT
ROBERT = PersonName("Robert", "James", "Smith")
JOSE = PersonName("José", "", "Núñez")
MARY_ANN = PersonName("Mary-Ann", "", "O'Neil")
MARIA = PersonName("Maria", "", "de la Cruz")
SENIOR = PersonName("Robert", "James", "Smith", "Sr.")
JUNIOR = PersonName("Robert", "James", "Smith", "Jr.")
HOSTILE = "x'); DROP TABLE residents; --"


@pytest.mark.parametrize(
    ("resident", "printed", "verdict"),
    [
        # DEPARTMENTS.md: one person across systems.
        (ROBERT, "Robert J. Smith", SAME),
        (ROBERT, "Bob Smith", SAME),
        (ROBERT, "SMITH ROBERT J", SAME),
        (ROBERT, "Smith, Rob", SAME),
        (ROBERT, "ROBERT JAMES SMITH", SAME),
        (ROBERT, "Smith, Robert J., Jr.", COMPATIBLE),
        (ROBERT, "Dr. Robert Smith", SAME),
        (ROBERT, "Robert Smith, Esq.", SAME),
        # Accents, case and punctuation.
        (JOSE, "JOSE NUNEZ", SAME),
        (JOSE, "Nunez, Jose", SAME),
        (PersonName("JOSE", "", "NUNEZ"), "José Núñez", SAME),
        (PersonName("José", "", "O'Brien-Núñez"), "OBRIEN NUNEZ JOSE", SAME),
        # Hyphenated and compound names.
        (MARY_ANN, "MARY ANN ONEIL", SAME),
        (MARY_ANN, "Maryann O\u2019Neil", SAME),
        (MARY_ANN, "O'NEIL MARY-ANN", SAME),
        (MARY_ANN, "Oneil, Mary Ann", SAME),
        (MARY_ANN, "Mary O'Neil", COMPATIBLE),
        (MARY_ANN, "Mary A. O'Neil", COMPATIBLE),
        (MARY_ANN, "Mary Beth O'Neil", DIFFERENT),
        (MARY_ANN, "Mary-Ann O'Neill", DIFFERENT),
        (MARIA, "DE LA CRUZ MARIA", SAME),
        (MARIA, "Delacruz, Maria", SAME),
        (MARIA, "MARIA DELACRUZ", SAME),
        (MARIA, "Cruz, Maria", COMPATIBLE),
        (MARIA, "Maria Cruz", COMPATIBLE),
        (PersonName("Maria", "", "Cruz"), "Maria de la Cruz", COMPATIBLE),
        (PersonName("Maria", "", "Cruz"), "DE LA CRUZ MARIA", COMPATIBLE),
        (MARIA, "Maria Santos", DIFFERENT),
        # Order: a comma says which words are the surname.
        (PersonName("James", "", "Thomas"), "Thomas, James", SAME),
        (PersonName("Thomas", "", "James"), "Thomas, James", DIFFERENT),
        # Initials and thin names.
        (ROBERT, "R Smith", COMPATIBLE),
        (ROBERT, "Smith, R. J.", COMPATIBLE),
        (ROBERT, "K Smith", DIFFERENT),
        (PersonName("R", "", "Smith"), "Robert Smith", COMPATIBLE),
        (PersonName("R", "", "Smith"), "Karen Smith", DIFFERENT),
        (ROBERT, "Smith", COMPATIBLE),
        (ROBERT, "", COMPATIBLE),
        (ROBERT, None, COMPATIBLE),
        (ROBERT, "Dr.", COMPATIBLE),
        (PersonName("", "", "Smith"), "Robert Smith", COMPATIBLE),
        # Middle names.
        (ROBERT, "Robert Smith", SAME),
        (PersonName("Robert", "", "Smith"), "SMITH ROBERT J", SAME),
        (ROBERT, "SMITH ROBERT K", DIFFERENT),
        (ROBERT, "Robert John Smith", DIFFERENT),
        (ROBERT, "Robert Jim Smith", SAME),
        (ROBERT, "Robert J K Smith", SAME),
        # Other people.
        (ROBERT, "Roberta Smith", DIFFERENT),
        (ROBERT, "Robert Smyth", DIFFERENT),
        (ROBERT, "Mary Smith", DIFFERENT),
        (ROBERT, HOSTILE, DIFFERENT),
    ],
)
def test_a_printed_name_is_compared_with_the_residents(resident, printed, verdict):
    assert compare_names(resident, printed).verdict is verdict


@pytest.mark.parametrize(
    ("resident", "printed", "verdict", "differences"),
    [
        (JUNIOR, "SMITH ROBERT J JR", SAME, ()),
        (SENIOR, "Robert J. Smith Sr.", SAME, ()),
        (JUNIOR, "SMITH ROBERT J SR", DIFFERENT, ("suffix",)),
        (SENIOR, "Robert James Smith Junior", DIFFERENT, ("suffix",)),
        (PersonName("Robert", "", "Smith", "Jr."), "Robert Smith III", DIFFERENT, ("suffix",)),
        (PersonName("Robert", "", "Smith", "II"), "Robert Smith 2nd", SAME, ()),
        # Records often drop a suffix, and an elder is often known without "Sr.".
        (JUNIOR, "Robert J Smith", SAME, ()),
        (ROBERT, "SMITH ROBERT J SR", SAME, ()),
        # But a record marked Jr. may be the son of a resident who gives no suffix.
        (ROBERT, "SMITH ROBERT J JR", COMPATIBLE, ()),
        (ROBERT, "Robert J Smith III", COMPATIBLE, ()),
    ],
)
def test_father_and_son_are_never_merged(resident, printed, verdict, differences):
    result = compare_names(resident, printed)

    assert result.verdict is verdict
    assert result.differences == differences


@pytest.mark.parametrize(
    ("resident_first", "printed_first"),
    [
        ("Robert", "Bob"),
        ("Bob", "Robert"),
        ("Rob", "Bobby"),
        ("William", "Bill"),
        ("Elizabeth", "Liz"),
        ("Beth", "Lizzie"),
        ("Margaret", "Peggy"),
        ("Patricia", "Pat"),
        ("Pat", "Patrick"),
        ("Ted", "Edward"),
        ("Ted", "Theodore"),
        ("Sophie", "Sophia"),
    ],
)
def test_nicknames_match_in_both_directions(resident_first, printed_first):
    resident = PersonName(resident_first, "", "Archer")

    assert compare_names(resident, f"{printed_first} Archer").same_person
    assert same_given_name(printed_first, resident_first)


@pytest.mark.parametrize(
    ("one", "other"),
    [("Patricia", "Patrick"), ("Edward", "Theodore"), ("Alexander", "Alexandra"), ("Bob", "")],
)
def test_nicknames_of_different_names_do_not_match(one, other):
    assert not same_given_name(one, other)
    assert compare_names(PersonName(one, "", "Archer"), f"{other} Archer").verdict is not SAME


def test_every_short_form_the_demo_population_uses_is_known():
    from portal.demo.names import NICKNAMES as DEMO_NICKNAMES

    for full, shorts in DEMO_NICKNAMES.items():
        for short in shorts:
            assert same_given_name(short, full), (short, full)


def test_the_nickname_table_is_one_table_of_lower_case_words():
    assert NICKNAMES["robert"] == ("bob", "rob", "bobby")
    assert all(name == name_key(name) for name in NICKNAMES)
    assert all(short == name_key(short) for shorts in NICKNAMES.values() for short in shorts)
    assert given_name_forms("Bob") == {"bob", "robert"}
    assert given_name_forms("Zebulon") == {"zebulon"}


@pytest.mark.parametrize(
    "printed",
    [
        "Smith Family Trust",
        "Robert J Smith Revocable Trust",
        "Robert Smith, Trustee",
        "Elm Street LLC",
        "ESTATE OF ROBERT SMITH",
        "Westfield Realty Corp.",
        "Smith Holdings, Inc.",
    ],
)
def test_a_trust_or_company_is_never_the_resident(printed):
    result = compare_names(ROBERT, printed)

    assert is_organisation(printed)
    assert result.verdict is DIFFERENT
    assert result.differences == ("organisation",)


def test_a_person_named_beside_a_trust_is_still_compared():
    assert compare_names(ROBERT, "Robert Smith & Smith Family Trust").same_person
    assert not is_organisation("Robert Smith")
    assert compare_names(ROBERT, "Smith Family Trust & Mary Jones").differences == ("surname",)


@pytest.mark.parametrize(
    ("resident", "printed"),
    [
        (ROBERT, "Bob & Mary Smith"),
        (PersonName("Mary", "", "Smith"), "Bob & Mary Smith"),
        (ROBERT, "Mary & Bob Smith"),
        (ROBERT, "SMITH MARY A & ROBERT J"),
        (PersonName("Mary", "Ann", "Smith"), "SMITH ROBERT J & MARY A"),
        (ROBERT, "Robert Smith and Mary Jones"),
        (ROBERT, "Mary Jones / Robert Smith"),
        (ROBERT, "Smith, Robert & Mary"),
    ],
)
def test_each_person_on_a_joint_name_is_matched(resident, printed):
    assert compare_names(resident, printed).same_person


@pytest.mark.parametrize(
    "printed",
    ["Robert Jones & Mary Smith", "Bob & Mary Jones", "SMITH MARY A & ROBERT K", "Anderson Smith"],
)
def test_a_joint_name_without_the_resident_does_not_match(printed):
    assert compare_names(ROBERT, printed).verdict is DIFFERENT


def test_joint_names_are_split_into_parties():
    bob, mary = name_parties("Bob & Mary Smith")
    senior, wife = name_parties("SMITH ROBERT J SR & MARY A")
    person, trust = name_parties("Robert Smith and Smith Family Trust")

    assert bob == NameParty(words=("bob",))
    assert bob.lone_given_name and not mary.lone_given_name
    assert mary.words == ("mary", "smith")
    assert senior == NameParty(words=("smith", "robert", "j"), suffix="sr")
    assert wife.lone_given_name
    assert trust.organisation and not trust.lone_given_name
    assert not person.organisation
    assert name_parties("Smith, Robert J.") == (
        NameParty(("smith", "robert", "j"), surname=("smith",), given=("robert", "j")),
    )
    assert name_parties("") == name_parties(None) == name_parties("Mr. & Mrs.") == ()


def test_separate_name_columns_are_compared_part_by_part():
    alice = PersonName("Alice", "May", "Archer")

    same = compare_names(alice, PersonName("ALICE", "M.", "archer"))
    other_middle = compare_names(alice, PersonName("Alice", "Beth", "Archer"))
    other_surname = compare_names(alice, PersonName("Alice", "", "Archre"))
    no_surname = compare_names(alice, PersonName("Alice", "", ""))
    company = compare_names(alice, PersonName("", "", "Archer Holdings LLC"))

    assert same == NameComparison(SAME, agreed=("surname", "given_name", "middle_name"))
    assert other_middle.differences == ("middle_name",)
    assert set(other_middle.agreed) == {"surname", "given_name"}
    assert other_surname.differences == ("surname",)
    assert other_surname.agreed == ("given_name",)
    assert no_surname.verdict is COMPATIBLE
    assert company.differences == ("organisation",)


def test_full_name_agrees_when_only_a_suffix_is_in_doubt():
    junior_record = compare_names(ROBERT, "Robert J Smith Jr")
    initial_only = compare_names(ROBERT, "R. Smith")

    assert junior_record.full_name_agrees and not junior_record.same_person
    assert not initial_only.full_name_agrees
    assert compare_names(ROBERT, "Robert Smith").full_name_agrees


@pytest.mark.parametrize(
    ("printed", "normal"),
    [
        ("Robert J. Smith", "robert j smith"),
        ("SMITH ROBERT J", "robert j smith"),
        ("Smith, Robert J., Jr.", "robert j smith jr"),
        ("SMITH ROBERT J JR", "robert j smith jr"),
        ("Smith, Rob", "rob smith"),
        ("José Núñez", "jose nunez"),
        ("Mary-Ann O'Neil", "mary ann oneil"),
        ("Smith", "smith"),
        ("", ""),
        (HOSTILE, "x drop table residents"),
    ],
)
def test_a_name_has_one_canonical_spelling(printed, normal):
    assert normalise_name(printed) == normal


def test_a_name_is_parsed_into_parts():
    assert parse_name("Smith, Robert James, Sr.") == PersonName("robert", "james", "smith", "sr")
    assert parse_name("SMITH ROBERT J") == PersonName("robert", "j", "smith")
    assert parse_name("Robert J. Smith") == PersonName("robert", "j", "smith")
    assert parse_name(None) == PersonName("", "", "")
    assert str(PersonName("Robert", "", "Smith", "Jr.")) == "Robert Smith Jr."


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("O\u2019Brien-Smith, J.", ["obrien", "smith", "j"]),
        ("Bob & Mary", ["bob", "&", "mary"]),
        ("Straße", ["strasse"]),
        ("Шевченко", ["шевченко"]),
        ("snake_case", ["snake", "case"]),
        (None, []),
    ],
)
def test_name_tokens(text, tokens):
    assert name_tokens(text) == tokens


def test_name_parts_are_normalised():
    assert fold("José NÚÑEZ") == "jose nunez"
    assert name_key("García-López") == name_key("GARCIA LOPEZ") == "garcialopez"
    assert normalise_suffix("Jr.") == normalise_suffix("junior") == "jr"
    assert normalise_suffix("3rd") == "iii"
    assert normalise_suffix("Esq.") == "esq"
    assert normalise_suffix(None) == ""
