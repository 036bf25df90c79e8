"""The staff pages: who may open them, what they show and log, and how they take bad input."""

import html
import re
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.access.models import AccessAction, AccessLogEntry
from portal.disclosures.models import Disclosure, LegalProcess
from portal.disclosures.services import legal_process_dispense_notice
from tests.disclosures.conftest import (
    at,
    consent_pdf,
    record_disclosure,
    record_legal_process,
)
from tests.factories import PROOF_PDF_BYTES, UserFactory

pytestmark = pytest.mark.django_db

MONDAY = at(2026, 11, 23)


@pytest.fixture(autouse=True)
def _monday():
    with time_machine.travel(MONDAY, tick=False):
        yield


@pytest.fixture
def disclosure(clerk, resident):
    return record_disclosure(clerk, resident, basis="consent", consent_file=consent_pdf())


@pytest.fixture
def served(clerk, resident):
    return record_legal_process(clerk, resident, served_on=date(2026, 11, 23))


def _urls(disclosure, legal_process):
    return [
        reverse("disclosures:list"),
        reverse("disclosures:new"),
        reverse("disclosures:detail", args=[disclosure.pk]),
        reverse("disclosures:consent", args=[disclosure.pk]),
        reverse("disclosures:legal_list"),
        reverse("disclosures:legal_new"),
        reverse("disclosures:legal_detail", args=[legal_process.pk]),
        reverse("disclosures:legal_notice_pdf", args=[legal_process.pk]),
        reverse("disclosures:legal_dispense", args=[legal_process.pk]),
        reverse("disclosures:legal_release", args=[legal_process.pk]),
        reverse("disclosures:legal_withdraw", args=[legal_process.pk]),
    ]


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


# --- Who may open them ----------------------------------------------------------------------


def test_anonymous_people_are_sent_to_sign_in(client, disclosure, served):
    for url in _urls(disclosure, served):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "login" in response["Location"]


@pytest.mark.parametrize("persona", ["resident", "steward_a", "auditor"])
def test_residents_stewards_and_auditors_get_404(client, disclosure, served, persona, request):
    client.force_login(request.getfixturevalue(persona))

    for url in _urls(disclosure, served):
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("disclosures:legal_withdraw", args=[served.pk]), {"withdrawal_kind": "quashed"}
    )
    assert response.status_code == 404
    served.refresh_from_db()
    assert served.withdrawn_at is None


@pytest.mark.parametrize("persona", ["clerk", "privacy_officer"])
def test_clerks_and_the_privacy_officer_open_every_page(
    client, disclosure, served, persona, request
):
    client.force_login(request.getfixturevalue(persona))

    for url in _urls(disclosure, served):
        response = client.get(url)
        assert response.status_code == 200, url


def test_an_unknown_id_is_404(client, clerk):
    client.force_login(clerk)

    assert client.get(reverse("disclosures:detail", args=[999])).status_code == 404
    assert client.get(reverse("disclosures:legal_detail", args=[999])).status_code == 404


def test_the_staff_home_links_here_for_clerks_only(client, clerk, steward_a):
    client.force_login(clerk)
    assert reverse("disclosures:legal_list") in client.get(reverse("staff_home")).content.decode()

    client.force_login(steward_a)
    assert reverse("disclosures:list") not in client.get(reverse("staff_home")).content.decode()


# --- Lists ----------------------------------------------------------------------------------


def _queries(client, url) -> int:
    client.get(url)  # the first request of a session does some bookkeeping of its own
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_disclosure_list_costs_the_same_queries_for_one_row_or_many(client, clerk, resident):
    client.force_login(clerk)
    record_disclosure(clerk, resident)
    one = _queries(client, reverse("disclosures:list"))
    for index in range(6):
        other = UserFactory(email=f"resident{index}@example.org")
        record_disclosure(clerk, other)

    assert _queries(client, reverse("disclosures:list")) == one


def test_the_legal_process_list_costs_the_same_queries_for_one_row_or_many(client, clerk, resident):
    client.force_login(clerk)
    record_legal_process(clerk, resident)
    one = _queries(client, reverse("disclosures:legal_list"))
    for index in range(3):
        record_legal_process(clerk, UserFactory(email=f"resident{index}@example.org"))

    assert _queries(client, reverse("disclosures:legal_list")) == one


def test_the_lists_paginate(client, clerk, resident, settings, monkeypatch):
    monkeypatch.setattr("portal.disclosures.views.PAGE_SIZE", 2)
    client.force_login(clerk)
    for _index in range(3):
        record_disclosure(clerk, resident)

    first = client.get(reverse("disclosures:list"))
    second = client.get(reverse("disclosures:list") + "?page=2")

    assert len(first.context["page"].object_list) == 2
    assert len(second.context["page"].object_list) == 1
    assert "3 disclosures" in _text(first)


def test_the_legal_list_says_each_state_in_words(client, clerk, served):
    client.force_login(clerk)

    text = _text(client.get(reverse("disclosures:legal_list")))

    assert "Waiting until 8 December 2026 so the resident can ask a court to quash it." in text


# --- Recording a disclosure -----------------------------------------------------------------


def _disclosure_post(**overrides):
    data = {
        "resident": "alice@example.org",
        "recipient_name": "Massachusetts Department of Revenue",
        "recipient_kind": "agency",
        "basis": "law",
        "legal_basis": "M.G.L. c. 62C §21(b)(1)",
        "written_request_reference": "",
        "data_disclosed": "Assessed value for fiscal 2026.",
        "intended_use": "Checking an abatement application.",
        "disclosed_on": "2026-11-20",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_a_clerk_records_a_disclosure_by_email_address(client, clerk, resident, department_a):
    client.force_login(clerk)

    response = client.post(
        reverse("disclosures:new"), _disclosure_post(departments=[department_a.pk])
    )

    disclosure = Disclosure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("disclosures:detail", args=[disclosure.pk])
    assert disclosure.subject == resident
    assert list(disclosure.departments.all()) == [department_a]


def _prove(user, value, source):
    """`user` proved they hold City account number `value` (a passed account check)."""
    from portal.identity.models import AccountKnowledgeAttempt, AttemptStatus
    from portal.identity.services import identity_verification_record
    from tests.factories import ProfileFactory, ResidentIdentifierFactory

    identifier = ResidentIdentifierFactory(profile=ProfileFactory(user=user), value=value)
    verification = identity_verification_record(
        user=user, level=2, method="account_knowledge", evidence={"test": True}
    )
    AccountKnowledgeAttempt.objects.create(
        user=user,
        identifier_kind="water_sewer_account",
        identifier_last4=value[-4:],
        identifier_digest="x",
        status=AttemptStatus.PASSED,
        source=source,
        resident_identifier=identifier,
        verification=verification,
    )


@pytest.fixture
def water_source(department_b):
    from requests.models import DataSource

    return DataSource.objects.create(
        department=department_b,
        slug="water-sewer-billing",
        name="Water and sewer billing",
        kind="sql",
        responsible_officer="Water Superintendent",
    )


def test_a_resident_is_found_by_an_account_number_they_proved(
    client, clerk, resident, water_source
):
    _prove(resident, "WS-0010007", water_source)
    client.force_login(clerk)

    response = client.post(reverse("disclosures:new"), _disclosure_post(resident="ws-0010007"))

    assert response.status_code == 302
    assert Disclosure.objects.get().subject == resident


def test_an_account_number_two_residents_proved_asks_for_the_email(
    client, clerk, resident, other_resident, water_source
):
    _prove(resident, "WS-0010007", water_source)
    _prove(other_resident, "WS-0010007", water_source)
    client.force_login(clerk)

    response = client.post(reverse("disclosures:new"), _disclosure_post(resident="WS-0010007"))

    assert "More than one resident holds this account number" in _text(response)
    assert not Disclosure.objects.exists()


def test_an_account_number_nobody_proved_is_not_enough(client, clerk, resident):
    from tests.factories import ProfileFactory, ResidentIdentifierFactory

    ResidentIdentifierFactory(profile=ProfileFactory(user=resident), value="WS-0010007")
    client.force_login(clerk)

    response = client.post(reverse("disclosures:new"), _disclosure_post(resident="WS-0010007"))

    assert response.status_code == 200
    assert "No resident has proved they hold this account number" in _text(response)


def test_every_problem_is_shown_at_once_and_nothing_typed_is_lost(client, clerk, resident):
    client.force_login(clerk)

    response = client.post(
        reverse("disclosures:new"),
        _disclosure_post(
            resident="nobody@example.org",
            legal_basis="",
            disclosed_on="2026-13-45",
            intended_use="",
        ),
    )

    text = _text(response)
    assert response.status_code == 200
    assert text.startswith("Error:") or "<title>Error:" in response.content.decode()
    for message in (
        "No resident has an account with this email address.",
        "Enter the law or regulation that allows it",
        "Enter a real date",
        "Enter what the recipient will use the information for.",
    ):
        assert message in text, message
    html = response.content.decode()
    assert 'value="nobody@example.org"' in html
    assert 'value="Massachusetts Department of Revenue"' in html
    assert "Assessed value for fiscal 2026." in html
    assert not Disclosure.objects.exists()


def test_a_future_date_is_explained(client, clerk, resident):
    client.force_login(clerk)

    response = client.post(reverse("disclosures:new"), _disclosure_post(disclosed_on="2026-12-01"))

    assert "The date the information was given cannot be in the future." in _text(response)
    assert not Disclosure.objects.exists()


def test_a_missing_basis_is_explained(client, clerk, resident):
    client.force_login(clerk)

    response = client.post(reverse("disclosures:new"), _disclosure_post(basis=None))

    assert "Choose the legal basis" in _text(response)


def test_a_posted_legal_process_basis_is_refused_not_a_500(client, clerk, resident):
    client.force_login(clerk)

    response = client.post(
        reverse("disclosures:new"),
        _disclosure_post(basis="legal_process", recipient_kind="legal_process"),
    )

    assert response.status_code == 200
    assert "Choose a law or the resident" in _text(response)
    assert not Disclosure.objects.exists()


def test_a_consent_that_is_not_a_document_asks_to_choose_the_file_again(client, clerk, resident):
    client.force_login(clerk)
    fake = SimpleUploadedFile("consent.pdf", b"<html>not a pdf</html>", "application/pdf")

    response = client.post(
        reverse("disclosures:new"),
        {**_disclosure_post(basis="consent", legal_basis=""), "consent_file": fake},
    )

    text = _text(response)
    assert response.status_code == 200
    assert "This file is not, whatever its name says" in text
    assert "If you chose a file, choose it again" in text
    assert not Disclosure.objects.exists()


def test_a_consent_document_is_recorded_and_its_download_logged(client, clerk, resident):
    client.force_login(clerk)
    upload = SimpleUploadedFile("consent.pdf", PROOF_PDF_BYTES, "application/pdf")
    client.post(
        reverse("disclosures:new"),
        {**_disclosure_post(basis="consent", legal_basis=""), "consent_file": upload},
    )
    disclosure = Disclosure.objects.get()

    response = client.get(reverse("disclosures:consent", args=[disclosure.pk]))

    assert b"".join(response.streaming_content) == PROOF_PDF_BYTES
    entry = AccessLogEntry.objects.get(item="consent_document")
    assert (entry.action, entry.subject, entry.actor) == (AccessAction.DOWNLOAD, resident, clerk)


def test_the_detail_page_shows_everything_and_is_logged(client, clerk, disclosure, resident):
    client.force_login(clerk)

    text = _text(client.get(reverse("disclosures:detail", args=[disclosure.pk])))

    for part in (
        "Massachusetts Department of Revenue",
        "The resident's written consent",
        "Download the consent",
        "Checking a tax abatement application.",
        "Statements of disagreement sent with it None",
    ):
        assert part in text, part
    entry = AccessLogEntry.objects.get(item="disclosure", action=AccessAction.VIEW)
    assert (entry.subject, entry.actor) == (resident, clerk)


def test_a_disclosure_without_consent_has_no_consent_download(client, clerk, resident):
    client.force_login(clerk)
    disclosure = record_disclosure(clerk, resident)

    assert client.get(reverse("disclosures:consent", args=[disclosure.pk])).status_code == 404


# --- Legal process --------------------------------------------------------------------------


def _legal_post(**overrides):
    data = {
        "resident": "alice@example.org",
        "kind": "subpoena",
        "issuer": "Hampden County Superior Court",
        "issuer_reference": "2679CV00123",
        "served_on": "2026-11-23",
        "data_sought": "Water bills for 2025.",
    }
    data.update(overrides)
    return data


def test_a_clerk_records_a_subpoena_and_sees_its_state(client, clerk, resident):
    client.force_login(clerk)

    response = client.post(reverse("disclosures:legal_new"), _legal_post())

    legal_process = LegalProcess.objects.get()
    assert response["Location"] == reverse("disclosures:legal_detail", args=[legal_process.pk])
    text = _text(client.get(response["Location"]))
    assert "Waiting until 8 December 2026 so the resident can ask a court to quash it." in text
    assert "Download the notice letter (PDF)" in text
    assert "The notice letter as sent" in text
    entry = AccessLogEntry.objects.get(item="legal_process")
    assert (entry.subject, entry.actor) == (resident, clerk)


def test_legal_process_bad_input_is_explained_and_kept(client, clerk, resident):
    client.force_login(clerk)

    response = client.post(
        reverse("disclosures:legal_new"),
        _legal_post(issuer="", served_on="2026-11-30", kind=""),
    )

    text = _text(response)
    for message in (
        "Enter who issued it",
        "The date it was served cannot be in the future.",
        "Choose what was served.",
    ):
        assert message in text, message
    assert "Water bills for 2025." in response.content.decode()
    assert not LegalProcess.objects.exists()


def test_the_notice_pdf_download_is_logged(client, clerk, served, resident):
    client.force_login(clerk)

    response = client.get(reverse("disclosures:legal_notice_pdf", args=[served.pk]))

    assert b"".join(response.streaming_content).startswith(b"%PDF")
    entry = AccessLogEntry.objects.get(item="legal_process_notice")
    assert (entry.action, entry.subject) == (AccessAction.DOWNLOAD, resident)


def test_an_early_release_is_refused_with_the_date(client, clerk, served):
    client.force_login(clerk)
    url = reverse("disclosures:legal_release", args=[served.pk])

    page = _text(client.get(url))
    assert "Waiting until 8 December 2026" in page
    assert "Release the information" in page

    with time_machine.travel(at(2026, 11, 24), tick=False):
        client.force_login(clerk)
        response = client.post(
            url,
            {"data_disclosed": "Bills", "intended_use": "Evidence", "disclosed_on": "2026-11-24"},
        )

    assert response.status_code == 200
    assert "Nothing may be released before 8 December 2026" in _text(response)
    assert not Disclosure.objects.exists()


def test_a_release_after_the_period_creates_the_disclosure(client, clerk, served):
    client.force_login(clerk)
    url = reverse("disclosures:legal_release", args=[served.pk])

    with time_machine.travel(at(2026, 12, 8), tick=False):
        client.force_login(clerk)
        form_page = client.get(url)
        assert 'name="data_disclosed"' in form_page.content.decode()
        response = client.post(
            url,
            {"data_disclosed": "Bills", "intended_use": "Evidence", "disclosed_on": "2026-12-08"},
        )
        detail = client.get(response["Location"])

    assert response.status_code == 302
    disclosure = Disclosure.objects.get()
    assert disclosure.legal_process == served
    assert "Released to Hampden County Superior Court on 8 December 2026." in _text(detail)
    assert client.get(url).status_code == 409


def test_a_release_with_a_missing_answer_keeps_the_rest(client, clerk, served):
    client.force_login(clerk)

    with time_machine.travel(at(2026, 12, 8), tick=False):
        client.force_login(clerk)
        response = client.post(
            reverse("disclosures:legal_release", args=[served.pk]),
            {"data_disclosed": "Bills", "intended_use": "", "disclosed_on": "not a date"},
        )

    text = _text(response)
    assert "Enter what the issuer will use the information for." in text
    assert "Enter a real date" in text
    assert "Bills</textarea>" in response.content.decode()


def test_a_dispensing_order_is_recorded_then_release_is_offered(client, privacy_officer, served):
    client.force_login(privacy_officer)
    url = reverse("disclosures:legal_dispense", args=[served.pk])

    missing = client.post(url, {"order_reference": ""})
    assert "Enter the court and docket number" in _text(missing)
    assert "Upload a copy of the order" in _text(missing)

    response = client.post(
        url,
        {
            "order_reference": "Hampden Superior Court, 2679CV00123",
            "order_file": SimpleUploadedFile("order.pdf", PROOF_PDF_BYTES),
        },
    )

    assert response.status_code == 302
    detail = _text(client.get(reverse("disclosures:legal_detail", args=[served.pk])))
    assert "A court order dispensed with notice" in detail
    assert "Download the order" in detail
    order = client.get(reverse("disclosures:legal_order", args=[served.pk]))
    assert b"".join(order.streaming_content) == PROOF_PDF_BYTES
    assert client.get(url).status_code == 409


def test_an_order_download_without_an_order_is_404(client, clerk, served):
    client.force_login(clerk)

    assert client.get(reverse("disclosures:legal_order", args=[served.pk])).status_code == 404


def test_withdrawing_needs_a_choice_then_blocks_every_action(client, clerk, served):
    client.force_login(clerk)
    url = reverse("disclosures:legal_withdraw", args=[served.pk])

    assert "Choose whether a court quashed it" in _text(client.post(url, {}))
    assert client.post(url, {"withdrawal_kind": "quashed"}).status_code == 302

    served.refresh_from_db()
    assert served.withdrawal_kind == "quashed"
    for name in ("legal_release", "legal_dispense", "legal_withdraw"):
        response = client.get(reverse(f"disclosures:{name}", args=[served.pk]))
        assert response.status_code == 409, name
        assert "Nothing may be released" in _text(response)


def test_a_dispensed_process_can_be_released_from_its_page(client, clerk, served):
    legal_process_dispense_notice(
        actor=clerk, legal_process=served, order_reference="x", order_file=consent_pdf()
    )
    client.force_login(clerk)

    response = client.post(
        reverse("disclosures:legal_release", args=[served.pk]),
        {"data_disclosed": "Bills", "intended_use": "Evidence", "disclosed_on": "2026-11-23"},
    )

    assert response.status_code == 302
    assert Disclosure.objects.get().legal_process == served
