"""The resident's "Who has seen my data" page (c. 66A §2(g))."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.access.services import access_record
from portal.disclosures.services import legal_process_dispense_notice, legal_process_release
from requests.services import request_assign
from tests.access.conftest import disclose, state_purpose
from tests.disclosures.conftest import consent_pdf, record_disclosure, record_legal_process
from tests.factories import GrantFactory, StaffFactory

pytestmark = pytest.mark.django_db

MY_LOG = reverse("access:my_log")


def test_must_show_4_clerk_views_of_request_and_photo_id_and_a_disclosure_and_nothing_else(
    client, resident, other_resident, clerk, privacy_officer, filed, others_request, photo_id
):
    """Must show 4."""
    client.force_login(clerk)
    request_assign(requests=[filed, others_request], assignee=clerk, actor=clerk)
    assert client.get(reverse("requests:staff_detail", args=[filed.number])).status_code == 200
    assert client.get(reverse("identity:staff_document", args=[photo_id.pk])).status_code == 200
    image = client.get(reverse("identity:staff_document_image", args=[photo_id.pk]))
    assert image.status_code == 200
    client.get(reverse("requests:staff_detail", args=[others_request.number]))
    disclose(subject=resident, recorded_by=privacy_officer)
    disclose(subject=other_resident, recorded_by=privacy_officer, recipient="Bob's Landlord LLC")

    client.force_login(resident)
    page = client.get(MY_LOG)

    content = page.content.decode()
    assert page.status_code == 200
    assert "Carol Clark, Records Access Office clerk" in content
    assert f"Opened your request {filed.number}" in content
    assert "Looked at the details of the photo ID you uploaded" in content
    assert "Looked at the photo ID you uploaded" in content
    assert "Pat Price, the City&#x27;s privacy officer" in content
    assert "Gave your water and sewer account history to Westfield Housing Authority" in content
    assert "because a law or regulation allows it (M.G.L. c. 121B §32)" in content
    assert "Checking eligibility for public housing" in content
    assert others_request.number not in content
    assert "Bob&#x27;s Landlord" not in content


def test_a_disclosure_recorded_on_the_staff_page_reaches_only_that_residents_log(
    client, resident, other_resident, clerk
):
    """The outside disclosure of must show 4 made the way staff make one, through the
    disclosures page and its service, not written into the log by the test."""
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    client.force_login(clerk)
    for email, recipient in [
        (resident.email, "Massachusetts Department of Revenue"),
        (other_resident.email, "Springfield Rental Agency"),
    ]:
        response = client.post(
            reverse("disclosures:new"),
            {
                "resident": email,
                "recipient_name": recipient,
                "recipient_kind": "agency",
                "basis": "law",
                "legal_basis": "M.G.L. c. 62C §21(b)(1)",
                "written_request_reference": "",
                "data_disclosed": "the assessed value of your home",
                "intended_use": "Checking an abatement application.",
                "disclosed_on": yesterday,
            },
        )
        assert response.status_code == 302, response.content.decode()

    client.force_login(resident)
    content = client.get(MY_LOG).content.decode()

    assert "Carol Clark, Records Access Office clerk" in content
    assert "Massachusetts Department of Revenue" in content
    assert "the assessed value of your home" in content
    assert "M.G.L. c. 62C §21(b)(1)" in content
    assert "Checking an abatement application." in content
    assert "Springfield Rental Agency" not in content


def test_disclosures_on_consent_and_under_a_subpoena_say_why_in_plain_words(
    client, resident, clerk
):
    today = timezone.localdate()
    record_disclosure(
        clerk,
        resident,
        recipient_name="Westfield Credit Union",
        basis="consent",
        legal_basis="",
        consent_file=consent_pdf(),
        disclosed_on=today,
    )
    subpoena = record_legal_process(clerk, resident, served_on=today)
    legal_process_dispense_notice(
        actor=clerk,
        legal_process=subpoena,
        order_reference="Hampden Superior Court, order dispensing with notice",
        order_file=consent_pdf("order.pdf"),
    )
    legal_process_release(
        actor=clerk,
        legal_process=subpoena,
        data_disclosed="your water bills for 2025",
        intended_use="Evidence in a civil action.",
        disclosed_on=today,
    )

    client.force_login(resident)
    content = client.get(MY_LOG + "?show=outside").content.decode()

    assert "to Westfield Credit Union because you agreed to it in writing" in content
    assert (
        "Gave your water bills for 2025 to Hampden County Superior Court because a subpoena or "
        "court order required it"
    ) in content


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(MY_LOG)

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_stated_purpose_shows_as_the_reason_and_is_marked(client, resident, clerk, filed):
    client.force_login(clerk)
    state_purpose(client, filed, description="Answering her phone call about the due date")
    client.get(reverse("requests:staff_history", args=[filed.number]))

    client.force_login(resident)
    content = client.get(MY_LOG).content.decode()

    assert "Looked at the history of your request" in content
    assert "Answering her phone call about the due date" in content
    assert "privacy officer checks every time this happens." in content


def test_usual_reason_is_their_request(client, resident, clerk, filed):
    request_assign(requests=[filed], assignee=clerk, actor=clerk)
    client.force_login(clerk)
    client.get(reverse("requests:staff_messages", args=[filed.number]))

    client.force_login(resident)
    content = client.get(MY_LOG).content.decode()

    assert f"To answer your request {filed.number}" in content
    assert "privacy officer checks" not in content


def test_empty_log_says_so(client, resident):
    client.force_login(resident)

    content = client.get(MY_LOG).content.decode()

    assert "Nobody at the City has looked at your information" in content
    assert "Ask for a written copy" in content


def test_outside_only_shows_just_the_disclosures(client, resident, clerk, privacy_officer, filed):
    access_record(actor=clerk, subject=resident, item="request", request=filed)
    disclose(subject=resident, recorded_by=privacy_officer)
    client.force_login(resident)

    content = client.get(MY_LOG + "?show=outside").content.decode()

    assert "Westfield Housing Authority" in content
    assert "Opened your request" not in content
    assert "Show everything" in content


def test_the_account_page_links_to_it(client, resident):
    client.force_login(resident)

    content = client.get(reverse("identity:dashboard")).content.decode()

    assert f'href="{MY_LOG}"' in content


def test_queries_do_not_grow_with_entries(client, resident, filed):
    staff = [StaffFactory(email=f"clerk{n}@example.org") for n in range(3)]
    access_record(actor=staff[0], subject=resident, item="request", request=filed)
    client.force_login(resident)
    client.get(MY_LOG)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(MY_LOG).status_code == 200
        return len(queries)

    with_one = count()
    for n in range(40):
        access_record(actor=staff[n % 3], subject=resident, item="request_history", request=filed)
    with_many = count()

    assert with_one == with_many


def test_long_logs_are_paginated(client, resident, clerk, filed):
    for _ in range(55):
        access_record(actor=clerk, subject=resident, item="request", request=filed)
    client.force_login(resident)

    first = client.get(MY_LOG).content.decode()
    second = client.get(MY_LOG + "?page=2").content.decode()

    assert first.count("Opened your request") == 50
    assert second.count("Opened your request") == 5
    assert client.get(MY_LOG + "?page=nonsense").status_code == 200


# --- A representative acting for the resident -------------------------------------------------


def test_representative_reads_the_residents_log_under_a_grant_covering_it(
    client, resident, other_resident, clerk, filed
):
    grant = GrantFactory(representative=other_resident, resident=resident, accepted=True)
    access_record(actor=clerk, subject=resident, item="request", request=filed)
    client.force_login(other_resident)

    response = client.get(MY_LOG + f"?for={grant.pk}")

    assert response.status_code == 200
    assert f"Opened your request {filed.number}" in response.content.decode()
    assert "because you act for Alice Archer" in response.content.decode()


@pytest.mark.parametrize(
    "change",
    [{"scope": ["inquiry", "access"]}, {"status": "refused"}, {"resident": None}],
)
def test_representative_without_an_access_log_grant_gets_404(
    client, resident, other_resident, change
):
    grant = GrantFactory(representative=other_resident, resident=resident, accepted=True)
    for name, value in change.items():
        setattr(grant, name, value)
    grant.save()
    client.force_login(other_resident)

    assert client.get(MY_LOG + f"?for={grant.pk}").status_code == 404
    assert client.get(MY_LOG + "?for=nope").status_code == 404


def test_someone_elses_grant_gets_404(client, resident, other_resident):
    grant = GrantFactory(representative=other_resident, resident=resident, accepted=True)
    client.force_login(resident)

    assert client.get(MY_LOG + f"?for={grant.pk}").status_code == 404


def test_the_representatives_page_links_to_the_log_only_when_the_grant_covers_it(
    client, resident, other_resident
):
    covering = GrantFactory(representative=other_resident, resident=resident, accepted=True)
    narrow = GrantFactory(
        representative=other_resident, resident=resident, accepted=True, scope=["inquiry"]
    )
    client.force_login(other_resident)

    page = client.get(reverse("representatives:detail", args=[covering.pk])).content.decode()
    assert f"{MY_LOG}?for={covering.pk}" in page
    page = client.get(reverse("representatives:detail", args=[narrow.pk])).content.decode()
    assert MY_LOG not in page
