"""Accounts: email is the login, roles say who is staff, personas are what they claim."""

import pytest
from allauth.account.models import EmailAddress

from portal.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_users_sign_in_by_email_without_a_username():
    user = User.objects.create_user("Resident.One@Example.ORG", "a long enough password")
    assert user.email == "resident.one@example.org"
    assert user.check_password("a long enough password")
    assert not hasattr(user, "username") or user.username is None
    assert user.role == Role.RESIDENT
    assert user.is_city_staff is False


def test_email_is_required():
    with pytest.raises(ValueError, match="email address is required"):
        User.objects.create_user("", "a long enough password")


def test_superuser_is_the_privacy_officer():
    user = User.objects.create_superuser("po@example.org", "a long enough password")
    assert user.is_staff and user.is_superuser
    assert user.role == Role.PRIVACY_OFFICER
    assert user.is_city_staff


def test_personas_have_their_roles_and_departments(
    resident, other_resident, clerk, steward_a, steward_b, privacy_officer, department_a
):
    assert not resident.is_city_staff and not other_resident.is_city_staff
    assert resident != other_resident
    assert clerk.role == Role.CLERK and clerk.is_city_staff
    assert list(steward_a.steward_departments.all()) == [department_a]
    assert department_a not in steward_b.steward_departments.all()
    assert privacy_officer.is_superuser
    assert EmailAddress.objects.get(user=resident).verified


def test_sign_up_requires_email_verification(client, mailoutbox):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "new.resident@example.org",
            "password1": "a sufficiently long passphrase",
            "password2": "a sufficiently long passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not EmailAddress.objects.get(email="new.resident@example.org").verified
    assert len(mailoutbox) == 1
    assert "new.resident@example.org" in mailoutbox[0].to


def test_short_password_is_refused_and_email_kept(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "short@example.org", "password1": "tooshort1", "password2": "tooshort1"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="short@example.org").exists()
    assert b"short@example.org" in response.content
    assert b"at least 12 characters" in response.content
