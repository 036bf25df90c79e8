"""Asking to act for someone, deciding, stopping, and telling the people concerned."""

import datetime as dt
import smtplib
from unittest import mock

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from portal.files.models import StoredFile
from portal.files.services import stored_file_purge
from portal.representatives.models import Grant, GrantNotice, GrantStatus, NoticeKind
from portal.representatives.services import (
    PROOF_PURPOSE,
    GrantRequest,
    default_expiry,
    grant_accept,
    grant_notice_send,
    grant_refuse,
    grant_request_submit,
    grant_revoke,
    proof_store,
)
from tests.factories import (
    PROOF_PDF_BYTES,
    GrantFactory,
    ProfileFactory,
    StaffFactory,
    UserFactory,
    stored_proof,
)

pytestmark = pytest.mark.django_db

NOON = dt.datetime(2026, 11, 28, 17, tzinfo=dt.UTC)


def _answers(**changes) -> GrantRequest:
    fields = {
        "relationship": "attorney",
        "resident_name": "Alice Archer",
        "resident_date_of_birth": dt.date(1950, 3, 27),
        "resident_street": "12 Elm St",
        "resident_unit": "",
        "resident_city": "Westfield",
        "resident_state": "ma",
        "resident_postal_code": "01085",
        "resident_email": "alice@example.org",
        "explanation": "I am her lawyer.",
    }
    return GrantRequest(**{**fields, **changes})


@pytest.fixture
def enqueued():
    """The notices scheduled for after the commit, as (grant id, kind)."""
    with mock.patch("tasks.representatives.send_grant_notice.delay") as delay:
        yield delay


# --- proof and request -----------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_a_proof_is_checked_encrypted_and_due_for_deletion_unless_used(other_resident):
    stored = proof_store(
        upload=SimpleUploadedFile("proof.pdf", PROOF_PDF_BYTES), uploaded_by=other_resident
    )

    assert stored.purpose == PROOF_PURPOSE
    assert stored.kind == "pdf"
    assert stored.purge_after == NOON + dt.timedelta(days=1)


def test_an_html_page_named_as_a_pdf_is_refused(other_resident):
    with pytest.raises(ValidationError) as refused:
        proof_store(
            upload=SimpleUploadedFile("proof.pdf", b"<html><body>hello</body></html>"),
            uploaded_by=other_resident,
        )

    assert "whatever its name says" in refused.value.messages[0]
    assert not StoredFile.objects.exists()


def test_a_request_waits_for_a_clerk_and_keeps_its_proof(other_resident):
    proof = proof_store(
        upload=SimpleUploadedFile("proof.pdf", PROOF_PDF_BYTES), uploaded_by=other_resident
    )

    grant = grant_request_submit(
        representative=other_resident, answers=_answers(), proof_id=proof.pk
    )

    assert grant.status == GrantStatus.PENDING
    assert grant.resident_state == "MA"
    assert grant.resident is None
    assert grant.proof == proof
    proof.refresh_from_db()
    assert proof.purge_after is None


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"relationship": "friend"}, "relationship"),
        ({"resident_date_of_birth": dt.date(2999, 1, 1)}, "born"),
        ({"resident_email": "BOB@example.org"}, "self"),
    ],
)
def test_a_request_with_impossible_answers_is_refused(other_resident, changes, code):
    proof = stored_proof(uploaded_by=other_resident)

    with pytest.raises(ValidationError) as refused:
        grant_request_submit(
            representative=other_resident, answers=_answers(**changes), proof_id=proof.pk
        )

    assert refused.value.code == code
    assert not Grant.objects.exists()


def test_a_request_needs_the_representatives_own_unused_living_proof(resident, other_resident):
    someone_elses = stored_proof(uploaded_by=resident)
    used = GrantFactory(representative=other_resident).proof
    purged = stored_proof(uploaded_by=other_resident)
    stored_file_purge(stored=purged)

    for proof_id in (someone_elses.pk, used.pk, purged.pk, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(ValidationError) as refused:
            grant_request_submit(
                representative=other_resident, answers=_answers(), proof_id=proof_id
            )
        assert refused.value.code == "proof"
    assert Grant.objects.count() == 1


# --- decisions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [(dt.date(2026, 11, 28), dt.date(2027, 11, 28)), (dt.date(2028, 2, 29), dt.date(2029, 2, 28))],
)
def test_the_default_expiry_is_one_year(today, expected):
    assert default_expiry(today=today) == expected


@time_machine.travel(NOON, tick=False)
def test_accepting_sets_scope_expiry_account_and_tells_both(
    clerk, resident, other_resident, settings, enqueued, django_capture_on_commit_callbacks
):
    settings.REPRESENTATIVE_PROOF_RETENTION_DAYS = 30
    grant = GrantFactory(representative=other_resident)

    with django_capture_on_commit_callbacks(execute=True):
        grant_accept(
            grant=grant,
            clerk=clerk,
            scope=["access", "inquiry"],
            expires_on=dt.date(2027, 11, 28),
            resident=resident,
        )

    grant.refresh_from_db()
    assert grant.status == GrantStatus.ACCEPTED
    assert grant.scope == ["inquiry", "access"]
    assert grant.expires_on == dt.date(2027, 11, 28)
    assert grant.resident == resident
    assert (grant.decided_by, grant.decided_at) == (clerk, NOON)
    assert grant.proof.purge_after == dt.datetime(
        2027, 12, 29, tzinfo=timezone.get_current_timezone()
    )
    assert [c.args for c in enqueued.call_args_list] == [
        (grant.pk, NoticeKind.DECISION),
        (grant.pk, NoticeKind.RESIDENT_ACCEPTED),
    ]


def test_accepting_without_an_account_tells_only_the_representative(
    clerk, enqueued, django_capture_on_commit_callbacks
):
    grant = GrantFactory()

    with django_capture_on_commit_callbacks(execute=True):
        grant_accept(
            grant=grant,
            clerk=clerk,
            scope=["inquiry"],
            expires_on=timezone.localdate() + dt.timedelta(days=30),
            resident=None,
        )

    assert [c.args for c in enqueued.call_args_list] == [(grant.pk, NoticeKind.DECISION)]


def test_nothing_is_sent_when_the_decision_rolls_back(
    clerk, enqueued, django_capture_on_commit_callbacks
):
    grant = GrantFactory()

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        grant_refuse(grant=grant, clerk=clerk, reason="Not signed.")
        raise RuntimeError("something later in the same transaction failed")

    assert callbacks == []
    enqueued.assert_not_called()
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.PENDING


def _accept(grant, clerk, **changes):
    arguments = {
        "grant": grant,
        "clerk": clerk,
        "scope": ["inquiry"],
        "expires_on": timezone.localdate() + dt.timedelta(days=30),
        "resident": None,
        **changes,
    }
    return grant_accept(**arguments)


def test_accepting_refuses_impossible_decisions(clerk, resident, other_resident):
    grant = GrantFactory(representative=other_resident)
    today = timezone.localdate()

    for changes, code in (
        ({"scope": []}, "scope"),
        ({"scope": ["inquiry", "everything"]}, "scope"),
        ({"expires_on": today}, "expiry"),
        ({"resident": other_resident}, "resident"),
        ({"resident": clerk}, "resident"),
    ):
        with pytest.raises(ValidationError) as refused:
            _accept(grant, clerk, **changes)
        assert refused.value.code == code
    grant.refresh_from_db()
    assert grant.status == GrantStatus.PENDING


def test_an_inactive_account_cannot_be_linked(clerk, resident):
    grant = GrantFactory()
    resident.is_active = False

    with pytest.raises(ValidationError):
        _accept(grant, clerk, resident=resident)


@pytest.mark.parametrize("role", ["steward", "auditor"])
def test_only_clerks_and_the_privacy_officer_decide(role):
    grant = GrantFactory()
    staff = StaffFactory(role=role)

    with pytest.raises(PermissionDenied):
        _accept(grant, staff)
    with pytest.raises(PermissionDenied):
        grant_refuse(grant=grant, clerk=staff, reason="No.")
    with pytest.raises(PermissionDenied):
        _accept(grant, UserFactory())


def test_the_privacy_officer_may_decide(privacy_officer):
    grant = _accept(GrantFactory(), privacy_officer)

    assert grant.status == GrantStatus.ACCEPTED


def test_a_clerk_cannot_decide_their_own_request(clerk):
    grant = GrantFactory(representative=clerk)

    with pytest.raises(ValidationError) as refused:
        _accept(grant, clerk)

    assert refused.value.code == "own"


def test_a_decided_request_cannot_be_decided_again(clerk, privacy_officer):
    grant = GrantFactory()
    stale_copy = Grant.objects.get(pk=grant.pk)
    _accept(grant, clerk)

    with pytest.raises(ValidationError) as refused:
        grant_refuse(grant=stale_copy, clerk=privacy_officer, reason="No.")

    assert refused.value.code == "conflict"
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.ACCEPTED


@time_machine.travel(NOON, tick=False)
def test_refusing_needs_a_reason_and_keeps_the_proof_for_the_retention_period(clerk, settings):
    settings.REPRESENTATIVE_PROOF_RETENTION_DAYS = 30
    grant = GrantFactory()

    with pytest.raises(ValidationError):
        grant_refuse(grant=grant, clerk=clerk, reason="  ")
    grant_refuse(grant=grant, clerk=clerk, reason=" Not signed. ")

    grant.refresh_from_db()
    assert grant.status == GrantStatus.REFUSED
    assert grant.refusal_reason == "Not signed."
    assert grant.proof.purge_after == NOON + dt.timedelta(days=30)


# --- stopping --------------------------------------------------------------------------------


@time_machine.travel(NOON, tick=False)
def test_the_resident_may_stop_a_grant_without_a_reason(
    resident, other_resident, enqueued, django_capture_on_commit_callbacks
):
    grant = GrantFactory(accepted=True, resident=resident, representative=other_resident)

    with django_capture_on_commit_callbacks(execute=True):
        grant_revoke(grant=grant, by=resident)

    grant.refresh_from_db()
    assert grant.status == GrantStatus.REVOKED
    assert (grant.revoked_by, grant.revoked_at) == (resident, NOON)
    assert [c.args for c in enqueued.call_args_list] == [
        (grant.pk, NoticeKind.REVOKED_REPRESENTATIVE)
    ]


def test_a_clerk_may_stop_a_grant_with_a_reason_and_both_are_told(
    clerk, resident, enqueued, django_capture_on_commit_callbacks
):
    grant = GrantFactory(accepted=True, resident=resident)

    with pytest.raises(ValidationError):
        grant_revoke(grant=grant, by=clerk, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        grant_revoke(grant=grant, by=clerk, reason="The court order ended.")

    assert [c.args for c in enqueued.call_args_list] == [
        (grant.pk, NoticeKind.REVOKED_REPRESENTATIVE),
        (grant.pk, NoticeKind.REVOKED_RESIDENT),
    ]


def test_nobody_else_may_stop_a_grant(resident, other_resident):
    grant = GrantFactory(accepted=True, resident=resident, representative=other_resident)

    for stranger in (other_resident, UserFactory(), StaffFactory(role="steward")):
        with pytest.raises(PermissionDenied):
            grant_revoke(grant=grant, by=stranger, reason="Because.")
    assert Grant.objects.get(pk=grant.pk).status == GrantStatus.ACCEPTED


def test_only_an_accepted_grant_can_be_stopped(clerk):
    for grant in (GrantFactory(), GrantFactory(refused=True), GrantFactory(revoked=True)):
        with pytest.raises(ValidationError) as refused:
            grant_revoke(grant=grant, by=clerk, reason="Stop.")
        assert refused.value.code == "conflict"


@time_machine.travel(NOON, tick=False)
def test_stopping_brings_the_proofs_deletion_forward_never_back(clerk, settings):
    settings.REPRESENTATIVE_PROOF_RETENTION_DAYS = 30
    grant = GrantFactory(accepted=True)
    grant.proof.purge_after = NOON + dt.timedelta(days=400)
    grant.proof.save(update_fields=["purge_after"])
    grant_revoke(grant=grant, by=clerk, reason="Stop.")
    grant.proof.refresh_from_db()
    assert grant.proof.purge_after == NOON + dt.timedelta(days=30)

    soon = GrantFactory(accepted=True)
    soon.proof.purge_after = NOON + dt.timedelta(days=2)
    soon.proof.save(update_fields=["purge_after"])
    grant_revoke(grant=soon, by=clerk, reason="Stop.")
    soon.proof.refresh_from_db()
    assert soon.proof.purge_after == NOON + dt.timedelta(days=2)


# --- notices ---------------------------------------------------------------------------------


def test_the_decision_email_says_what_was_accepted(resident, other_resident, mailoutbox):
    grant = GrantFactory(
        accepted=True, resident=resident, representative=other_resident, scope=["access"]
    )

    notice = grant_notice_send(grant_id=grant.pk, kind=NoticeKind.DECISION)

    assert notice.recipient == other_resident.email
    (email,) = mailoutbox
    assert email.to == [other_resident.email]
    assert email.subject == "You can now act for Alice Archer"
    assert "Get a copy of their information" in email.body
    assert grant.expires_on.strftime("%Y") in email.body


def test_the_refusal_email_gives_the_reason(other_resident, mailoutbox):
    grant = GrantFactory(
        refused=True, representative=other_resident, refusal_reason="It's not signed."
    )

    grant_notice_send(grant_id=grant.pk, kind=NoticeKind.DECISION)

    assert mailoutbox[0].subject == "Your request to act for Alice Archer was not accepted"
    assert "It's not signed." in mailoutbox[0].body, "plain text, not HTML-escaped"


def test_the_resident_is_told_who_may_act_and_how_to_object(resident, other_resident, mailoutbox):
    ProfileFactory(user=resident)
    grant = GrantFactory(accepted=True, resident=resident, representative=other_resident)

    grant_notice_send(grant_id=grant.pk, kind=NoticeKind.RESIDENT_ACCEPTED)

    (email,) = mailoutbox
    assert email.to == [resident.email]
    assert "Bob Booker (bob@example.org)" in email.body
    assert "People who can act for you" in email.body
    assert "records@localhost" in email.body


def test_the_stop_emails_say_who_stopped_it(clerk, resident, other_resident, mailoutbox):
    by_resident = GrantFactory(accepted=True, resident=resident, representative=other_resident)
    grant_revoke(grant=by_resident, by=resident)
    by_city = GrantFactory(accepted=True, resident=resident, representative=other_resident)
    grant_revoke(grant=by_city, by=clerk, reason="The court order ended.")

    grant_notice_send(grant_id=by_resident.pk, kind=NoticeKind.REVOKED_REPRESENTATIVE)
    grant_notice_send(grant_id=by_city.pk, kind=NoticeKind.REVOKED_REPRESENTATIVE)
    grant_notice_send(grant_id=by_city.pk, kind=NoticeKind.REVOKED_RESIDENT)

    first, second, third = mailoutbox
    assert "Alice Archer stopped you acting for them" in first.body
    assert "The City stopped you acting for Alice Archer" in second.body
    assert "The court order ended." in second.body
    assert third.to == [resident.email] and "The court order ended." in third.body


def test_a_notice_is_sent_once(other_resident, mailoutbox):
    grant = GrantFactory(refused=True, representative=other_resident)

    assert grant_notice_send(grant_id=grant.pk, kind=NoticeKind.DECISION) is not None
    assert grant_notice_send(grant_id=grant.pk, kind=NoticeKind.DECISION) is None

    assert len(mailoutbox) == 1
    assert GrantNotice.objects.get().kind == NoticeKind.DECISION


def test_no_notice_without_a_recipient_or_a_grant(mailoutbox):
    grant = GrantFactory(accepted=True, resident=None)

    assert grant_notice_send(grant_id=grant.pk, kind=NoticeKind.RESIDENT_ACCEPTED) is None
    assert grant_notice_send(grant_id=grant.pk + 1000, kind=NoticeKind.DECISION) is None
    assert mailoutbox == []


def test_a_mail_server_error_is_raised_and_nothing_is_recorded(other_resident):
    grant = GrantFactory(refused=True, representative=other_resident)

    with (
        mock.patch(
            "portal.representatives.services.send_mail",
            side_effect=smtplib.SMTPServerDisconnected("gone"),
        ),
        pytest.raises(smtplib.SMTPException),
    ):
        grant_notice_send(grant_id=grant.pk, kind=NoticeKind.DECISION)

    assert not GrantNotice.objects.exists()


def test_the_email_is_written_in_a_language_the_portal_has(resident, other_resident, mailoutbox):
    ProfileFactory(user=resident, preferred_language="vi")
    grant = GrantFactory(accepted=True, resident=resident, representative=other_resident)

    grant_notice_send(grant_id=grant.pk, kind=NoticeKind.RESIDENT_ACCEPTED)

    assert mailoutbox[0].subject == "Someone can now act for you with the City"


def test_the_emails_link_to_the_pages_where_to_act(resident, other_resident, settings, mailoutbox):
    settings.PORTAL_BASE_URL = "https://records.example.org/"
    grant = GrantFactory(accepted=True, resident=resident, representative=other_resident)

    grant_notice_send(grant_id=grant.pk, kind=NoticeKind.DECISION)
    grant_notice_send(grant_id=grant.pk, kind=NoticeKind.RESIDENT_ACCEPTED)

    assert "https://records.example.org/account/representing/" in mailoutbox[0].body
    assert "https://records.example.org/account/profile/representatives/" in mailoutbox[1].body
