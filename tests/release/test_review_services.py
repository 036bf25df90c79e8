"""The clerk's review: an answer per source, weak matches decided, redactions with their
exemptions, someone else's data decided, and a release that waits for a second clerk when a
released source is sensitive."""

import pytest
from django.core.exceptions import PermissionDenied

from portal.audit.models import AuditEvent
from requests.gathering.models import GatheredRecord, SourceRun
from requests.release.models import PackageStatus, Redaction, SourceAnswer
from requests.release.services import (
    ReleaseError,
    match_decide,
    other_person_release,
    package_approve,
    package_send_back,
    redaction_add,
    redaction_value,
    redaction_withdraw,
    release_blockers,
    request_release,
    source_decide,
)
from requests.states import RequestStatus
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _answer_all(request, clerk, answer=SourceAnswer.HELD):
    for run in SourceRun.objects.filter(request=request).select_related("source"):
        source_decide(request=request, source=run.source, actor=clerk, answer=answer)


def _codes(request, **kwargs):
    return [blocker.code for blocker in release_blockers(request=request, **kwargs)]


def test_every_source_needs_an_answer_before_release(in_review, clerk):
    assert "sources" in _codes(in_review)

    _answer_all(in_review, clerk)

    assert "sources" not in _codes(in_review)


def test_a_weak_match_blocks_release_until_a_clerk_decides_it(in_review, clerk):
    _answer_all(in_review, clerk)
    weak = GatheredRecord.objects.get(run__request=in_review, needs_confirmation=True)

    with pytest.raises(ReleaseError, match="weak match"):
        request_release(request=in_review, actor=clerk)

    match_decide(record=weak, actor=clerk, confirmed=False)
    package = request_release(request=in_review, actor=clerk)

    assert package.status == PackageStatus.QUEUED
    in_review.refresh_from_db()
    assert in_review.status == RequestStatus.RELEASED
    assert AuditEvent.objects.filter(action="release.match_rejected").count() == 1


def test_withholding_a_source_needs_a_reason_and_an_exemption(in_review, clerk, water_source):
    with pytest.raises(ReleaseError, match="why"):
        source_decide(
            request=in_review, source=water_source, actor=clerk, answer=SourceAnswer.WITHHELD
        )
    with pytest.raises(ReleaseError, match="exemptions"):
        source_decide(
            request=in_review,
            source=water_source,
            actor=clerk,
            answer=SourceAnswer.WITHHELD,
            reason="Open enforcement case",
        )

    decision = source_decide(
        request=in_review,
        source=water_source,
        actor=clerk,
        answer=SourceAnswer.WITHHELD,
        reason="Open enforcement case",
        exemptions=["26n"],
    )

    assert decision.exemptions == ["26n"]


def test_an_unknown_exemption_is_refused(in_review, clerk):
    with pytest.raises(ReleaseError, match="from the list"):
        redaction_add(request=in_review, actor=clerk, exemption="99z", value="Bruno")


def test_a_value_redaction_keeps_the_value_encrypted(in_review, clerk):
    redaction = redaction_add(
        request=in_review, actor=clerk, exemption="26c", value="Bruno Archer", note="co-owner"
    )

    assert b"Bruno" not in bytes(redaction.value_encrypted)
    assert redaction_value(redaction) == "Bruno Archer"
    event = AuditEvent.objects.get(action="release.redaction_added")
    assert "Bruno" not in str(event.details)


def test_a_field_redaction_names_a_field_of_a_record_of_the_request(in_review, clerk):
    record = GatheredRecord.objects.filter(run__request=in_review).first()
    with pytest.raises(ReleaseError, match="field"):
        redaction_add(request=in_review, actor=clerk, exemption="26c", record=record)

    redaction = redaction_add(
        request=in_review, actor=clerk, exemption="26c", record=record, field="co_owner"
    )
    redaction_withdraw(redaction=redaction, actor=clerk)

    assert Redaction.objects.get().withdrawn_at is not None
    with pytest.raises(ReleaseError, match="already withdrawn"):
        redaction_withdraw(redaction=redaction, actor=clerk)


def test_someone_elses_data_must_be_redacted_or_released_with_a_reason(in_review, clerk):
    record = GatheredRecord.objects.get(run__request=in_review, key="owner/P-1")
    flagged = {record.pk: ["co_owner"]}
    assert "others_data" in _codes(in_review, flagged=flagged)

    with pytest.raises(ReleaseError, match="why"):
        other_person_release(record=record, field="co_owner", actor=clerk, reason=" ")
    other_person_release(
        record=record, field="co_owner", actor=clerk, reason="She co-owns the parcel with him"
    )

    assert "others_data" not in _codes(in_review, flagged=flagged)


def test_a_sensitive_source_waits_for_a_second_clerk(in_review, clerk, water_source):
    water_source.sensitive = True
    water_source.required_identity_level = 3
    water_source.save()
    _answer_all(in_review, clerk)
    GatheredRecord.objects.filter(run__request=in_review).update(confirmed=True)

    package = request_release(request=in_review, actor=clerk)

    assert package.status == PackageStatus.AWAITING_APPROVAL
    in_review.refresh_from_db()
    assert in_review.status == RequestStatus.IN_REVIEW
    with pytest.raises(ReleaseError, match="Another clerk"):
        package_approve(package=package, actor=clerk)

    second = StaffFactory(role="clerk", email="second.clerk@example.org")
    package_approve(package=package, actor=second)

    package.refresh_from_db()
    assert package.status == PackageStatus.QUEUED
    assert package.approved_by == second
    in_review.refresh_from_db()
    assert in_review.status == RequestStatus.RELEASED


def test_residents_and_stewards_cannot_review(in_review, alice, steward_a, water_source):
    for person in (alice, steward_a):
        with pytest.raises(PermissionDenied):
            source_decide(
                request=in_review, source=water_source, actor=person, answer=SourceAnswer.HELD
            )


def test_nothing_changes_once_the_request_is_released(in_review, clerk, water_source):
    _answer_all(in_review, clerk)
    GatheredRecord.objects.filter(run__request=in_review).update(confirmed=True)
    request_release(request=in_review, actor=clerk)
    in_review.refresh_from_db()

    with pytest.raises(ReleaseError, match="not in review"):
        source_decide(
            request=in_review, source=water_source, actor=clerk, answer=SourceAnswer.NOT_HELD
        )


def test_a_release_waiting_for_approval_freezes_the_review_until_sent_back(
    in_review, clerk, water_source
):
    water_source.sensitive = True
    water_source.required_identity_level = 3
    water_source.save()
    _answer_all(in_review, clerk)
    GatheredRecord.objects.filter(run__request=in_review).update(confirmed=True)
    package = request_release(request=in_review, actor=clerk)

    with pytest.raises(ReleaseError, match="waiting for a second clerk"):
        redaction_add(request=in_review, actor=clerk, exemption="26c", value="Bruno")
    with pytest.raises(ReleaseError, match="Another clerk"):
        package_send_back(package=package, actor=clerk, reason="No")

    second = StaffFactory(role="clerk", email="second.clerk@example.org")
    package_send_back(package=package, actor=second, reason="Redact the co-owner")

    redaction_add(request=in_review, actor=clerk, exemption="26c", value="Bruno")
    with pytest.raises(ReleaseError, match="not waiting"):
        package_approve(package=package, actor=second)


def test_an_access_log_request_asks_no_department_and_needs_no_answers(alice, water_source):
    from requests.services import request_submit

    request = request_submit(requester=alice, subject=alice, kind="access_log")

    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    assert not SourceRun.objects.filter(request=request).exists()
    assert release_blockers(request=request) == []
