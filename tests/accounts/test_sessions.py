"""Session time limits, "Stay signed in", no-store pages, cookies and the list of sessions."""

import json
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from allauth.usersessions.models import UserSession
from django.test import Client

from tests.factories import TEST_PASSWORD, UserFactory
from tests.test_checks import PRODUCTION_ENVIRONMENT, _manage

pytestmark = pytest.mark.django_db

EXTEND = "/session/extend/"
START = datetime(2027, 1, 12, 9, 0, tzinfo=UTC)


def _signed_in(response) -> bool:
    return response.wsgi_request.user.is_authenticated


def test_idle_session_is_signed_out_and_the_next_page_says_why(client, resident):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(resident)
        traveller.shift(timedelta(minutes=29, seconds=59))
        assert _signed_in(client.get("/"))

        traveller.shift(timedelta(minutes=30))
        response = client.get("/")

    assert not _signed_in(response)
    assert "_auth_user_id" not in client.session
    assert b"We signed you out because you did nothing on the portal for 30 minutes" in (
        response.content
    )


def test_idle_expiry_sends_a_protected_page_to_sign_in_with_the_reason(client, resident):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(resident)
        traveller.shift(timedelta(minutes=31))
        response = client.get("/accounts/email/", follow=True)

    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert b"did nothing on the portal for 30 minutes" in response.content


def test_activity_keeps_the_session_but_not_beyond_twelve_hours(client, resident):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(resident)
        for _visit in range(35):  # every 20 minutes for 11 h 40 min
            traveller.shift(timedelta(minutes=20))
            assert _signed_in(client.get("/"))
        traveller.move_to(START + timedelta(hours=12))
        response = client.get("/")

    assert not _signed_in(response)
    assert b"you had been signed in for 12 hours, the longest we allow" in response.content


def test_time_limits_follow_the_settings(client, resident, settings):
    settings.SESSION_IDLE_TIMEOUT_SECONDS = 5 * 60
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(resident)
        traveller.shift(timedelta(minutes=5))
        response = client.get("/")

    assert not _signed_in(response)
    assert b"for 5 minutes" in response.content


def test_stay_signed_in_restarts_the_idle_clock(client, resident):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(resident)
        traveller.shift(timedelta(minutes=28))
        response = client.post(EXTEND, HTTP_ACCEPT="application/json")
        assert response.status_code == 200
        assert json.loads(response.content) == {
            "signed_in": True,
            "idle_seconds_left": 30 * 60,
            "absolute_seconds_left": 12 * 3600 - 28 * 60,
        }

        traveller.shift(timedelta(minutes=28))
        assert _signed_in(client.get("/"))


def test_stay_signed_in_cannot_pass_the_twelve_hour_limit(client, resident):
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(resident)
        for _visit in range(35):
            traveller.shift(timedelta(minutes=20))
            client.post(EXTEND, HTTP_ACCEPT="application/json")
        response = client.post(EXTEND, HTTP_ACCEPT="application/json")
        assert json.loads(response.content)["absolute_seconds_left"] == 20 * 60
        traveller.move_to(START + timedelta(hours=12))
        response = client.post(EXTEND, HTTP_ACCEPT="application/json")

    assert response.status_code == 401
    assert json.loads(response.content) == {"signed_in": False}


def test_stay_signed_in_without_javascript_returns_to_the_page(client, resident):
    client.force_login(resident)

    response = client.post(EXTEND, {"next": "/accounts/email/"})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/email/"


def test_stay_signed_in_does_not_follow_a_next_address_elsewhere(client, resident):
    client.force_login(resident)

    response = client.post(EXTEND, {"next": "https://evil.example/"})

    assert response["Location"] == "/"


def test_stay_signed_in_when_already_signed_out(client):
    response = client.post(EXTEND, {"next": "/accounts/email/"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_stay_signed_in_needs_a_post_with_the_csrf_token(resident):
    client = Client(enforce_csrf_checks=True)
    client.force_login(resident)

    assert client.get(EXTEND).status_code == 405
    assert client.post(EXTEND, HTTP_ACCEPT="application/json").status_code == 403


def test_signed_in_pages_carry_the_warning_and_anonymous_pages_do_not(client, resident):
    assert b"data-session-timeout" not in client.get("/").content

    client.force_login(resident)
    text = client.get("/").content.decode()

    assert "data-session-timeout" in text
    idle_left = int(text.split('data-idle-seconds-left="')[1].split('"')[0])
    assert 1790 <= idle_left <= 1800
    assert 'data-warning-seconds="120"' in text
    assert "Stay signed in" in text
    assert 'action="/session/extend/"' in text
    assert "session-timeout.js" in text


def test_every_signed_in_page_is_no_store(client, resident, clerk):
    assert "no-store" not in client.get("/").get("Cache-Control", "")

    client.force_login(resident)
    for path in ("/", "/accounts/email/", "/accounts/sessions/", "/no-such-page/"):
        assert "no-store" in client.get(path)["Cache-Control"], path

    client.force_login(clerk)
    assert "no-store" in client.get("/staff/")["Cache-Control"]


def test_production_cookies_are_host_prefixed_secure_http_only_and_lax():
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, "
        "s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.SESSION_COOKIE_DOMAIN, s.SESSION_COOKIE_PATH, s.CSRF_COOKIE_NAME, "
        "s.CSRF_COOKIE_SECURE, s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_DOMAIN, s.CSRF_COOKIE_PATH)"
    )
    result = _manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENVIRONMENT)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-sessionid",
        "True",
        "True",
        "Lax",
        "None",
        "/",
        "__Host-csrftoken",
        "True",
        "True",
        "None",
        "/",
    ]


def test_session_cookie_header_in_production_form(client, resident, settings):
    settings.SESSION_COOKIE_NAME = "__Host-sessionid"
    settings.SESSION_COOKIE_SECURE = True

    response = client.post(
        "/accounts/login/", {"login": resident.email, "password": TEST_PASSWORD}, secure=True
    )

    cookie = response.cookies["__Host-sessionid"]
    header = cookie.output()
    assert "Secure" in header
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    assert "Path=/" in header
    assert "Domain" not in header


def _second_device(user) -> Client:
    device = Client(HTTP_USER_AGENT="Second phone")
    device.force_login(user)
    device.get("/")
    return device


def test_resident_sees_where_they_are_signed_in(client, resident):
    _second_device(resident)
    client.force_login(resident)

    response = client.get("/accounts/sessions/")

    assert response.status_code == 200
    text = response.content.decode()
    assert "Second phone" in text
    assert "This device" in text
    assert "Sign out everywhere else" in text


def test_ending_other_sessions_asks_for_the_password_first(client, resident):
    device = _second_device(resident)
    client.post("/accounts/login/", {"login": resident.email, "password": TEST_PASSWORD})

    response = client.post("/accounts/sessions/")

    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert _signed_in(device.get("/"))

    response = client.post(response["Location"], {"password": TEST_PASSWORD})

    assert response.status_code == 302
    assert not _signed_in(device.get("/"))
    assert _signed_in(client.get("/"))
    assert UserSession.objects.filter(user=resident).count() == 1


def test_sessions_past_a_time_limit_are_not_listed(client, resident):
    with time_machine.travel(START, tick=False) as traveller:
        _second_device(resident)
        traveller.shift(timedelta(minutes=25))
        client.force_login(resident)
        traveller.shift(timedelta(minutes=10))

        text = client.get("/accounts/sessions/").content.decode()

    assert "Second phone" not in text
    assert "You are signed in only here" in text
    assert UserSession.objects.filter(user=resident).count() == 1


def test_sessions_page_needs_sign_in(client):
    response = client.get("/accounts/sessions/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_residents_see_only_their_own_sessions(client, resident, other_resident):
    other_device = Client(HTTP_USER_AGENT="Bob's laptop")
    other_device.force_login(other_resident)
    other_device.get("/")
    client.force_login(resident)

    assert "Bob's laptop" not in client.get("/accounts/sessions/").content.decode()


def test_new_sign_in_starts_both_clocks(client):
    user = UserFactory()
    with time_machine.travel(START, tick=False):
        client.post("/accounts/login/", {"login": user.email, "password": TEST_PASSWORD})
        session = client.session

    assert session["portal_signed_in_at"] == START.timestamp()
    assert session["portal_last_activity_at"] == START.timestamp()
