"""The clerks' identity pages under /staff/identity/."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.identity.models import (
    DocumentStatus,
    IdentityLevel,
    IdentityOverride,
    IdentityVerification,
    OverrideStatus,
)
from portal.identity.selectors import identity_level
from tests.factories import (
    IdentityOverrideFactory,
    IdentityVerificationFactory,
    ProfileFactory,
    StaffFactory,
    UserFactory,
    identity_document,
)

pytestmark = pytest.mark.django_db

REASON = "Known to the clerk from years of counter visits; no City bill in her name."


@pytest.fixture
def second_clerk(db):
    return StaffFactory(email="dora.clerk@example.org", first_name="Dora", last_name="Dean")


def _pages(resident, verification, document, override):
    return [
        reverse("identity:staff_home"),
        reverse("identity:staff_resident", args=[resident.pk]),
        reverse("identity:staff_in_person", args=[resident.pk]),
        reverse("identity:staff_override_request", args=[resident.pk]),
        reverse("identity:staff_documents"),
        reverse("identity:staff_document", args=[document.pk]),
        reverse("identity:staff_document_image", args=[document.pk]),
        reverse("identity:staff_overrides"),
        reverse("identity:staff_override", args=[override.pk]),
        reverse("identity:staff_revoke", args=[verification.pk]),
    ]


@pytest.fixture
def every_page(named_resident, clerk):
    verification = IdentityVerificationFactory(user=named_resident)
    document = identity_document(user=named_resident)
    override = IdentityOverrideFactory(user=named_resident, requested_by=clerk, level=3)
    return _pages(named_resident, verification, document, override)


def test_every_staff_page_opens_for_a_clerk_and_the_privacy_officer(
    client, every_page, clerk, privacy_officer
):
    for someone in (clerk, privacy_officer):
        client.force_login(someone)
        for url in every_page:
            assert client.get(url).status_code == 200, url


def test_residents_stewards_and_auditors_get_404_on_every_staff_page(
    client, every_page, named_resident, other_resident, steward_a
):
    auditor = StaffFactory(email="avery.auditor@example.org", role="auditor")
    for someone in (named_resident, other_resident, steward_a, auditor):
        client.force_login(someone)
        for url in every_page:
            assert client.get(url).status_code == 404, (someone, url)
            assert client.post(url, {"step": "confirm"}).status_code in (404, 405), url


def test_anonymous_people_are_sent_to_sign_in_from_every_staff_page(client, every_page):
    for url in every_page:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response.url


def test_unknown_ids_are_404(client, clerk):
    client.force_login(clerk)

    for name in (
        "staff_resident",
        "staff_in_person",
        "staff_override_request",
        "staff_document",
        "staff_document_image",
        "staff_override",
        "staff_revoke",
    ):
        assert client.get(reverse(f"identity:{name}", args=[987654])).status_code == 404


def test_staff_accounts_are_not_residents_here(client, clerk, second_clerk):
    client.force_login(clerk)

    url = reverse("identity:staff_resident", args=[second_clerk.pk])
    assert client.get(url).status_code == 404


# --- Search ---------------------------------------------------------------------------------


def test_search_finds_residents_by_email_or_profile_name(
    client, clerk, named_resident, other_resident
):
    client.force_login(clerk)

    by_email = client.get(reverse("identity:staff_home"), {"q": "alice@"})
    by_name = client.get(reverse("identity:staff_home"), {"q": "archer ALICE"})

    for response in (by_email, by_name):
        assert "alice@example.org" in response.text
        assert "bob@example.org" not in response.text
    assert "No account matches" in client.get(reverse("identity:staff_home"), {"q": "zzz"}).text


def test_search_is_paginated_with_a_steady_number_of_queries(client, clerk):
    for number in range(30):
        ProfileFactory(
            user=UserFactory(email=f"resident{number:02d}@example.org"),
            legal_first_name="Sam",
            legal_last_name=f"Resident{number}",
        )
    client.force_login(clerk)

    with CaptureQueriesContext(connection) as first_page:
        page_one = client.get(reverse("identity:staff_home"), {"q": "resident"})
    page_two = client.get(reverse("identity:staff_home"), {"q": "resident", "page": 2})

    assert "Page 1 of 2" in page_one.text
    assert "resident00@example.org" in page_one.text
    assert "resident29@example.org" in page_two.text
    assert "resident00@example.org" not in page_two.text
    with CaptureQueriesContext(connection) as second_page:
        client.get(reverse("identity:staff_home"), {"q": "resident", "page": 2})
    assert len(second_page) == len(first_page)


def test_a_search_without_words_lists_nobody(client, clerk, named_resident):
    client.force_login(clerk)

    response = client.get(reverse("identity:staff_home"), {"q": "   "})

    assert "alice@example.org" not in response.text


# --- In person ------------------------------------------------------------------------------


def test_an_in_person_check_is_recorded_only_after_the_confirmation_page(
    client, clerk, named_resident
):
    client.force_login(clerk)
    url = reverse("identity:staff_in_person", args=[named_resident.pk])
    data = {"document_type": "passport", "number_last4": "x9z1", "confirmed": "on"}

    confirm = client.post(url, data)

    assert "Confirm the photo ID check" in confirm.text
    assert "ending in X9Z1" in confirm.text
    assert identity_level(user=named_resident) == IdentityLevel.EMAIL
    done = client.post(url, {**data, "step": "confirm"})
    assert done.url == reverse("identity:staff_resident", args=[named_resident.pk])
    verification = IdentityVerification.objects.get(user=named_resident)
    assert verification.evidence == {"document_type": "passport", "number_last4": "X9Z1"}
    assert verification.verified_by == clerk


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the kind of ID."),
        (
            {"document_type": "passport", "number_last4": "123456789", "confirmed": "on"},
            "Ensure this value has at most 8 characters",
        ),
        (
            {"document_type": "passport", "number_last4": "12", "confirmed": "on"},
            "Enter the last 4 letters or numbers of the ID number.",
        ),
        (
            {"document_type": "passport", "number_last4": "1234"},
            "Confirm that the photo looks like the person.",
        ),
    ],
)
def test_bad_in_person_input_gets_a_clear_message(client, clerk, named_resident, data, message):
    client.force_login(clerk)

    response = client.post(reverse("identity:staff_in_person", args=[named_resident.pk]), data)

    assert response.status_code == 200
    assert message in response.text
    assert "<title>Error:" in response.text
    assert not IdentityVerification.objects.exists()


def test_a_clerk_cannot_record_their_own_check(client, clerk, named_resident, monkeypatch):
    from portal.identity import services

    client.force_login(clerk)

    def refuse(**kwargs):
        raise services.IdentityError("You cannot check your own identity.", code="self")

    monkeypatch.setattr(services, "identity_in_person_record", refuse)
    response = client.post(
        reverse("identity:staff_in_person", args=[named_resident.pk]),
        {"document_type": "passport", "number_last4": "1234", "confirmed": "on", "step": "confirm"},
    )
    assert "You cannot check your own identity." in response.text


# --- Photo ID review ------------------------------------------------------------------------


def test_the_queue_lists_waiting_photo_ids_oldest_first_with_steady_queries(
    client, clerk, named_resident
):
    client.force_login(clerk)
    identity_document(user=named_resident)
    client.get(reverse("identity:staff_documents"))  # the session's first request does more
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("identity:staff_documents"))
    for number in range(5):
        user = UserFactory(email=f"waiting{number}@example.org")
        ProfileFactory(user=user)
        identity_document(user=user)

    with CaptureQueriesContext(connection) as six:
        response = client.get(reverse("identity:staff_documents"))

    assert len(six) == len(one)
    assert response.text.index("alice@example.org") < response.text.index("waiting4@example.org")


def test_approving_a_photo_id_goes_through_a_confirmation_page(client, clerk, named_resident):
    document = identity_document(user=named_resident)
    client.force_login(clerk)
    url = reverse("identity:staff_document", args=[document.pk])

    page = client.get(url)
    assert reverse("identity:staff_document_image", args=[document.pk]) in page.text
    assert "Alice Archer" in page.text
    confirm = client.post(url, {"decision": "approve"})
    assert "goes to level 3" in confirm.text
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING

    client.post(url, {"decision": "approve", "reason": "", "step": "confirm"})

    document.refresh_from_db()
    assert document.status == DocumentStatus.APPROVED
    assert identity_level(user=named_resident) == IdentityLevel.ATTENDED


def test_refusing_a_photo_id_needs_a_reason(client, clerk, named_resident):
    document = identity_document(user=named_resident)
    client.force_login(clerk)
    url = reverse("identity:staff_document", args=[document.pk])

    response = client.post(url, {"decision": "refuse", "reason": ""})

    assert "Enter why you do not accept the ID." in response.text
    client.post(url, {"decision": "refuse", "reason": "Expired.", "step": "confirm"})
    document.refresh_from_db()
    assert (document.status, document.refuse_reason) == (DocumentStatus.REFUSED, "Expired.")


def test_a_clerk_is_not_offered_a_decision_on_their_own_photo_id(client, clerk):
    ProfileFactory(user=clerk, legal_first_name="Carol", legal_last_name="Clark")
    document = identity_document(user=clerk)
    client.force_login(clerk)
    url = reverse("identity:staff_document", args=[document.pk])

    assert "Another staff member must check it." in client.get(url).text
    response = client.post(url, {"decision": "approve", "step": "confirm"})
    assert "You cannot check your own identity." in response.text
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING


# --- Overrides ------------------------------------------------------------------------------


def test_an_override_asked_for_on_the_page_changes_nothing_until_approved(
    client, clerk, second_clerk, named_resident
):
    client.force_login(clerk)
    response = client.post(
        reverse("identity:staff_override_request", args=[named_resident.pk]),
        {"level": "3", "reason": REASON},
    )
    override = IdentityOverride.objects.get()
    assert response.url == reverse("identity:staff_override", args=[override.pk])
    assert identity_level(user=named_resident) == IdentityLevel.EMAIL

    own = client.get(response.url)
    assert "A different staff member must approve or refuse this override." in own.text
    client.post(response.url, {"decision": "approve", "step": "confirm"})
    assert identity_level(user=named_resident) == IdentityLevel.EMAIL

    client.force_login(second_clerk)
    confirm = client.post(response.url, {"decision": "approve"})
    assert "without the usual evidence" in confirm.text
    client.post(response.url, {"decision": "approve", "step": "confirm"})

    override.refresh_from_db()
    assert override.status == OverrideStatus.APPROVED
    assert identity_level(user=named_resident) == IdentityLevel.ATTENDED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose a level."),
        ({"level": "7", "reason": REASON}, "Choose a level."),
        ({"level": "2", "reason": "short"}, "Write at least 20 characters."),
    ],
)
def test_bad_override_requests_get_a_clear_message(client, clerk, named_resident, data, message):
    client.force_login(clerk)

    response = client.post(
        reverse("identity:staff_override_request", args=[named_resident.pk]), data
    )

    assert message in response.text
    assert not IdentityOverride.objects.exists()


def test_a_refused_override_request_is_explained(client, clerk, named_resident):
    IdentityVerificationFactory(user=named_resident, level=2)
    client.force_login(clerk)

    response = client.post(
        reverse("identity:staff_override_request", args=[named_resident.pk]),
        {"level": "2", "reason": REASON},
    )

    assert "This account already has that level." in response.text


def test_refusing_an_override_needs_a_reason(client, clerk, second_clerk, named_resident):
    override = IdentityOverrideFactory(user=named_resident, requested_by=clerk)
    client.force_login(second_clerk)
    url = reverse("identity:staff_override", args=[override.pk])

    assert "Enter why you refuse the override." in client.post(url, {"decision": "refuse"}).text
    client.post(url, {"decision": "refuse", "reason": "Ask for ID.", "step": "confirm"})

    override.refresh_from_db()
    assert override.status == OverrideStatus.REFUSED
    assert "Refused" in client.get(reverse("identity:staff_overrides")).text


# --- Revoking -------------------------------------------------------------------------------


def test_a_verification_is_withdrawn_after_a_reason_and_a_confirmation(
    client, clerk, named_resident
):
    verification = IdentityVerificationFactory(user=named_resident)
    client.force_login(clerk)
    url = reverse("identity:staff_revoke", args=[verification.pk])

    assert "Enter why you are withdrawing this check." in client.post(url, {"reason": ""}).text
    confirm = client.post(url, {"reason": "The bill was a neighbour's."})
    assert "Confirm: withdraw the check" in confirm.text
    assert identity_level(user=named_resident) == IdentityLevel.REMOTE
    done = client.post(url, {"reason": "The bill was a neighbour's.", "step": "confirm"})

    assert done.url == reverse("identity:staff_resident", args=[named_resident.pk])
    assert identity_level(user=named_resident) == IdentityLevel.EMAIL
    assert client.get(url).status_code == 404
    assert "Withdrawn" in client.get(done.url).text


def test_a_withdrawal_refused_by_the_service_is_explained(
    client, clerk, named_resident, monkeypatch
):
    from portal.identity import services

    verification = IdentityVerificationFactory(user=named_resident)
    client.force_login(clerk)

    def refuse(**kwargs):
        raise services.IdentityError("This check was already withdrawn.", code="revoked")

    monkeypatch.setattr(services, "identity_verification_revoke", refuse)
    response = client.post(
        reverse("identity:staff_revoke", args=[verification.pk]),
        {"reason": "Wrong account.", "step": "confirm"},
    )

    assert "This check was already withdrawn." in response.text


def test_searching_for_nothing_finds_nobody(named_resident):
    from portal.identity.selectors import residents_search

    assert list(residents_search(query=" ")) == []


def test_the_admin_shows_identity_records_read_only(client, privacy_officer, named_resident):
    override = IdentityOverrideFactory(user=named_resident, requested_by=privacy_officer)
    client.force_login(privacy_officer)

    for model in (
        "identityverification",
        "accountknowledgeattempt",
        "identitydocument",
        "identityoverride",
    ):
        assert client.get(f"/admin/identity/{model}/").status_code == 200
        assert client.get(f"/admin/identity/{model}/add/").status_code == 403
    change = client.get(f"/admin/identity/identityoverride/{override.pk}/change/")
    assert change.status_code == 200
    assert 'name="_save"' not in change.text
    delete = client.get(f"/admin/identity/identityoverride/{override.pk}/delete/")
    assert delete.status_code == 403
    assert str(override) == "alice@example.org level 2 pending"
