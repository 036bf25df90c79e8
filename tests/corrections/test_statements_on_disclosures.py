"""A statement of disagreement goes with every disclosure of the data it is about (c. 66A §2(j)):
recording a disclosure of a resident's data from a department keeps the ids of their statements
on that department's data, and the disclosure's page shows the words that were sent. The clerk's
review of a later request shows each statement next to the field it is about."""

import html
import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from portal.access.models import AccessLogEntry
from portal.audit.models import AuditEvent
from portal.disclosures.models import Disclosure
from portal.disclosures.services import (
    legal_process_dispense_notice,
    legal_process_release,
)
from requests.corrections.services import (
    Proposal,
    change_decide,
    correction_request_submit,
    statement_file,
)
from requests.gathering.models import GatheredRecord, SourceRun
from requests.gathering.services import source_run_execute
from requests.services import request_assign
from tasks.connectors.base import SourceRecord
from tests.browser.axe import assert_no_axe_violations
from tests.disclosures.conftest import consent_pdf, record_disclosure, record_legal_process
from tests.gathering.conftest import ALICE

pytestmark = pytest.mark.django_db

OWNER_STATEMENT = "The parcel was sold in 2024; I am no longer its owner."
WATER_STATEMENT = "The account holder named here is my late father, not me."


def _denied_with_statement(alice, record, steward, text):
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(
                record=record,
                field_name="name",
                proposed_value="Alicia Archer",
                reason="I changed my name.",
            )
        ],
    )
    change = request.proposed_changes.get()
    change_decide(change=change, actor=steward, decision="denied", reason="Deed shows otherwise.")
    return statement_file(change=change, actor=alice, text=text)


@pytest.fixture
def statements(alice, owner_record, water_record, steward_a, steward_b):
    return {
        "owner": _denied_with_statement(alice, owner_record, steward_a, OWNER_STATEMENT),
        "water": _denied_with_statement(alice, water_record, steward_b, WATER_STATEMENT),
    }


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- The disclosure keeps what was sent -------------------------------------------------------


def test_a_disclosure_of_one_departments_data_carries_that_departments_statements(
    clerk, alice, statements, department_a, department_b
):
    assessors = record_disclosure(
        clerk, alice, departments=[department_a], disclosed_on=timezone.localdate()
    )
    water = record_disclosure(
        clerk, alice, departments=[department_b], disclosed_on=timezone.localdate()
    )

    assert assessors.statements_sent == [statements["owner"].pk]
    assert water.statements_sent == [statements["water"].pk]
    stored = Disclosure.objects.get(pk=assessors.pk)
    assert stored.statements_sent == [statements["owner"].pk]


def test_a_disclosure_naming_no_department_carries_every_statement(clerk, alice, statements):
    disclosure = record_disclosure(clerk, alice, departments=[], disclosed_on=timezone.localdate())

    assert sorted(disclosure.statements_sent) == sorted(s.pk for s in statements.values())


def test_another_residents_disclosure_carries_none_of_them(
    clerk, other_resident, statements, department_a
):
    disclosure = record_disclosure(
        clerk, other_resident, departments=[department_a], disclosed_on=timezone.localdate()
    )

    assert disclosure.statements_sent == []


def test_a_disclosure_before_any_statement_carries_none_and_keeps_none_later(
    clerk, alice, owner_record, steward_a, department_a
):
    earlier = record_disclosure(
        clerk, alice, departments=[department_a], disclosed_on=timezone.localdate()
    )
    _denied_with_statement(alice, owner_record, steward_a, OWNER_STATEMENT)

    earlier.refresh_from_db()
    assert earlier.statements_sent == []


def test_a_release_under_legal_process_carries_the_statements(
    clerk, alice, statements, department_b
):
    served = record_legal_process(
        clerk, alice, departments=[department_b], served_on=timezone.localdate()
    )
    legal_process_dispense_notice(
        actor=clerk, legal_process=served, order_reference="Order 26-17", order_file=consent_pdf()
    )

    disclosure = legal_process_release(
        actor=clerk,
        legal_process=served,
        data_disclosed="Water bills for 2025.",
        intended_use="Evidence in a civil case.",
        disclosed_on=timezone.localdate(),
    )

    assert disclosure.statements_sent == [statements["water"].pk]


def test_the_audit_event_names_the_statements_by_id_only(clerk, alice, statements, department_a):
    record_disclosure(clerk, alice, departments=[department_a], disclosed_on=timezone.localdate())

    event = AuditEvent.objects.get(action="disclosure.recorded")
    assert event.details["statement_ids"] == [statements["owner"].pk]
    assert "parcel" not in str(event.details)


# --- The disclosure's page shows the words ----------------------------------------------------


def test_the_disclosure_page_shows_the_statements_sent_and_is_logged(
    client, clerk, alice, statements, department_a
):
    disclosure = record_disclosure(
        clerk, alice, departments=[department_a], disclosed_on=timezone.localdate()
    )
    client.force_login(clerk)

    text = _text(client.get(reverse("disclosures:detail", args=[disclosure.pk])))

    assert "Statements of disagreement sent with it 1 statement" in text
    assert "Assessors, Assessors People: record owner/P-1, field name" in text
    assert OWNER_STATEMENT in text
    assert WATER_STATEMENT not in text
    assert AccessLogEntry.objects.filter(
        item="disclosure", subject=alice, actor=clerk, object_id=str(disclosure.pk)
    ).exists()


def test_recording_a_disclosure_with_statements_says_to_send_them(
    client, clerk, alice, statements, department_a
):
    client.force_login(clerk)
    response = client.post(
        reverse("disclosures:new"),
        {
            "resident": "alice@example.org",
            "recipient_name": "Massachusetts Department of Revenue",
            "recipient_kind": "agency",
            "basis": "law",
            "legal_basis": "M.G.L. c. 62C §21(b)(1)",
            "intended_use": "Checking a tax abatement application.",
            "data_disclosed": "Owner of record of 12 Elm Street.",
            "departments": [department_a.pk],
            "disclosed_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )

    text = _text(response)
    assert "Send the resident's statements of disagreement shown below" in text
    assert OWNER_STATEMENT in text


def test_a_disclosure_without_statements_says_none(client, clerk, alice, department_a):
    disclosure = record_disclosure(
        clerk, alice, departments=[department_a], disclosed_on=timezone.localdate()
    )
    client.force_login(clerk)

    text = _text(client.get(reverse("disclosures:detail", args=[disclosure.pk])))

    assert "Statements of disagreement sent with it None" in text


# --- The clerk's review shows them with the data ----------------------------------------------


@pytest.fixture
def next_request_in_review(alice, clerk, statements, file_request, scripted_connector):
    scripted_connector.script["assessors-people"] = [
        [SourceRecord("P-1", "owner", {**ALICE, "co_owner": "Bruno Archer", "card": "n/a"})]
    ]
    scripted_connector.script["water-people"] = [[SourceRecord("W-7", "account", dict(ALICE))]]
    request, _callbacks = file_request()
    for run in SourceRun.objects.filter(request=request):
        source_run_execute(run_id=run.pk, worker="w1")
    request_assign(requests=[request], assignee=clerk, actor=clerk)
    return request


def test_the_review_shows_each_statement_right_after_its_field(
    client, clerk, next_request_in_review
):
    client.force_login(clerk)
    page = client.get(
        reverse("requests:staff_review", args=[next_request_in_review.number])
    ).content.decode()
    owner = GatheredRecord.objects.get(run__request=next_request_in_review, key="owner/P-1")

    article = page.split(f'id="record-{owner.pk}"')[1].split("</article>")[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", article, re.S)
    texts = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows]
    name_row = next(i for i, text in enumerate(texts) if text.startswith("name "))
    assert texts[name_row + 1].startswith(
        f"Resident\u2019s statement of disagreement about name {OWNER_STATEMENT} Filed on"
    )
    assert WATER_STATEMENT not in article


def test_the_review_reads_the_statements_in_one_query(client, clerk, next_request_in_review):
    client.force_login(clerk)
    url = reverse("requests:staff_review", args=[next_request_in_review.number])
    client.get(url)
    with CaptureQueriesContext(connection) as counted:
        client.get(url)
    statement_queries = [
        q for q in counted.captured_queries if "corrections_disagreementstatement" in q["sql"]
    ]
    assert len(statement_queries) == 1


# --- In a real browser ------------------------------------------------------------------------


def _sign_in_as(page, live_server, user) -> None:
    signed_in = Client()
    signed_in.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": signed_in.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def nothing_sent_to_workers(monkeypatch):
    """The records are gathered in this process, through the scripted connector no worker has:
    in a transactional test the runs' and the package's messages would reach the session's
    worker on commit, and a worker claiming a run first would leave the request gathering."""
    monkeypatch.setattr("requests.gathering.services._enqueue", lambda run_ids: None)
    monkeypatch.setattr("requests.release.services._enqueue_build", lambda package: None)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_read_the_statement_with_the_data_and_on_the_disclosure(
    nothing_sent_to_workers, page, live_server, clerk, alice, next_request_in_review, department_a
):
    _sign_in_as(page, live_server, clerk)
    owner = GatheredRecord.objects.get(run__request=next_request_in_review, key="owner/P-1")

    page.goto(reverse("requests:staff_review", args=[next_request_in_review.number]))
    statement_row = page.locator(f"#record-{owner.pk}").get_by_role(
        "row", name="Resident\u2019s statement of disagreement about name"
    )
    expect(statement_row).to_contain_text(OWNER_STATEMENT)
    assert_no_axe_violations(page)

    disclosure = record_disclosure(
        clerk, alice, departments=[department_a], disclosed_on=timezone.localdate()
    )
    page.goto(reverse("disclosures:detail", args=[disclosure.pk]))
    page.get_by_role("link", name="1 statement").click()
    section = page.get_by_role("region", name="Statements of disagreement sent with it")
    expect(section).to_contain_text(OWNER_STATEMENT)
    expect(section).not_to_contain_text(WATER_STATEMENT)
    assert_no_axe_violations(page)
