"""Helpers for the access-log tests: a filed request, a photo ID waiting for a clerk, a
disclosure outside the City, and a clerk's stated purpose."""

import datetime as dt

import pytest
from django.urls import reverse

from portal.access.models import AccessLogEntry
from portal.access.services import access_record
from portal.disclosures.models import Disclosure, DisclosureBasis, RecipientKind
from requests.services import request_submit
from tests.factories import StaffFactory, identity_document
from tests.requests.conftest import verify


@pytest.fixture
def auditor(db):
    return StaffFactory(
        email="audrey.auditor@example.org", first_name="Audrey", last_name="Adams", role="auditor"
    )


@pytest.fixture
def filed(resident):
    """Alice's access request, not assigned to anyone."""
    verify(resident)
    return request_submit(requester=resident, subject=resident, kind="access")


@pytest.fixture
def others_request(other_resident):
    verify(other_resident)
    return request_submit(requester=other_resident, subject=other_resident, kind="inquiry")


@pytest.fixture
def photo_id(resident):
    return identity_document(user=resident)


def disclose(*, subject, recorded_by, recipient="Westfield Housing Authority"):
    """A disclosure outside the City and its access-log entry, as the disclosure pages write."""
    disclosure = Disclosure.objects.create(
        subject=subject,
        recipient_name=recipient,
        recipient_kind=RecipientKind.AGENCY,
        basis=DisclosureBasis.LAW,
        legal_basis="M.G.L. c. 121B §32",
        intended_use="Checking eligibility for public housing",
        data_disclosed="your water and sewer account history",
        disclosed_on=dt.date(2026, 3, 2),
        recorded_by=recorded_by,
    )
    access_record(
        actor=recorded_by,
        subject=subject,
        item="disclosure",
        action="disclosure",
        obj=disclosure,
        disclosure=disclosure,
    )
    return disclosure


def state_purpose(client, record, description="Covering for Dana while she is away"):
    return client.post(
        reverse("requests:staff_purpose", args=[record.number]),
        {"kind": "covering", "description": description},
    )


def new_entries(before: int) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(pk__gt=before).order_by("pk"))


def last_entry_id() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
