"""Codes by post: asking, finding the address of record, clerks' decisions, the print batch and
entering the code."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.files.storage import storages
from django.db import connection
from django.test import override_settings
from django.utils import timezone
from pypdf import PdfReader

from portal.files.services import stored_file_purge, stored_file_read
from portal.identity.models import IdentityLevel, IdentityVerification, VerificationMethod
from portal.identity.selectors import identity_level
from portal.identity.services import identity_verification_record
from portal.postal.codes import code_normalise
from portal.postal.models import (
    AddressOrigin,
    MailedCode,
    MailedCodeStatus,
    MatchStrength,
    PrintBatch,
    PrintBatchDownload,
    ReviewReason,
)
from portal.postal.services import (
    EntryOutcome,
    PostalError,
    mailed_code_approve_typed_address,
    mailed_code_enter,
    mailed_code_find_address,
    mailed_code_give_address,
    mailed_code_look_again,
    mailed_code_lookup_failed,
    mailed_code_refuse,
    mailed_code_request,
    mailed_code_use_candidate,
    print_batch_create,
    print_batch_download,
)
from requests.models import ConnectorKind, DataSource
from tasks.connectors.base import ConnectorError
from tests.factories import MailedCodeFactory, UserFactory
from tests.postal.helpers import ALICE_BORN, batch_codes, batch_letters_text, profile_set

ENTER_URL = "https://records.example.org/account/mailed-code/enter/"
ADDRESS = {
    "line1": "7 Orchard Lane",
    "line2": "",
    "city": "Westfield",
    "state": "MA",
    "postal_code": "01085",
}


@pytest.fixture
def enqueued(monkeypatch):
    """Lookups the services enqueue, by request id, instead of sending them to the broker."""
    sent: list[str] = []
    from tasks.postal import find_address_of_record

    monkeypatch.setattr(find_address_of_record, "delay", sent.append)
    return sent


def _ask(user) -> MailedCode:
    profile_set(user)
    return mailed_code_request(user=user)


def _found(user) -> MailedCode:
    """A request whose lookup has run against the listing."""
    mailed_code = _ask(user)
    return mailed_code_find_address(mailed_code_id=str(mailed_code.id))


def _mailed(clerk, *letters: MailedCode) -> dict[str, str]:
    """Print a batch; returns each letter's plaintext code by request id."""
    batch = print_batch_create(clerk=clerk, enter_url=ENTER_URL)
    codes = batch_codes(batch)
    return {str(letter.id): codes[letter.reference] for letter in letters}


# --- Asking ---------------------------------------------------------------------------------


def test_request_copies_name_and_birth_date_and_enqueues_lookup_on_commit(
    resident, enqueued, django_capture_on_commit_callbacks
):
    profile_set(resident, middle="May", suffix="Jr.")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        mailed_code = mailed_code_request(user=resident)

    assert len(callbacks) == 1
    assert enqueued == [str(mailed_code.id)]
    assert mailed_code.status == MailedCodeStatus.FINDING
    assert mailed_code.legal_name == "Alice May Archer Jr."
    assert mailed_code.date_of_birth == ALICE_BORN


@pytest.mark.parametrize(
    "profile",
    [None, {"born": None}, {"first": ""}, {"last": "  "}],
    ids=["no profile", "no birth date", "no first name", "blank last name"],
)
def test_request_needs_full_name_and_birth_date(resident, enqueued, profile):
    if profile is not None:
        profile_set(resident, **profile)

    with pytest.raises(PostalError) as error:
        mailed_code_request(user=resident)

    assert error.value.code == "profile_incomplete"
    assert not MailedCode.objects.exists()


def test_request_refused_when_already_level_two(resident, enqueued):
    profile_set(resident)
    identity_verification_record(
        user=resident,
        level=IdentityLevel.REMOTE,
        method=VerificationMethod.ACCOUNT_KNOWLEDGE,
        evidence={},
    )

    with pytest.raises(PostalError) as error:
        mailed_code_request(user=resident)

    assert error.value.code == "already_verified"


@pytest.mark.parametrize("status", ["finding", "needs_review", "ready"])
def test_only_one_open_request_at_a_time(resident, enqueued, status):
    profile_set(resident)
    MailedCodeFactory(user=resident, status=status)

    with pytest.raises(PostalError) as error:
        mailed_code_request(user=resident)

    assert error.value.code == "already_open"


def test_a_mailed_letter_is_open_until_its_code_expires(resident, enqueued):
    profile_set(resident)
    today = timezone.localdate()
    MailedCodeFactory(user=resident, status="mailed", valid_until=today)

    with pytest.raises(PostalError):
        mailed_code_request(user=resident)

    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        assert mailed_code_request(user=resident).status == MailedCodeStatus.FINDING


@override_settings(POSTAL_REQUESTS_PER_30_DAYS=2)
def test_only_a_few_requests_in_thirty_days(resident, enqueued):
    profile_set(resident)
    start = timezone.now()
    for _ in range(2):
        mailed_code = mailed_code_request(user=resident)
        mailed_code.status = MailedCodeStatus.REFUSED
        mailed_code.save()

    with pytest.raises(PostalError) as error:
        mailed_code_request(user=resident)
    assert error.value.code == "too_many"

    with time_machine.travel(start + dt.timedelta(days=30, minutes=1)):
        assert mailed_code_request(user=resident)


# --- Finding the address of record ----------------------------------------------------------


def test_one_person_found_gives_their_most_recent_address(resident, street_listing, enqueued):
    number = street_listing.add(
        first="ALICE", last="archer", born=ALICE_BORN, address="3 Old Road", years=(2023, 2024)
    )
    street_listing.add(
        first="Alice",
        last="Archer",
        born=ALICE_BORN,
        address="12 Elm Street Apt 2",
        years=(2026,),
        resident_number=number,
        zip_code="01086",
    )
    street_listing.add(first="Alice", last="Archer", born=dt.date(1950, 1, 1), address="1 Far Rd")

    mailed_code = _found(resident)

    assert mailed_code.status == MailedCodeStatus.READY
    assert mailed_code.address_lines == ["12 Elm Street Apt 2", "Westfield, MA 01086"]
    assert mailed_code.address_origin == AddressOrigin.RECORD
    assert mailed_code.address_source == "city-clerk-addresses"
    assert mailed_code.address_record_key == f"2026-{number}"
    assert not mailed_code.candidates.exists()


def test_no_one_found_goes_to_review_with_near_matches_and_no_address(
    resident, street_listing, enqueued
):
    street_listing.add(first="Alicia", last="Archer", born=ALICE_BORN, address="4 Pine Street")
    street_listing.add(first="Bob", last="Booker", born=ALICE_BORN, address="5 Pine Street")

    mailed_code = _found(resident)

    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW
    assert mailed_code.review_reason == ReviewReason.NO_MATCH
    assert mailed_code.address_lines == []
    [candidate] = mailed_code.candidates.all()
    assert candidate.first_name == "Alicia"
    assert candidate.match == MatchStrength.PARTIAL


def test_namesakes_go_to_review_never_to_a_letter(resident, street_listing, enqueued, clerk):
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="1 Elm Street")
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="2 Oak Street")

    mailed_code = _found(resident)

    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW
    assert mailed_code.review_reason == ReviewReason.SEVERAL_MATCHES
    assert mailed_code.address_line1 == ""
    assert sorted(c.address_line1 for c in mailed_code.candidates.all()) == [
        "1 Elm Street",
        "2 Oak Street",
    ]
    with pytest.raises(PostalError, match="no letters ready"):
        print_batch_create(clerk=clerk, enter_url=ENTER_URL)


def test_lookup_runs_once(resident, street_listing, enqueued):
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="1 Elm Street")
    mailed_code = _found(resident)

    assert mailed_code_find_address(mailed_code_id=str(mailed_code.id)) is None
    assert mailed_code_lookup_failed(mailed_code_id=str(mailed_code.id), message="late") is None
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.READY


def test_sources_are_asked_in_order_and_the_first_that_knows_the_person_decides(
    resident, street_listing, enqueued, tmp_path
):
    from portal.postal.demo import address_source_configuration
    from tests.postal.helpers import StreetListing

    second = StreetListing(tmp_path / "second.sqlite3")
    second.add(first="Alice", last="Archer", born=ALICE_BORN, address="9 Second Street")
    DataSource.objects.create(
        department=street_listing.source.department,
        slug="second-listing",
        name="Second listing",
        kind=ConnectorKind.SQL,
        configuration=address_source_configuration(database_url=f"sqlite:///{second.path}"),
        responsible_officer="City Clerk",
    )
    street_listing.add(first="Alicia", last="Archer", born=ALICE_BORN, address="4 Pine Street")

    with override_settings(POSTAL_ADDRESS_SOURCES=["city-clerk-addresses", "second-listing"]):
        mailed_code = _found(resident)

    assert mailed_code.status == MailedCodeStatus.READY
    assert mailed_code.address_line1 == "9 Second Street"
    assert mailed_code.address_source == "second-listing"


def test_partial_matches_of_every_source_are_kept_when_no_one_matches_fully(
    resident, street_listing, enqueued, tmp_path
):
    from portal.postal.demo import address_source_configuration
    from tests.postal.helpers import StreetListing

    second = StreetListing(tmp_path / "second.sqlite3")
    second.add(first="Alice", last="Archerr", born=ALICE_BORN, address="9 Second Street")
    DataSource.objects.create(
        department=street_listing.source.department,
        slug="second-listing",
        name="Second listing",
        kind=ConnectorKind.SQL,
        configuration=address_source_configuration(database_url=f"sqlite:///{second.path}"),
        responsible_officer="City Clerk",
    )
    street_listing.add(first="Alicia", last="Archer", born=ALICE_BORN, address="4 Pine Street")

    with override_settings(POSTAL_ADDRESS_SOURCES=["city-clerk-addresses", "second-listing"]):
        mailed_code = _found(resident)

    assert mailed_code.review_reason == ReviewReason.NO_MATCH
    assert {c.source for c in mailed_code.candidates.all()} == {
        "city-clerk-addresses",
        "second-listing",
    }


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "does not exist or is switched off"),
        ("disabled", "does not exist or is switched off"),
        ("none", "No address source is configured"),
        ("bad_lookup", "no lookup named 'address_of_record'"),
        ("missing_columns", "gives no address_line1, as_of, person_key column"),
    ],
)
def test_a_source_that_cannot_answer_sends_the_request_to_a_clerk_with_the_reason(
    resident, street_listing, enqueued, setup, message
):
    source = street_listing.source
    sources = ["city-clerk-addresses"]
    if setup == "missing":
        sources = ["no-such-source"]
    elif setup == "disabled":
        source.enabled = False
        source.save()
    elif setup == "none":
        sources = []
    elif setup == "bad_lookup":
        source.configuration["lookups"] = {
            "other": source.configuration["lookups"]["address_of_record"]
        }
        source.save()
    else:
        source.configuration["lookups"]["address_of_record"]["sql"] = (
            "SELECT listing_id AS record_key, first_name, last_name, date_of_birth "
            "FROM street_listing WHERE date_of_birth = :date_of_birth"
        )
        source.save()
        street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="1 Elm Street")

    with override_settings(POSTAL_ADDRESS_SOURCES=sources):
        mailed_code = _found(resident)

    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW
    assert mailed_code.review_reason == ReviewReason.LOOKUP_FAILED
    assert message in mailed_code.lookup_error
    assert mailed_code.address_line1 == ""


def test_a_source_that_does_not_answer_is_a_transient_error(resident, street_listing, enqueued):
    street_listing.path.unlink()
    mailed_code = _ask(resident)

    with pytest.raises(ConnectorError) as error:
        mailed_code_find_address(mailed_code_id=str(mailed_code.id))

    assert not error.value.permanent
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.FINDING


# --- The resident gives an address ----------------------------------------------------------


def test_a_typed_address_waits_for_a_clerk_and_is_never_mailed_without_approval(
    resident, street_listing, enqueued, clerk
):
    mailed_code = _found(resident)

    mailed_code = mailed_code_give_address(user=resident, mailed_code=mailed_code, **ADDRESS)

    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW
    assert mailed_code.review_reason == ReviewReason.TYPED_ADDRESS
    assert mailed_code.typed_address_lines == ["7 Orchard Lane", "Westfield, MA 01085"]
    assert mailed_code.address_lines == []
    with pytest.raises(PostalError):
        print_batch_create(clerk=clerk, enter_url=ENTER_URL)


def test_an_address_can_only_be_given_while_in_review_and_only_by_its_owner(
    resident, other_resident, street_listing, enqueued
):
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="1 Elm Street")
    ready = _found(resident)

    with pytest.raises(PostalError):
        mailed_code_give_address(user=resident, mailed_code=ready, **ADDRESS)
    review = MailedCodeFactory(user=resident, status="needs_review")
    with pytest.raises(PostalError):
        mailed_code_give_address(user=other_resident, mailed_code=review, **ADDRESS)


def test_looking_again_keeps_a_typed_address_waiting_for_approval(
    resident, street_listing, enqueued, clerk
):
    mailed_code = mailed_code_give_address(user=resident, mailed_code=_found(resident), **ADDRESS)

    mailed_code_look_again(mailed_code=mailed_code, clerk=clerk)
    mailed_code = mailed_code_find_address(mailed_code_id=str(mailed_code.id))

    assert mailed_code.review_reason == ReviewReason.TYPED_ADDRESS
    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW


# --- A clerk's decisions --------------------------------------------------------------------


@pytest.fixture
def namesakes(resident, street_listing, enqueued) -> MailedCode:
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="1 Elm Street")
    street_listing.add(first="Alice", last="Archer", born=ALICE_BORN, address="2 Oak Street")
    return _found(resident)


def test_clerk_chooses_which_record_is_the_resident(namesakes, clerk):
    chosen = namesakes.candidates.get(address_line1="2 Oak Street")

    mailed_code = mailed_code_use_candidate(
        mailed_code=namesakes, candidate_id=chosen.pk, clerk=clerk, reason="Middle name on file"
    )

    assert mailed_code.status == MailedCodeStatus.READY
    assert mailed_code.address_line1 == "2 Oak Street"
    assert mailed_code.address_origin == AddressOrigin.CHOSEN_RECORD
    assert mailed_code.address_record_key == chosen.record_key
    assert mailed_code.decided_by == clerk
    assert mailed_code.decision_reason == "Middle name on file"


def test_every_decision_that_sends_or_closes_needs_a_written_reason(namesakes, clerk, resident):
    candidate = namesakes.candidates.first()
    mailed_code_give_address(user=resident, mailed_code=namesakes, **ADDRESS)

    with pytest.raises(PostalError, match="reason"):
        mailed_code_use_candidate(
            mailed_code=namesakes, candidate_id=candidate.pk, clerk=clerk, reason="  "
        )
    with pytest.raises(PostalError, match="reason"):
        mailed_code_approve_typed_address(mailed_code=namesakes, clerk=clerk, reason="")
    with pytest.raises(PostalError, match="reason"):
        mailed_code_refuse(mailed_code=namesakes, clerk=clerk, reason="")
    namesakes.refresh_from_db()
    assert namesakes.status == MailedCodeStatus.NEEDS_REVIEW
    assert namesakes.address_line1 == ""


def test_clerk_approves_a_typed_address_with_a_reason(namesakes, clerk, resident):
    mailed_code_give_address(user=resident, mailed_code=namesakes, **ADDRESS)

    mailed_code = mailed_code_approve_typed_address(
        mailed_code=namesakes, clerk=clerk, reason="New to Westfield; lease seen at counter"
    )

    assert mailed_code.status == MailedCodeStatus.READY
    assert mailed_code.address_line1 == "7 Orchard Lane"
    assert mailed_code.address_origin == AddressOrigin.APPROVED_TYPED
    assert mailed_code.address_source == ""
    assert mailed_code.decided_by == clerk


def test_approving_needs_a_typed_address(namesakes, clerk):
    with pytest.raises(PostalError) as error:
        mailed_code_approve_typed_address(mailed_code=namesakes, clerk=clerk, reason="ok")

    assert error.value.code == "no_typed_address"


def test_a_candidate_of_another_request_cannot_be_chosen(namesakes, clerk, other_resident):
    other = MailedCodeFactory(user=other_resident, status="needs_review")

    with pytest.raises(PostalError) as error:
        mailed_code_use_candidate(
            mailed_code=other,
            candidate_id=namesakes.candidates.first().pk,
            clerk=clerk,
            reason="x",
        )

    assert error.value.code == "no_such_candidate"


def test_clerk_refuses_and_nothing_is_mailed(namesakes, clerk):
    mailed_code = mailed_code_refuse(mailed_code=namesakes, clerk=clerk, reason="Cannot tell")

    assert mailed_code.status == MailedCodeStatus.REFUSED
    assert mailed_code.address_line1 == ""
    with pytest.raises(PostalError):
        print_batch_create(clerk=clerk, enter_url=ENTER_URL)


def test_a_decided_request_cannot_be_decided_again(namesakes, clerk, privacy_officer):
    mailed_code_refuse(mailed_code=namesakes, clerk=clerk, reason="Cannot tell")

    with pytest.raises(PostalError) as error:
        mailed_code_use_candidate(
            mailed_code=namesakes,
            candidate_id=namesakes.candidates.first().pk,
            clerk=privacy_officer,
            reason="x",
        )

    assert error.value.code == "already_decided"


def test_staff_cannot_decide_their_own_request(clerk, street_listing, enqueued):
    mailed_code = _found(clerk)

    with pytest.raises(PostalError) as error:
        mailed_code_refuse(mailed_code=mailed_code, clerk=clerk, reason="mine")

    assert error.value.code == "own_request"


@pytest.mark.parametrize("role", ["resident", "steward", "auditor"])
def test_only_clerks_and_the_privacy_officer_decide(namesakes, role):
    other = UserFactory(role=role)

    with pytest.raises(PermissionDenied):
        mailed_code_refuse(mailed_code=namesakes, clerk=other, reason="x")
    with pytest.raises(PermissionDenied):
        print_batch_create(clerk=other, enter_url=ENTER_URL)


def test_looking_again_runs_the_lookup_again(
    namesakes, clerk, street_listing, enqueued, django_capture_on_commit_callbacks
):
    street_listing.remove(address="2 Oak Street")

    with django_capture_on_commit_callbacks(execute=True):
        mailed_code_look_again(mailed_code=namesakes, clerk=clerk)
    assert enqueued == [str(namesakes.id)]
    mailed_code = mailed_code_find_address(mailed_code_id=str(namesakes.id))

    assert mailed_code.status == MailedCodeStatus.READY
    assert mailed_code.address_line1 == "1 Elm Street"
    assert not mailed_code.candidates.exists()


# --- The print batch ------------------------------------------------------------------------


@pytest.fixture
def two_ready(resident, other_resident):
    return [
        MailedCodeFactory(ready=True, user=resident, first_name="Alice", last_name="Archer"),
        MailedCodeFactory(ready=True, user=other_resident, first_name="Bob", last_name="Booker"),
    ]


def test_batch_is_one_tagged_pdf_with_one_letter_a_page(two_ready, clerk):
    batch = print_batch_create(clerk=clerk, enter_url=ENTER_URL)

    pdf = stored_file_read(batch.pdf)
    assert pdf.startswith(b"%PDF-")
    catalog = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en"
    pages = batch_letters_text(batch)
    assert len(pages) == batch.letter_count == 2
    for page, letter in zip(pages, two_ready, strict=True):
        assert letter.legal_name in page
        assert letter.address_line1 in page
        assert letter.reference in page
        assert ENTER_URL in page
        assert "If you did not ask for this code" in page
        assert batch.valid_until.strftime("%-d %B %Y") in page
    assert len(set(batch_codes(batch).values())) == 2


def test_batch_marks_letters_mailed_and_codes_run_thirty_days_from_the_batch_date(two_ready, clerk):
    with time_machine.travel(dt.datetime(2027, 1, 12, 10, 0, tzinfo=dt.UTC)):
        batch = print_batch_create(clerk=clerk, enter_url=ENTER_URL)

    assert batch.mailed_on == dt.date(2027, 1, 12)
    assert batch.valid_until == dt.date(2027, 2, 11)
    assert batch.created_by == clerk
    codes = batch_codes(batch)
    for letter in two_ready:
        letter.refresh_from_db()
        assert letter.status == MailedCodeStatus.MAILED
        assert letter.batch == batch
        assert letter.mailed_on == dt.date(2027, 1, 12)
        assert letter.valid_until == dt.date(2027, 2, 11)
        assert letter.code_last_characters == code_normalise(codes[letter.reference])[-2:]
    assert batch.pdf.purge_after == timezone.make_aware(
        dt.datetime.combine(dt.date(2027, 2, 12), dt.time.min)
    )


def test_the_code_is_never_stored_in_plain(two_ready, clerk):
    batch = print_batch_create(clerk=clerk, enter_url=ENTER_URL)
    codes = [code_normalise(code) for code in batch_codes(batch).values()]
    printed = list(batch_codes(batch).values())

    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - table names from the schema
            rows.extend(repr(row) for row in cursor.fetchall())
    everything = "\n".join(rows)
    for code in codes + printed:
        assert code not in everything
    with storages["private"].open(batch.pdf.storage_name, "rb") as encrypted:
        raw = encrypted.read()
    assert not raw.startswith(b"%PDF")
    for code in codes + printed:
        assert code.encode() not in raw


def test_a_clerk_does_not_print_their_own_letter(clerk, resident):
    own = MailedCodeFactory(ready=True, user=clerk)
    other = MailedCodeFactory(ready=True, user=resident)

    batch = print_batch_create(clerk=clerk, enter_url=ENTER_URL)

    assert list(batch.letters.all()) == [other]
    own.refresh_from_db()
    assert own.status == MailedCodeStatus.READY


@override_settings(POSTAL_BATCH_MAX_LETTERS=1)
def test_a_batch_holds_at_most_the_configured_number_of_letters(two_ready, clerk):
    first = print_batch_create(clerk=clerk, enter_url=ENTER_URL)
    second = print_batch_create(clerk=clerk, enter_url=ENTER_URL)

    assert [letter.pk for letter in first.letters.all()] == [two_ready[0].pk]
    assert [letter.pk for letter in second.letters.all()] == [two_ready[1].pk]


def test_each_download_is_logged_on_the_batch(two_ready, clerk, privacy_officer):
    batch = print_batch_create(clerk=clerk, enter_url=ENTER_URL)

    assert print_batch_download(batch=batch, clerk=clerk).startswith(b"%PDF-")
    print_batch_download(batch=batch, clerk=privacy_officer)

    assert [d.downloaded_by for d in PrintBatchDownload.objects.order_by("downloaded_at")] == [
        clerk,
        privacy_officer,
    ]


def test_a_purged_batch_cannot_be_downloaded(two_ready, clerk, resident):
    batch = print_batch_create(clerk=clerk, enter_url=ENTER_URL)
    stored_file_purge(stored=batch.pdf)

    with pytest.raises(PostalError) as error:
        print_batch_download(batch=PrintBatch.objects.get(pk=batch.pk), clerk=clerk)
    assert error.value.code == "purged"
    with pytest.raises(PermissionDenied):
        print_batch_download(batch=batch, clerk=resident)
    assert not PrintBatchDownload.objects.exists()


# --- Entering the code ----------------------------------------------------------------------


@pytest.fixture
def letter(resident, clerk):
    """The resident's mailed letter and its plaintext code."""
    mailed_code = MailedCodeFactory(ready=True, user=resident)
    code = _mailed(clerk, mailed_code)[str(mailed_code.id)]
    mailed_code.refresh_from_db()
    return mailed_code, code


def test_the_right_code_raises_the_level_and_records_the_evidence(resident, letter, monkeypatch):
    mailed_code, code = letter
    released = []
    import requests.services

    monkeypatch.setattr(
        requests.services, "requests_release_identity_hold", lambda *, user: released.append(user)
    )

    entry = mailed_code_enter(user=resident, code=code.lower().replace("-", " "))

    assert entry.outcome == EntryOutcome.VERIFIED
    assert identity_level(user=resident) == IdentityLevel.REMOTE
    verification = IdentityVerification.objects.get(user=resident)
    assert verification.method == VerificationMethod.MAILED_CODE
    assert verification.evidence["mailed_code_id"] == str(mailed_code.id)
    assert verification.evidence["address_source"] == mailed_code.address_source
    assert verification.evidence["record_key"] == mailed_code.address_record_key
    assert verification.verified_by is None
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.VERIFIED
    assert mailed_code.used_at is not None
    assert released == [resident]


def test_an_approved_typed_address_records_the_approving_clerk(resident, clerk, privacy_officer):
    mailed_code = MailedCodeFactory(user=resident, status="needs_review", typed_line1="7 Orchard")
    mailed_code_approve_typed_address(mailed_code=mailed_code, clerk=clerk, reason="lease seen")
    code = _mailed(privacy_officer, mailed_code)[str(mailed_code.id)]

    mailed_code_enter(user=resident, code=code)

    verification = IdentityVerification.objects.get(user=resident)
    assert verification.verified_by == clerk
    assert verification.evidence["address_origin"] == AddressOrigin.APPROVED_TYPED


def test_a_used_code_does_not_work_again(resident, letter):
    _, code = letter
    mailed_code_enter(user=resident, code=code)

    entry = mailed_code_enter(user=resident, code=code)

    assert entry.outcome == EntryOutcome.NO_LETTER
    assert IdentityVerification.objects.filter(user=resident).count() == 1


def test_a_wrong_code_does_not_raise_the_level(resident, letter):
    mailed_code, code = letter
    wrong = "ACDEF-GHJK3" if code != "ACDEF-GHJK3" else "ACDEF-GHJK4"

    entry = mailed_code_enter(user=resident, code=wrong)

    assert entry.outcome == EntryOutcome.WRONG
    assert entry.tries_left == 4
    assert identity_level(user=resident) == IdentityLevel.EMAIL
    mailed_code.refresh_from_db()
    assert mailed_code.wrong_entries == 1
    assert mailed_code.status == MailedCodeStatus.MAILED


def test_a_malformed_code_counts_as_wrong(resident, letter):
    entry = mailed_code_enter(user=resident, code="0000")

    assert entry.outcome == EntryOutcome.WRONG


@override_settings(POSTAL_MAX_WRONG_CODES=3)
def test_too_many_wrong_codes_make_the_code_void(resident, letter):
    mailed_code, code = letter
    wrong = "ACDEF-GHJK3" if code != "ACDEF-GHJK3" else "ACDEF-GHJK4"

    outcomes = [mailed_code_enter(user=resident, code=wrong).outcome for _ in range(3)]
    after = mailed_code_enter(user=resident, code=code)

    assert outcomes == [EntryOutcome.WRONG, EntryOutcome.WRONG, EntryOutcome.VOID]
    assert after.outcome == EntryOutcome.NO_LETTER
    assert identity_level(user=resident) == IdentityLevel.EMAIL
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.VOID


def test_the_code_works_on_its_last_day(resident, letter):
    mailed_code, code = letter
    last_day = timezone.make_aware(dt.datetime.combine(mailed_code.valid_until, dt.time(23, 30)))

    with time_machine.travel(last_day):
        assert mailed_code_enter(user=resident, code=code).outcome == EntryOutcome.VERIFIED


def test_an_expired_code_does_not_raise_the_level(resident, letter):
    mailed_code, code = letter
    day_after = timezone.make_aware(
        dt.datetime.combine(mailed_code.valid_until + dt.timedelta(days=1), dt.time(0, 5))
    )

    with time_machine.travel(day_after):
        entry = mailed_code_enter(user=resident, code=code)

    assert entry.outcome == EntryOutcome.EXPIRED
    assert identity_level(user=resident) == IdentityLevel.EMAIL
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.EXPIRED


def test_another_residents_code_does_not_work_for_me(resident, other_resident, clerk):
    theirs = MailedCodeFactory(ready=True, user=other_resident)
    mine = MailedCodeFactory(ready=True, user=resident)
    codes = _mailed(clerk, theirs, mine)

    entry = mailed_code_enter(user=resident, code=codes[str(theirs.id)])

    assert entry.outcome == EntryOutcome.WRONG
    assert identity_level(user=resident) == IdentityLevel.EMAIL


def test_no_letter_no_level(resident):
    assert mailed_code_enter(user=resident, code="ACDEF-GHJK3").outcome == EntryOutcome.NO_LETTER
