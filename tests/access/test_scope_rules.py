"""Need to know for requests and the access log, through `portal.access.scope`: a resident sees
the requests about them, whoever filed them; a representative only while a grant covering that
kind of request is in force."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.access.models import AccessLogEntry
from portal.access.scope import visible
from portal.access.services import access_record
from requests.models import Request
from requests.selectors import resident_requests, staff_requests
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


@pytest.fixture
def filed_for_her(representative, resident, grant):
    return request_submit(requester=representative, subject=resident, kind="access", grant=grant)


def test_the_resident_sees_a_request_her_representative_filed_about_her(
    client, resident, filed_for_her
):
    assert list(resident_requests(user=resident)) == [filed_for_her]
    client.force_login(resident)

    listing = client.get(reverse("requests:list")).content.decode()
    detail = client.get(reverse("requests:detail", args=[filed_for_her.number]))

    assert filed_for_her.number in listing
    assert detail.status_code == 200
    assert "filed this request for you, as your representative" in detail.content.decode()
    assert reverse("requests:reply", args=[filed_for_her.number]) not in detail.content.decode()
    assert "Withdraw this request" not in detail.content.decode()


def test_the_resident_reads_but_does_not_reply_or_withdraw_for_the_representative(
    client, resident, filed_for_her
):
    client.force_login(resident)

    for name in ("reply", "withdraw"):
        url = reverse(f"requests:{name}", args=[filed_for_her.number])
        assert client.get(url).status_code == 404, name
    filed_for_her.refresh_from_db()
    assert filed_for_her.status != "withdrawn"


def test_the_representative_sees_it_while_the_grant_covers_it(
    client, representative, grant, filed_for_her
):
    client.force_login(representative)
    url = reverse("requests:detail", args=[filed_for_her.number])

    assert client.get(url).status_code == 200
    assert client.get(reverse("requests:reply", args=[filed_for_her.number])).status_code == 200

    grant.scope = ["inquiry"]
    grant.save()
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("end", ["revoked", "expired"])
def test_the_representative_loses_it_when_the_grant_ends(
    client, representative, grant, filed_for_her, end
):
    if end == "revoked":
        grant.status = "revoked"
        grant.revoked_at = timezone.now()
    else:
        grant.expires_on = timezone.localdate() - dt.timedelta(days=1)
    grant.save()
    client.force_login(representative)

    assert list(resident_requests(user=representative)) == []
    assert client.get(reverse("requests:detail", args=[filed_for_her.number])).status_code == 404


def test_the_representative_sees_no_other_request_of_the_resident(
    representative, resident, grant, filed_for_her
):
    verify(resident)
    her_own = request_submit(requester=resident, subject=resident, kind="inquiry")
    grant.scope = ["access"]
    grant.save()

    assert list(resident_requests(user=representative)) == [filed_for_her]
    assert her_own in resident_requests(user=resident)


def test_staff_see_requests_by_role_and_setting(
    clerk, privacy_officer, steward_a, auditor, filed_for_her, settings
):
    assert filed_for_her in staff_requests(user=clerk)
    assert filed_for_her in staff_requests(user=privacy_officer)
    assert list(staff_requests(user=steward_a)) == []
    assert list(staff_requests(user=auditor)) == []
    settings.ACCESS_CLERKS_SEE = "assigned"
    assert list(staff_requests(user=clerk)) == []
    assert filed_for_her in staff_requests(user=privacy_officer)


def test_a_representative_reads_the_log_only_under_an_access_log_grant(
    representative, resident, clerk, grant
):
    entry = access_record(actor=clerk, subject=resident, item="identity_record", obj=resident)

    assert entry in visible(representative, AccessLogEntry)
    grant.scope = ["access"]
    grant.save()
    assert entry not in visible(representative, AccessLogEntry)


def test_clerks_and_stewards_read_no_log_and_auditors_all(
    clerk, steward_a, auditor, privacy_officer, resident, other_resident
):
    mine = access_record(actor=clerk, subject=resident, item="identity_record")
    theirs = access_record(actor=clerk, subject=other_resident, item="identity_record")

    assert list(visible(clerk, AccessLogEntry)) == []
    assert list(visible(steward_a, AccessLogEntry)) == []
    assert set(visible(auditor, AccessLogEntry)) == {mine, theirs}
    assert set(visible(privacy_officer, AccessLogEntry)) == {mine, theirs}
    assert list(visible(resident, AccessLogEntry)) == [mine]
    assert Request.objects.count() == 0


@pytest.mark.parametrize("persona", ["clerk", "privacy_officer", "auditor"])
def test_staff_never_open_requests_through_the_residents_pages(client, persona, request, resident):
    verify(resident)
    filed = request_submit(requester=resident, subject=resident, kind="access")
    staff = request.getfixturevalue(persona)
    client.force_login(staff)

    assert list(resident_requests(user=staff)) == []
    assert client.get(reverse("requests:detail", args=[filed.number])).status_code == 404
    assert filed.number not in client.get(reverse("requests:list")).content.decode()
