"""Every piece of personal data records the policy version in force when it was collected: what
was collected before a new version takes effect keeps the old one, what is collected from that
day on gets the new one."""

import datetime as dt
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from portal.identity.matching import PersonName
from portal.identity.models import AccountKnowledgeAttempt
from portal.identity.services import profile_name_set
from portal.policies.backfill import policy_version_backfill
from portal.policies.stamp import policy_version_in_force_id, policy_version_lookup
from portal.postal.models import MailedCodeStatus
from portal.postal.services import mailed_code_give_address
from portal.profiles.models import Profile, ProfileAddress
from portal.profiles.services import (
    Address,
    Identifier,
    PreviousAddress,
    ProfileChanges,
    profile_changes_save,
)
from portal.webforms.models import FormSubmission
from requests.models import DataSource
from requests.services import request_reply, request_submit
from tests.factories import (
    PROOF_PDF_BYTES,
    DepartmentFactory,
    GrantFactory,
    MailedCodeFactory,
    ProfileAddressFactory,
    ProfileFactory,
    ResidentIdentifierFactory,
    UserFactory,
    identity_document,
)
from tests.policies.conftest import WESTFIELD, at, publish, travel

pytestmark = pytest.mark.django_db

POSTED = at(2026, 3, 1)
TAKES_EFFECT = dt.date(2026, 3, 31)
# The last minute under version 1, and the first under version 2 (midnight in Westfield).
JUST_BEFORE = dt.datetime(2026, 3, 30, 23, 59, tzinfo=WESTFIELD)
JUST_AFTER = dt.datetime(2026, 3, 31, 0, 0, tzinfo=WESTFIELD)


@pytest.fixture
def version_2(version_1, privacy_officer):
    with travel(POSTED):
        return publish(privacy_officer, effective_on=TAKES_EFFECT)


def _request(user):
    return request_submit(requester=user, subject=user, kind="access")


def _message(user):
    return request_reply(request=_request(user), requester=user, body="Here is my lease.")


def _document(user):
    message = request_reply(
        request=_request(user),
        requester=user,
        body="",
        uploads=[SimpleUploadedFile("lease.pdf", PROOF_PDF_BYTES)],
    )
    return message.documents.get()


def _attempt(user):
    source = DataSource.objects.create(
        department=DepartmentFactory(),
        slug=f"water-{user.pk}",
        name="Water bills",
        kind="manual",
        responsible_officer="The water superintendent",
    )
    return AccountKnowledgeAttempt.objects.create(
        user=user,
        identifier_kind="water_sewer_account",
        identifier_last4="1234",
        identifier_digest="0" * 64,
        source=source,
    )


def _form_submission(user):
    return FormSubmission.objects.create(
        form_name="Contact the Mayor", submitted_at=timezone.now(), email=user.email
    )


COLLECTED: dict[str, Callable] = {
    "profile": lambda user: ProfileFactory(user=user),
    "profile address": lambda user: ProfileAddressFactory(profile=ProfileFactory(user=user)),
    "resident identifier": lambda user: ResidentIdentifierFactory(
        profile=ProfileFactory(user=user)
    ),
    "request": _request,
    "request message": _message,
    "request document": _document,
    "identity document": lambda user: identity_document(user=user, status="draft"),
    "account knowledge attempt": _attempt,
    "mailed code": lambda user: MailedCodeFactory(user=user),
    "representative grant": lambda user: GrantFactory(representative=user),
    "web form submission": _form_submission,
}


@pytest.mark.parametrize("kind", sorted(COLLECTED))
def test_data_collected_before_the_new_version_keeps_the_old_one(kind, version_1, version_2):
    with travel(JUST_BEFORE):
        row = COLLECTED[kind](UserFactory())

    row.refresh_from_db()
    assert row.policy_version == version_1


@pytest.mark.parametrize("kind", sorted(COLLECTED))
def test_data_collected_from_the_day_it_takes_effect_gets_the_new_version(
    kind, version_1, version_2
):
    with travel(JUST_AFTER):
        row = COLLECTED[kind](UserFactory())

    row.refresh_from_db()
    assert row.policy_version == version_2


def test_old_data_keeps_its_version_after_the_new_one_takes_effect(version_1, version_2):
    with travel(JUST_BEFORE):
        profile = ProfileFactory(user=UserFactory())
    with travel(at(2026, 6, 1)):
        profile.refresh_from_db()
        assert policy_version_in_force_id() == version_2.pk

    assert profile.policy_version == version_1


def test_changing_profile_details_records_them_under_the_version_in_force(
    version_1, version_2, resident
):
    with travel(JUST_BEFORE):
        profile = ProfileFactory(user=resident)
        current = ProfileAddress.objects.create(
            profile=profile, kind="current", street="1 Elm Street", postal_code="01085"
        )
        previous = ProfileAddressFactory(profile=profile)
        untouched = ProfileAddressFactory(profile=profile)
    address = Address(
        street="9 Oak Street", unit="", city="Westfield", state="MA", postal_code="01085"
    )

    with travel(JUST_AFTER):
        profile_changes_save(profile=profile, changes=ProfileChanges(phone="413-555-0100"))
        profile_changes_save(profile=profile, changes=ProfileChanges(current_address=address))
        profile_changes_save(
            profile=profile,
            changes=ProfileChanges(
                previous_address=PreviousAddress(
                    address=address, from_year=2001, until_year=2005, address_id=previous.pk
                )
            ),
        )
        profile_changes_save(
            profile=profile,
            changes=ProfileChanges(identifier=Identifier("water_sewer_account", "WS-0012345")),
        )

    for row in (profile, current, previous, untouched):
        row.refresh_from_db()
    assert profile.policy_version == version_2
    assert current.policy_version == version_2
    assert previous.policy_version == version_2
    assert untouched.policy_version == version_1
    assert profile.identifiers.get().policy_version == version_2


def test_changing_only_an_address_leaves_the_profile_details_under_their_version(
    version_1, version_2, resident
):
    with travel(JUST_BEFORE):
        profile = ProfileFactory(user=resident)
    address = Address(
        street="9 Oak Street", unit="", city="Westfield", state="MA", postal_code="01085"
    )

    with travel(JUST_AFTER):
        profile_changes_save(profile=profile, changes=ProfileChanges(current_address=address))

    profile.refresh_from_db()
    assert profile.policy_version == version_1
    assert profile.addresses.get().policy_version == version_2


def test_a_name_given_on_the_way_to_an_identity_check_is_stamped_again(
    version_1, version_2, resident
):
    with travel(JUST_BEFORE):
        profile = Profile.objects.create(user=resident)
    with travel(JUST_AFTER):
        profile_name_set(user=resident, name=PersonName("Alice", "", "Archer", ""))

    profile.refresh_from_db()
    assert profile.policy_version == version_2


def test_an_address_typed_for_a_mailed_code_is_stamped_when_typed(version_1, version_2, resident):
    with travel(JUST_BEFORE):
        code = MailedCodeFactory(user=resident, status=MailedCodeStatus.NEEDS_REVIEW)
    with travel(JUST_AFTER):
        mailed_code_give_address(
            user=resident,
            mailed_code=code,
            line1="9 Oak Street",
            line2="",
            city="Westfield",
            state="MA",
            postal_code="01085",
        )

    code.refresh_from_db()
    assert code.policy_version == version_2


def test_nothing_collected_before_the_first_version_claims_one(version_1):
    with travel(at(2011, 6, 1)):
        assert policy_version_in_force_id() is None


def test_the_bulk_lookup_agrees_with_the_one_by_one_lookup(version_1, version_2):
    version_at = policy_version_lookup()

    assert version_at(dt.date(2012, 2, 29)) is None
    assert version_at(dt.date(2012, 3, 1)) == version_1.pk
    assert version_at(JUST_BEFORE) == version_1.pk
    assert version_at(JUST_AFTER) == version_2.pk
    assert version_at(JUST_AFTER.astimezone(dt.UTC)) == version_2.pk
    for moment in (JUST_BEFORE, JUST_AFTER):
        assert version_at(moment) == policy_version_in_force_id(moment)


def test_a_correction_on_the_same_day_replaces_the_version_it_corrects(
    version_1, version_2, privacy_officer
):
    with travel(at(2026, 3, 20)):
        correction = publish(
            privacy_officer, effective_on=TAKES_EFFECT, substantive=False, reason="A typo."
        )
    with travel(JUST_AFTER):
        profile = ProfileFactory(user=UserFactory())

    profile.refresh_from_db()
    assert profile.policy_version == correction
    assert policy_version_lookup()(JUST_AFTER) == correction.pk


def test_the_migration_backfill_gives_old_rows_the_version_of_their_own_time(version_1, version_2):
    early = FormSubmission.objects.create(
        form_name="Survey", submitted_at=at(2011, 5, 1), policy_version=None
    )
    under_1 = FormSubmission.objects.create(
        form_name="Survey", submitted_at=JUST_BEFORE, policy_version=None
    )
    under_2 = FormSubmission.objects.create(
        form_name="Survey", submitted_at=JUST_AFTER, policy_version=None
    )

    policy_version_backfill("webforms", "FormSubmission", "submitted_at")(apps, None)

    for row in (early, under_1, under_2):
        row.refresh_from_db()
    assert early.policy_version is None
    assert under_1.policy_version == version_1
    assert under_2.policy_version == version_2


def test_a_letter_received_before_the_new_version_and_entered_after_keeps_the_old_one(
    version_1, version_2, resident, clerk
):
    with travel(at(2026, 4, 2)):
        record = request_submit(
            requester=resident,
            subject=resident,
            kind="access",
            channel="mail",
            filed_by=clerk,
            received_at=JUST_BEFORE,
        )

    record.refresh_from_db()
    assert record.policy_version == version_1
