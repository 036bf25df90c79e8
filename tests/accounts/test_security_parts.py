"""The pieces: the sensitive-action decorator, the password validator, staff MFA rules, admin."""

import time

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.core.exceptions import ReauthenticationRequired
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from portal.accounts.decorators import sensitive_action, staff_required
from portal.accounts.models import SafeguardsAcknowledgment
from portal.accounts.services import safeguards_acknowledge
from portal.accounts.validators import CityThemedPasswordValidator, city_term_in
from tests.factories import DepartmentFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


@sensitive_action
def _close_account(request):
    return HttpResponse("done")


def _request(rf, user, method="post"):
    request = getattr(rf, method)("/close/")
    request.user = user
    request.session = SessionStore()
    return request


def test_sensitive_action_asks_to_confirm_identity_before_acting(rf, resident):
    with pytest.raises(ReauthenticationRequired):
        _close_account(_request(rf, resident))


def test_sensitive_action_shows_the_page_without_asking(rf, resident):
    assert _close_account(_request(rf, resident, "get")).content == b"done"


def test_sensitive_action_acts_after_a_recent_confirmation(rf, resident):
    request = _request(rf, resident)
    record_authentication(request, resident, method="password", reauthenticated=True)

    assert _close_account(request).content == b"done"


def test_sensitive_action_asks_again_after_five_minutes(rf, resident, monkeypatch):
    request = _request(rf, resident)
    record_authentication(request, resident, method="password", reauthenticated=True)
    later = time.time() + 5 * 60 + 1
    monkeypatch.setattr(time, "time", lambda: later)

    with pytest.raises(ReauthenticationRequired):
        _close_account(request)


def test_sensitive_action_sends_anonymous_visitors_to_sign_in(rf):
    response = _close_account(_request(rf, AnonymousUser()))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_staff_required_refuses_residents_with_not_found(rf, resident):
    from django.http import Http404

    view = staff_required(lambda request: HttpResponse("staff"))
    with pytest.raises(Http404):
        view(_request(rf, resident, "get"))
    assert view(_request(rf, StaffFactory(), "get")).content == b"staff"


@pytest.mark.parametrize(
    ("password", "term"),
    [
        ("westfield", "westfield"),
        ("WESTFIELD", "westfield"),
        ("w3stf!3ld", "westfield"),
        ("West Field", "westfield"),
        ("wh1p_c1ty", "whip city"),
        ("0l085", "01085"),
        ("m@$$achu$etts", "massachusetts"),
        ("Westfield River", "westfield"),
    ],
)
def test_city_terms_are_found_through_case_spacing_and_lookalikes(password, term):
    assert city_term_in(password) == term


@pytest.mark.parametrize(
    "password", ["a quiet meadow of sleepy otters", "westward fields", "whipped cream city"]
)
def test_ordinary_passwords_pass_the_city_validator(password):
    CityThemedPasswordValidator().validate(password)


def test_city_validator_explains_itself():
    validator = CityThemedPasswordValidator()
    with pytest.raises(ValidationError) as error:
        validator.validate("go westfield bombers")
    assert error.value.code == "password_city_themed"
    assert "Westfield" in validator.get_help_text()


def test_only_staff_acknowledge_the_safeguards(resident):
    with pytest.raises(ValueError, match="Only staff"):
        safeguards_acknowledge(user=resident)
    assert not SafeguardsAcknowledgment.objects.exists()


def test_staff_factory_makes_ready_staff_unless_told_otherwise():
    ready = StaffFactory()
    bare = StaffFactory(mfa=False, acknowledged=False)

    assert Authenticator.objects.filter(user=ready, type=Authenticator.Type.TOTP).count() == 1
    assert ready.safeguards_acknowledgments.count() == 1
    assert not Authenticator.objects.filter(user=bare).exists()
    assert not bare.safeguards_acknowledgments.exists()


def _sign_in_with_code(client, staff):
    from tests.factories import TEST_PASSWORD, totp_code

    client.post("/accounts/login/", {"login": staff.email, "password": TEST_PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(staff)})
    # Turning the app off asks for a fresh confirmation: give the password again.
    response = client.get("/accounts/2fa/totp/deactivate/")
    if response.status_code == 302 and "reauthenticate" in response["Location"]:
        client.post(response["Location"], {"password": TEST_PASSWORD})


def test_staff_cannot_turn_off_their_only_second_factor(client, clerk):
    _sign_in_with_code(client, clerk)

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 200
    assert b"Staff accounts must keep two-step sign-in" in response.content
    assert Authenticator.objects.filter(user=clerk, type=Authenticator.Type.TOTP).exists()


def test_residents_can_turn_off_their_authenticator_app(client):
    resident = StaffFactory(role="resident", acknowledged=False)
    _sign_in_with_code(client, resident)

    response = client.post("/accounts/2fa/totp/deactivate/")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=resident, type=Authenticator.Type.TOTP).exists()


def test_admin_shows_role_second_factor_and_safeguards(client, privacy_officer, clerk):
    client.force_login(privacy_officer)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 200
    text = response.content.decode().lower()
    assert "carol.clerk@example.org" in text
    assert "two-step sign-in" in text
    assert "safeguards acknowledged" in text


def test_privacy_officer_sets_a_stewards_departments_in_the_admin(client, privacy_officer):
    steward = StaffFactory(role="steward")
    parks = DepartmentFactory(slug="parks", name="Parks and Recreation")
    client.force_login(privacy_officer)
    url = f"/admin/accounts/user/{steward.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert b"departments this person stewards" in page.content.lower()
    formset = page.context["inline_admin_formsets"][0].formset
    prefix = formset.prefix

    response = client.post(
        url,
        {
            "email": steward.email,
            "first_name": steward.first_name,
            "last_name": steward.last_name,
            "role": "steward",
            "is_active": "on",
            "date_joined_0": "2027-01-12",
            "date_joined_1": "09:00:00",
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
            f"{prefix}-0-department": str(parks.pk),
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert list(steward.steward_departments.all()) == [parks]


def test_admin_users_who_are_not_the_privacy_officer_cannot_change_roles(client):
    from django.contrib.auth.models import Permission

    helper = StaffFactory(role="clerk", is_staff=True)
    helper.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    target = UserFactory()
    client.force_login(helper)

    page = client.get(f"/admin/accounts/user/{target.pk}/change/")

    assert page.status_code == 200
    assert "role" not in page.context["adminform"].form.fields
    assert page.context["inline_admin_formsets"][0].formset.can_delete is False


def test_safeguards_records_cannot_be_changed_in_the_admin(client, privacy_officer, clerk):
    client.force_login(privacy_officer)
    acknowledgment = SafeguardsAcknowledgment.objects.get(user=clerk)

    assert client.get("/admin/accounts/safeguardsacknowledgment/").status_code == 200
    assert client.get("/admin/accounts/safeguardsacknowledgment/add/").status_code == 403
    delete_url = f"/admin/accounts/safeguardsacknowledgment/{acknowledgment.pk}/delete/"
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert SafeguardsAcknowledgment.objects.filter(pk=acknowledgment.pk).exists()
