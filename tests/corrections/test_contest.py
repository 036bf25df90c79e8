"""Contesting a denial of access: filed by the resident within the days allowed, decided by the
privacy officer alone; overturned, the denied request is reviewed again."""

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portal.access.models import AccessLogEntry
from requests.corrections.contest import (
    denial_contest_decide,
    denial_contest_submit,
    denial_contestable,
)
from requests.corrections.services import CorrectionError
from requests.models import RequestEventKind
from requests.services import request_deny, request_submit
from requests.states import RequestStatus
from tests.gathering.conftest import alice  # noqa: F401 (fixture)


@pytest.fixture
def denied(alice, clerk):  # noqa: F811
    filed = request_submit(requester=alice, subject=alice, kind="access", description="Dogs")
    filed.refresh_from_db()
    request_deny(
        request=filed, actor=clerk, reason="Held for an investigation.", exemptions=["26a"]
    )
    filed.refresh_from_db()
    assert filed.status == RequestStatus.DENIED
    return filed


@pytest.fixture
def contest(alice, denied):  # noqa: F811
    return denial_contest_submit(requester=alice, contested=denied, reason="Nothing is pending.")


def test_a_contest_goes_straight_to_review(contest, denied):
    assert contest.kind == "contest"
    assert contest.status == RequestStatus.IN_REVIEW
    assert contest.contested_request_id == denied.pk
    assert not contest.source_runs.exists()
    assert not denial_contestable(request=denied)


def test_a_denial_is_contested_once_and_in_time(alice, denied, contest):  # noqa: F811
    with pytest.raises(CorrectionError):
        denial_contest_submit(requester=alice, contested=denied, reason="Again")


def test_the_time_to_contest_runs_out(alice, denied):  # noqa: F811
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=31)
    with time_machine.travel(later):
        assert not denial_contestable(request=denied)
        with pytest.raises(CorrectionError):
            denial_contest_submit(requester=alice, contested=denied, reason="Late")


def test_a_request_that_was_not_denied_cannot_be_contested(alice):  # noqa: F811
    filed = request_submit(requester=alice, subject=alice, kind="access")
    with pytest.raises(CorrectionError):
        denial_contest_submit(requester=alice, contested=filed, reason="Why?")


def test_only_the_privacy_officer_decides(contest, clerk, steward_a):
    for someone in (clerk, steward_a):
        with pytest.raises(PermissionDenied):
            denial_contest_decide(contest=contest, actor=someone, overturn=True, reason="x")


def test_overturned_the_denied_request_is_reviewed_again(contest, denied, privacy_officer):
    denial_contest_decide(
        contest=contest, actor=privacy_officer, overturn=True, reason="No investigation exists."
    )
    denied.refresh_from_db()
    contest.refresh_from_db()
    assert denied.status == RequestStatus.IN_REVIEW
    assert denied.denial_reason == "" and denied.denial_exemptions == []
    assert contest.status == RequestStatus.DECIDED
    event = contest.events.get(kind=RequestEventKind.APPEAL_DECIDED)
    assert event.details["outcome"] == "overturned"
    assert event.text == "No investigation exists."
    with pytest.raises(CorrectionError):
        denial_contest_decide(contest=contest, actor=privacy_officer, overturn=False, reason="x")


def test_upheld_the_resident_is_told_where_to_appeal(contest, denied, privacy_officer):
    denial_contest_decide(
        contest=contest, actor=privacy_officer, overturn=False, reason="The file is open."
    )
    denied.refresh_from_db()
    assert denied.status == RequestStatus.DENIED
    event = contest.events.get(kind=RequestEventKind.APPEAL_DECIDED)
    assert "Supervisor of Records" in event.text


def test_the_resident_contests_through_the_form(client, alice, denied):  # noqa: F811
    client.force_login(alice)
    url = reverse("requests:contest_denial", args=[denied.number])
    page = client.get(url)
    assert page.status_code == 200
    assert "Held for an investigation." in page.content.decode()
    empty = client.post(url, {"reason": "   "})
    assert empty.status_code == 200
    assert "Say why the denial is wrong." in empty.content.decode()
    too_long = client.post(url, {"reason": "x" * 2001})
    assert "x" * 2001 in too_long.content.decode()
    sent = client.post(url, {"reason": "The investigation ended in 2025."})
    assert sent.status_code == 302
    contest = denied.contests.get()
    assert sent["Location"] == reverse("requests:submitted", args=[contest.number])
    assert client.get(url).status_code == 409


def test_another_resident_cannot_reach_the_form(client, other_resident, denied):
    client.force_login(other_resident)
    assert client.get(reverse("requests:contest_denial", args=[denied.number])).status_code == 404


def test_the_privacy_officer_confirms_the_decision(client, contest, denied, privacy_officer):
    client.force_login(privacy_officer)
    url = reverse("requests:staff_contest", args=[contest.number])
    page = client.get(url)
    assert page.status_code == 200
    assert "Nothing is pending." in page.content.decode()
    assert AccessLogEntry.objects.filter(actor=privacy_officer, request=contest).exists()
    missing = client.post(url, {"outcome": "overturn", "reason": ""})
    assert "Give the reason for the decision." in missing.content.decode()
    confirm = client.post(url, {"outcome": "overturn", "reason": "No investigation."})
    assert "You are about to overturn the denial" in confirm.content.decode()
    denied.refresh_from_db()
    assert denied.status == RequestStatus.DENIED
    done = client.post(
        url, {"outcome": "overturn", "reason": "No investigation.", "confirmed": "True"}
    )
    assert done.status_code == 302
    denied.refresh_from_db()
    assert denied.status == RequestStatus.IN_REVIEW
    again = client.get(url)
    assert "not open for a decision" in again.content.decode()


def test_a_clerk_cannot_reach_the_decision(client, contest, clerk):
    client.force_login(clerk)
    assert client.get(reverse("requests:staff_contest", args=[contest.number])).status_code == 404


# --- Records withheld from a released answer ----------------------------------------------


@pytest.fixture
def withheld(in_review, clerk):
    """alice's access request released with the Assessors' records and the water department's
    withheld."""
    from requests.gathering.models import GatheredRecord, SourceRun
    from requests.release.services import match_decide, request_release, source_decide

    for record in GatheredRecord.objects.filter(run__request=in_review, needs_confirmation=True):
        match_decide(record=record, actor=clerk, confirmed=True)
    for run in SourceRun.objects.filter(request=in_review).select_related("source"):
        if run.source.slug == "water-people":
            source_decide(
                request=in_review,
                source=run.source,
                actor=clerk,
                answer="withheld",
                exemptions=["26a"],
                reason="Kept private by the water billing contract.",
            )
        else:
            source_decide(request=in_review, source=run.source, actor=clerk, answer="held")
    request_release(request=in_review, actor=clerk)
    in_review.refresh_from_db()
    assert in_review.status == RequestStatus.RELEASED
    return in_review


def test_records_withheld_from_a_release_can_be_contested(client, alice, withheld):  # noqa: F811
    assert denial_contestable(request=withheld)
    client.force_login(alice)
    page = client.get(reverse("requests:detail", args=[withheld.number])).content.decode()
    assert "Contest what was withheld" in page
    form = client.get(reverse("requests:contest_denial", args=[withheld.number]))
    assert "Kept private by the water billing contract." in form.content.decode()


def test_a_release_that_withheld_nothing_cannot_be_contested(released):
    assert not denial_contestable(request=released)


def test_overturning_a_withholding_files_a_new_request_for_those_records(
    alice,  # noqa: F811
    withheld,
    privacy_officer,
):
    contest = denial_contest_submit(requester=alice, contested=withheld, reason="It is my bill.")
    denial_contest_decide(
        contest=contest, actor=privacy_officer, overturn=True, reason="No contract says so."
    )
    withheld.refresh_from_db()
    assert withheld.status == RequestStatus.RELEASED
    reopened = alice.requests_about.exclude(pk__in=[withheld.pk, contest.pk]).get()
    assert reopened.kind == "access" and reopened.filed_by == privacy_officer
    assert [d.name for d in reopened.departments.all()] == [
        d.source.department.name for d in withheld.source_decisions.filter(answer="withheld")
    ]
    assert withheld.number in reopened.description
    event = contest.events.get(kind=RequestEventKind.APPEAL_DECIDED)
    assert event.details["new_request"] == reopened.number
    assert reopened.number in event.text
