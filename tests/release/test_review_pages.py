"""The clerk's review page and the release: records grouped and masked, each action through its
own small view, bad input answered with a message on the page, the access log written on every
look, and the release confirmed on a page of its own (with a second clerk for sensitive
sources)."""

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.access.models import AccessLogEntry
from requests.gathering.models import GatheredRecord, SourceRun
from requests.gathering.services import source_run_execute
from requests.release.models import (
    OtherPersonRelease,
    PackageStatus,
    Redaction,
    ReleasePackage,
    SourceAnswer,
    SourceDecision,
)
from requests.release.selectors import RECORDS_PER_SOURCE
from requests.release.services import match_decide, redaction_add, source_decide
from requests.services import request_assign
from requests.states import RequestStatus
from tasks.connectors.base import SourceRecord
from tests.factories import StaffFactory
from tests.gathering.conftest import ALICE

pytestmark = pytest.mark.django_db


def _url(name, request):
    return reverse(f"requests:{name}", args=[request.number])


@pytest.fixture
def assigned(in_review, clerk):
    """alice's request in review, assigned to the clerk (no stated purpose needed)."""
    request_assign(requests=[in_review], assignee=clerk, actor=clerk)
    return in_review


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def make_in_review(alice, file_request, assessors_source, water_source, scripted_connector, clerk):
    """Another request of alice's in review, with the records given for each source."""

    def make(assessors, water=None):
        scripted_connector.script["assessors-people"] = [assessors]
        scripted_connector.script["water-people"] = [
            water if water is not None else [SourceRecord("W-1", "account", dict(ALICE))]
        ]
        request, _callbacks = file_request()
        for run in SourceRun.objects.filter(request=request):
            source_run_execute(run_id=run.pk, worker="w1")
        request.refresh_from_db()
        assert request.status == RequestStatus.IN_REVIEW
        request_assign(requests=[request], assignee=clerk, actor=clerk)
        return request

    return make


def _people(count):
    return [
        SourceRecord(f"P-{n}", "owner", {**ALICE, "parcel": f"PAR-{n:05d}"}) for n in range(count)
    ]


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _weak(request):
    return GatheredRecord.objects.get(run__request=request, needs_confirmation=True)


def _owner(request):
    return GatheredRecord.objects.get(run__request=request, key="owner/P-1")


def _run(request, source):
    return SourceRun.objects.get(request=request, source=source)


def _decide_all(request, clerk):
    for run in SourceRun.objects.filter(request=request).select_related("source"):
        source_decide(request=request, source=run.source, actor=clerk, answer=SourceAnswer.HELD)


# --- The page ---------------------------------------------------------------------------------


def test_the_review_page_groups_records_by_department_and_source_with_match_strength(
    clerk_client, assigned
):
    response = clerk_client.get(_url("staff_review", assigned))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Assessors" in body and "Water and Sewer Billing" in body
    assert "Assessors People" in body and "Water People" in body
    assert "Name and address only: a clerk must confirm" in body
    assert "Name and date of birth" in body
    assert "What is left before release" in body
    assert "Give an answer for every department source" in body
    assert "co_owner holds someone else's data." in body


def test_the_review_page_shows_records_masked(clerk_client, make_in_review):
    request = make_in_review(
        [SourceRecord("P-1", "owner", {**ALICE, "note": "card 4111 1111 1111 1111 on file"})]
    )

    body = clerk_client.get(_url("staff_review", request)).content.decode()

    assert "4111 1111 1111 1111" not in body
    assert "[card number removed]" in body
    assert "payment card number" in body


def test_each_look_at_the_records_is_in_the_access_log(clerk_client, assigned, clerk):
    clerk_client.get(_url("staff_review", assigned))
    clerk_client.get(_url("staff_review", assigned))

    entries = AccessLogEntry.objects.filter(item="review_records", request=assigned)
    assert entries.count() == 2
    entry = entries.first()
    assert entry.actor == clerk
    assert entry.subject == assigned.subject
    assert entry.object_id == str(assigned.pk)
    shown = set(GatheredRecord.objects.filter(run__request=assigned).values_list("pk", flat=True))
    assert set(entry.record_ids) == shown and shown


def test_a_clerk_not_assigned_states_a_purpose_first(client, in_review, clerk):
    client.force_login(clerk)
    url = _url("staff_review", in_review)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(_url("staff_purpose", in_review))
    assert not AccessLogEntry.objects.filter(item="review_records").exists()
    client.post(
        _url("staff_purpose", in_review),
        {"kind": "covering", "description": "Covering for a colleague this week"},
    )
    assert client.get(url).status_code == 200
    entry = AccessLogEntry.objects.get(item="review_records")
    assert entry.outside_assignment is True
    assert "Covering for a colleague" in entry.purpose


ACTION_URLS = [
    "staff_review",
    "staff_review_decide",
    "staff_review_match",
    "staff_review_redact",
    "staff_review_redact_value",
    "staff_review_withdraw",
    "staff_review_other_redact",
    "staff_review_other_release",
    "staff_release",
    "staff_release_approve",
]


def test_anonymous_people_are_sent_to_sign_in(client, in_review):
    for name in ACTION_URLS:
        response = client.post(_url(name, in_review), {})
        assert response.status_code == 302, name
        assert "login" in response["Location"], name


@pytest.mark.parametrize("persona", ["resident", "other_resident", "steward_a", "steward_b"])
def test_residents_and_stewards_get_404(client, in_review, persona, request):
    client.force_login(request.getfixturevalue(persona))
    weak = _weak(in_review)

    assert client.get(_url("staff_review", in_review)).status_code == 404
    assert client.get(_url("staff_release", in_review)).status_code == 404
    for name in ACTION_URLS[1:]:
        response = client.post(_url(name, in_review), {"target": weak.pk, "confirmed": "yes"})
        assert response.status_code == 404, name
    weak.refresh_from_db()
    assert weak.confirmed is None


def test_a_get_to_an_action_is_refused(clerk_client, assigned):
    assert clerk_client.get(_url("staff_review_match", assigned)).status_code == 405


# --- Answers per source -----------------------------------------------------------------------


def test_a_clerk_answers_a_source(clerk_client, assigned, water_source):
    run = _run(assigned, water_source)

    response = clerk_client.post(
        _url("staff_review_decide", assigned), {"target": run.pk, "answer": "not_held"}
    )

    assert response.status_code == 302
    assert response.url.endswith(f"#run-{run.pk}")
    decision = SourceDecision.objects.get(request=assigned, source=water_source)
    assert decision.answer == SourceAnswer.NOT_HELD
    assert "Answer saved for Water People." in _messages(response)


def test_withholding_without_a_reason_comes_back_with_the_message_and_the_choices(
    clerk_client, assigned, water_source
):
    run = _run(assigned, water_source)

    response = clerk_client.post(
        _url("staff_review_decide", assigned),
        {"target": run.pk, "answer": "withheld", "exemptions": ["26n"]},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error:" in body
    assert "Say why these records are withheld." in body
    # What was chosen is still chosen.
    assert f'value="26n" id="run{run.pk}-exemptions_2" checked' in body
    assert f'value="withheld" id="run{run.pk}-answer_2" checked' in body
    assert not SourceDecision.objects.exists()


def test_an_unknown_exemption_gets_a_message(clerk_client, assigned, water_source):
    run = _run(assigned, water_source)

    response = clerk_client.post(
        _url("staff_review_decide", assigned),
        {"target": run.pk, "answer": "withheld", "exemptions": ["99z"], "reason": "x"},
    )

    assert response.status_code == 200
    assert "Choose exemptions from the list." in response.content.decode()
    assert not SourceDecision.objects.exists()


def test_a_source_of_another_request_is_not_answered(
    clerk_client, assigned, make_in_review, water_source
):
    other = make_in_review(_people(1))

    response = clerk_client.post(
        _url("staff_review_decide", assigned),
        {"target": _run(other, water_source).pk, "answer": "held"},
    )

    assert response.status_code == 200
    assert "This item is not part of this request." in response.content.decode()
    assert not SourceDecision.objects.exists()


@pytest.mark.parametrize("target", ["", "abc", "-1", "99999999999999999999"])
def test_a_tampered_id_gets_a_message_never_a_500(clerk_client, assigned, target):
    for name in ACTION_URLS[1:8]:
        response = clerk_client.post(
            _url(name, assigned),
            {"target": target, "answer": "held", "confirmed": "yes", "field": "name"},
        )
        assert response.status_code == 200, name
        assert "<title>Error:" in response.content.decode(), name
    assert not SourceDecision.objects.exists()
    assert not Redaction.objects.exists()


# --- Weak matches -----------------------------------------------------------------------------


def test_a_clerk_confirms_a_weak_match(clerk_client, assigned, clerk):
    weak = _weak(assigned)

    response = clerk_client.post(
        _url("staff_review_match", assigned), {"target": weak.pk, "confirmed": "yes"}
    )

    assert response.status_code == 302
    weak.refresh_from_db()
    assert weak.confirmed is True
    assert weak.confirmed_by == clerk


def test_a_clerk_rejects_a_weak_match(clerk_client, assigned):
    weak = _weak(assigned)

    clerk_client.post(_url("staff_review_match", assigned), {"target": weak.pk, "confirmed": "no"})

    weak.refresh_from_db()
    assert weak.confirmed is False


def test_a_match_needs_confirm_or_reject(clerk_client, assigned):
    weak = _weak(assigned)

    response = clerk_client.post(
        _url("staff_review_match", assigned), {"target": weak.pk, "confirmed": "maybe"}
    )

    assert response.status_code == 200
    assert "Choose Confirm or Reject." in response.content.decode()
    weak.refresh_from_db()
    assert weak.confirmed is None


def test_a_record_of_another_request_is_not_decided(clerk_client, assigned, make_in_review):
    other = make_in_review(_people(1))
    foreign = GatheredRecord.objects.filter(run__request=other).first()

    response = clerk_client.post(
        _url("staff_review_match", assigned), {"target": foreign.pk, "confirmed": "no"}
    )

    assert response.status_code == 200
    assert "This item is not part of this request." in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.confirmed is None


# --- Redactions -------------------------------------------------------------------------------


def test_a_clerk_redacts_a_field_with_an_exemption(clerk_client, assigned):
    owner = _owner(assigned)

    response = clerk_client.post(
        _url("staff_review_redact", assigned),
        {"target": owner.pk, "field": "date_of_birth", "exemption": "26a", "note": "sealed"},
    )

    assert response.status_code == 302
    redaction = Redaction.objects.get()
    assert (redaction.record, redaction.field, redaction.exemption) == (
        owner,
        "date_of_birth",
        "26a",
    )
    body = clerk_client.get(_url("staff_review", assigned)).content.decode()
    assert "Redacted (26a)" in body


def test_a_field_redaction_needs_a_field_of_the_record_and_an_exemption(clerk_client, assigned):
    owner = _owner(assigned)

    response = clerk_client.post(
        _url("staff_review_redact", assigned),
        {"target": owner.pk, "field": "not_a_field", "exemption": "", "note": "kept"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Choose a field of this record." in body
    assert "Choose the exemption for this redaction." in body
    assert 'value="kept"' in body
    assert not Redaction.objects.exists()


def test_a_clerk_redacts_a_value_everywhere_and_withdraws_it(clerk_client, assigned):
    response = clerk_client.post(
        _url("staff_review_redact_value", assigned), {"value": "Bruno Archer", "exemption": "26c"}
    )
    assert response.status_code == 302
    redaction = Redaction.objects.get()
    assert redaction.record is None

    response = clerk_client.post(_url("staff_review_withdraw", assigned), {"target": redaction.pk})

    assert response.status_code == 302
    redaction.refresh_from_db()
    assert redaction.withdrawn_at is not None
    response = clerk_client.post(_url("staff_review_withdraw", assigned), {"target": redaction.pk})
    assert response.status_code == 200
    assert "This redaction was already withdrawn." in response.content.decode()


def test_an_empty_value_or_unknown_exemption_gets_messages_and_keeps_the_note(
    clerk_client, assigned
):
    response = clerk_client.post(
        _url("staff_review_redact_value", assigned),
        {"value": "  ", "exemption": "99z", "note": "from the call"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "Enter the words or number to redact." in body
    assert "Choose an exemption from the list." in body
    assert 'value="from the call"' in body
    assert not Redaction.objects.exists()


def test_a_redaction_of_another_request_is_not_withdrawn(
    clerk_client, assigned, make_in_review, clerk
):
    other = make_in_review(_people(1))
    foreign = redaction_add(request=other, actor=clerk, exemption="26c", value="Bruno")

    response = clerk_client.post(_url("staff_review_withdraw", assigned), {"target": foreign.pk})

    assert response.status_code == 200
    foreign.refresh_from_db()
    assert foreign.withdrawn_at is None


# --- Someone else's data ----------------------------------------------------------------------


def test_someone_elses_data_is_redacted_with_26c_by_default(clerk_client, assigned):
    owner = _owner(assigned)
    body = clerk_client.get(_url("staff_review", assigned)).content.decode()
    assert '<option value="26c" selected>' in body

    response = clerk_client.post(
        _url("staff_review_other_redact", assigned),
        {"target": owner.pk, "field": "co_owner", "exemption": "26c"},
    )

    assert response.status_code == 302
    redaction = Redaction.objects.get()
    assert (redaction.record, redaction.field, redaction.exemption) == (owner, "co_owner", "26c")


def test_someone_elses_data_without_an_exemption_comes_back_beside_its_field(
    clerk_client, assigned
):
    owner = _owner(assigned)

    response = clerk_client.post(
        _url("staff_review_other_redact", assigned),
        {"target": owner.pk, "field": "co_owner", "exemption": "99z"},
    )

    assert response.status_code == 200
    body = response.content.decode()
    # In the error summary, and again beside the select of the form that came back.
    assert body.count("Choose an exemption from the list.") == 2
    assert 'aria-invalid="true"' in body
    assert not Redaction.objects.exists()


def test_someone_elses_data_is_released_with_a_reason(clerk_client, assigned):
    owner = _owner(assigned)

    response = clerk_client.post(
        _url("staff_review_other_release", assigned),
        {"target": owner.pk, "field": "co_owner", "reason": ""},
    )
    assert response.status_code == 200
    assert "Say why this may go to the resident." in response.content.decode()

    response = clerk_client.post(
        _url("staff_review_other_release", assigned),
        {"target": owner.pk, "field": "co_owner", "reason": "She co-owns the parcel"},
    )

    assert response.status_code == 302
    assert OtherPersonRelease.objects.get().reason == "She co-owns the parcel"


def test_only_a_flagged_field_is_released_as_someone_elses_data(clerk_client, assigned):
    owner = _owner(assigned)

    response = clerk_client.post(
        _url("staff_review_other_release", assigned),
        {"target": owner.pk, "field": "date_of_birth", "reason": "why not"},
    )

    assert response.status_code == 200
    assert "This item is not part of this request." in response.content.decode()
    assert not OtherPersonRelease.objects.exists()


# --- Release ----------------------------------------------------------------------------------


def test_a_blocked_release_shows_what_is_left(clerk_client, assigned):
    page = clerk_client.get(_url("staff_release", assigned)).content.decode()
    assert "Give an answer for every department source" in page
    assert ">Release</button>" not in page

    response = clerk_client.post(_url("staff_release", assigned))

    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error:" in body
    assert "Confirm or reject the 1 records found on a weak match." in body
    assigned.refresh_from_db()
    assert assigned.status == RequestStatus.IN_REVIEW
    assert not ReleasePackage.objects.exists()


def test_someone_elses_data_left_open_blocks_the_release(clerk_client, assigned, clerk):
    _decide_all(assigned, clerk)
    match_decide(record=_weak(assigned), actor=clerk, confirmed=True)

    response = clerk_client.post(_url("staff_release", assigned))

    assert response.status_code == 200
    assert "Decide the 1 fields that hold someone else&#x27;s data." in response.content.decode()
    assert not ReleasePackage.objects.exists()


def test_a_decided_review_is_released(
    clerk_client, assigned, clerk, django_capture_on_commit_callbacks
):
    _decide_all(assigned, clerk)
    match_decide(record=_weak(assigned), actor=clerk, confirmed=True)
    redaction_add(
        request=assigned, actor=clerk, exemption="26c", record=_owner(assigned), field="co_owner"
    )
    page = clerk_client.get(_url("staff_release", assigned)).content.decode()
    assert "Assessors People (Assessors)" in page
    assert "Not needed" in page

    with django_capture_on_commit_callbacks(execute=False):
        response = clerk_client.post(_url("staff_release", assigned))

    assert response.status_code == 302
    assert response.url == _url("staff_detail", assigned)
    assigned.refresh_from_db()
    assert assigned.status == RequestStatus.RELEASED
    assert ReleasePackage.objects.get().status == PackageStatus.QUEUED


def test_a_sensitive_release_waits_for_another_clerk_who_approves_it(
    client, clerk_client, assigned, clerk, water_source, django_capture_on_commit_callbacks
):
    water_source.sensitive = True
    water_source.required_identity_level = 3
    water_source.save()
    _decide_all(assigned, clerk)
    match_decide(record=_weak(assigned), actor=clerk, confirmed=False)
    redaction_add(
        request=assigned, actor=clerk, exemption="26c", record=_owner(assigned), field="co_owner"
    )

    response = clerk_client.post(_url("staff_release", assigned))

    assert response.status_code == 302
    assert "waiting for another clerk" in " ".join(_messages(response))
    review = clerk_client.get(_url("staff_review", assigned)).content.decode()
    assert "waiting for another clerk to approve it" in review
    own = clerk_client.get(_url("staff_release_approve", assigned)).content.decode()
    assert "waiting for another clerk to approve" in own
    assert "Approve the release</button>" not in own
    refused = clerk_client.post(_url("staff_release_approve", assigned))
    assert "Another clerk must approve a release you made." in refused.content.decode()

    second = StaffFactory(email="sam.second@example.org", first_name="Sam", last_name="Second")
    request_assign(requests=[assigned], assignee=second, actor=second)
    client.force_login(second)
    assert "Check and approve" in client.get(_url("staff_review", assigned)).content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(_url("staff_release_approve", assigned))

    assert response.status_code == 302
    package = ReleasePackage.objects.get()
    assert package.status == PackageStatus.QUEUED
    assert package.approved_by == second
    assigned.refresh_from_db()
    assert assigned.status == RequestStatus.RELEASED


def test_the_second_clerk_sends_a_release_back_with_a_reason_and_the_review_opens_again(
    client, clerk_client, assigned, clerk, water_source
):
    water_source.sensitive = True
    water_source.required_identity_level = 3
    water_source.save()
    _decide_all(assigned, clerk)
    match_decide(record=_weak(assigned), actor=clerk, confirmed=False)
    redaction_add(
        request=assigned, actor=clerk, exemption="26c", record=_owner(assigned), field="co_owner"
    )
    clerk_client.post(_url("staff_release", assigned))
    frozen = clerk_client.post(
        _url("staff_review_redact_value", assigned), {"value": "Bruno", "exemption": "26c"}
    )
    assert "waiting for a second clerk" in frozen.content.decode()

    second = StaffFactory(email="sam.second@example.org", first_name="Sam", last_name="Second")
    request_assign(requests=[assigned], assignee=second, actor=second)
    client.force_login(second)
    empty = client.post(_url("staff_release_approve", assigned), {"send_back": "1", "reason": ""})
    assert "Say what must change before the release." in empty.content.decode()
    response = client.post(
        _url("staff_release_approve", assigned),
        {"send_back": "1", "reason": "Redact the meter notes too."},
    )

    assert response.status_code == 302
    package = ReleasePackage.objects.get()
    assert package.status == PackageStatus.SENT_BACK
    assert package.sent_back_by == second
    review = clerk_client.get(_url("staff_review", assigned)).content.decode()
    assert "Sam Second sent the release back" in review
    assert "Redact the meter notes too." in review
    assert "Release the records" in review
    assigned.refresh_from_db()
    assert assigned.status == RequestStatus.IN_REVIEW


def test_nothing_to_approve_says_so(clerk_client, assigned):
    response = clerk_client.get(_url("staff_release_approve", assigned))

    assert response.status_code == 409
    assert "Nothing to approve" in response.content.decode()


def test_a_request_not_in_review_is_read_only_and_cannot_be_released(
    clerk_client, assigned, clerk, django_capture_on_commit_callbacks
):
    _decide_all(assigned, clerk)
    match_decide(record=_weak(assigned), actor=clerk, confirmed=False)
    redaction_add(
        request=assigned, actor=clerk, exemption="26c", record=_owner(assigned), field="co_owner"
    )
    with django_capture_on_commit_callbacks(execute=False):
        clerk_client.post(_url("staff_release", assigned))

    review = clerk_client.get(_url("staff_review", assigned))
    release = clerk_client.get(_url("staff_release", assigned))

    assert review.status_code == 200
    assert "nothing can change" in review.content.decode()
    assert "Save the answer" not in review.content.decode()
    assert release.status_code == 409


def test_the_request_page_links_to_the_review_when_in_review(clerk_client, assigned):
    body = clerk_client.get(_url("staff_detail", assigned)).content.decode()

    assert _url("staff_review", assigned) in body


# --- Size ------------------------------------------------------------------------------------


def test_the_review_costs_the_same_queries_for_3_or_30_records(
    clerk_client, make_in_review, django_assert_max_num_queries
):
    few = make_in_review(_people(3))
    many = make_in_review(_people(30), water=_people(30))
    clerk_client.get(_url("staff_review", few))
    with CaptureQueriesContext(connection) as counted:
        clerk_client.get(_url("staff_review", few))
    with django_assert_max_num_queries(len(counted.captured_queries)):
        response = clerk_client.get(_url("staff_review", many))
    assert response.content.decode().count("<article") == 60


def test_a_large_source_shows_a_page_of_records_and_reads_the_rest_page_by_page(
    clerk_client, make_in_review, assessors_source
):
    request = make_in_review(_people(RECORDS_PER_SOURCE + 5))
    run = _run(request, assessors_source)

    first = clerk_client.get(_url("staff_review", request)).content.decode()
    assert first.count('class="badge') == RECORDS_PER_SOURCE + 1  # and one water record
    assert f"Records 1 to {RECORDS_PER_SOURCE} of {RECORDS_PER_SOURCE + 5}." in first
    assert f"?source={run.pk}" in first

    second = clerk_client.get(_url("staff_review", request), {"source": run.pk, "page": 2})
    body = second.content.decode()
    assert body.count("<article") == 5
    assert "Water People" not in body.split("Records found", 1)[1]


@pytest.mark.parametrize(
    "query", [{"source": "abc"}, {"source": "1", "page": "zz"}, {"page": "-3"}]
)
def test_bad_paging_input_shows_the_page(clerk_client, assigned, query):
    assert clerk_client.get(_url("staff_review", assigned), query).status_code == 200
