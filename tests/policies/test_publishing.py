"""Publishing a version: the 30-day notice for a substantive change, its exceptions, and who may
publish."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from portal.audit.models import AuditEvent
from portal.policies.models import PolicyVersion
from portal.policies.services import (
    policy_draft_create,
    policy_draft_update,
    policy_publication_check,
    policy_version_publish,
)
from tests.factories import StaffFactory, UserFactory
from tests.policies.conftest import at, publish, travel

pytestmark = pytest.mark.django_db

TODAY = at(2026, 3, 1)
DAY = dt.date(2026, 3, 1)


def _days(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def test_version_1_is_the_citys_policy_of_1_march_2012(version_1):
    assert version_1.number == 1
    assert version_1.effective_on == dt.date(2012, 3, 1)
    assert version_1.posted_at.date() == dt.date(2012, 3, 1)
    assert not version_1.substantive
    assert version_1.correction_reason
    assert "We will post substantive changes to this policy at least 30 days" in version_1.text
    assert "webmaster@cityofwestfield.org" in version_1.text


def test_a_substantive_change_with_29_days_notice_is_refused_with_a_clear_message(
    version_1, privacy_officer
):
    with travel(TODAY), pytest.raises(ValidationError) as refused:
        publish(privacy_officer, effective_on=_days(29))

    message = refused.value.messages[0]
    assert refused.value.code == "notice_too_short"
    assert "at least 30 days before it takes effect" in message
    assert "30 March 2026 is only 29 days away" in message
    assert "Choose 31 March 2026 or later" in message
    assert not PolicyVersion.objects.filter(number=2).exists()
    assert not AuditEvent.objects.filter(action="policy.published").exists()


def test_a_substantive_change_with_30_days_notice_is_accepted(version_1, privacy_officer):
    with travel(TODAY):
        version = publish(privacy_officer, effective_on=_days(30))

    version.refresh_from_db()
    assert version.number == 2
    assert version.effective_on == dt.date(2026, 3, 31)
    assert version.posted_at == TODAY
    assert version.posted_by == privacy_officer
    assert version.substantive


def test_publishing_is_audited_with_ids_and_dates_only(version_1, privacy_officer):
    with travel(TODAY):
        version = publish(privacy_officer, effective_on=_days(45))

    event = AuditEvent.objects.get(action="policy.published")
    assert event.category == "configuration"
    assert event.actor_id == privacy_officer.pk
    assert event.object_type == "policies.policyversion"
    assert event.object_id == str(version.pk)
    assert event.details == {
        "number": 2,
        "replaces": 1,
        "effective_on": "2026-04-15",
        "substantive": True,
        "notice_days": 45,
    }
    assert "how long we keep" not in str(event.details)


def test_a_correction_marked_not_substantive_may_take_effect_at_once_with_a_reason(
    version_1, privacy_officer
):
    with travel(TODAY):
        version = publish(
            privacy_officer,
            effective_on=DAY,
            substantive=False,
            reason="A link pointed to the wrong page.",
        )

    assert version.number == 2
    assert version.correction_reason == "A link pointed to the wrong page."


def test_a_correction_without_a_reason_is_refused(version_1, privacy_officer):
    with travel(TODAY), pytest.raises(ValidationError) as refused:
        publish(privacy_officer, effective_on=DAY, substantive=False, reason="   ")

    assert refused.value.code == "reason_required"
    assert refused.value.messages == ["Say why this change is not substantive."]


def test_the_first_version_needs_no_notice(privacy_officer):
    PolicyVersion.objects.all().delete()

    with travel(TODAY):
        version = publish(privacy_officer, effective_on=DAY)

    assert version.number == 1


def test_a_day_in_the_past_is_refused(version_1, privacy_officer):
    with travel(TODAY), pytest.raises(ValidationError) as refused:
        publish(privacy_officer, effective_on=_days(-1), substantive=False, reason="Typo.")

    assert refused.value.code == "effective_in_past"


def test_a_version_cannot_take_effect_before_the_one_already_coming(version_1, privacy_officer):
    with travel(TODAY):
        publish(privacy_officer, effective_on=_days(60))
        with pytest.raises(ValidationError) as refused:
            publish(privacy_officer, effective_on=_days(40))

    assert refused.value.code == "before_latest"
    assert "Version 2 takes effect on 30 April 2026" in refused.value.messages[0]


def test_a_correction_of_the_coming_version_may_share_its_day(version_1, privacy_officer):
    with travel(TODAY):
        publish(privacy_officer, effective_on=_days(60))
    with travel(at(2026, 4, 20)):
        correction = publish(
            privacy_officer, effective_on=_days(60), substantive=False, reason="A typing mistake."
        )

    assert correction.number == 3


@pytest.mark.parametrize("role", ["clerk", "steward", "auditor", "resident"])
def test_only_the_privacy_officer_drafts_and_publishes(version_1, privacy_officer, role):
    someone = UserFactory() if role == "resident" else StaffFactory(role=role)
    draft = policy_draft_create(author=privacy_officer, text="# New\n", summary="New.")

    with pytest.raises(PermissionDenied):
        policy_draft_create(author=someone, text="# Mine\n", summary="Mine.")
    with pytest.raises(PermissionDenied):
        policy_draft_update(draft=draft, author=someone, text="# Mine\n", summary="Mine.")
    with travel(TODAY), pytest.raises(PermissionDenied):
        policy_version_publish(version=draft, actor=someone, effective_on=_days(30))
    draft.refresh_from_db()
    assert draft.number is None
    assert draft.text == "# New"


def test_a_published_version_cannot_be_published_or_changed_again(version_1, privacy_officer):
    with travel(TODAY):
        version = publish(privacy_officer, effective_on=_days(30))
        with pytest.raises(ValidationError):
            policy_version_publish(version=version, actor=privacy_officer, effective_on=_days(31))
    with pytest.raises(ValidationError) as refused:
        policy_draft_update(draft=version, author=privacy_officer, text="# Other\n", summary="x")

    assert refused.value.code == "published"
    version.refresh_from_db()
    assert version.effective_on == _days(30)


def test_an_empty_text_or_summary_is_refused(privacy_officer):
    with pytest.raises(ValidationError) as no_text:
        policy_draft_create(author=privacy_officer, text="  ", summary="Something.")
    with pytest.raises(ValidationError) as no_summary:
        policy_draft_create(author=privacy_officer, text="# Text\n", summary="")

    assert no_text.value.code == "text"
    assert no_summary.value.code == "summary"


def test_drafts_are_audited_as_configuration_changes(privacy_officer):
    draft = policy_draft_create(author=privacy_officer, text="# A\n", summary="A.")
    policy_draft_update(draft=draft, author=privacy_officer, text="# A\n", summary="B.")

    created, changed = AuditEvent.objects.order_by("sequence").filter(
        action__startswith="policy.draft"
    )
    assert created.action == "policy.draft_created"
    assert changed.action == "policy.draft_changed"
    assert changed.field_names == ["summary"]
    assert changed.details == {}


def test_the_check_before_confirming_says_what_publishing_would(version_1):
    with travel(TODAY):
        with pytest.raises(ValidationError) as refused:
            policy_publication_check(effective_on=_days(29), substantive=True)
        policy_publication_check(effective_on=_days(30), substantive=True)
        policy_publication_check(effective_on=DAY, substantive=False, reason="Typo.")

    assert refused.value.code == "notice_too_short"
