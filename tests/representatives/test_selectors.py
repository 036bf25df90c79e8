"""Who may act for whom: accepted, not expired, not stopped, within scope; and who sees what."""

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from portal.representatives import selectors
from portal.representatives.models import GrantState, GrantStatus
from tests.factories import GrantFactory, ProfileFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 28, 12, tzinfo=dt.UTC)


def _accepted(resident, representative, **fields):
    return GrantFactory(accepted=True, resident=resident, representative=representative, **fields)


def test_an_accepted_grant_lets_the_representative_act(resident, other_resident):
    grant = _accepted(resident, other_resident)

    assert selectors.active_grant(representative=other_resident, resident=resident) == grant


@pytest.mark.parametrize("trait", ["pending", "refused", "revoked"])
def test_a_grant_not_accepted_or_stopped_lets_nobody_act(resident, other_resident, trait):
    traits = {"pending": {}, "refused": {"refused": True}, "revoked": {"revoked": True}}[trait]
    GrantFactory(representative=other_resident, resident=resident, **traits)

    assert selectors.active_grant(representative=other_resident, resident=resident) is None


@time_machine.travel(NOON, tick=False)
def test_a_grant_is_valid_through_its_last_day_and_not_after(resident, other_resident):
    grant = _accepted(resident, other_resident, expires_on=dt.date(2026, 11, 28))

    assert selectors.active_grant(representative=other_resident, resident=resident) == grant
    with time_machine.travel(NOON + dt.timedelta(days=1), tick=False):
        assert selectors.active_grant(representative=other_resident, resident=resident) is None


def test_on_asks_about_another_day_as_a_date_or_a_datetime(resident, other_resident):
    today = timezone.localdate()
    grant = _accepted(resident, other_resident, expires_on=today + dt.timedelta(days=3))

    ask = {"representative": other_resident, "resident": resident}
    assert selectors.active_grant(**ask, on=today + dt.timedelta(days=3)) == grant
    assert selectors.active_grant(**ask, on=today + dt.timedelta(days=4)) is None
    assert selectors.active_grant(**ask, on=timezone.now() + dt.timedelta(days=10)) is None


def test_the_request_type_must_be_in_the_scope(resident, other_resident):
    grant = _accepted(resident, other_resident, scope=["inquiry", "access"])

    ask = {"representative": other_resident, "resident": resident}
    assert selectors.active_grant(**ask, request_type="access") == grant
    assert selectors.active_grant(**ask, request_type="correction") is None


def test_the_widest_covering_grant_is_found_among_several(resident, other_resident):
    _accepted(resident, other_resident, scope=["inquiry"])
    access = _accepted(resident, other_resident, scope=["access"])

    found = selectors.active_grant(
        representative=other_resident, resident=resident, request_type="access"
    )

    assert found == access


def test_a_grant_is_only_for_its_own_pair(resident, other_resident):
    stranger = UserFactory()
    _accepted(resident, other_resident)

    assert selectors.active_grant(representative=stranger, resident=resident) is None
    assert selectors.active_grant(representative=other_resident, resident=stranger) is None
    assert selectors.active_grant(representative=resident, resident=other_resident) is None


def test_a_grant_not_linked_to_an_account_answers_no_resident(other_resident):
    _accepted(None, other_resident)

    assert selectors.active_grant(representative=other_resident, resident=None) is None


def test_anonymous_never_acts_for_anyone(resident):
    assert selectors.active_grant(representative=AnonymousUser(), resident=resident) is None
    assert list(selectors.grants_for_representative(user=AnonymousUser())) == []
    assert list(selectors.grants_for_resident(resident=AnonymousUser())) == []
    assert (
        selectors.active_grant_for_representative(representative=AnonymousUser(), grant_id=1)
        is None
    )


def test_the_representative_sees_all_their_own_requests_and_only_theirs(resident, other_resident):
    pending = GrantFactory(representative=other_resident)
    refused = GrantFactory(representative=other_resident, refused=True)
    GrantFactory(representative=resident)

    mine = list(selectors.grants_for_representative(user=other_resident))

    assert mine == [refused, pending]
    assert selectors.grant_for_representative(representative=resident, grant_id=pending.pk) is None


def test_the_representatives_page_is_found_only_while_active(resident, other_resident):
    active = _accepted(resident, other_resident)
    pending = GrantFactory(representative=other_resident)

    find = selectors.active_grant_for_representative
    assert find(representative=other_resident, grant_id=active.pk) == active
    assert find(representative=other_resident, grant_id=pending.pk) is None
    assert find(representative=resident, grant_id=active.pk) is None


def test_the_resident_sees_grants_made_for_them_but_not_pending_ones(resident, other_resident):
    active = _accepted(resident, other_resident)
    stopped = GrantFactory(revoked=True, resident=resident, representative=other_resident)
    GrantFactory(representative=other_resident, resident=resident)
    _accepted(other_resident, resident)

    assert set(selectors.grants_for_resident(resident=resident)) == {active, stopped}
    assert selectors.active_grant_for_resident(resident=resident, grant_id=active.pk) == active
    assert selectors.active_grant_for_resident(resident=resident, grant_id=stopped.pk) is None


@pytest.mark.parametrize(
    ("role", "may"),
    [
        ("resident", False),
        ("steward", False),
        ("auditor", False),
        ("clerk", True),
        ("privacy_officer", True),
    ],
)
def test_only_clerks_and_the_privacy_officer_review_grants(role, may):
    user = UserFactory() if role == "resident" else StaffFactory(role=role)
    grant = GrantFactory()

    assert selectors.may_review_grants(user=user) is may
    assert (grant in selectors.grants_for_review(user=user)) is may
    assert (selectors.grant_for_review(user=user, grant_id=grant.pk) == grant) is may


def test_the_queue_is_oldest_first_and_by_status(clerk):
    first = GrantFactory()
    second = GrantFactory()
    accepted = GrantFactory(accepted=True)

    assert list(selectors.grants_for_review(user=clerk)) == [first, second]
    assert list(selectors.grants_for_review(user=clerk, status=GrantStatus.ACCEPTED)) == [accepted]
    assert selectors.may_review_grants(user=AnonymousUser()) is False


def test_a_resident_account_is_found_by_email_but_never_staff_or_the_representative(
    resident, other_resident, clerk
):
    find = selectors.resident_account_by_email
    assert find(email=" ALICE@example.org ", representative=other_resident) == resident
    assert find(email=other_resident.email, representative=other_resident) is None
    assert find(email=clerk.email, representative=other_resident) is None
    assert find(email="nobody@example.org", representative=other_resident) is None
    assert find(email="", representative=other_resident) is None
    resident.is_active = False
    resident.save(update_fields=["is_active"])
    assert find(email=resident.email, representative=other_resident) is None


def test_the_account_comparison_says_what_matches(resident):
    grant = GrantFactory(
        resident_name="Alice B. Archer", resident_date_of_birth=dt.date(1980, 3, 27)
    )

    assert selectors.account_comparison(grant=grant, account=resident) == (
        selectors.AccountComparison(name_matches=None, date_of_birth_matches=None)
    )
    profile = ProfileFactory(user=resident, legal_first_name="", date_of_birth=None)
    resident.refresh_from_db()
    assert selectors.account_comparison(grant=grant, account=resident) == (
        selectors.AccountComparison(name_matches=None, date_of_birth_matches=None)
    )
    profile.legal_first_name = "Alice"
    profile.date_of_birth = dt.date(1980, 3, 27)
    profile.save()
    resident.refresh_from_db()
    assert selectors.account_comparison(grant=grant, account=resident) == (
        selectors.AccountComparison(name_matches=True, date_of_birth_matches=True)
    )
    profile.legal_last_name = "Baker"
    profile.date_of_birth = dt.date(1981, 3, 27)
    profile.save()
    resident.refresh_from_db()
    assert selectors.account_comparison(grant=grant, account=resident) == (
        selectors.AccountComparison(name_matches=False, date_of_birth_matches=False)
    )


@time_machine.travel(NOON, tick=False)
def test_state_on_a_day_reads_expiry(resident, other_resident):
    grant = _accepted(resident, other_resident, expires_on=dt.date(2026, 11, 28))

    assert grant.state_on(dt.date(2026, 11, 28)) == GrantState.ACTIVE
    assert grant.state_on(dt.date(2026, 11, 29)) == GrantState.EXPIRED
    assert GrantFactory(refused=True).state_on(dt.date(2026, 11, 28)) == GrantState.REFUSED
