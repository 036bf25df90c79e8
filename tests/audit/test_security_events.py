"""Signing in and out, failed sign-ins, two-step sign-in and account changes are security events
in the audit trail, naming the account by id and nothing more."""

import json
from datetime import UTC, datetime

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.urls import reverse

from portal.audit.models import AuditCategory, AuditEvent
from tests.factories import TEST_PASSWORD, totp_code, totp_code_for_secret

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
MFA_AUTHENTICATE = "/accounts/2fa/authenticate/"


def _sign_in(client, email, password=TEST_PASSWORD):
    return client.post(LOGIN, {"login": email, "password": password})


def _events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


def test_signing_in_and_out_is_recorded_against_the_account(client, resident):
    _sign_in(client, resident.email)
    client.post(reverse("account_logout"))

    (signed_in,) = _events("account.signed_in")
    (signed_out,) = _events("account.signed_out")
    for event in (signed_in, signed_out):
        assert event.category == AuditCategory.SECURITY
        assert event.actor_id == resident.pk
        assert (event.object_type, event.object_id) == ("accounts.user", str(resident.pk))
    assert signed_out.sequence > signed_in.sequence


@pytest.mark.parametrize("email", ["alice@example.org", "nobody-here@example.org"])
def test_a_failed_sign_in_keeps_nothing_of_what_was_typed(client, resident, email):
    response = _sign_in(client, email, "not the password at all")

    assert response.status_code == 200
    (failed,) = _events("account.sign_in_failed")
    assert failed.category == AuditCategory.SECURITY
    assert failed.actor_id is None
    assert failed.details == {"reason": "failed"}
    stored = json.dumps([failed.object_type, failed.object_id, failed.details])
    assert "example.org" not in stored
    assert "not the password" not in stored
    assert not _events("account.signed_in")


def test_a_wrong_second_factor_code_is_recorded_and_the_right_one_signs_in(client, clerk):
    with time_machine.travel(datetime.now(tz=UTC), tick=False):
        _sign_in(client, clerk.email)
        wrong = "000000" if totp_code(clerk) != "000000" else "111111"
        client.post(MFA_AUTHENTICATE, {"code": wrong})
        assert not _events("account.signed_in")
        client.post(MFA_AUTHENTICATE, {"code": totp_code(clerk)})

    (rejected,) = _events("mfa.code_rejected")
    assert rejected.actor_id is None
    assert rejected.object_id == str(clerk.pk)
    assert rejected.details["authenticator_type"] == "totp"
    (signed_in,) = _events("account.signed_in")
    assert signed_in.actor_id == clerk.pk
    assert signed_in.actor_role == "clerk"


def test_adding_and_removing_an_authenticator_app_is_recorded(
    client, resident, django_capture_on_commit_callbacks, settings
):
    # The callbacks run after the test's request has ended, too late for allauth's emails.
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = False
    _sign_in(client, resident.email)
    asked = client.get(reverse("mfa_activate_totp"))
    if asked.status_code == 302:  # adding a second factor asks for the password again
        client.post(asked["Location"], {"password": TEST_PASSWORD})
        client.get(reverse("mfa_activate_totp"))
    secret = client.session["mfa.totp.secret"]
    # allauth announces the new authenticator once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code_for_secret(secret)})
    assert response.status_code == 302
    totp = Authenticator.objects.get(user=resident, type=Authenticator.Type.TOTP)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    added = [event.details["authenticator_type"] for event in _events("mfa.authenticator_added")]
    assert "totp" in added
    # Turning the app off also removes the recovery codes that backed it up.
    removed = {e.details["authenticator_id"]: e for e in _events("mfa.authenticator_removed")}
    assert removed[totp.pk].details["authenticator_type"] == "totp"
    assert removed[totp.pk].actor_id == resident.pk


def test_confirming_who_you_are_again_is_recorded(client, resident):
    _sign_in(client, resident.email)

    response = client.post(reverse("account_reauthenticate"), {"password": TEST_PASSWORD})

    assert response.status_code == 302
    (event,) = _events("account.reauthenticated")
    assert event.details == {"method": "password"}
    assert event.actor_id == resident.pk


def test_changing_the_password_is_recorded_without_the_password(client, resident):
    _sign_in(client, resident.email)

    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": TEST_PASSWORD,
            "password1": "a brand new passphrase 77",
            "password2": "a brand new passphrase 77",
        },
    )

    assert response.status_code == 302
    (event,) = _events("account.password_changed")
    assert event.actor_id == resident.pk
    assert event.details == {}
