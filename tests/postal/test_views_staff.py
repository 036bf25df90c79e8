"""The clerks' pages: letters ready to print, the review queue, print batches, decisions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.files.services import stored_file_purge
from portal.postal.models import (
    AddressCandidate,
    AddressOrigin,
    MailedCodeStatus,
    PrintBatch,
    PrintBatchDownload,
    ReviewReason,
)
from portal.postal.services import print_batch_create
from tests.factories import MailedCodeFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("postal:staff_batches")
CREATE = reverse("postal:staff_batch_create")
ENTER_URL = "http://testserver/account/mailed-code/enter/"
ZERO = "00000000-0000-0000-0000-000000000000"
STAFF_URLS = [
    LIST,
    CREATE,
    f"/staff/mailed-codes/batches/{ZERO}/",
    f"/staff/mailed-codes/batches/{ZERO}/pdf/",
    f"/staff/mailed-codes/review/{ZERO}/",
]


@pytest.fixture
def as_clerk(client, clerk):
    client.force_login(clerk)
    return client


@pytest.fixture
def enqueued(monkeypatch):
    sent: list[str] = []
    from tasks.postal import find_address_of_record

    monkeypatch.setattr(find_address_of_record, "delay", sent.append)
    return sent


def _review_url(mailed_code) -> str:
    return reverse("postal:staff_review", kwargs={"pk": mailed_code.pk})


def _namesakes(user):
    mailed_code = MailedCodeFactory(
        user=user, status="needs_review", review_reason=ReviewReason.SEVERAL_MATCHES
    )
    for number, street in enumerate(("1 Elm Street", "2 Oak Street"), start=1):
        AddressCandidate.objects.create(
            mailed_code=mailed_code,
            source="city-clerk-addresses",
            record_key=f"2026-WF{number:07d}",
            person_key=f"WF{number:07d}",
            match="full",
            first_name="Alice",
            last_name="Archer",
            date_of_birth="1980-03-14",
            address_line1=street,
            address_city="Westfield",
            address_state="MA",
            address_postal_code="01085",
            as_of="2026",
        )
    return mailed_code


@pytest.mark.parametrize("url", STAFF_URLS)
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("role", ["resident", "steward", "auditor"])
def test_everyone_but_clerks_and_the_privacy_officer_gets_404(client, role, resident):
    person = resident if role == "resident" else StaffFactory(role=role)
    mailed_code = _namesakes(UserFactory())
    MailedCodeFactory(ready=True)
    batch = print_batch_create(clerk=StaffFactory(email="x.clerk@example.org"), enter_url=ENTER_URL)
    client.force_login(person)

    urls = [
        LIST,
        CREATE,
        reverse("postal:staff_batch_detail", kwargs={"pk": batch.pk}),
        reverse("postal:staff_batch_download", kwargs={"pk": batch.pk}),
        _review_url(mailed_code),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"decision": "refuse", "reason": "x"}).status_code == 404, url
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW
    assert PrintBatch.objects.count() == 1
    assert not PrintBatchDownload.objects.exists()


def test_unknown_ids_are_not_found(as_clerk):
    for url in STAFF_URLS[2:]:
        assert as_clerk.get(url).status_code == 404


def test_the_privacy_officer_may_use_the_pages(client, privacy_officer):
    client.force_login(privacy_officer)

    assert client.get(LIST).status_code == 200


def test_the_list_shows_letters_to_print_the_review_queue_and_batches(as_clerk, clerk):
    ready = MailedCodeFactory(ready=True, first_name="Rita", last_name="Ready")
    _namesakes(UserFactory())
    MailedCodeFactory(status="needs_review", review_reason="no_match", last_name="Nobody")
    MailedCodeFactory(
        status="needs_review", review_reason="lookup_failed", lookup_error="source down"
    )
    typed = MailedCodeFactory(status="needs_review", review_reason="typed_address")
    MailedCodeFactory(status="finding", last_name="Recent")

    response = as_clerk.get(LIST)

    text = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "Rita Ready" in text and ready.reference in text
    assert "Several people found" in text
    assert "No one found" in text
    assert "The lookup failed" in text
    assert "Address typed by the resident" in text
    assert _review_url(typed) in text
    assert "Recent" not in text
    assert CREATE in text


def test_a_lookup_that_never_finished_shows_in_the_queue(as_clerk, settings):
    from datetime import timedelta

    from django.utils import timezone

    stalled = MailedCodeFactory(
        status="finding",
        created_at=timezone.now() - timedelta(minutes=settings.POSTAL_LOOKUP_STALLED_MINUTES + 1),
    )

    text = as_clerk.get(LIST).content.decode()

    assert "Lookup not finished" in text
    assert _review_url(stalled) in text


def test_the_list_costs_the_same_queries_however_many_rows(as_clerk, clerk):
    MailedCodeFactory(ready=True)
    _namesakes(UserFactory())
    print_batch_create(clerk=clerk, enter_url=ENTER_URL)
    as_clerk.get(LIST)
    with CaptureQueriesContext(connection) as few:
        as_clerk.get(LIST)

    for _ in range(4):
        MailedCodeFactory(ready=True)
        _namesakes(UserFactory())
    print_batch_create(clerk=clerk, enter_url=ENTER_URL)
    MailedCodeFactory(ready=True)
    with CaptureQueriesContext(connection) as many:
        as_clerk.get(LIST)

    assert len(many) == len(few)


# --- Print batches --------------------------------------------------------------------------


def test_creating_a_batch_asks_for_confirmation_first(as_clerk):
    letter = MailedCodeFactory(ready=True, first_name="Rita", last_name="Ready")

    response = as_clerk.get(CREATE)

    text = response.content.decode()
    assert "This makes one PDF with 1 letter" in text
    assert "Rita Ready" in text
    letter.refresh_from_db()
    assert letter.status == MailedCodeStatus.READY
    assert not PrintBatch.objects.exists()


def test_the_confirmation_counts_only_what_fits_in_one_batch(as_clerk, settings):
    settings.POSTAL_BATCH_MAX_LETTERS = 1
    MailedCodeFactory(ready=True, last_name="First")
    MailedCodeFactory(ready=True, last_name="Second")

    text = as_clerk.get(CREATE).content.decode()

    assert "This makes one PDF with 1 letter" in text
    assert "1 more letter waits for the next batch" in text
    assert "First" in text and "Second" not in text


def test_creating_a_batch_makes_it_and_shows_it(as_clerk):
    letter = MailedCodeFactory(ready=True)

    response = as_clerk.post(CREATE)

    batch = PrintBatch.objects.get()
    assert response["Location"] == reverse("postal:staff_batch_detail", kwargs={"pk": batch.pk})
    letter.refresh_from_db()
    assert letter.status == MailedCodeStatus.MAILED
    page = as_clerk.get(response["Location"]).content.decode()
    assert letter.reference in page
    assert letter.code_last_characters in page
    assert "Download the letters (PDF)" in page


def test_creating_a_batch_with_nothing_ready_says_so(as_clerk):
    assert "No letters are waiting" in as_clerk.get(CREATE).content.decode()

    response = as_clerk.post(CREATE, follow=True)

    assert "There are no letters ready to print" in response.content.decode()
    assert not PrintBatch.objects.exists()


def test_the_download_is_an_attachment_never_cached_and_logged(as_clerk, clerk):
    MailedCodeFactory(ready=True)
    batch = print_batch_create(clerk=clerk, enter_url=ENTER_URL)

    response = as_clerk.get(reverse("postal:staff_batch_download", kwargs={"pk": batch.pk}))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert batch.reference in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF-")
    [download] = PrintBatchDownload.objects.all()
    assert download.downloaded_by == clerk
    detail = as_clerk.get(reverse("postal:staff_batch_detail", kwargs={"pk": batch.pk}))
    assert clerk.get_full_name() in detail.content.decode()


def test_a_purged_batch_says_so_instead_of_downloading(as_clerk, clerk):
    MailedCodeFactory(ready=True)
    batch = print_batch_create(clerk=clerk, enter_url=ENTER_URL)
    stored_file_purge(stored=batch.pdf)

    response = as_clerk.get(
        reverse("postal:staff_batch_download", kwargs={"pk": batch.pk}), follow=True
    )

    text = response.content.decode()
    assert "file was deleted because all its codes have expired" in text
    assert "The PDF was deleted on" in text


# --- The review queue -----------------------------------------------------------------------


def test_the_review_page_shows_the_candidates_and_the_typed_address(as_clerk):
    mailed_code = _namesakes(UserFactory())
    mailed_code.typed_line1 = "7 Orchard Lane"
    mailed_code.typed_city = "Westfield"
    mailed_code.typed_state = "MA"
    mailed_code.typed_postal_code = "01085"
    mailed_code.save()

    text = as_clerk.get(_review_url(mailed_code)).content.decode()

    assert "1 Elm Street" in text and "2 Oak Street" in text
    assert "2026-WF0000001" in text
    assert "7 Orchard Lane" in text
    assert "Approve the address the resident typed" in text


def test_a_decision_without_a_choice_or_reason_gets_clear_messages(as_clerk):
    mailed_code = _namesakes(UserFactory())

    response = as_clerk.post(_review_url(mailed_code), {"reason": ""})
    text = response.content.decode()
    assert "<title>Error:" in text
    assert "Choose what should happen to this request" in text

    response = as_clerk.post(_review_url(mailed_code), {"decision": "refuse", "reason": " "})
    assert "Write the reason for your decision" in response.content.decode()

    response = as_clerk.post(_review_url(mailed_code), {"decision": "candidate:999999"})
    assert "Select a valid choice" in response.content.decode()
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW


def test_a_decision_is_confirmed_before_it_is_carried_out(as_clerk, clerk):
    mailed_code = _namesakes(UserFactory())
    chosen = mailed_code.candidates.get(address_line1="2 Oak Street")
    answers = {"decision": f"candidate:{chosen.pk}", "reason": "Middle name matches"}

    confirm = as_clerk.post(_review_url(mailed_code), answers)
    assert "Check your decision" in confirm.content.decode()
    assert "2 Oak Street" in confirm.content.decode()
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW

    change = as_clerk.post(_review_url(mailed_code), {**answers, "confirmed": "no"})
    assert "Middle name matches" in change.content.decode()
    assert "Where should the letter go?" in change.content.decode()

    response = as_clerk.post(_review_url(mailed_code), {**answers, "confirmed": "yes"})

    assert response["Location"] == LIST
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.READY
    assert mailed_code.address_line1 == "2 Oak Street"
    assert mailed_code.address_origin == AddressOrigin.CHOSEN_RECORD
    assert mailed_code.decided_by == clerk


def test_approving_a_typed_address_needs_a_reason_and_a_confirmation(as_clerk):
    mailed_code = MailedCodeFactory(
        status="needs_review", review_reason="typed_address", typed_line1="7 Orchard Lane"
    )

    response = as_clerk.post(
        _review_url(mailed_code), {"decision": "approve_typed", "confirmed": "yes"}
    )
    assert "Write the reason for your decision" in response.content.decode()

    as_clerk.post(
        _review_url(mailed_code),
        {"decision": "approve_typed", "reason": "Lease seen", "confirmed": "yes"},
    )
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.READY
    assert mailed_code.address_origin == AddressOrigin.APPROVED_TYPED
    assert mailed_code.decision_reason == "Lease seen"


def test_refusing_closes_the_request(as_clerk):
    mailed_code = _namesakes(UserFactory())

    as_clerk.post(
        _review_url(mailed_code),
        {"decision": "refuse", "reason": "Cannot tell them apart", "confirmed": "yes"},
    )

    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.REFUSED
    page = as_clerk.get(_review_url(mailed_code)).content.decode()
    assert "Cannot tell them apart" in page
    assert 'name="decision"' not in page


def test_looking_again_needs_no_reason_and_enqueues_the_lookup(
    as_clerk, enqueued, django_capture_on_commit_callbacks
):
    mailed_code = MailedCodeFactory(status="needs_review", review_reason="lookup_failed")

    with django_capture_on_commit_callbacks(execute=True):
        as_clerk.post(_review_url(mailed_code), {"decision": "look_again", "confirmed": "yes"})

    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.FINDING
    assert enqueued == [str(mailed_code.id)]


def test_a_stalled_lookup_offers_only_look_again_or_refuse(as_clerk):
    mailed_code = MailedCodeFactory(status="finding", typed_line1="7 Orchard Lane")

    text = as_clerk.get(_review_url(mailed_code)).content.decode()

    assert "Look the resident up again" in text
    assert "Approve the address" not in text


def test_a_clerk_cannot_decide_their_own_request(as_clerk, clerk):
    mailed_code = _namesakes(clerk)

    response = as_clerk.post(
        _review_url(mailed_code), {"decision": "refuse", "reason": "mine", "confirmed": "yes"}
    )

    assert "Another clerk must decide a request you made yourself" in response.content.decode()
    mailed_code.refresh_from_db()
    assert mailed_code.status == MailedCodeStatus.NEEDS_REVIEW
