"""Email codes, password reset, email change and the password rules."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress

from portal.accounts.models import User
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

SIGNUP = "/accounts/signup/"
CONFIRM_EMAIL = "/accounts/confirm-email/"
PASSWORD_RESET = "/accounts/password/reset/"
NEW_PASSWORD = "a quiet meadow of sleepy otters"


def _sign_up(client, email: str) -> str:
    """Sign up; the code we emailed."""
    response = client.post(
        SIGNUP, {"email": email, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )
    assert response["Location"] == CONFIRM_EMAIL
    return client.session["account_email_verification_code"]["code"]


def test_the_emailed_code_confirms_the_address(client, mailoutbox):
    code = _sign_up(client, "new.resident@example.org")
    assert code in mailoutbox[0].body

    response = client.post(CONFIRM_EMAIL, {"code": code})

    assert response.status_code == 302
    assert EmailAddress.objects.get(email="new.resident@example.org").verified
    assert client.session["_auth_user_id"]


def test_code_is_refused_after_ten_minutes(client):
    start = datetime.now(tz=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        code = _sign_up(client, "late.resident@example.org")
        traveller.move_to(start + timedelta(minutes=10, seconds=1))

        response = client.post(CONFIRM_EMAIL, {"code": code})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert not EmailAddress.objects.get(email="late.resident@example.org").verified
    assert "_auth_user_id" not in client.session


def test_code_still_works_at_nine_minutes(client):
    start = datetime.now(tz=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        code = _sign_up(client, "prompt.resident@example.org")
        traveller.move_to(start + timedelta(minutes=9))

        client.post(CONFIRM_EMAIL, {"code": code})

    assert EmailAddress.objects.get(email="prompt.resident@example.org").verified


def test_third_wrong_code_ends_the_attempt(client):
    code = _sign_up(client, "unlucky.resident@example.org")

    for _attempt in range(2):
        response = client.post(CONFIRM_EMAIL, {"code": "WRONG1"})
        assert response.status_code == 200
        assert b"That code is not right" in response.content
        assert b"<title>Error:" in response.content
    response = client.post(CONFIRM_EMAIL, {"code": "WRONG1"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    # The right code no longer works: the attempt is over.
    response = client.post(CONFIRM_EMAIL, {"code": code})
    assert not EmailAddress.objects.get(email="unlucky.resident@example.org").verified
    assert "_auth_user_id" not in client.session


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    client, resident, mailoutbox
):
    known = client.post(PASSWORD_RESET, {"email": resident.email})
    unknown = client.post(PASSWORD_RESET, {"email": "nobody.here@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password/reset/done/"
    known_page = client.get(known["Location"]).content
    unknown_page = client.get(unknown["Location"]).content
    assert known_page == unknown_page
    # Each address gets one message; only its owner can read which kind it is.
    assert [message.to for message in mailoutbox] == [
        [resident.email],
        ["nobody.here@example.org"],
    ]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body
    assert "/accounts/password/reset/key/" not in mailoutbox[1].body
    assert mailoutbox[0].subject.startswith("[City of Westfield]")


def test_changing_email_confirms_the_new_address_and_tells_the_old_one(
    client, resident, mailoutbox
):
    old_email = resident.email
    client.post("/accounts/login/", {"login": old_email, "password": TEST_PASSWORD})

    response = client.post("/accounts/email/", {"email": "alice.new@example.org", "action_add": ""})
    # allauth asks for the password again, then carries out the change it kept.
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": TEST_PASSWORD})
    assert response.status_code == 302
    assert mailoutbox[-1].to == ["alice.new@example.org"]
    code = client.session["account_email_verification_code"]["code"]
    assert code in mailoutbox[-1].body
    assert "style=" not in client.get("/accounts/email/").content.decode()

    client.post(CONFIRM_EMAIL, {"code": code})

    resident.refresh_from_db()
    assert resident.email == "alice.new@example.org"
    assert list(EmailAddress.objects.filter(user=resident).values_list("email", flat=True)) == [
        "alice.new@example.org"
    ]
    notice = mailoutbox[-1]
    assert notice.to == [old_email]
    assert "alice.new@example.org" in notice.body


def test_changing_email_asks_for_the_password_when_not_given_recently(client, resident):
    client.force_login(resident)

    response = client.post("/accounts/email/", {"email": "alice.new@example.org", "action_add": ""})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not EmailAddress.objects.filter(email="alice.new@example.org").exists()


def test_email_change_with_bad_address_shows_error_and_keeps_input(client, resident):
    client.force_login(resident)

    response = client.post("/accounts/email/", {"email": "not-an-address", "action_add": ""})

    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>Error:" in text
    assert 'href="#id_email"' in text
    assert 'value="not-an-address"' in text


@pytest.mark.parametrize(
    "password",
    [
        "I love Westfield so much",
        "W3stf1eld forever and ever",
        "whip-city-rules-all-day",
        "my zip is 01085 okay then",
        "Massachusetts is my home state",
        "meet me at CITY HALL at noon",
        "pioneer valley sunsets are nice",
        "records p0rtal password please",
        "W.E.S.T.F.I.E.L.D quietly",
    ],
)
def test_city_themed_passwords_are_refused_and_the_email_kept(client, password):
    response = client.post(
        SIGNUP, {"email": "themed@example.org", "password1": password, "password2": password}
    )

    assert response.status_code == 200
    assert b"linked to Westfield" in response.content
    assert b"themed@example.org" in response.content
    assert not User.objects.filter(email="themed@example.org").exists()


@pytest.mark.parametrize(
    "password",
    ["a quiet meadow of sleepy otters", "lowercase words only here", "correct horse battery"],
)
def test_long_passwords_need_no_digits_capitals_or_symbols(client, password):
    response = client.post(
        SIGNUP, {"email": "plain@example.org", "password1": password, "password2": password}
    )

    assert response.status_code == 302
    assert User.objects.filter(email="plain@example.org").exists()


def test_common_passwords_are_refused(client):
    response = client.post(
        SIGNUP,
        {"email": "common@example.org", "password1": "password1234", "password2": "password1234"},
    )

    assert response.status_code == 200
    assert b"too common" in response.content
