"""The staff access log and its CSV export: auditors and the privacy officer only."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.access.services import access_record
from portal.audit.models import AuditEvent
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

LOG = reverse("access:log")
EXPORT = reverse("access:log_export")
BOSTON = ZoneInfo("America/New_York")


def _entry(actor, subject, request=None, *, on=None, flagged=False, item="request"):
    # Entries cannot be changed afterwards (a trigger refuses it on PostgreSQL): travel instead.
    with time_machine.travel(on or timezone.now(), tick=False):
        return access_record(
            actor=actor,
            subject=subject,
            item=item,
            request=request,
            purpose="Covering for Dana" if flagged else "",
            outside_assignment=flagged,
        )


def _export_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def test_anonymous_people_are_sent_to_sign_in(client):
    for url in (LOG, EXPORT):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


@pytest.mark.parametrize("persona", ["resident", "clerk", "steward_a"])
def test_residents_clerks_and_stewards_get_404(client, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(LOG).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert not AuditEvent.objects.filter(action="access.exported").exists()


@pytest.mark.parametrize("persona", ["auditor", "privacy_officer"])
def test_auditors_and_the_privacy_officer_read_every_entry_by_id_not_name(
    client, persona, request, clerk, resident, other_resident, filed
):
    _entry(clerk, resident, filed)
    _entry(clerk, other_resident)
    client.force_login(request.getfixturevalue(persona))

    content = client.get(LOG).content.decode()

    assert "2 entries" in content
    assert f"user {resident.pk}" in content and f"user {other_resident.pk}" in content
    assert filed.number in content
    assert "Alice" not in content and "Booker" not in content
    assert "Carol Clark" in content  # the staff member who looked


def test_filters_narrow_the_list(
    client, auditor, clerk, privacy_officer, resident, other_resident, filed, others_request
):
    march = _entry(clerk, resident, filed, on=datetime(2026, 3, 10, 12, tzinfo=BOSTON))
    april = _entry(
        privacy_officer, other_resident, others_request, on=datetime(2026, 4, 2, 9, tzinfo=BOSTON)
    )
    flagged = _entry(
        clerk, resident, filed, on=datetime(2026, 4, 20, 16, tzinfo=BOSTON), flagged=True
    )
    client.force_login(auditor)

    def ids(query: str) -> set[int]:
        page = client.get(LOG + query)
        return {entry.pk for entry in page.context["page"].object_list}

    assert ids("") == {march.pk, april.pk, flagged.pk}
    assert ids("?date_from=2026-04-01") == {april.pk, flagged.pk}
    assert ids("?date_to=2026-04-02") == {march.pk, april.pk}
    assert ids(f"?actor={privacy_officer.pk}") == {april.pk}
    assert ids(f"?subject={resident.pk}") == {march.pk, flagged.pk}
    assert ids(f"?request_number={others_request.number.lower()}") == {april.pk}
    assert ids("?flagged=on") == {flagged.pk}
    assert ids(f"?subject={resident.pk}&date_from=2026-04-01") == {flagged.pk}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?date_from=yesterday", "Enter a date like 2026-03-01."),
        ("?actor=carol", "account number, in digits"),
        ("?request_number=12", "Enter a request number like FIPA-2026-000123."),
        ("?date_from=2026-05-01&date_to=2026-04-01", "on or after the start date"),
    ],
)
def test_bad_filters_are_explained_not_a_500(client, auditor, query, message):
    client.force_login(auditor)

    response = client.get(LOG + query)

    assert response.status_code == 200
    assert "<title>Error:" in response.content.decode()
    assert message in response.content.decode()


def test_the_log_costs_the_same_queries_for_1_and_many(client, auditor, resident, filed):
    staff = [StaffFactory(email=f"log{n}@example.org") for n in range(3)]
    _entry(staff[0], resident, filed)
    client.force_login(auditor)
    client.get(LOG)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LOG).status_code == 200
        return len(queries)

    with_one = count()
    for n in range(40):
        _entry(staff[n % 3], resident, filed, flagged=n % 2 == 0)
    assert with_one == count()


def test_the_log_is_paginated(client, auditor, clerk, resident):
    for _ in range(51):
        _entry(clerk, resident)
    client.force_login(auditor)

    second = client.get(LOG + "?page=2")

    assert len(second.context["page"].object_list) == 1
    assert client.get(LOG + "?page=999").status_code == 200


def test_export_is_a_filtered_csv_and_is_audited(
    client, privacy_officer, clerk, resident, other_resident, filed
):
    mine = _entry(clerk, resident, filed, flagged=True)
    _entry(clerk, other_resident)
    client.force_login(privacy_officer)

    response = client.get(EXPORT + f"?subject={resident.pk}")

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _export_rows(response)
    assert [row["id"] for row in rows] == [str(mine.pk)]
    assert rows[0]["subject_id"] == str(resident.pk)
    assert rows[0]["request_number"] == filed.number
    assert rows[0]["outside_assignment"] == "yes"
    assert rows[0]["purpose"] == "Covering for Dana"
    assert rows[0]["item_label"] == "Request overview"
    event = AuditEvent.objects.get(action="access.exported")
    assert event.actor_id == privacy_officer.pk
    assert event.details == {"rows": 1, "subject": resident.pk}


def test_export_cells_never_start_a_formula(client, auditor, clerk, resident, filed):
    access_record(
        actor=clerk,
        subject=resident,
        item="request",
        request=filed,
        purpose='=HYPERLINK("http://evil.example.org")',
        outside_assignment=True,
    )
    client.force_login(auditor)

    rows = _export_rows(client.get(EXPORT))

    assert rows[0]["purpose"].startswith("'=")


def test_export_with_bad_filters_goes_back_to_the_list(client, auditor):
    client.force_login(auditor)

    response = client.get(EXPORT + "?actor=carol")

    assert response.status_code == 302
    assert response["Location"].startswith(LOG)
    assert not AuditEvent.objects.filter(action="access.exported").exists()
