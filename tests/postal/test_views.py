"""The resident's pages for a code by post: every page, and what it refuses."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from portal.identity.models import IdentityLevel, VerificationMethod
from portal.identity.selectors import identity_level
from portal.identity.services import identity_verification_record
from portal.postal.models import MailedCode, MailedCodeStatus, ReviewReason
from portal.postal.services import print_batch_create
from tests.factories import MailedCodeFactory
from tests.postal.helpers import batch_codes, profile_set

pytestmark = pytest.mark.django_db

START = reverse("postal:request_code")
CHECK = reverse("postal:check_answers")
ENTER = reverse("postal:enter_code")


@pytest.fixture
def enqueued(monkeypatch):
    sent: list[str] = []
    from tasks.postal import find_address_of_record

    monkeypatch.setattr(find_address_of_record, "delay", sent.append)
    return sent


@pytest.fixture
def signed_in(client, resident):
    client.force_login(resident)
    return client


def _detail(mailed_code) -> str:
    return reverse("postal:request_detail", kwargs={"pk": mailed_code.pk})


def _mailed_letter(user, clerk) -> tuple[MailedCode, str]:
    mailed_code = MailedCodeFactory(ready=True, user=user)
    batch = print_batch_create(clerk=clerk, enter_url="http://testserver" + ENTER)
    mailed_code.refresh_from_db()
    return mailed_code, batch_codes(batch)[mailed_code.reference]


@pytest.mark.parametrize(
    "url",
    [
        START,
        CHECK,
        ENTER,
        "/account/mailed-code/00000000-0000-0000-0000-000000000000/",
        "/account/mailed-code/00000000-0000-0000-0000-000000000000/address/",
        "/account/mailed-code/00000000-0000-0000-0000-000000000000/address/check/",
    ],
)
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_start_page_explains_the_letter_goes_to_the_address_on_record(signed_in, resident):
    profile_set(resident)

    response = signed_in.get(START)

    assert response.status_code == 200
    text = response.content.decode()
    assert "address the City has on record for you" in text
    assert "You cannot choose the address" in text
    assert "several days" in text
    assert "30 days" in text
    assert CHECK in text
    assert "no-store" in response["Cache-Control"]


def test_start_page_without_name_or_birth_date_points_to_the_profile(signed_in, resident):
    response = signed_in.get(START)

    assert CHECK not in response.content.decode()
    assert "First add your full legal name and date of birth" in response.content.decode()


def test_check_answers_shows_the_name_and_birth_date_that_will_be_used(signed_in, resident):
    profile_set(resident, middle="May")

    response = signed_in.get(CHECK)

    text = response.content.decode()
    assert "Alice May Archer" in text
    assert "14 March 1980" in text
    assert "The address the City has on record for you" in text


def test_check_answers_without_profile_details_sends_to_the_profile(signed_in, resident):
    profile_set(resident, born=None)

    response = signed_in.get(CHECK, follow=True)

    assert response.redirect_chain[0][0] == reverse("profiles:overview")
    messages = [str(m) for m in response.context["messages"]]
    assert any("date of birth" in m for m in messages)


def test_posting_without_profile_details_creates_nothing(signed_in, resident, enqueued):
    response = signed_in.post(CHECK)

    assert response.status_code == 302
    assert not MailedCode.objects.exists()


def test_asking_creates_the_request_and_shows_its_state(
    signed_in, resident, enqueued, django_capture_on_commit_callbacks
):
    profile_set(resident)

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(CHECK, follow=True)

    mailed_code = MailedCode.objects.get(user=resident)
    assert enqueued == [str(mailed_code.id)]
    assert response.redirect_chain[-1][0] == _detail(mailed_code)
    assert "We are looking for your address" in response.content.decode()


def test_asking_twice_is_refused_with_a_message(signed_in, resident, enqueued):
    profile_set(resident)
    MailedCodeFactory(user=resident)

    response = signed_in.post(CHECK, follow=True)

    assert MailedCode.objects.filter(user=resident).count() == 1
    assert "You have already asked for a code" in response.content.decode()


def test_level_two_residents_are_told_they_need_no_code(signed_in, resident):
    identity_verification_record(
        user=resident,
        level=IdentityLevel.REMOTE,
        method=VerificationMethod.ACCOUNT_KNOWLEDGE,
        evidence={},
    )

    response = signed_in.get(START)

    assert "You do not need a code" in response.content.decode()


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("finding", "We are looking for your address"),
        ("needs_review", "A clerk needs to check your details"),
        ("ready", "We are preparing your letter"),
        ("refused", "A clerk could not confirm where to send your letter"),
        ("void", "no longer works"),
    ],
)
def test_the_request_page_says_where_it_stands(signed_in, resident, status, words):
    mailed_code = MailedCodeFactory(user=resident, status=status)

    response = signed_in.get(_detail(mailed_code))

    assert words in response.content.decode()


def test_the_request_page_never_shows_the_address_of_record(signed_in, resident):
    mailed_code = MailedCodeFactory(ready=True, user=resident, address_line1="99 Secret Lane")

    for url in (_detail(mailed_code), START, ENTER):
        assert "99 Secret Lane" not in signed_in.get(url).content.decode()


def test_a_mailed_letter_shows_the_dates_and_expires_on_screen(signed_in, resident, clerk):
    # The session is signed in again after each jump in time: idle sessions end.
    with time_machine.travel(dt.datetime(2027, 1, 12, 15, 0, tzinfo=dt.UTC)):
        mailed_code, _ = _mailed_letter(resident, clerk)
        signed_in.force_login(resident)
        text = signed_in.get(_detail(mailed_code)).content.decode()
        start = signed_in.get(START).content.decode()
    assert "We mailed your letter on 12 January 2027" in text
    assert "Enter your code by 11 February 2027" in text
    assert ENTER in start

    with time_machine.travel(dt.datetime(2027, 2, 12, 15, 0, tzinfo=dt.UTC)):
        signed_in.force_login(resident)
        text = signed_in.get(_detail(mailed_code)).content.decode()
    assert "stopped working after 11 February 2027" in text


def test_another_residents_request_is_not_found(client, other_resident, resident):
    mailed_code = MailedCodeFactory(user=resident, status="needs_review")
    client.force_login(other_resident)

    for name in ("postal:request_detail", "postal:give_address", "postal:give_address_check"):
        response = client.get(reverse(name, kwargs={"pk": mailed_code.pk}))
        assert response.status_code == 404
    response = client.post(
        reverse("postal:give_address", kwargs={"pk": mailed_code.pk}), {"line1": "x"}
    )
    assert response.status_code == 404


# --- Giving an address ----------------------------------------------------------------------


ADDRESS_FORM = {
    "line1": "7 Orchard Lane",
    "line2": "",
    "city": "Westfield",
    "state": "ma",
    "postal_code": "01085",
}


def test_giving_an_address_asks_to_check_it_then_sends_it_to_a_clerk(signed_in, resident):
    mailed_code = MailedCodeFactory(user=resident, status="needs_review", review_reason="no_match")
    url = reverse("postal:give_address", kwargs={"pk": mailed_code.pk})
    check = reverse("postal:give_address_check", kwargs={"pk": mailed_code.pk})

    assert "Give your address" in signed_in.get(_detail(mailed_code)).content.decode()
    response = signed_in.post(url, ADDRESS_FORM)
    assert response["Location"] == check
    page = signed_in.get(check).content.decode()
    assert "7 Orchard Lane" in page and "Westfield, MA 01085" in page
    # "Change" brings back what was typed.
    assert 'value="7 Orchard Lane"' in signed_in.get(url).content.decode()

    response = signed_in.post(check, follow=True)

    mailed_code.refresh_from_db()
    assert mailed_code.typed_line1 == "7 Orchard Lane"
    assert mailed_code.typed_state == "MA"
    assert mailed_code.review_reason == ReviewReason.TYPED_ADDRESS
    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW
    assert mailed_code.address_line1 == ""
    assert "A clerk will check" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("line1", "", "Enter your street address"),
        ("city", "", "Enter your town or city"),
        ("state", "Mass", "two letters"),
        ("state", "M1", "two letters"),
        ("postal_code", "1085", "ZIP code with 5 numbers"),
        ("postal_code", "", "Enter your ZIP code"),
    ],
)
def test_a_bad_address_gets_a_clear_message_and_keeps_what_was_typed(
    signed_in, resident, field, value, message
):
    mailed_code = MailedCodeFactory(user=resident, status="needs_review")

    response = signed_in.post(
        reverse("postal:give_address", kwargs={"pk": mailed_code.pk}),
        {**ADDRESS_FORM, "line2": "Apt 3", field: value},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in text
    assert 'class="error-summary"' in text
    assert message in text
    assert 'value="Apt 3"' in text


def test_no_address_can_be_given_once_the_letter_is_settled(signed_in, resident):
    mailed_code = MailedCodeFactory(ready=True, user=resident)

    response = signed_in.post(
        reverse("postal:give_address", kwargs={"pk": mailed_code.pk}), ADDRESS_FORM
    )

    assert response["Location"] == _detail(mailed_code)
    mailed_code.refresh_from_db()
    assert mailed_code.typed_line1 == ""


def test_confirming_an_address_after_a_clerk_decided_is_refused(signed_in, resident):
    mailed_code = MailedCodeFactory(user=resident, status="needs_review")
    signed_in.post(reverse("postal:give_address", kwargs={"pk": mailed_code.pk}), ADDRESS_FORM)
    mailed_code.status = MailedCodeStatus.REFUSED
    mailed_code.save()

    response = signed_in.post(
        reverse("postal:give_address_check", kwargs={"pk": mailed_code.pk}), follow=True
    )

    assert "only give an address while a clerk is checking" in response.content.decode()
    mailed_code.refresh_from_db()
    assert mailed_code.typed_line1 == ""


def test_the_check_page_without_an_address_goes_back_to_the_question(signed_in, resident):
    mailed_code = MailedCodeFactory(user=resident, status="needs_review")

    response = signed_in.get(reverse("postal:give_address_check", kwargs={"pk": mailed_code.pk}))

    assert response["Location"] == reverse("postal:give_address", kwargs={"pk": mailed_code.pk})


# --- Entering the code ----------------------------------------------------------------------


def test_the_right_code_reaches_level_two(signed_in, resident, clerk):
    mailed_code, code = _mailed_letter(resident, clerk)
    assert "The code works until" in signed_in.get(ENTER).content.decode()

    response = signed_in.post(ENTER, {"code": code}, follow=True)

    assert response.redirect_chain[-1][0] == _detail(mailed_code)
    assert "We have confirmed who you are" in response.content.decode()
    assert identity_level(user=resident) == IdentityLevel.REMOTE


def test_a_wrong_code_says_so_by_the_field_and_keeps_the_level(signed_in, resident, clerk):
    _, code = _mailed_letter(resident, clerk)
    wrong = "ACDEF-GHJK3" if code != "ACDEF-GHJK3" else "ACDEF-GHJK4"

    response = signed_in.post(ENTER, {"code": wrong})

    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in text
    assert "That code is not right" in text
    assert "You have 4 tries left" in text
    assert f'value="{wrong}"' in text
    assert identity_level(user=resident) == IdentityLevel.EMAIL


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the code from your letter"),
        ("ACDEF", "10 letters and numbers"),
        ("ACDEF-GHJK0", "only uses the letters and numbers printed"),
    ],
)
def test_a_malformed_code_is_not_counted(signed_in, resident, clerk, typed, message):
    mailed_code, _ = _mailed_letter(resident, clerk)

    response = signed_in.post(ENTER, {"code": typed})

    assert message in response.content.decode()
    mailed_code.refresh_from_db()
    assert mailed_code.wrong_entries == 0


def test_the_last_wrong_code_voids_the_letter(signed_in, resident, clerk, settings):
    settings.POSTAL_MAX_WRONG_CODES = 2
    _, code = _mailed_letter(resident, clerk)
    wrong = "ACDEF-GHJK3" if code != "ACDEF-GHJK3" else "ACDEF-GHJK4"

    signed_in.post(ENTER, {"code": wrong})
    response = signed_in.post(ENTER, {"code": wrong}, follow=True)

    assert "it was the last try" in response.content.decode()
    response = signed_in.post(ENTER, {"code": code}, follow=True)
    assert "We have not mailed you a code that you can use now" in response.content.decode()
    assert identity_level(user=resident) == IdentityLevel.EMAIL


def test_an_expired_code_is_refused_with_a_message(signed_in, resident, clerk):
    _, code = _mailed_letter(resident, clerk)
    after = timezone.now() + dt.timedelta(days=40)

    with time_machine.travel(after):
        signed_in.force_login(resident)
        page = signed_in.get(ENTER).content.decode()
        response = signed_in.post(ENTER, {"code": code}, follow=True)

    assert "You do not have a letter with a code that works now" in page
    assert "has expired" in response.content.decode()
    assert identity_level(user=resident) == IdentityLevel.EMAIL


def test_entering_a_code_without_a_letter_explains(signed_in, resident):
    response = signed_in.get(ENTER)

    assert "You do not have a letter with a code that works now" in response.content.decode()
    response = signed_in.post(ENTER, {"code": "ACDEF-GHJK3"}, follow=True)
    assert response.redirect_chain[-1][0] == START
