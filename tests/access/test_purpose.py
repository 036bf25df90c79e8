"""A clerk opening a request not assigned to them says why first; what they say goes with every
entry they write under it, flagged to the privacy officer."""

import pytest
from django.urls import reverse

from portal.access.models import AccessLogEntry
from portal.audit.models import AuditEvent
from requests.models import Request
from requests.services import request_assign
from tests.access.conftest import last_entry_id, new_entries, state_purpose
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _purpose_url(record, next_url=""):
    url = reverse("requests:staff_purpose", args=[record.number])
    return f"{url}?next={next_url}" if next_url else url


def test_clerk_on_someone_elses_request_is_asked_first_and_sees_nothing(client, clerk, filed):
    colleague = StaffFactory(email="dana.clerk@example.org", first_name="Dana", last_name="Doe")
    request_assign(requests=[filed], assignee=colleague, actor=colleague)
    client.force_login(clerk)
    messages_url = reverse("requests:staff_messages", args=[filed.number])

    response = client.get(messages_url)

    assert response.status_code == 302
    assert response["Location"] == _purpose_url(filed, messages_url.replace("/", "%2F"))
    page = client.get(response["Location"])
    content = page.content.decode()
    assert "This request is not assigned to you" in content
    assert "Dana Doe is working on it." in content
    assert "Alice" not in content
    assert "Assign it to me" not in content  # someone has it
    assert AccessLogEntry.objects.count() == 0


def test_every_page_of_the_request_asks_first(client, clerk, filed):
    client.force_login(clerk)
    number = filed.number

    for url in (
        reverse("requests:staff_detail", args=[number]),
        reverse("requests:staff_history", args=[number]),
        reverse("requests:staff_letters", args=[number]),
        reverse("requests:staff_letter_new", args=[number]),
        reverse("requests:staff_action", args=[number, "deny"]),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(_purpose_url(filed)), url
    posted = client.post(reverse("requests:staff_assign", args=[number]), {"assignee": clerk.pk})
    assert posted["Location"] == _purpose_url(filed)
    filed.refresh_from_db()
    assert filed.assignee is None


def test_stated_purpose_opens_the_request_and_flags_every_entry(client, clerk, filed):
    client.force_login(clerk)
    history_url = reverse("requests:staff_history", args=[filed.number])

    response = client.post(
        _purpose_url(filed, history_url),
        {"kind": "caller", "description": "She phoned about the due date", "next": history_url},
    )
    assert response["Location"] == history_url
    before = last_entry_id()
    client.get(history_url)
    client.get(reverse("requests:staff_detail", args=[filed.number]))

    entries = new_entries(before)
    assert [entry.item for entry in entries] == ["request_history", "request"]
    for entry in entries:
        assert entry.outside_assignment is True
        assert entry.purpose == (
            "I am answering the requester's call or visit: She phoned about the due date"
        )
    event = AuditEvent.objects.get(action="access.purpose_stated")
    assert event.object_id == str(filed.pk)
    assert event.details == {"purpose_kind": "caller"}


def test_the_purpose_covers_only_that_request(client, clerk, filed, others_request):
    client.force_login(clerk)
    state_purpose(client, filed)

    response = client.get(reverse("requests:staff_detail", args=[others_request.number]))

    assert response.status_code == 302
    assert "/purpose/" in response["Location"]


def test_the_purpose_lasts_only_for_the_session(client, clerk, filed):
    client.force_login(clerk)
    state_purpose(client, filed)
    client.logout()
    client.force_login(clerk)

    response = client.get(reverse("requests:staff_detail", args=[filed.number]))

    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"description": "Covering for Dana this week"}, "Choose why you are opening"),
        ({"kind": "nonsense", "description": "Covering for Dana"}, "Choose a reason from"),
        ({"kind": "other"}, "Say in a few words what you need to do."),
        ({"kind": "other", "description": "checking"}, "Write at least 3 words"),
    ],
)
def test_bad_purpose_is_explained_and_kept(client, clerk, filed, data, message):
    client.force_login(clerk)

    response = client.post(_purpose_url(filed), data)

    content = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in content
    assert message in content
    if data.get("description"):
        assert data["description"] in content
    assert client.get(reverse("requests:staff_detail", args=[filed.number])).status_code == 302


def test_assigned_clerk_is_not_asked_and_not_flagged(client, clerk, filed):
    request_assign(requests=[filed], assignee=clerk, actor=clerk)
    client.force_login(clerk)

    response = client.get(reverse("requests:staff_detail", args=[filed.number]))
    purpose_page = client.get(_purpose_url(filed))

    assert response.status_code == 200
    assert purpose_page.status_code == 302  # nothing to ask
    entry = AccessLogEntry.objects.get()
    assert (entry.outside_assignment, entry.purpose) == (False, "")


def test_assign_to_me_assigns_and_opens_without_a_purpose(client, clerk, filed):
    client.force_login(clerk)
    detail_url = reverse("requests:staff_detail", args=[filed.number])
    page = client.get(_purpose_url(filed, detail_url)).content.decode()
    assert "Assign it to me and open it" in page

    response = client.post(_purpose_url(filed), {"assign": "1", "next": detail_url})

    assert response["Location"] == detail_url
    filed.refresh_from_db()
    assert filed.assignee == clerk
    assert client.get(detail_url).status_code == 200
    assert AccessLogEntry.objects.get().outside_assignment is False
    assert AuditEvent.objects.filter(action="request.assigned").count() == 1


def test_assign_to_me_never_takes_a_request_from_a_colleague(client, clerk, filed):
    client.force_login(clerk)
    colleague = StaffFactory(email="dana.clerk@example.org")
    # A colleague took it between the page and the click.
    Request.objects.filter(pk=filed.pk).update(assignee=colleague)

    response = client.post(_purpose_url(filed), {"assign": "1"})

    assert response.status_code == 200
    assert "Someone assigned this request to a colleague" in response.content.decode()
    filed.refresh_from_db()
    assert filed.assignee == colleague


def test_next_outside_the_request_goes_to_its_overview(client, clerk, filed, others_request):
    client.force_login(clerk)
    elsewhere = reverse("requests:staff_detail", args=[others_request.number])

    for next_url in (elsewhere, "https://evil.example.org/staff/requests/"):
        response = client.post(
            _purpose_url(filed),
            {"kind": "supervisor", "description": "Monthly supervisor review", "next": next_url},
        )
        assert response["Location"] == reverse("requests:staff_detail", args=[filed.number])


def test_privacy_officer_is_not_asked_but_logged(client, privacy_officer, filed):
    client.force_login(privacy_officer)

    response = client.get(reverse("requests:staff_detail", args=[filed.number]))

    assert response.status_code == 200
    entry = AccessLogEntry.objects.get()
    assert (entry.actor, entry.item, entry.outside_assignment) == (
        privacy_officer,
        "request",
        False,
    )


def test_clerks_who_see_only_their_assignments_get_404_elsewhere(
    client, clerk, filed, others_request, settings
):
    settings.ACCESS_CLERKS_SEE = "assigned"
    request_assign(requests=[others_request], assignee=clerk, actor=clerk)
    client.force_login(clerk)

    assert client.get(reverse("requests:staff_detail", args=[filed.number])).status_code == 404
    assert client.get(_purpose_url(filed)).status_code == 404
    queue = client.get(reverse("requests:queue")).content.decode()
    assert filed.number not in queue
    assert others_request.number in queue
    mine = reverse("requests:staff_detail", args=[others_request.number])
    assert client.get(mine).status_code == 200


@pytest.mark.parametrize("persona", ["resident", "steward_a", "auditor"])
def test_the_purpose_page_is_404_for_others(client, filed, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(_purpose_url(filed)).status_code == 404


def test_anonymous_people_are_sent_to_sign_in_from_the_purpose_page(client, filed):
    response = client.get(_purpose_url(filed))

    assert response.status_code == 302
    assert "login" in response["Location"]
