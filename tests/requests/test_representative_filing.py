"""A representative files a request for a resident under an active grant, and only then."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from requests.models import Request
from requests.services import request_submit
from tests.factories import GrantFactory
from tests.requests.conftest import verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def representative(other_resident):
    verify(other_resident)
    return other_resident


@pytest.fixture
def grant(representative, resident):
    return GrantFactory(representative=representative, resident=resident, accepted=True)


def test_representative_with_an_active_grant_files_for_the_resident(
    representative, resident, grant
):
    filed = request_submit(requester=representative, subject=resident, kind="access", grant=grant)

    assert filed.requester == representative
    assert filed.subject == resident
    assert filed.representation_grant == grant


@pytest.mark.parametrize(
    "state",
    [{"status": "pending"}, {"status": "refused"}, {"status": "revoked"}, {"expired": True}],
)
def test_grant_that_is_not_active_files_nothing(representative, resident, grant, state):
    if state.get("expired"):
        grant.expires_on = timezone.localdate() - timedelta(days=1)
    else:
        grant.status = state["status"]
        grant.revoked_at = timezone.now() if state["status"] == "revoked" else None
    grant.save()

    with pytest.raises(PermissionDenied):
        request_submit(requester=representative, subject=resident, kind="access", grant=grant)
    assert Request.objects.count() == 0


def test_grant_not_covering_the_kind_files_nothing(representative, resident, grant):
    grant.scope = ["inquiry"]
    grant.save()

    with pytest.raises(PermissionDenied):
        request_submit(requester=representative, subject=resident, kind="access", grant=grant)


def test_filing_for_someone_else_without_a_grant_is_refused(representative, resident):
    with pytest.raises(PermissionDenied):
        request_submit(requester=representative, subject=resident, kind="access")


def test_a_grant_is_not_for_filing_about_oneself(representative, grant):
    with pytest.raises(ValueError, match="on someone else's behalf"):
        request_submit(requester=representative, subject=representative, kind="access", grant=grant)


def test_representative_files_through_the_pages_and_sees_the_label(
    client, representative, resident, grant
):
    client.force_login(representative)

    start = client.get(f"/requests/start/?for={grant.pk}")
    assert start.status_code == 200
    assert "You are acting on behalf of Alice Archer" in start.content.decode()
    client.post("/requests/new/type/", {"kind": "access"})
    client.post("/requests/new/about/", {"description": "Water bills since 2020"})
    client.post("/requests/new/departments/", {})
    client.post("/requests/new/delivery/", {"delivery": "portal"})
    check = client.get("/requests/new/check/")
    assert "You are acting on behalf of Alice Archer" in check.content.decode()

    response = client.post("/requests/new/check/")

    filed = Request.objects.get()
    assert response.status_code == 302
    assert (filed.requester, filed.subject, filed.representation_grant) == (
        representative,
        resident,
        grant,
    )
    detail = client.get(f"/requests/{filed.number}/").content.decode()
    assert "on behalf of Alice Archer" in detail


def test_kind_outside_the_grant_is_refused_on_its_page(client, representative, grant):
    grant.scope = ["inquiry"]
    grant.save()
    client.force_login(representative)
    client.get(f"/requests/start/?for={grant.pk}")

    response = client.post("/requests/new/type/", {"kind": "access"})

    assert response.status_code == 200
    assert "You may ask only for" in response.content.decode()


def test_someone_elses_grant_answers_404(client, clerk, grant):
    stranger = GrantFactory(accepted=True).representative
    client.force_login(stranger)

    assert client.get(f"/requests/start/?for={grant.pk}").status_code == 404
    assert client.get("/requests/start/?for=not-a-number").status_code == 404


def test_grant_that_ended_while_writing_sends_nothing(client, representative, grant):
    client.force_login(representative)
    client.get(f"/requests/start/?for={grant.pk}")
    for step, data in (
        ("type", {"kind": "access"}),
        ("about", {"description": ""}),
        ("departments", {}),
        ("delivery", {"delivery": "portal"}),
    ):
        client.post(f"/requests/new/{step}/", data)
    grant.status = "revoked"
    grant.revoked_at = timezone.now()
    grant.save()

    response = client.post("/requests/new/check/")

    assert response.status_code == 302
    assert response["Location"] == "/account/representing/"
    assert Request.objects.count() == 0
