"""Staff overrides need a written reason and a second, different staff member; staff can
withdraw a verification with a reason."""

import pytest
from django.db import IntegrityError, transaction

from portal.identity import services
from portal.identity.models import (
    IdentityLevel,
    IdentityOverride,
    IdentityVerification,
    OverrideStatus,
    VerificationMethod,
)
from portal.identity.selectors import identity_level
from tests.factories import IdentityOverrideFactory, IdentityVerificationFactory

pytestmark = pytest.mark.django_db

REASON = "Known to the clerk from years of counter visits; no City bill in her name."


def _request(resident, clerk, level=IdentityLevel.REMOTE, reason=REASON):
    return services.identity_override_request(
        user=resident, level=level, reason=reason, requested_by=clerk
    )


def test_an_override_without_a_second_approver_changes_nothing(resident, clerk):
    override = _request(resident, clerk)

    assert override.status == OverrideStatus.PENDING
    assert identity_level(user=resident) == IdentityLevel.EMAIL
    assert not IdentityVerification.objects.exists()


def test_the_person_who_asked_cannot_approve_their_own_override(resident, clerk):
    override = _request(resident, clerk)

    with pytest.raises(services.IdentityError) as refused:
        services.identity_override_decide(override=override, decided_by=clerk, approve=True)

    assert refused.value.code == "same_person"
    override.refresh_from_db()
    assert override.status == OverrideStatus.PENDING
    assert identity_level(user=resident) == IdentityLevel.EMAIL


def test_the_database_refuses_an_override_decided_by_its_requester(resident, clerk):
    override = _request(resident, clerk)
    override.decided_by = clerk

    with pytest.raises(IntegrityError), transaction.atomic():
        override.save()


def test_a_second_staff_members_approval_records_the_level(resident, clerk, privacy_officer):
    override = _request(resident, clerk, level=IdentityLevel.ATTENDED)

    decided = services.identity_override_decide(
        override=override, decided_by=privacy_officer, approve=True
    )

    assert decided.status == OverrideStatus.APPROVED
    assert decided.decided_by == privacy_officer
    assert decided.decided_at is not None
    assert identity_level(user=resident) == IdentityLevel.ATTENDED
    verification = decided.verification
    assert verification.method == VerificationMethod.STAFF_OVERRIDE
    assert verification.verified_by == privacy_officer
    assert verification.evidence == {"override_id": override.pk, "requested_by": clerk.pk}


def test_a_refusal_needs_a_reason_and_changes_no_level(resident, clerk, privacy_officer):
    override = _request(resident, clerk)

    with pytest.raises(services.IdentityError):
        services.identity_override_decide(
            override=override, decided_by=privacy_officer, approve=False
        )
    decided = services.identity_override_decide(
        override=override, decided_by=privacy_officer, approve=False, reason="Ask for ID."
    )

    assert decided.status == OverrideStatus.REFUSED
    assert decided.decision_reason == "Ask for ID."
    assert identity_level(user=resident) == IdentityLevel.EMAIL


def test_an_override_is_decided_only_once(resident, clerk, privacy_officer):
    override = _request(resident, clerk)
    services.identity_override_decide(override=override, decided_by=privacy_officer, approve=True)

    with pytest.raises(services.IdentityError) as refused:
        services.identity_override_decide(
            override=override, decided_by=privacy_officer, approve=True
        )
    assert refused.value.code == "decided"
    assert resident.identity_verifications.count() == 1


@pytest.mark.parametrize(
    ("reason", "level", "code"),
    [("too short", 2, "reason"), ("", 2, "reason"), (REASON, 1, "level"), (REASON, 4, "level")],
)
def test_an_override_needs_a_written_reason_and_level_2_or_3(resident, clerk, reason, level, code):
    with pytest.raises(services.IdentityError) as refused:
        _request(resident, clerk, level=level, reason=reason)

    assert refused.value.code == code
    assert not IdentityOverride.objects.exists()


def test_staff_cannot_ask_to_raise_their_own_level(clerk):
    with pytest.raises(services.IdentityError) as refused:
        _request(clerk, clerk)
    assert refused.value.code == "self"


def test_the_subject_cannot_approve_an_override_about_themselves(clerk, privacy_officer):
    override = IdentityOverrideFactory(user=clerk, requested_by=privacy_officer)

    with pytest.raises(services.IdentityError) as refused:
        services.identity_override_decide(override=override, decided_by=clerk, approve=True)
    assert refused.value.code == "self"


def test_only_one_override_per_account_waits_at_a_time(resident, clerk):
    _request(resident, clerk)

    with pytest.raises(services.IdentityError) as refused:
        _request(resident, clerk, level=IdentityLevel.ATTENDED)
    assert refused.value.code == "pending"


def test_an_override_for_a_level_already_held_is_refused(resident, clerk):
    IdentityVerificationFactory(user=resident, level=2)

    with pytest.raises(services.IdentityError) as refused:
        _request(resident, clerk)
    assert refused.value.code == "has_level"


def test_residents_and_stewards_cannot_ask_for_or_decide_overrides(
    resident, other_resident, steward_a, clerk
):
    for someone in (other_resident, steward_a):
        with pytest.raises(services.IdentityError) as refused:
            _request(resident, someone)
        assert refused.value.code == "role"
    override = _request(resident, clerk)
    for someone in (other_resident, steward_a):
        with pytest.raises(services.IdentityError) as refused:
            services.identity_override_decide(override=override, decided_by=someone, approve=True)
        assert refused.value.code == "role"


# --- Revoking -------------------------------------------------------------------------------


def test_revoking_a_verification_lowers_the_level_and_keeps_the_record(resident, clerk):
    verification = IdentityVerificationFactory(user=resident, level=2)

    revoked = services.identity_verification_revoke(
        verification=verification, revoked_by=clerk, reason="The bill was a neighbour's."
    )

    assert revoked.revoked_by == clerk
    assert revoked.revoked_at is not None
    assert revoked.revoke_reason == "The bill was a neighbour's."
    assert identity_level(user=resident) == IdentityLevel.EMAIL
    assert IdentityVerification.objects.filter(pk=verification.pk).exists()


def test_revoking_needs_a_reason_staff_and_a_standing_verification(resident, clerk, other_resident):
    verification = IdentityVerificationFactory(user=resident, level=2)

    with pytest.raises(services.IdentityError) as refused:
        services.identity_verification_revoke(
            verification=verification, revoked_by=clerk, reason=" "
        )
    assert refused.value.code == "reason"
    with pytest.raises(services.IdentityError) as refused:
        services.identity_verification_revoke(
            verification=verification, revoked_by=other_resident, reason="Because."
        )
    assert refused.value.code == "role"
    services.identity_verification_revoke(
        verification=verification, revoked_by=clerk, reason="Because."
    )
    with pytest.raises(services.IdentityError) as refused:
        services.identity_verification_revoke(
            verification=verification, revoked_by=clerk, reason="Again."
        )
    assert refused.value.code == "revoked"


def test_a_revoked_account_check_no_longer_gives_an_exact_key(
    named_resident, water_source, clerk, monkeypatch
):
    from portal.identity.selectors import proven_identifiers

    monkeypatch.setattr("tasks.identity.account_knowledge_check.delay", lambda attempt_id: None)
    attempt = services.account_knowledge_attempt_start(
        user=named_resident,
        identifier_kind="water_sewer_account",
        identifier="WS-0010007",
        amount_cents=8420,
    )
    attempt = services.account_knowledge_attempt_check(attempt_id=attempt.pk)
    assert proven_identifiers(user=named_resident).count() == 1

    services.identity_verification_revoke(
        verification=attempt.verification, revoked_by=clerk, reason="Bill was not hers."
    )

    assert proven_identifiers(user=named_resident).count() == 0


# --- In person ------------------------------------------------------------------------------


def test_a_clerk_records_a_photo_id_checked_in_person(resident, clerk):
    verification = services.identity_in_person_record(
        user=resident, verified_by=clerk, document_type="drivers_licence", number_last4=" 12a4 "
    )

    assert identity_level(user=resident) == IdentityLevel.ATTENDED
    assert verification.method == VerificationMethod.IN_PERSON_ID
    assert verification.verified_by == clerk
    assert verification.evidence == {"document_type": "drivers_licence", "number_last4": "12A4"}


@pytest.mark.parametrize(
    ("document_type", "last4", "code"),
    [
        ("drivers_licence", "123", "last4"),
        ("drivers_licence", "12345", "last4"),
        ("drivers_licence", "12-4", "last4"),
        ("library_card", "1234", "document_type"),
    ],
)
def test_an_in_person_check_needs_a_kind_of_id_and_exactly_four_characters(
    resident, clerk, document_type, last4, code
):
    with pytest.raises(services.IdentityError) as refused:
        services.identity_in_person_record(
            user=resident, verified_by=clerk, document_type=document_type, number_last4=last4
        )
    assert refused.value.code == code
    assert not IdentityVerification.objects.exists()


def test_a_clerk_cannot_check_their_own_id_or_be_a_steward(clerk, steward_a, resident):
    with pytest.raises(services.IdentityError) as refused:
        services.identity_in_person_record(
            user=clerk, verified_by=clerk, document_type="passport", number_last4="1234"
        )
    assert refused.value.code == "self"
    with pytest.raises(services.IdentityError) as refused:
        services.identity_in_person_record(
            user=resident, verified_by=steward_a, document_type="passport", number_last4="1234"
        )
    assert refused.value.code == "role"
