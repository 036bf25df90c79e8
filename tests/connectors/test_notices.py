"""The notice of every personal data system (c. 66A §2(e), c. 30 §63): exported as CSV for the
privacy officer and auditors, on the staff pages and by a command, and recorded when it is."""

import csv
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.audit.models import AuditCategory, AuditEvent
from portal.audit.verify import audit_chain_verify
from requests.models import DataSource
from requests.sources import CSV_COLUMNS
from tests.factories import DepartmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

EXPORT = reverse("requests:source_notices")
STAFF_HOME = "/staff/"
NOTICE = {
    "purpose": "Billing water and sewer charges.",
    "categories_of_data": "Names, service addresses, bills, payments.",
    "approximate_number_of_persons": 13500,
    "retention_and_disposal": "Six years after the account closes, then shredded.",
    "sources_of_data": "Account holders; meter readings.",
    "uses_and_users": "Billing staff; the billing vendor under contract.",
}


@pytest.fixture
def auditor(db):
    return StaffFactory(email="avery.auditor@example.org", role="auditor")


def _source(slug, *, department=None, **fields):
    return DataSource.objects.create(
        department=department or DepartmentFactory(name="Water and Sewer", slug="water_sewer"),
        slug=slug,
        name=fields.pop("name", "Water billing"),
        kind=fields.pop("kind", "manual"),
        enabled=fields.pop("enabled", False),
        responsible_officer="Superintendent of Water",
        **fields,
    )


def _rows(text):
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("persona", ["privacy_officer", "auditor"])
def test_the_export_has_every_notice_field_of_every_source(client, request, persona):
    _source("water-billing", **NOTICE)
    _source("water-plans", name="Payment plans", sensitive=True, required_identity_level=3)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(EXPORT)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="source-notices-' in response["Content-Disposition"]
    header, *rows = _rows(response.content.decode())
    assert header == list(CSV_COLUMNS)
    assert {
        "responsible_officer",
        "purpose",
        "categories_of_data",
        "approximate_number_of_persons",
        "retention_and_disposal",
        "sources_of_data",
        "uses_and_users",
    } <= set(header)
    plans, billing = (dict(zip(header, row, strict=True)) for row in rows)  # by name
    assert billing == {
        "department": "Water and Sewer",
        "source": "Water billing",
        "slug": "water-billing",
        "kind": "manual",
        "enabled": "no",
        "responsible_officer": "Superintendent of Water",
        **{field: str(value) for field, value in NOTICE.items()},
        "sensitive": "no",
        "required_identity_level": "2",
        "missing_notice_fields": "",
    }
    assert plans["sensitive"] == "yes"
    assert plans["required_identity_level"] == "3"
    assert plans["missing_notice_fields"] == (
        "purpose;categories_of_data;approximate_number_of_persons;retention_and_disposal;"
        "sources_of_data;uses_and_users"
    )


def test_the_export_is_recorded_in_the_audit_trail(client, auditor):
    _source("water-billing", **NOTICE)
    _source("water-plans", name="Payment plans")
    client.force_login(auditor)

    client.get(EXPORT)

    event = AuditEvent.objects.get(action="sources.notices_exported")
    assert event.category == AuditCategory.RECORD
    assert event.actor_id == auditor.pk
    assert event.details == {"format": "csv", "channel": "web", "sources": 2, "incomplete": 1}
    assert audit_chain_verify().intact


@pytest.mark.parametrize("persona", ["clerk", "steward_a", "resident"])
def test_everyone_else_gets_404_and_nothing_is_recorded(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(EXPORT)

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="sources.notices_exported").exists()


def test_anonymous_people_sign_in_first(client):
    response = client.get(EXPORT)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_export_only_answers_get(client, auditor):
    client.force_login(auditor)

    assert client.post(EXPORT).status_code == 405


def test_the_number_of_queries_does_not_grow_with_sources(client, auditor):
    client.force_login(auditor)
    _source("one")
    client.get(EXPORT)  # the session's first page reads more than later ones
    with CaptureQueriesContext(connection) as one:
        client.get(EXPORT)
    department = DepartmentFactory(name="Assessors", slug="assessors")
    for number in range(5):
        _source(f"more-{number}", department=department)
    with CaptureQueriesContext(connection) as many:
        client.get(EXPORT)

    assert len(many) == len(one)


def test_the_command_writes_the_same_csv_and_is_recorded(capsys, client, auditor):
    _source("water-billing", **NOTICE)
    client.force_login(auditor)
    downloaded = client.get(EXPORT).content.decode()

    call_command("export_source_notices")

    assert capsys.readouterr().out == downloaded
    event = AuditEvent.objects.filter(action="sources.notices_exported").latest("sequence")
    assert event.actor_id is None
    assert event.details["channel"] == "command"


def test_the_staff_home_links_the_export_for_auditors_and_the_privacy_officer(
    client, auditor, privacy_officer, clerk
):
    link = f'href="{EXPORT}"'
    for person, shown in ((auditor, True), (privacy_officer, True), (clerk, False)):
        client.force_login(person)
        assert (link in client.get(STAFF_HOME).content.decode()) is shown, person.role


def test_every_demo_source_has_a_complete_notice_and_passes_its_checks(tmp_path, settings):
    from portal.demo.setup import departments_ensure
    from portal.demo.sources import demo_sources_ensure
    from requests.sources import notice_missing_fields

    settings.DEMO_DATA_DIR = tmp_path
    departments_ensure()

    sources = demo_sources_ensure(directory=tmp_path)

    assert len(sources) >= 4
    for source in sources:
        assert notice_missing_fields(source) == [], source.slug
        source.full_clean()
        assert source.sensitive == (source.required_identity_level == 3), source.slug
