"""Level 2 by a City account number and the amount of its most recent bill."""

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.utils import timezone

from portal.identity import services
from portal.identity.matching import PersonName
from portal.identity.models import (
    AccountKnowledgeAttempt,
    AttemptFailure,
    AttemptStatus,
    IdentityLevel,
    VerificationMethod,
)
from portal.identity.selectors import (
    account_knowledge_failures_left,
    account_knowledge_locked_until,
    account_knowledge_sources,
    identity_level,
    proven_identifiers,
)
from portal.profiles.models import Profile, ResidentIdentifier
from tests.factories import IdentityVerificationFactory, ProfileFactory

pytestmark = pytest.mark.django_db

WATER = "water_sewer_account"


@pytest.fixture(autouse=True)
def _no_broker(monkeypatch):
    """These tests call the check directly; the enqueued nudge is recorded, not sent."""
    sent = []
    monkeypatch.setattr(
        "tasks.identity.account_knowledge_check.delay", lambda attempt_id: sent.append(attempt_id)
    )
    return sent


def _try(user, *, number="WS-0010007", cents=8420, kind=WATER, name=None):
    attempt = services.account_knowledge_attempt_start(
        user=user, identifier_kind=kind, identifier=number, amount_cents=cents, name=name
    )
    return services.account_knowledge_attempt_check(attempt_id=attempt.pk)


def _fail(user, times, **kwargs):
    for _ in range(times):
        attempt = _try(user, cents=1, **kwargs)
        assert attempt.status == AttemptStatus.FAILED


def test_the_right_number_amount_and_name_reach_level_2(named_resident, water_source):
    attempt = _try(named_resident)

    assert attempt.status == AttemptStatus.PASSED
    assert identity_level(user=named_resident) == IdentityLevel.REMOTE
    verification = attempt.verification
    assert verification.method == VerificationMethod.ACCOUNT_KNOWLEDGE
    assert verification.evidence == {
        "source": "water-sewer-billing",
        "identifier_kind": WATER,
        "identifier_last4": "0007",
        "attempt_id": attempt.pk,
    }
    assert verification.verified_by is None


def test_a_passed_check_saves_the_number_as_an_exact_key(named_resident, water_source):
    attempt = _try(named_resident)

    saved = ResidentIdentifier.objects.get(profile__user=named_resident)
    assert (saved.kind, saved.value) == (WATER, "WS-0010007")
    assert attempt.resident_identifier == saved
    assert list(proven_identifiers(user=named_resident)) == [saved]


def test_the_typed_number_and_amount_are_forgotten_after_the_check(named_resident, water_source):
    attempt = _try(named_resident, cents=1)

    attempt.refresh_from_db()
    assert attempt.identifier == ""
    assert attempt.amount_cents is None
    assert attempt.identifier_last4 == "0007"
    assert attempt.checked_at is not None


@pytest.mark.parametrize(
    ("number", "cents", "reason"),
    [
        ("WS-0010007", 12010, AttemptFailure.DETAIL_MISMATCH),  # an older bill's amount
        ("WS-0010007", 8421, AttemptFailure.DETAIL_MISMATCH),  # one cent off
        ("WS-0010014", 5500, AttemptFailure.NAME_MISMATCH),  # a neighbour's bill
        ("WS-9999999", 8420, AttemptFailure.NO_RECORD),  # no such account
    ],
)
def test_a_wrong_detail_a_wrong_name_or_an_unknown_account_fails(
    named_resident, water_source, number, cents, reason
):
    attempt = _try(named_resident, number=number, cents=cents)

    assert attempt.status == AttemptStatus.FAILED
    assert attempt.failure_reason == reason
    assert identity_level(user=named_resident) == IdentityLevel.EMAIL
    assert not ResidentIdentifier.objects.exists()


def test_a_trusts_bill_is_not_enough(resident, water_source):
    ProfileFactory(user=resident, legal_first_name="Elm", legal_last_name="Street")

    attempt = _try(resident, number="WS-0010021", cents=31075)

    assert attempt.failure_reason == AttemptFailure.NAME_MISMATCH


def test_a_connector_error_is_could_not_check_and_does_not_count(named_resident, water_source):
    water_source.configuration = {
        **water_source.configuration,
        "database_url": "sqlite:////nonexistent/folder/water.sqlite3",
    }
    water_source.save()

    attempt = _try(named_resident)

    assert attempt.status == AttemptStatus.UNAVAILABLE
    assert "did not answer" in attempt.error_message
    assert account_knowledge_failures_left(user=named_resident) == 5
    assert identity_level(user=named_resident) == IdentityLevel.EMAIL


def test_a_lookup_without_the_expected_columns_is_could_not_check(named_resident, water_source):
    lookup = water_source.configuration["lookups"]["account_knowledge_water_sewer_account"]
    lookup["sql"] = "SELECT account_number FROM accounts WHERE account_number = :identifier"
    water_source.save()

    attempt = _try(named_resident)

    assert attempt.status == AttemptStatus.UNAVAILABLE
    assert "amount_due" in attempt.error_message


def test_a_source_switched_off_after_the_try_is_could_not_check(named_resident, water_source):
    attempt = services.account_knowledge_attempt_start(
        user=named_resident, identifier_kind=WATER, identifier="WS-0010007", amount_cents=8420
    )
    water_source.enabled = False
    water_source.save()

    attempt = services.account_knowledge_attempt_check(attempt_id=attempt.pk)

    assert attempt.status == AttemptStatus.UNAVAILABLE


def test_checking_twice_changes_nothing_the_second_time(named_resident, water_source):
    attempt = _try(named_resident)

    with mock.patch("portal.identity.services.connector_for") as connector:
        again = services.account_knowledge_attempt_check(attempt_id=attempt.pk)

    connector.assert_not_called()
    assert again.status == AttemptStatus.PASSED
    assert named_resident.identity_verifications.count() == 1


def test_checking_an_attempt_that_does_not_exist_gives_none(db):
    assert services.account_knowledge_attempt_check(attempt_id=424242) is None


def test_the_sixth_try_after_five_failures_is_refused_without_asking_the_department(
    named_resident, water_source
):
    _fail(named_resident, 5)

    with (
        mock.patch("portal.identity.services.connector_for") as connector,
        pytest.raises(services.AttemptsLocked) as locked,
    ):
        _try(named_resident)

    connector.assert_not_called()
    assert AccountKnowledgeAttempt.objects.count() == 5
    assert locked.value.until > timezone.now() + timedelta(hours=23)
    assert account_knowledge_failures_left(user=named_resident) == 0


def test_switching_the_kind_of_number_does_not_dodge_the_lock(
    named_resident, water_source, department_a
):
    _fail(named_resident, 5)
    water_source.configuration["lookups"]["account_knowledge_real_estate_bill"] = {
        "sql": "SELECT account_number, billing_name, 1 AS amount_due FROM accounts "
        "WHERE account_number = :identifier",
        "key": "account_number",
    }
    water_source.save()

    with pytest.raises(services.AttemptsLocked):
        _try(named_resident, kind="real_estate_bill", number="2027-000034")


def test_the_lock_lifts_a_day_after_the_fifth_failure(named_resident, water_source):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _fail(named_resident, 5)
        until = account_knowledge_locked_until(user=named_resident)

    assert until == start + timedelta(hours=24)
    with time_machine.travel(until + timedelta(seconds=1), tick=False):
        assert account_knowledge_locked_until(user=named_resident) is None
        assert _try(named_resident).status == AttemptStatus.PASSED


def test_connector_errors_never_lock_the_account(named_resident, water_source):
    water_source.configuration["database_url"] = "sqlite:////nonexistent/water.sqlite3"
    water_source.save()

    for _ in range(6):
        assert _try(named_resident).status == AttemptStatus.UNAVAILABLE

    assert account_knowledge_locked_until(user=named_resident) is None


def test_five_failures_on_one_number_from_other_accounts_lock_that_number(
    named_resident, water_source
):
    from tests.factories import UserFactory

    for _ in range(5):
        guesser = UserFactory()
        ProfileFactory(user=guesser, legal_first_name="Alice", legal_last_name="Archer")
        _fail(guesser, 1)

    with pytest.raises(services.AttemptsLocked):
        _try(named_resident)
    assert account_knowledge_locked_until(user=named_resident) is None


def test_a_try_that_slipped_past_the_limit_is_locked_when_checked(named_resident, water_source):
    attempt = services.account_knowledge_attempt_start(
        user=named_resident, identifier_kind=WATER, identifier="WS-0010007", amount_cents=8420
    )
    for _ in range(5):
        AccountKnowledgeAttempt.objects.create(
            user=named_resident,
            identifier_kind=WATER,
            identifier_last4="0007",
            identifier_digest="x",
            source=water_source,
            status=AttemptStatus.FAILED,
        )

    with mock.patch("portal.identity.services.connector_for") as connector:
        attempt = services.account_knowledge_attempt_check(attempt_id=attempt.pk)

    connector.assert_not_called()
    assert attempt.status == AttemptStatus.LOCKED


def test_a_second_try_waits_for_the_first_to_be_checked(named_resident, water_source):
    services.account_knowledge_attempt_start(
        user=named_resident, identifier_kind=WATER, identifier="WS-0010007", amount_cents=1
    )

    with pytest.raises(services.IdentityError) as refused:
        services.account_knowledge_attempt_start(
            user=named_resident, identifier_kind=WATER, identifier="WS-0010007", amount_cents=2
        )
    assert refused.value.code == "pending"


def test_a_kind_no_department_checks_is_refused(named_resident, water_source):
    with pytest.raises(services.IdentityError) as refused:
        _try(named_resident, kind="real_estate_bill", number="2027-000034")
    assert refused.value.code == "unavailable"


def test_a_kind_that_is_not_an_account_is_refused(named_resident, water_source):
    with pytest.raises(services.IdentityError) as refused:
        _try(named_resident, kind="vehicle_plate", number="1ABC23")
    assert refused.value.code == "kind"


def test_only_enabled_sources_with_the_lookup_check_accounts(water_source, department_a):
    assert account_knowledge_sources() == {WATER: water_source}
    water_source.enabled = False
    water_source.save()

    assert account_knowledge_sources() == {}


def test_without_a_profile_name_the_try_needs_one_and_saves_it(resident, water_source):
    with pytest.raises(services.IdentityError) as refused:
        _try(resident)
    assert refused.value.code == "name"

    attempt = _try(resident, name=PersonName(first="Alice", middle="", last="Archer"))

    assert attempt.status == AttemptStatus.PASSED
    profile = Profile.objects.get(user=resident)
    assert (profile.legal_first_name, profile.legal_last_name) == ("Alice", "Archer")


def test_a_try_is_checked_by_a_task_sent_after_the_try_is_saved(
    named_resident, water_source, _no_broker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attempt = services.account_knowledge_attempt_start(
            user=named_resident, identifier_kind=WATER, identifier="WS-0010007", amount_cents=1
        )
        assert _no_broker == []

    for callback in callbacks:
        callback()
    assert _no_broker == [attempt.pk]


def test_requests_waiting_for_identity_are_released_when_the_level_rises(
    named_resident, water_source
):
    with mock.patch("requests.services.requests_release_identity_hold", create=True) as release:
        _try(named_resident)

    release.assert_called_once_with(user=named_resident)


def test_a_level_is_recorded_only_for_levels_2_and_3(resident):
    with pytest.raises(ValueError, match="levels 2 and 3"):
        services.identity_verification_record(
            user=resident,
            level=IdentityLevel.EMAIL,
            method=VerificationMethod.STAFF_OVERRIDE,
            evidence={},
        )


def test_levels_rise_even_before_the_requests_app_can_release_holds(named_resident, water_source):
    import sys

    with mock.patch.dict(sys.modules, {"requests.services": None}):
        attempt = _try(named_resident)

    assert attempt.status == AttemptStatus.PASSED


def test_an_anonymous_visitor_has_no_level():
    from django.contrib.auth.models import AnonymousUser

    assert identity_level(user=AnonymousUser()) == IdentityLevel.NONE


def test_an_attempt_describes_itself_without_the_number(named_resident, water_source):
    attempt = _try(named_resident, cents=1)

    assert str(attempt) == "alice@example.org water_sewer_account …0007 failed"
    assert "level 2" in str(IdentityVerificationFactory(user=named_resident))
