"""The auditor's pages: the trail with filters, one event, the CSV export and the chain check.
Only auditors and the privacy officer open them."""

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditCategory, AuditEvent
from portal.audit.services import audit_record
from portal.audit.verify import audit_chain_verify
from tests.audit.test_chain import _without_append_only_trigger
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

EVENTS = reverse("audit:events")
EXPORT = reverse("audit:export")
VERIFY = reverse("audit:verify")


@pytest.fixture
def auditor():
    return StaffFactory(
        email="avery.auditor@example.org", first_name="Avery", last_name="Aud", role="auditor"
    )


def _event(number, *, action="test.thing_done", category=AuditCategory.DECISION, actor=None):
    return audit_record(
        action=action,
        category=category,
        actor=actor,
        object_type="requests.request",
        object_id=number,
        fields=["status"],
        details={"to_status": "closed", "count": number},
    )


def _sequences(response):
    return [item.sequence for item in response.context["page"]]


# --- Who may look ---------------------------------------------------------------------------


URLS = [EVENTS, EXPORT, VERIFY, "event"]


def _url(name, event):
    return reverse("audit:event", args=[event.sequence]) if name == "event" else name


@pytest.mark.parametrize("url", URLS)
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(_url(url, _event(1)))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", ["resident", "clerk", "steward_a"])
@pytest.mark.parametrize("url", URLS)
def test_everyone_but_auditors_and_the_privacy_officer_gets_404(client, request, persona, url):
    event = _event(1)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_url(url, event)).status_code == 404
    assert client.post(VERIFY).status_code == 404
    assert not AuditEvent.objects.filter(action__startswith="audit.").exists()


@pytest.mark.parametrize("persona", ["auditor", "privacy_officer"])
def test_auditors_and_the_privacy_officer_read_the_trail(client, request, persona):
    _event(1)
    client.force_login(request.getfixturevalue(persona))

    response = client.get(EVENTS)

    assert response.status_code == 200
    assert "test.thing_done" in response.content.decode()


def test_the_staff_home_offers_the_trail_to_auditors_only(client, auditor, clerk):
    client.force_login(auditor)
    text = client.get(reverse("staff_home")).content.decode()
    assert f'href="{EVENTS}"' in text

    client.force_login(clerk)
    assert f'href="{EVENTS}"' not in client.get(reverse("staff_home")).content.decode()


# --- The list -------------------------------------------------------------------------------


def test_the_list_is_newest_first_in_pages_of_fifty(client, auditor):
    client.force_login(auditor)
    first = AuditEvent.objects.order_by("-sequence").first().sequence
    for number in range(60):
        _event(number)
    newest = first + 60

    page_one = client.get(EVENTS)
    page_two = client.get(EVENTS, {"page": 2})

    assert _sequences(page_one) == list(range(newest, newest - 50, -1))
    assert _sequences(page_two)[0] == newest - 50
    assert page_two.context["page"].paginator.count == newest


def test_filters_narrow_the_list(client, auditor, clerk):
    client.force_login(auditor)
    kept = _event(7, action="test.kept", category=AuditCategory.SECURITY, actor=clerk)
    _event(7, action="test.other", category=AuditCategory.SECURITY, actor=clerk)
    _event(8, action="test.kept", category=AuditCategory.SECURITY, actor=clerk)
    _event(7, action="test.kept", category=AuditCategory.RECORD, actor=clerk)
    _event(7, action="test.kept", category=AuditCategory.SECURITY)
    today = timezone.localdate()

    response = client.get(
        EVENTS,
        {
            "date_from": today.isoformat(),
            "date_to": today.isoformat(),
            "category": "security",
            "action": "test.kept",
            "actor_id": str(clerk.pk),
            "object_type": "requests.request",
            "object_id": "7",
        },
    )

    assert _sequences(response) == [kept.sequence]
    text = response.content.decode()
    assert "Kind: Security event" in text  # a removable tag for each filter
    assert "Remove filter" in text


def test_dates_outside_the_range_are_left_out(client, auditor):
    client.force_login(auditor)
    _event(1)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    later = client.get(EVENTS, {"date_from": tomorrow.isoformat()})
    earlier = client.get(EVENTS, {"date_to": (tomorrow - dt.timedelta(days=2)).isoformat()})

    assert _sequences(later) == []
    assert _sequences(earlier) == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"date_from": "31/01/2027"}, "Enter the first day as a date"),
        ({"date_from": "2027-02-02", "date_to": "2027-02-01"}, "The last day must be"),
        ({"actor_id": "carol"}, "Enter the user id as a whole number"),
        ({"category": "gossip"}, "Choose a kind from the list"),
        ({"action": "no.such_action"}, "Choose what happened from the list"),
    ],
)
def test_bad_filters_are_explained_and_kept(client, auditor, query, message):
    client.force_login(auditor)

    response = client.get(EVENTS, query)

    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert "There is a problem" in text
    assert "<title>Error:" in text
    for name in ("date_from", "date_to", "actor_id"):
        if name in query:
            assert f'value="{query[name]}"' in text  # nothing typed is lost


def test_the_list_costs_the_same_queries_for_one_event_or_thirty(client, auditor):
    client.force_login(auditor)
    client.get(EVENTS)  # warm the session

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(EVENTS).status_code == 200
        return len(queries)

    _event(1)
    one = count()
    for number in range(30):
        _event(number, action=f"test.kind_{number}")
    many = count()

    assert one == many


# --- One event ------------------------------------------------------------------------------


def test_an_event_page_shows_every_column_and_both_hashes(client, auditor, clerk):
    client.force_login(auditor)
    event = _event(42, actor=clerk)

    response = client.get(reverse("audit:event", args=[event.sequence]))

    text = response.content.decode()
    for value in (
        str(event.sequence),
        "Decision",
        "test.thing_done",
        f"user {clerk.pk}",
        "clerk",
        "requests.request 42",
        "status",
        "to_status",
        event.previous_hash,
        event.hash,
    ):
        assert value in text


def test_an_event_that_does_not_exist_is_404(client, auditor):
    client.force_login(auditor)

    assert client.get(reverse("audit:event", args=[999_999])).status_code == 404


# --- The export -----------------------------------------------------------------------------


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_export_holds_the_filtered_rows_with_every_column(client, auditor, clerk):
    client.force_login(auditor)
    kept = _event(5, action="test.kept", actor=clerk)
    _event(6, action="test.other")

    response = client.get(EXPORT, {"action": "test.kept"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    header, *rows = _csv(response)
    assert header == [
        "sequence",
        "occurred_at",
        "category",
        "action",
        "actor_id",
        "actor_role",
        "object_type",
        "object_id",
        "field_names",
        "details",
        "previous_hash",
        "hash",
    ]
    assert len(rows) == 1
    row = dict(zip(header, rows[0], strict=True))
    assert row["sequence"] == str(kept.sequence)
    assert row["action"] == "test.kept"
    assert row["actor_id"] == str(clerk.pk)
    assert row["actor_role"] == "clerk"
    assert row["object_id"] == "5"
    assert row["field_names"] == "status"
    assert json.loads(row["details"]) == {"to_status": "closed", "count": 5}
    assert row["previous_hash"] == kept.previous_hash
    assert row["hash"] == kept.hash


def test_the_export_is_itself_recorded_with_its_filters(client, auditor):
    client.force_login(auditor)
    _event(5)

    _csv(client.get(EXPORT, {"category": "decision", "object_id": "5"}))

    exported = AuditEvent.objects.get(action="audit.exported")
    assert exported.actor_id == auditor.pk
    assert exported.category == AuditCategory.RECORD
    assert exported.details["category"] == "decision"
    assert exported.details["object_id"] == "5"
    assert exported.details["action"] == ""
    assert audit_chain_verify().intact


def test_the_export_shows_the_trail_up_to_the_moment_it_was_asked_for(client, auditor):
    client.force_login(auditor)
    _event(5)

    rows = _csv(client.get(EXPORT))[1:]

    exported = AuditEvent.objects.get(action="audit.exported")
    assert [int(row[0]) for row in rows] == list(range(exported.sequence - 1, 0, -1))


def test_an_export_with_bad_filters_goes_back_to_the_list_and_records_nothing(client, auditor):
    client.force_login(auditor)

    response = client.get(EXPORT, {"actor_id": "carol"})

    assert response.status_code == 302
    assert response["Location"] == f"{EVENTS}?actor_id=carol"
    assert not AuditEvent.objects.filter(action="audit.exported").exists()


# --- The chain check ------------------------------------------------------------------------


def test_the_check_page_offers_a_button_and_checks_nothing_until_asked(client, auditor):
    client.force_login(auditor)

    response = client.get(VERIFY)

    assert response.status_code == 200
    assert "Check the audit trail" in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.chain_verified").exists()


def test_the_check_reports_an_intact_trail_and_is_recorded(client, auditor):
    client.force_login(auditor)
    _event(1)
    total = AuditEvent.objects.count()

    response = client.post(VERIFY)

    text = response.content.decode()
    assert "The audit trail is intact" in text
    assert f"{total} events checked" in text
    recorded = AuditEvent.objects.get(action="audit.chain_verified")
    assert recorded.actor_id == auditor.pk
    assert recorded.details == {"intact": True, "checked": total, "broken_at": None}


def test_the_check_names_the_event_changed_behind_the_portals_back(client, auditor):
    client.force_login(auditor)
    events = [_event(number) for number in range(4)]
    changed = events[2].sequence
    _without_append_only_trigger(
        "UPDATE audit_auditevent SET action = %s WHERE sequence = %s", ["test.hidden", changed]
    )

    response = client.post(VERIFY)

    text = response.content.decode()
    assert "The audit trail is broken" in text
    assert f"The chain breaks at event {changed}" in text
    assert reverse("audit:event", args=[changed]) in text
    recorded = AuditEvent.objects.get(action="audit.chain_verified")
    assert recorded.details == {"intact": False, "checked": changed - 1, "broken_at": changed}
