"""Reads for codes by post: scoping, states, and the staff-only queries."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import override_settings
from django.urls import reverse

from portal.postal.forms import ReviewForm
from portal.postal.models import AddressCandidate, MailedCodeStatus, PrintBatchDownload
from portal.postal.selectors import (
    mailed_code_for_staff,
    mailed_code_latest,
    mailed_code_of,
    mailed_code_open,
    mailed_code_state,
    mailed_codes_for_review,
    mailed_codes_of,
    mailed_codes_ready,
    postal_profile_details,
    print_batch_for_staff,
    print_batches_recent,
)
from portal.postal.services import print_batch_create, print_batch_download
from tests.factories import MailedCodeFactory
from tests.postal.helpers import profile_set

pytestmark = pytest.mark.django_db


def test_anonymous_people_have_no_requests(resident):
    MailedCodeFactory(user=resident)

    assert not mailed_codes_of(user=AnonymousUser()).exists()
    assert mailed_code_latest(user=AnonymousUser()) is None


def test_residents_reach_only_their_own_requests(resident, other_resident):
    mine = MailedCodeFactory(user=resident)
    theirs = MailedCodeFactory(user=other_resident)

    assert mailed_code_of(user=resident, pk=mine.pk) == mine
    with pytest.raises(Http404):
        mailed_code_of(user=resident, pk=theirs.pk)
    assert list(mailed_codes_of(user=resident)) == [mine]


def test_the_state_of_a_mailed_letter_turns_expired_after_its_last_day(resident):
    letter = MailedCodeFactory(user=resident, status="mailed", valid_until=dt.date(2027, 2, 11))

    assert mailed_code_state(mailed_code=letter, today=dt.date(2027, 2, 11)) == "mailed"
    assert mailed_code_state(mailed_code=letter, today=dt.date(2027, 2, 12)) == "expired"
    assert mailed_code_open(user=resident, today=dt.date(2027, 2, 12)) is None
    assert mailed_code_open(user=resident, today=dt.date(2027, 2, 11)) == letter


def test_profile_details_are_trimmed_and_named(resident):
    profile_set(resident, first=" Alice ", middle="May", suffix="Jr.")

    details = postal_profile_details(user=resident)

    assert details.legal_name == "Alice May Archer Jr."
    assert details.is_complete


@pytest.mark.parametrize("role", ["resident", "steward", "auditor"])
def test_staff_queries_refuse_everyone_else(role, resident):
    from tests.factories import StaffFactory

    person = resident if role == "resident" else StaffFactory(role=role)
    for query in (mailed_codes_ready, mailed_codes_for_review, print_batches_recent):
        with pytest.raises(Http404):
            query(user=person)
    for query in (mailed_code_for_staff, print_batch_for_staff):
        with pytest.raises(Http404):
            query(user=person, pk="00000000-0000-0000-0000-000000000000")


def test_model_names_read_well(clerk, resident):
    mailed_code = MailedCodeFactory(ready=True, user=resident, suffix="Jr.")
    candidate = AddressCandidate.objects.create(
        mailed_code=mailed_code,
        source="s",
        record_key="2026-1",
        person_key="1",
        match="full",
        first_name="Alice",
        last_name="Archer",
        suffix="Sr.",
        address_line1="1 Elm Street",
    )
    batch = print_batch_create(clerk=clerk, enter_url="http://testserver/")
    print_batch_download(batch=batch, clerk=clerk)

    assert str(mailed_code) == "Alice Archer Jr. (Ready to print)"
    assert str(candidate) == "Alice Archer Sr. (s 2026-1)"
    assert str(batch) == f"{batch.mailed_on:%Y-%m-%d}: 1 letters"
    assert str(PrintBatchDownload.objects.get()).startswith(f"{batch} by {clerk.email} at ")
    assert MailedCodeStatus.READY.label == "Ready to print"


def test_the_review_form_knows_no_candidate_for_other_decisions(resident):
    mailed_code = MailedCodeFactory(user=resident, status="needs_review")
    form = ReviewForm({"decision": "refuse", "reason": "x"}, mailed_code=mailed_code)

    assert form.is_valid()
    assert form.candidate_id is None
    assert form.action == "refuse"


@override_settings(ROOT_URLCONF="tests.postal.urls_without_profiles")
def test_without_the_profile_pages_a_missing_profile_sends_back_to_the_start(client, resident):
    client.force_login(resident)

    response = client.get(reverse("postal:check_answers"))

    assert response["Location"] == reverse("postal:request_code")
    assert client.get(reverse("postal:request_code")).status_code == 200
