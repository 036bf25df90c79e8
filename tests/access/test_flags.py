"""The privacy officer's review of accesses outside an assignment."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.access.models import AccessFlagReview
from portal.access.services import access_record
from portal.audit.models import AuditEvent
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

FLAGGED = reverse("access:flagged")


def _flag(actor, subject, request, purpose="Covering for Dana: she is away", item="request"):
    return access_record(
        actor=actor,
        subject=subject,
        item=item,
        request=request,
        purpose=purpose,
        outside_assignment=True,
    )


def test_anonymous_people_are_sent_to_sign_in(client, clerk, resident, filed):
    entry = _flag(clerk, resident, filed)

    for url in (FLAGGED, reverse("access:flag_review", args=[entry.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


@pytest.mark.parametrize("persona", ["resident", "clerk", "steward_a", "auditor"])
def test_everyone_but_the_privacy_officer_gets_404(
    client, clerk, resident, filed, persona, request
):
    entry = _flag(clerk, resident, filed)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(FLAGGED).status_code == 404
    review_url = reverse("access:flag_review", args=[entry.pk])
    assert client.get(review_url).status_code == 404
    assert client.post(review_url, {"note": "Fine"}).status_code == 404
    assert AccessFlagReview.objects.count() == 0


def test_the_list_shows_unreviewed_flags_newest_first(
    client, privacy_officer, clerk, resident, filed, others_request, other_resident
):
    older = _flag(clerk, resident, filed, purpose="Older reason written here")
    newer = _flag(clerk, other_resident, others_request, purpose="Newer reason written here")
    reviewed = _flag(clerk, resident, filed, purpose="Already looked at this one")
    AccessFlagReview.objects.create(entry=reviewed, reviewed_by=privacy_officer, note="Fine")
    access_record(actor=clerk, subject=resident, item="request", request=filed)  # not flagged
    client.force_login(privacy_officer)

    content = client.get(FLAGGED).content.decode()

    assert "2 accesses to review" in content
    assert content.index("Newer reason") < content.index("Older reason")
    assert "Already looked at" not in content
    assert "Carol Clark" in content
    assert filed.number in content and others_request.number in content
    assert reverse("access:flag_review", args=[older.pk]) in content
    assert reverse("access:flag_review", args=[newer.pk]) in content


def test_the_list_costs_the_same_queries_for_1_and_many(client, privacy_officer, resident, filed):
    clerks = [StaffFactory(email=f"flag{n}@example.org") for n in range(3)]
    _flag(clerks[0], resident, filed)
    client.force_login(privacy_officer)
    client.get(FLAGGED)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(FLAGGED).status_code == 200
        return len(queries)

    with_one = count()
    for n in range(30):
        _flag(clerks[n % 3], resident, filed)
    assert with_one == count()


def test_the_staff_home_shows_the_count_to_the_privacy_officer_only(
    client, privacy_officer, clerk, resident, filed
):
    _flag(clerk, resident, filed)
    _flag(clerk, resident, filed)
    client.force_login(privacy_officer)

    officer_home = client.get(reverse("staff_home")).content.decode()
    client.force_login(clerk)
    clerk_home = client.get(reverse("staff_home")).content.decode()

    assert "Accesses outside an assignment" in officer_home
    assert "2 to review" in officer_home
    assert "access-flags" not in clerk_home


def test_review_page_shows_the_other_accesses_of_that_clerk_on_that_request(
    client, privacy_officer, clerk, resident, filed, others_request, other_resident
):
    first = _flag(clerk, resident, filed, item="request")
    _flag(clerk, resident, filed, item="request_history")
    access_record(actor=clerk, subject=resident, item="request_messages", request=filed)
    _flag(clerk, other_resident, others_request, item="request_letter")
    client.force_login(privacy_officer)

    content = client.get(reverse("access:flag_review", args=[first.pk])).content.decode()

    assert "Request overview" in content
    assert "Request history and notes" in content
    assert "Request messages" in content
    assert "Request letters" not in content  # another request
    assert "Covering for Dana: she is away" in content
    assert "the 2 accesses above" in content


def test_recording_a_conclusion_covers_the_flagged_accesses_shown(
    client, privacy_officer, clerk, resident, filed
):
    first = _flag(clerk, resident, filed)
    second = _flag(clerk, resident, filed, item="request_history")
    client.force_login(privacy_officer)
    url = reverse("access:flag_review", args=[first.pk])
    client.get(url)
    later = _flag(clerk, resident, filed, item="request_letter")  # after the page was shown

    response = client.post(url, {"note": "Confirmed with the supervisor.", "up_to": second.pk})

    assert response["Location"] == FLAGGED
    assert set(AccessFlagReview.objects.values_list("entry_id", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert AccessFlagReview.objects.get(entry=first).reviewed_by == privacy_officer
    event = AuditEvent.objects.get(action="access.flag_reviewed")
    assert event.details["entry_ids"] == [first.pk, second.pk]
    assert "Confirmed" not in str(event.details)
    remaining = client.get(FLAGGED).content.decode()
    assert reverse("access:flag_review", args=[later.pk]) in remaining
    shown = client.get(url).content.decode()
    assert "Confirmed with the supervisor." in shown
    assert "Record the conclusion" not in shown


def test_an_empty_conclusion_is_explained(client, privacy_officer, clerk, resident, filed):
    entry = _flag(clerk, resident, filed)
    client.force_login(privacy_officer)

    response = client.post(reverse("access:flag_review", args=[entry.pk]), {"note": "  "})

    assert response.status_code == 400
    assert "<title>Error:" in response.content.decode()
    assert "Write what you concluded." in response.content.decode()
    assert AccessFlagReview.objects.count() == 0


def test_an_entry_that_is_not_flagged_is_404(client, privacy_officer, clerk, resident, filed):
    entry = access_record(actor=clerk, subject=resident, item="request", request=filed)
    client.force_login(privacy_officer)

    assert client.get(reverse("access:flag_review", args=[entry.pk])).status_code == 404
    assert client.get(reverse("access:flag_review", args=[999999])).status_code == 404


def test_a_reviewed_flag_cannot_be_reviewed_twice(client, privacy_officer, clerk, resident, filed):
    entry = _flag(clerk, resident, filed)
    AccessFlagReview.objects.create(entry=entry, reviewed_by=privacy_officer, note="Fine")
    client.force_login(privacy_officer)

    response = client.post(reverse("access:flag_review", args=[entry.pk]), {"note": "Again"})

    assert response.status_code == 200
    assert AccessFlagReview.objects.get().note == "Fine"


def test_the_service_refuses_anyone_but_the_privacy_officer_and_unflagged_entries(
    clerk, privacy_officer, resident, filed
):
    from django.core.exceptions import PermissionDenied, ValidationError

    from portal.access.services import access_flag_review

    flagged = _flag(clerk, resident, filed)
    plain = access_record(actor=clerk, subject=resident, item="request", request=filed)

    with pytest.raises(PermissionDenied):
        access_flag_review(entry=flagged, reviewer=clerk, note="Fine")
    with pytest.raises(ValidationError):
        access_flag_review(entry=plain, reviewer=privacy_officer, note="Fine")
    with pytest.raises(ValidationError):
        access_flag_review(entry=flagged, reviewer=privacy_officer, note="   ")
    access_flag_review(entry=flagged, reviewer=privacy_officer, note="Fine")
    with pytest.raises(ValidationError, match="already"):
        access_flag_review(entry=flagged, reviewer=privacy_officer, note="Again")
    assert AccessFlagReview.objects.count() == 1
