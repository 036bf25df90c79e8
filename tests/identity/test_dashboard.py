"""The resident's "Your account" page."""

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from portal.identity.models import AccountKnowledgeAttempt, AttemptStatus
from portal.identity.selectors import StepStatus, identity_steps
from tests.factories import IdentityVerificationFactory, identity_document

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("identity:dashboard")


def _attempt(user, source, status=AttemptStatus.PENDING):
    return AccountKnowledgeAttempt.objects.create(
        user=user,
        identifier_kind="water_sewer_account",
        identifier_last4="0007",
        identifier_digest="x",
        source=source,
        status=status,
    )


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_new_resident_sees_level_1_and_the_steps_to_take(client, named_resident, water_source):
    client.force_login(named_resident)

    response = client.get(DASHBOARD)

    assert response.status_code == 200
    assert "Level 1: email address confirmed" in response.text
    assert reverse("identity:account_knowledge") in response.text
    assert reverse("identity:id_upload") in response.text
    assert response.text.count("Not started") == 2
    assert "Done" in response.text


def test_the_dashboard_shows_level_2_once_linked(client, named_resident):
    IdentityVerificationFactory(user=named_resident, level=2)
    client.force_login(named_resident)

    response = client.get(DASHBOARD)

    assert "Level 2: linked to your City records" in response.text
    assert "City account number and a recent bill" in response.text


def test_the_steps_follow_the_residents_progress(named_resident, water_source, clerk):
    steps = identity_steps(user=named_resident)
    assert (steps.link_status, steps.photo_status) == (StepStatus.NOT_STARTED,) * 2
    assert steps.link_kinds == ["water_sewer_account"]

    attempt = _attempt(named_resident, water_source)
    assert identity_steps(user=named_resident).link_status == StepStatus.WAITING
    attempt.status = AttemptStatus.FAILED
    attempt.save()
    for _ in range(4):
        _attempt(named_resident, water_source, AttemptStatus.FAILED)
    steps = identity_steps(user=named_resident)
    assert steps.link_status == StepStatus.LOCKED
    assert steps.link_locked_until is not None

    document = identity_document(user=named_resident)
    assert identity_steps(user=named_resident).photo_status == StepStatus.WAITING
    from portal.identity.services import identity_document_decide

    identity_document_decide(document=document, decided_by=clerk, approve=True)
    steps = identity_steps(user=named_resident)
    assert (steps.link_status, steps.photo_status) == (StepStatus.DONE, StepStatus.DONE)


def test_without_a_name_the_photo_step_asks_for_it_first(resident):
    assert identity_steps(user=resident).photo_status == StepStatus.LOCKED


def test_an_unconfirmed_email_is_not_done(resident):
    EmailAddress.objects.filter(user=resident).update(verified=False)

    steps = identity_steps(user=resident)

    assert not steps.email_confirmed
    assert steps.level == 0


def test_a_refused_photo_id_shows_the_clerks_reason(client, named_resident, clerk):
    from portal.identity.services import identity_document_decide

    document = identity_document(user=named_resident)
    identity_document_decide(
        document=document, decided_by=clerk, approve=False, reason="The photo is blurred."
    )
    client.force_login(named_resident)

    response = client.get(DASHBOARD)

    assert "The photo is blurred." in response.text
    assert "Upload another photo of your ID" in response.text


def test_a_locked_link_step_says_when_to_try_again(client, named_resident, water_source):
    for _ in range(5):
        _attempt(named_resident, water_source, AttemptStatus.FAILED)
    client.force_login(named_resident)

    response = client.get(DASHBOARD)

    assert "Locked" in response.text
    assert "You can try again after" in response.text


def test_a_pending_check_links_to_its_result(client, named_resident, water_source):
    attempt = _attempt(named_resident, water_source)
    client.force_login(named_resident)

    response = client.get(DASHBOARD)

    assert reverse("identity:account_knowledge_attempt", args=[attempt.pk]) in response.text
    assert "Checking" in response.text


def test_the_dashboard_shows_nothing_of_another_resident(
    client, named_resident, other_resident, water_source
):
    IdentityVerificationFactory(user=other_resident, level=3, method="in_person_id")
    _attempt(other_resident, water_source)
    identity_document(user=other_resident)
    client.force_login(named_resident)

    response = client.get(DASHBOARD)

    assert "Level 1" in response.text
    assert "Photo ID checked in person" not in response.text
    assert "Waiting for a clerk" not in response.text
    assert "Checking" not in response.text
    assert "bob@example.org" not in response.text


def test_the_dashboard_links_to_the_other_account_pages_that_exist(client, named_resident):
    client.force_login(named_resident)

    response = client.get(DASHBOARD)

    for name in ("account_email", "mfa_index", "usersessions_list"):
        assert reverse(name) in response.text
