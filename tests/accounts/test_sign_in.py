"""Signing in: where people land, rate limits, two-step codes, the admin's login."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import NoReverseMatch, reverse

from portal.accounts import adapters
from portal.audit.models import AuditEvent
from tests.factories import TEST_PASSWORD, StaffFactory, totp_code

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"


def _sign_in(client, email: str, password: str = TEST_PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def _resident_landing() -> str:
    try:
        return reverse("identity:dashboard")
    except NoReverseMatch:
        return reverse("home")


def test_resident_lands_on_their_account_page(client, resident):
    response = _sign_in(client, resident.email)

    assert response.status_code == 302
    assert response["Location"] == _resident_landing()


def test_resident_lands_on_home_while_the_account_page_is_missing(client, resident, monkeypatch):
    def reverse_without_identity(name, *args, **kwargs):
        if name.startswith("identity:"):
            raise NoReverseMatch(name)
        return reverse(name, *args, **kwargs)

    monkeypatch.setattr(adapters, "reverse", reverse_without_identity)

    response = _sign_in(client, resident.email)

    assert response["Location"] == "/"


def test_staff_land_on_the_staff_pages_after_their_second_factor(client, clerk):
    with time_machine.travel(datetime.now(tz=UTC), tick=False):
        response = _sign_in(client, clerk.email)
        assert response["Location"] == MFA_AUTHENTICATE

        response = client.post(MFA_AUTHENTICATE, {"code": totp_code(clerk)})

    assert response.status_code == 302
    assert response["Location"] == "/staff/"


def test_an_explicit_next_page_wins_over_the_landing_page(client, resident):
    response = client.post(
        f"{LOGIN}?next=/accounts/email/", {"login": resident.email, "password": TEST_PASSWORD}
    )

    assert response["Location"] == "/accounts/email/"


def test_sixth_sign_in_within_five_minutes_is_refused_even_with_the_right_password(
    client, resident
):
    start = datetime.now(tz=UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for _attempt in range(5):
            response = _sign_in(client, resident.email, "not the password at all")
            assert response.status_code == 200
            assert b"email address or password is not right" in response.content
            traveller.shift(timedelta(seconds=30))

        response = _sign_in(client, resident.email)

        assert response.status_code == 200
        assert b"too many wrong tries" in response.content
        assert b"Wait 5 minutes" in response.content
        assert "_auth_user_id" not in client.session
        refusal = AuditEvent.objects.get(action="account.sign_in_refused")
        assert refusal.details == {"reason": "too_many_login_attempts"}
        assert refusal.actor_id is None
        assert resident.email not in str(refusal.details)

        # Five minutes after the first wrong password, the right one works again.
        traveller.move_to(start + timedelta(minutes=5, seconds=1))
        response = _sign_in(client, resident.email)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(resident.pk)


def test_wrong_passwords_for_one_address_do_not_lock_out_another(client, resident, other_resident):
    for _attempt in range(5):
        _sign_in(client, resident.email, "not the password at all")

    response = _sign_in(client, other_resident.email)

    assert response.status_code == 302


def test_a_used_totp_code_is_refused_the_second_time(client, clerk):
    with time_machine.travel(datetime.now(tz=UTC), tick=False):
        code = totp_code(clerk)
        _sign_in(client, clerk.email)
        assert client.post(MFA_AUTHENTICATE, {"code": code})["Location"] == "/staff/"
        client.post("/accounts/logout/")
        assert "_auth_user_id" not in client.session

        response = _sign_in(client, clerk.email)
        assert response["Location"] == MFA_AUTHENTICATE
        response = client.post(MFA_AUTHENTICATE, {"code": code})

        assert response.status_code == 200
        assert b"That code is not right" in response.content
        assert "_auth_user_id" not in client.session


def test_a_wrong_totp_code_is_refused(client, clerk):
    _sign_in(client, clerk.email)

    response = client.post(MFA_AUTHENTICATE, {"code": "000000"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_wrong_two_step_codes_count_towards_the_limit(client, clerk):
    with time_machine.travel(datetime.now(tz=UTC), tick=False):
        _sign_in(client, clerk.email)
        for _attempt in range(5):
            client.post(MFA_AUTHENTICATE, {"code": "000000"})

        response = client.post(MFA_AUTHENTICATE, {"code": totp_code(clerk)})

    assert response.status_code == 200
    assert b"too many wrong tries" in response.content
    assert "_auth_user_id" not in client.session


def test_staff_without_second_factor_sign_in_with_password_alone(client):
    """They are let in, and sent to set one up before any staff page opens."""
    staff = StaffFactory(mfa=False)

    response = _sign_in(client, staff.email)

    assert response["Location"] == "/staff/"
    assert client.get("/staff/")["Location"] == reverse("mfa_activate_totp")
