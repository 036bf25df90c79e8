"""The profile pages: one question at a time, checked before saving, only ever one's own."""

import datetime as dt

import pytest
from django.urls import reverse

from portal.profiles.drafts import SESSION_KEY
from portal.profiles.models import AddressKind, Profile, ProfileAddress, ResidentIdentifier
from tests.factories import ProfileAddressFactory, ProfileFactory, ResidentIdentifierFactory

pytestmark = pytest.mark.django_db

NAME = {
    "first_name": "Alice",
    "middle_name": "",
    "last_name": "Archer",
    "suffix": "",
    "other_names": "",
}
ADDRESS = {
    "street": "12 Elm St",
    "unit": "",
    "city": "Westfield",
    "state": "MA",
    "postal_code": "01085",
}


def _paths_without_ids() -> list[tuple[str, str]]:
    return [
        ("get", reverse("profiles:overview")),
        ("post", reverse("profiles:start")),
        ("get", reverse("profiles:name")),
        ("get", reverse("profiles:date_of_birth")),
        ("get", reverse("profiles:address")),
        ("get", reverse("profiles:phone")),
        ("get", reverse("profiles:language")),
        ("get", reverse("profiles:previous_address_add")),
        ("get", reverse("profiles:identifier_add")),
        ("get", reverse("profiles:check")),
        ("post", reverse("profiles:discard")),
        ("get", reverse("profiles:previous_address_change", args=[1])),
        ("get", reverse("profiles:previous_address_remove", args=[1])),
        ("get", reverse("profiles:identifier_remove", args=[1])),
    ]


@pytest.mark.parametrize(("method", "path"), _paths_without_ids())
def test_anonymous_visitor_is_sent_to_sign_in(client, method, path):
    response = getattr(client, method)(path)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert Profile.objects.count() == 0


def test_profile_urls_carry_no_profile_id():
    assert reverse("profiles:overview") == "/account/profile/"
    assert reverse("profiles:name") == "/account/profile/name/"


def test_first_visit_creates_an_empty_profile_and_offers_to_fill_it_in(client, resident):
    client.force_login(resident)

    response = client.get(reverse("profiles:overview"))

    assert response.status_code == 200
    assert Profile.objects.filter(user=resident).count() == 1
    page = response.content.decode()
    assert "Fill in your profile" in page
    assert page.count("Not given") == 4
    assert 'Change<span class="visually-hidden"> full legal name</span>' in page


def test_overview_shows_what_the_resident_gave(client, resident):
    profile = ProfileFactory(user=resident, phone="413-555-0123")
    ProfileAddressFactory(profile=profile, kind=AddressKind.CURRENT, street="12 Elm St")
    ProfileAddressFactory(
        profile=profile,
        street="9 Oak Ave",
        lived_from=dt.date(2015, 1, 1),
        lived_until=dt.date(2019, 12, 31),
    )
    ResidentIdentifierFactory(profile=profile, value="WS-0012345")
    client.force_login(resident)

    page = client.get(reverse("profiles:overview")).content.decode()

    for shown in (
        "Alice Archer",
        "27 March 1980",
        "12 Elm St",
        "413-555-0123",
        "English",
        "9 Oak Ave",
        "From 2015 to 2019",
        "WS-0012345",
    ):
        assert shown in page
    assert "Fill in your profile" not in page


def test_overview_queries_do_not_grow_with_addresses_and_numbers(
    client, resident, django_assert_max_num_queries
):
    profile = ProfileFactory(user=resident)
    client.force_login(resident)
    ProfileAddressFactory(profile=profile)
    ResidentIdentifierFactory(profile=profile)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("profiles:overview"))
    ProfileAddressFactory.create_batch(5, profile=profile)
    ResidentIdentifierFactory.create_batch(5, profile=profile)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("profiles:overview"))

    assert response.content.decode().count("Remove<span") == 12


def test_new_resident_fills_in_the_profile_question_by_question_then_checks(client, resident):
    client.force_login(resident)
    client.get(reverse("profiles:overview"))

    steps = [
        (reverse("profiles:start"), {}, reverse("profiles:name")),
        (reverse("profiles:name"), NAME, reverse("profiles:date_of_birth")),
        (
            reverse("profiles:date_of_birth"),
            {"day": "27", "month": "3", "year": "1980"},
            reverse("profiles:address"),
        ),
        (reverse("profiles:address"), ADDRESS, reverse("profiles:phone")),
        (reverse("profiles:phone"), {"phone": "413-555-0123"}, reverse("profiles:language")),
        (reverse("profiles:language"), {"preferred_language": "pt"}, reverse("profiles:check")),
    ]
    for path, data, next_path in steps:
        response = client.post(path, data)
        assert response.status_code == 302, (path, response.content.decode()[:500])
        assert response["Location"] == next_path

    profile = Profile.objects.get(user=resident)
    assert profile.legal_last_name == "", "nothing is saved before the check"

    check = client.get(reverse("profiles:check")).content.decode()
    for shown in ("Alice Archer", "27 March 1980", "12 Elm St", "413-555-0123", "Portuguese"):
        assert shown in check
    assert f'href="{reverse("profiles:language")}"' in check, "Back leads to the last question"

    response = client.post(reverse("profiles:check"))

    assert response["Location"] == reverse("profiles:overview")
    profile.refresh_from_db()
    assert profile.legal_name == "Alice Archer"
    assert profile.date_of_birth == dt.date(1980, 3, 27)
    assert profile.preferred_language == "pt"
    assert profile.addresses.get().street == "12 Elm St"
    assert SESSION_KEY not in client.session


def test_change_from_the_check_page_returns_to_the_check_page(client, resident):
    client.force_login(resident)
    client.post(reverse("profiles:start"))
    for path, data in (
        (reverse("profiles:name"), NAME),
        (reverse("profiles:date_of_birth"), {"day": "27", "month": "3", "year": "1980"}),
    ):
        client.post(path, data)

    page = client.get(reverse("profiles:date_of_birth") + "?return=check").content.decode()
    assert 'value="27"' in page, "the question shows the pending answer"
    assert f'href="{reverse("profiles:check")}"' in page, "Back returns to the check page"
    response = client.post(
        reverse("profiles:date_of_birth") + "?return=check",
        {"day": "1", "month": "4", "year": "1981"},
    )

    assert response["Location"] == reverse("profiles:check")
    assert "1 April 1981" in client.get(reverse("profiles:check")).content.decode()


def test_changing_one_answer_from_the_overview_goes_to_the_check_page(client, resident):
    ProfileFactory(user=resident)
    client.force_login(resident)

    page = client.get(reverse("profiles:name")).content.decode()
    assert 'value="Alice"' in page, "the saved answer is shown"
    response = client.post(reverse("profiles:name"), {**NAME, "first_name": "Alicia"})

    assert response["Location"] == reverse("profiles:check")
    check = client.get(reverse("profiles:check")).content.decode()
    assert "Alicia Archer" in check
    assert "Date of birth" not in check, "only what changes is shown"
    client.post(reverse("profiles:check"))
    assert Profile.objects.get(user=resident).legal_first_name == "Alicia"


def test_overview_says_when_answers_wait_to_be_saved(client, resident):
    ProfileFactory(user=resident)
    client.force_login(resident)
    client.post(reverse("profiles:phone"), {"phone": "413-555-0123"})

    page = client.get(reverse("profiles:overview")).content.decode()

    assert "not saved yet" in page
    assert Profile.objects.get(user=resident).phone == ""


def test_discarding_forgets_the_answers(client, resident):
    ProfileFactory(user=resident)
    client.force_login(resident)
    client.post(reverse("profiles:phone"), {"phone": "413-555-0123"})

    response = client.post(reverse("profiles:discard"))

    assert response["Location"] == reverse("profiles:overview")
    assert client.get(reverse("profiles:check"))["Location"] == reverse("profiles:overview")
    assert Profile.objects.get(user=resident).phone == ""


def test_check_page_without_answers_goes_back_to_the_profile(client, resident):
    client.force_login(resident)

    response = client.get(reverse("profiles:check"))

    assert response["Location"] == reverse("profiles:overview")


def test_answers_kept_in_an_unreadable_form_are_asked_again_not_a_500(client, resident):
    client.force_login(resident)
    session = client.session
    session[SESSION_KEY] = {"setup": False, "answers": {"date_of_birth": "not a date"}}
    session.save()

    response = client.post(reverse("profiles:check"))

    assert response["Location"] == reverse("profiles:overview")
    assert SESSION_KEY not in client.session


def test_bad_input_shows_the_error_summary_and_keeps_what_was_typed(client, resident):
    client.force_login(resident)

    response = client.post(
        reverse("profiles:date_of_birth"), {"day": "31", "month": "2", "year": "1980"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: What is your date of birth?" in page
    assert 'class="error-summary"' in page
    assert '<a href="#id_day">Date of birth must be a real date</a>' in page
    assert 'value="31"' in page and 'value="1980"' in page
    assert 'aria-invalid="true"' in page
    assert SESSION_KEY not in client.session


def test_radio_errors_link_to_the_first_radio(client, resident):
    client.force_login(resident)

    page = client.post(reverse("profiles:language"), {}).content.decode()

    assert '<a href="#id_preferred_language_0">Choose the language you prefer</a>' in page


def test_previous_address_is_added_changed_and_removed(client, resident):
    profile = ProfileFactory(user=resident)
    client.force_login(resident)

    client.post(
        reverse("profiles:previous_address_add"),
        {**ADDRESS, "street": "9 Oak Ave", "from_year": "2015", "until_year": "2019"},
    )
    check = client.get(reverse("profiles:check")).content.decode()
    assert "Previous address (new)" in check and "From 2015 to 2019" in check
    client.post(reverse("profiles:check"))
    address = ProfileAddress.objects.get(profile=profile, kind=AddressKind.PREVIOUS)

    change_url = reverse("profiles:previous_address_change", args=[address.pk])
    assert 'value="2015"' in client.get(change_url).content.decode()
    client.post(
        change_url, {**ADDRESS, "street": "10 Oak Ave", "from_year": "2014", "until_year": "2019"}
    )
    check = client.get(reverse("profiles:check")).content.decode()
    assert "Previous address (changed)" in check and f'href="{change_url}?return=check"' in check
    client.post(reverse("profiles:check"))
    address.refresh_from_db()
    assert (address.street, address.lived_from.year) == ("10 Oak Ave", 2014)

    remove_url = reverse("profiles:previous_address_remove", args=[address.pk])
    assert "Remove this previous address?" in client.get(remove_url).content.decode()
    response = client.post(remove_url)
    assert response["Location"] == reverse("profiles:overview")
    assert not ProfileAddress.objects.filter(pk=address.pk).exists()


def test_a_pending_change_to_a_removed_address_is_forgotten(client, resident):
    address = ProfileAddressFactory(profile=ProfileFactory(user=resident))
    client.force_login(resident)
    change_url = reverse("profiles:previous_address_change", args=[address.pk])
    client.post(change_url, {**ADDRESS, "from_year": "2014", "until_year": "2019"})

    client.post(reverse("profiles:previous_address_remove", args=[address.pk]))

    assert client.get(reverse("profiles:check"))["Location"] == reverse("profiles:overview")


def test_an_address_removed_elsewhere_before_saving_is_not_a_500(client, resident):
    address = ProfileAddressFactory(profile=ProfileFactory(user=resident))
    client.force_login(resident)
    client.post(
        reverse("profiles:previous_address_change", args=[address.pk]),
        {**ADDRESS, "from_year": "2014", "until_year": "2019"},
    )
    client.post(reverse("profiles:phone"), {"phone": "413-555-0123"})
    address.delete()

    response = client.post(reverse("profiles:check"))

    assert response["Location"] == reverse("profiles:check")
    check = client.get(reverse("profiles:check")).content.decode()
    assert "Previous address" not in check and "413-555-0123" in check


def test_identifier_is_added_after_the_check_and_removed_after_confirmation(client, resident):
    profile = ProfileFactory(user=resident)
    client.force_login(resident)

    client.post(reverse("profiles:identifier_add"), {"kind": "parcel_id", "value": "57-12-3"})
    assert "57-12-3" in client.get(reverse("profiles:check")).content.decode()
    assert not ResidentIdentifier.objects.exists()
    client.post(reverse("profiles:check"))
    number = ResidentIdentifier.objects.get(profile=profile)
    assert number.value == "57-12-3"

    remove_url = reverse("profiles:identifier_remove", args=[number.pk])
    assert "Remove this number?" in client.get(remove_url).content.decode()
    client.post(remove_url)
    assert not ResidentIdentifier.objects.exists()


def test_identifier_in_the_wrong_format_is_refused_and_kept_as_typed(client, resident):
    client.force_login(resident)

    page = client.post(
        reverse("profiles:identifier_add"), {"kind": "water_sewer_account", "value": "12345"}
    ).content.decode()

    assert "like WS-0012345" in page
    assert 'value="12345"' in page
    assert 'value="water_sewer_account" id="id_kind_0" required checked>' in page


@pytest.mark.parametrize("action", ["previous_address_change", "previous_address_remove"])
def test_another_residents_previous_address_answers_404(client, resident, other_resident, action):
    theirs = ProfileAddressFactory(profile=ProfileFactory(user=other_resident))
    client.force_login(resident)

    url = reverse(f"profiles:{action}", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {**ADDRESS, "from_year": "2014", "until_year": "2019"}).status_code == 404
    )
    assert ProfileAddress.objects.filter(pk=theirs.pk, street=theirs.street).exists()


def test_a_current_address_cannot_be_reached_as_a_previous_one(client, resident):
    current = ProfileAddressFactory(profile=ProfileFactory(user=resident), kind=AddressKind.CURRENT)
    client.force_login(resident)

    assert (
        client.get(reverse("profiles:previous_address_remove", args=[current.pk])).status_code
        == 404
    )


def test_another_residents_number_answers_404(client, resident, other_resident):
    theirs = ResidentIdentifierFactory(profile=ProfileFactory(user=other_resident))
    client.force_login(resident)

    url = reverse("profiles:identifier_remove", args=[theirs.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert ResidentIdentifier.objects.filter(pk=theirs.pk).exists()


def test_each_resident_sees_only_their_own_profile(client, resident, other_resident):
    ProfileFactory(user=other_resident, legal_first_name="Bob", legal_last_name="Booker")
    client.force_login(resident)

    page = client.get(reverse("profiles:overview")).content.decode()

    assert "Booker" not in page


@pytest.mark.parametrize("path", ["profiles:start", "profiles:discard"])
def test_start_and_discard_refuse_get(client, resident, path):
    client.force_login(resident)

    assert client.get(reverse(path)).status_code == 405


def test_every_question_says_why_it_is_asked_and_whether_it_is_required(client, resident):
    client.force_login(resident)
    expected = {
        "profiles:name": "Required.",
        "profiles:date_of_birth": "tells them apart",
        "profiles:address": "Required.",
        "profiles:phone": "Optional.",
        "profiles:language": "Optional.",
        "profiles:previous_address_add": "Older City records carry the address",
        "profiles:identifier_add": "Optional.",
    }
    for name, words in expected.items():
        assert words in client.get(reverse(name)).content.decode(), name


def test_other_names_are_shown_on_the_check_page(client, resident):
    client.force_login(resident)

    client.post(reverse("profiles:name"), {**NAME, "other_names": "Alice Bell"})

    assert "Other names: Alice Bell" in client.get(reverse("profiles:check")).content.decode()


def test_an_answer_that_became_impossible_is_refused_on_saving_not_a_500(client, resident):
    profile = ProfileFactory(user=resident)
    client.force_login(resident)
    session = client.session
    session[SESSION_KEY] = {"setup": False, "answers": {"date_of_birth": "2999-01-01"}}
    session.save()

    response = client.post(reverse("profiles:check"))

    assert response.status_code == 400
    assert "Date of birth must be in the past" in response.content.decode()
    profile.refresh_from_db()
    assert profile.date_of_birth == dt.date(1980, 3, 27)
