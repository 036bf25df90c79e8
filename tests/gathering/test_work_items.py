"""The steward's pages for a manual source: the list of their departments' searches, one search
with what to look for, and the three ways to answer it (typed records, a CSV file, nothing)."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.access.models import AccessLogEntry
from portal.matching.strength import MatchStrength
from requests.gathering.models import (
    GatheredRecord,
    RunStatus,
    SourceRun,
    WorkItem,
    WorkItemStatus,
)
from requests.gathering.services import fields_decrypt, source_run_skip
from requests.models import ConnectorKind
from requests.services import request_withdraw
from requests.states import RequestStatus
from tests.factories import ProfileAddressFactory
from tests.gathering.conftest import make_source

pytestmark = pytest.mark.django_db

LIST_URL = reverse("requests:work_items")


@pytest.fixture
def card_index(department_a):
    """The Assessors' paper card index: a steward searches it by hand."""
    return make_source(
        department_a,
        "card-index",
        kind=ConnectorKind.MANUAL,
        name="Assessors' card index",
        configuration={},
        attribute_map={},
        purpose="Ownership history of every parcel before 1990.",
    )


@pytest.fixture
def item(file_request, card_index, alice):
    """alice's request, waiting for the Assessors' steward to search the card index."""
    ProfileAddressFactory(
        profile=alice.profile, kind="current", street="12 Elm Street", postal_code="01085"
    )
    ProfileAddressFactory(
        profile=alice.profile, kind="previous", street="3 Oak Lane", postal_code="01085"
    )
    request, _callbacks = file_request()
    return WorkItem.objects.select_related("run__request").get(run__request=request)


def item_url(item):
    return reverse("requests:work_item", args=[item.pk])


def records_post(*records, note="", add=None):
    """The typed-records form as the browser posts it: each record (kind, number, rows)."""
    data = {
        "answer": "records",
        "record-TOTAL_FORMS": str(len(records)),
        "record-INITIAL_FORMS": "0",
        "entered-note": note,
    }
    for index, (record_type, key, rows) in enumerate(records):
        data[f"record-{index}-record_type"] = record_type
        data[f"record-{index}-key"] = key
        data[f"record-{index}-field-TOTAL_FORMS"] = str(len(rows))
        data[f"record-{index}-field-INITIAL_FORMS"] = "0"
        for row, (name, value) in enumerate(rows):
            data[f"record-{index}-field-{row}-name"] = name
            data[f"record-{index}-field-{row}-value"] = value
    if add:
        data["add"] = add
    return data


ALICES_BILL = ("tax bill", "RE-1980-7", [("Name", "Alice Archer"), ("Date of birth", "1980-03-14")])
ALICES_CARD = ("index card", "C-12", [("Name", "Alice Archer"), ("Address", "3 Oak Lane")])


# --- Who gets in --------------------------------------------------------------------------


def test_the_steward_of_the_items_department_sees_it_listed(client, steward_a, item):
    client.force_login(steward_a)

    response = client.get(LIST_URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert item.run.request.number in body
    assert "Assessors&#x27; card index" in body
    assert "Assessors" in body
    assert f"{item.due_on:%-d %B %Y}" in body
    assert item_url(item) in body


def test_the_steward_of_another_department_sees_nothing_listed_and_gets_404(
    client, steward_a, steward_b, item
):
    client.force_login(steward_b)

    assert item.run.request.number not in client.get(LIST_URL).content.decode()
    assert client.get(item_url(item)).status_code == 404
    assert client.post(item_url(item), records_post(ALICES_BILL)).status_code == 404
    assert WorkItem.objects.get(pk=item.pk).status == WorkItemStatus.OPEN


def test_clerks_and_the_privacy_officer_get_404_because_only_stewards_search(
    client, clerk, privacy_officer, item
):
    """scope.py lets clerks see work items through their requests: they follow the source's
    state on the request page. Only a steward answers one (the service refuses anyone else),
    so the search page, with the resident's attributes, is the steward's alone."""
    for person in (clerk, privacy_officer):
        client.force_login(person)
        assert client.get(LIST_URL).status_code == 404
        assert client.get(item_url(item)).status_code == 404
        assert client.post(item_url(item), records_post(ALICES_BILL)).status_code == 404
    assert not AccessLogEntry.objects.filter(item="work_item").exists()


def test_residents_get_404(client, alice, other_resident, item):
    for person in (alice, other_resident):
        client.force_login(person)
        assert client.get(LIST_URL).status_code == 404
        assert client.get(item_url(item)).status_code == 404


def test_anonymous_people_are_sent_to_sign_in(client, item):
    for url in (LIST_URL, item_url(item)):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("account_login") in response.url


def test_a_steward_without_a_department_gets_404(client, steward_a, department_a, item):
    department_a.stewards.remove(steward_a)
    client.force_login(steward_a)

    assert client.get(LIST_URL).status_code == 404
    assert client.get(item_url(item)).status_code == 404


def test_an_item_that_does_not_exist_is_404(client, steward_a, item):
    client.force_login(steward_a)

    assert client.get(reverse("requests:work_item", args=[item.pk + 1000])).status_code == 404


# --- The list -----------------------------------------------------------------------------


@pytest.fixture
def many_requests(settings):
    """alice files more requests in a day than residents may: the list needs many items."""
    settings.REQUESTS_DAILY_LIMIT = 100


def _item_for(department, due_on, file_request, *, status=WorkItemStatus.OPEN):
    request, _callbacks = file_request()
    item = WorkItem.objects.get(run__request=request, department=department)
    changes = {"due_on": due_on, "status": status}
    if status != WorkItemStatus.OPEN:
        changes["completed_at"] = timezone.now()
    WorkItem.objects.filter(pk=item.pk).update(**changes)
    return request


def test_open_items_come_first_by_due_date_and_an_overdue_one_says_so(
    client, steward_a, department_a, card_index, file_request, many_requests
):
    today = timezone.localdate()
    later = _item_for(department_a, today + dt.timedelta(days=9), file_request)
    late = _item_for(department_a, today - dt.timedelta(days=2), file_request)
    done = _item_for(
        department_a, today - dt.timedelta(days=30), file_request, status=WorkItemStatus.DONE
    )
    client.force_login(steward_a)

    body = client.get(LIST_URL).content.decode()

    assert body.index(late.number) < body.index(later.number)
    assert done.number not in body
    assert body.count("Overdue") == 1

    everything = client.get(LIST_URL, {"show": "all"}).content.decode()
    assert everything.index(late.number) < everything.index(later.number)
    assert everything.index(later.number) < everything.index(done.number)
    # A done item past its date is not overdue.
    assert everything.count("Overdue") == 1
    assert done.number in client.get(LIST_URL, {"show": "done"}).content.decode()
    assert done.number not in client.get(LIST_URL, {"show": "cancelled"}).content.decode()


@pytest.mark.parametrize("query", [{"show": "everything"}, {"page": "x"}, {"page": "999"}])
def test_a_bad_filter_or_page_shows_the_list(client, steward_a, item, query):
    client.force_login(steward_a)

    response = client.get(LIST_URL, query)

    assert response.status_code == 200
    assert item.run.request.number in response.content.decode()


def test_the_list_shows_25_a_page(
    client, steward_a, department_a, card_index, file_request, many_requests
):
    for _ in range(26):
        _item_for(department_a, timezone.localdate(), file_request)
    client.force_login(steward_a)

    first = client.get(LIST_URL)
    second = client.get(LIST_URL, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 1
    assert "26 searches" in first.content.decode()


def test_the_list_costs_the_same_queries_for_one_item_or_many(
    client,
    steward_a,
    department_a,
    card_index,
    file_request,
    many_requests,
    django_assert_max_num_queries,
):
    _item_for(department_a, timezone.localdate(), file_request)
    client.force_login(steward_a)
    client.get(LIST_URL)
    with CaptureQueriesContext(connection) as one:
        client.get(LIST_URL)
    for _ in range(8):
        _item_for(department_a, timezone.localdate(), file_request)

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(LIST_URL)

    assert len(response.context["page"].object_list) == 9


# --- One item: what to search for -----------------------------------------------------------


def test_the_item_shows_what_to_search_for_and_logs_the_view(client, steward_a, alice, item):
    client.force_login(steward_a)

    response = client.get(item_url(item))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Alice Archer" in body
    assert "14 March 1980" in body
    assert "12 Elm Street" in body
    assert "3 Oak Lane" in body
    assert "Ownership history of every parcel before 1990." in body
    assert item.due_on.strftime("%Y") in body
    entry = AccessLogEntry.objects.get(item="work_item")
    assert entry.actor == steward_a
    assert entry.subject == alice
    assert entry.request == item.run.request
    assert entry.object_id == str(item.pk)


def test_an_overdue_item_says_so_in_words(client, steward_a, item):
    WorkItem.objects.filter(pk=item.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(steward_a)

    assert "Overdue" in client.get(item_url(item)).content.decode()


# --- Answering: records typed in ------------------------------------------------------------


def test_typed_records_are_stored_matched_and_the_request_goes_on_to_review(
    client, steward_a, item
):
    client.force_login(steward_a)

    response = client.post(item_url(item), records_post(ALICES_BILL, ALICES_CARD, note="Box 4"))

    assert response.status_code == 302
    assert response.url == item_url(item)
    records = {record.record_type: record for record in GatheredRecord.objects.all()}
    # Name and date of birth: strong. Name and a previous address only: weak, for a clerk.
    assert records["tax bill"].match_strength == MatchStrength.STRONG
    assert not records["tax bill"].needs_confirmation
    assert records["index card"].match_strength == MatchStrength.WEAK
    assert records["index card"].needs_confirmation
    assert fields_decrypt(records["tax bill"]) == {
        "name": "Alice Archer",
        "date_of_birth": "1980-03-14",
    }
    item.refresh_from_db()
    assert item.status == WorkItemStatus.DONE
    assert item.note == "Box 4"
    assert item.completed_by == steward_a
    run = SourceRun.objects.get(pk=item.run_id)
    assert run.status == RunStatus.SUCCEEDED
    assert run.records_found == 2
    assert run.request.status == RequestStatus.IN_REVIEW


def test_a_record_that_names_nobody_is_still_kept_as_weak_for_a_clerk(client, steward_a, item):
    client.force_login(steward_a)

    client.post(item_url(item), records_post(("permit", "B-7", [("Street", "12 Elm Street")])))

    record = GatheredRecord.objects.get()
    assert record.match_strength == MatchStrength.WEAK
    assert record.needs_confirmation


def test_the_request_waits_for_its_other_sources(
    client, steward_a, department_b, card_index, file_request
):
    make_source(department_b, "water-people")
    request, _callbacks = file_request()
    item = WorkItem.objects.get(run__request=request)
    client.force_login(steward_a)

    client.post(item_url(item), records_post(ALICES_BILL))

    request.refresh_from_db()
    assert request.status == RequestStatus.GATHERING


def test_the_done_item_shows_what_was_entered_and_logs_the_view(client, steward_a, item):
    client.force_login(steward_a)
    response = client.post(
        item_url(item), records_post(ALICES_BILL, note="Also a box of maps"), follow=True
    )

    body = response.content.decode()
    assert "Saved: 1 record." in body
    assert "RE-1980-7" in body
    assert "date_of_birth" in body
    assert "1980-03-14" in body
    assert "Also a box of maps" in body
    assert "What to search for" not in body
    assert AccessLogEntry.objects.filter(item="work_item", object_id=str(item.pk)).count() == 1


def test_adding_a_field_or_a_record_keeps_everything_typed(client, steward_a, item):
    client.force_login(steward_a)

    added_row = client.post(item_url(item), records_post(ALICES_BILL, add="row-0"))
    added_record = client.post(item_url(item), records_post(ALICES_BILL, add="record"))

    assert added_row.status_code == 200
    rows = added_row.context["records_form"].entries[0].rows
    assert len(rows.forms) == 3
    body = added_row.content.decode()
    assert 'value="RE-1980-7"' in body
    assert 'value="Alice Archer"' in body
    assert "There is a problem" not in body
    assert len(added_record.context["records_form"].entries) == 2
    assert 'value="RE-1980-7"' in added_record.content.decode()
    assert GatheredRecord.objects.count() == 0
    assert WorkItem.objects.get(pk=item.pk).status == WorkItemStatus.OPEN


@pytest.mark.parametrize("add", ["row-9", "row-x", "nonsense", "row-"])
def test_a_tampered_add_button_changes_nothing_and_keeps_what_was_typed(
    client, steward_a, item, add
):
    client.force_login(steward_a)

    response = client.post(item_url(item), records_post(ALICES_BILL, add=add))

    assert response.status_code == 200
    assert len(response.context["records_form"].entries) == 1
    assert 'value="RE-1980-7"' in response.content.decode()


def test_typed_records_with_problems_come_back_with_each_problem_and_nothing_lost(
    client, steward_a, item
):
    client.force_login(steward_a)

    response = client.post(
        item_url(item),
        records_post(
            ("tax bill", "", [("Name", "Alice Archer")]),
            ("tax bill", "RE-2", [("", "orphan value")]),
            ("tax bill", "RE-3", [("Name", "A")]),
            ("tax bill", "re-3", [("Name", "B")]),
            note="keep me",
        ),
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error:" in body
    assert "There is a problem" in body
    assert "Enter the department&#x27;s number for this record." in body
    assert "Enter a field name for the value orphan value." in body
    assert "Record 4 has the same kind and number as an earlier record" in body
    assert 'href="#id_record-0-key"' in body
    assert 'value="orphan value"' in body
    assert "keep me" in body
    assert GatheredRecord.objects.count() == 0
    assert WorkItem.objects.get(pk=item.pk).status == WorkItemStatus.OPEN


def test_an_empty_records_form_asks_for_records_or_none(client, steward_a, item):
    client.force_login(steward_a)

    response = client.post(item_url(item), records_post(("", "", [("", "")])))

    assert response.status_code == 200
    assert "Enter the records you found, or say below that you found none." in (
        response.content.decode()
    )


@pytest.mark.parametrize(
    "data",
    [
        {"answer": "records"},
        {"answer": "records", "record-TOTAL_FORMS": "x", "record-INITIAL_FORMS": "0"},
        {"answer": "records", "record-TOTAL_FORMS": "1", "record-INITIAL_FORMS": "0"},
        {"answer": "records", "record-TOTAL_FORMS": "100000", "record-INITIAL_FORMS": "0"},
        {"answer": "records", "add": "record"},
        {"answer": "something else"},
        {},
    ],
)
def test_a_tampered_form_gets_a_message_never_a_500(client, steward_a, item, data):
    client.force_login(steward_a)

    response = client.post(item_url(item), data)

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode() or "add" in data
    assert WorkItem.objects.get(pk=item.pk).status == WorkItemStatus.OPEN


def test_too_many_records_are_refused(client, steward_a, item):
    client.force_login(steward_a)
    records = [("bill", f"B-{n}", [("name", "Alice Archer")]) for n in range(31)]

    response = client.post(item_url(item), records_post(*records))

    assert response.status_code == 200
    assert "Enter at most 30 records at once." in response.content.decode()
    assert GatheredRecord.objects.count() == 0


def test_a_form_without_its_counts_says_it_could_not_be_read(client, steward_a, item):
    client.force_login(steward_a)
    data = records_post(ALICES_BILL)
    del data["record-0-field-TOTAL_FORMS"]

    response = client.post(item_url(item), data)

    assert response.status_code == 200
    assert response.content.decode().count("The form could not be read.") == 2  # summary, form


# --- Answering: a CSV file ------------------------------------------------------------------


def upload(content: bytes, *, key_column="Bill number", record_type="tax bill", note=""):
    return {
        "answer": "upload",
        "upload-file": SimpleUploadedFile("found.csv", content, "text/csv"),
        "upload-key_column": key_column,
        "upload-record_type": record_type,
        "upload-note": note,
    }


def test_a_csv_file_is_stored_one_record_a_row(client, steward_a, item):
    client.force_login(steward_a)
    content = (
        "\ufeffBill number,Name,Date of birth\r\n"
        "RE-1,Alice Archer,1980-03-14\r\n"
        "RE-2,Alice Archer,\r\n"
    ).encode()

    response = client.post(item_url(item), upload(content, note="From the 2019 export"))

    assert response.status_code == 302
    records = {record.key: record for record in GatheredRecord.objects.all()}
    assert set(records) == {"tax bill/RE-1", "tax bill/RE-2"}
    assert records["tax bill/RE-1"].match_strength == MatchStrength.STRONG
    assert records["tax bill/RE-2"].match_strength == MatchStrength.WEAK
    item.refresh_from_db()
    assert item.status == WorkItemStatus.DONE
    assert item.note == "From the 2019 export"
    assert item.run.request.__class__.objects.get(pk=item.run.request_id).status == (
        RequestStatus.IN_REVIEW
    )


@pytest.mark.parametrize(
    ("content", "key_column", "message"),
    [
        (b"Bill number,Name\nRE-1,Alice\n", "Account", "The file has no column named Account."),
        (b"Bill number,Name\n,Alice\n", "Bill number", "Row 2 has no bill_number."),
        ("Bill number,Name\nRE-1,José\n".encode("latin-1"), "Bill number", "not UTF-8"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "Bill number", "not UTF-8"),
    ],
)
def test_a_bad_csv_file_is_refused_with_a_message_and_the_other_answers_kept(
    client, steward_a, item, content, key_column, message
):
    client.force_login(steward_a)

    response = client.post(
        item_url(item), upload(content, key_column=key_column, note="keep this note")
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error:" in body
    assert message in body
    assert "keep this note" in body
    assert f'value="{key_column}"' in body
    assert "choose it again" in body
    assert GatheredRecord.objects.count() == 0


def test_an_upload_without_a_file_asks_for_one(client, steward_a, item):
    client.force_login(steward_a)

    response = client.post(
        item_url(item),
        {"answer": "upload", "upload-key_column": "", "upload-record_type": ""},
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose the CSV file to upload." in body
    assert "Enter the name of the column with the record numbers." in body


# --- Answering: nothing found ---------------------------------------------------------------


def test_found_nothing_finishes_the_run_with_the_note(client, steward_a, item):
    client.force_login(steward_a)

    response = client.post(
        item_url(item),
        {"answer": "nothing", "nothing-note": "Searched the card index, A to Z."},
        follow=True,
    )

    assert "you found no records" in response.content.decode()
    item.refresh_from_db()
    assert item.status == WorkItemStatus.DONE
    assert item.found_nothing
    assert item.note == "Searched the card index, A to Z."
    run = SourceRun.objects.get(pk=item.run_id)
    assert run.status == RunStatus.SUCCEEDED
    assert run.records_found == 0
    assert run.request.status == RequestStatus.IN_REVIEW
    assert GatheredRecord.objects.count() == 0


def test_an_over_long_note_is_refused_and_kept(client, steward_a, item):
    client.force_login(steward_a)

    response = client.post(item_url(item), {"answer": "nothing", "nothing-note": "x" * 2001})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert WorkItem.objects.get(pk=item.pk).status == WorkItemStatus.OPEN


# --- An item already answered, or no longer needed -------------------------------------------


def test_a_done_item_cannot_be_answered_again(client, steward_a, item):
    client.force_login(steward_a)
    client.post(item_url(item), records_post(ALICES_BILL))

    again = client.post(item_url(item), {"answer": "nothing"}, follow=True)

    assert "This work item is already done." in again.content.decode()
    item.refresh_from_db()
    assert not item.found_nothing
    assert GatheredRecord.objects.count() == 1


def test_a_cancelled_item_says_so_and_cannot_be_answered(client, steward_a, clerk, item):
    source_run_skip(run=item.run, actor=clerk, reason="Found in the scanned archive instead")
    client.force_login(steward_a)

    page = client.get(item_url(item)).content.decode()
    answered = client.post(item_url(item), records_post(ALICES_BILL), follow=True)

    assert "no longer needed" in page
    assert "What to search for" not in page
    assert not AccessLogEntry.objects.filter(item="work_item").exists()
    assert "the clerk stopped waiting for it" in answered.content.decode()
    assert GatheredRecord.objects.count() == 0
    assert WorkItem.objects.get(pk=item.pk).status == WorkItemStatus.CANCELLED


# --- The staff home page ------------------------------------------------------------------------


def test_the_staff_home_links_a_steward_to_the_searches_with_the_count(client, steward_a, item):
    client.force_login(steward_a)

    body = client.get(reverse("staff_home")).content.decode()

    assert LIST_URL in body
    assert "1 to do" in body


def test_the_staff_home_has_no_searches_link_for_a_clerk(client, clerk, item):
    client.force_login(clerk)

    assert LIST_URL not in client.get(reverse("staff_home")).content.decode()


def test_a_search_for_a_withdrawn_request_shows_no_attributes_and_cannot_be_answered(
    client, steward_a, alice, item
):
    request_withdraw(request=item.run.request, actor=alice, reason="Changed my mind")
    client.force_login(steward_a)

    listed = client.get(LIST_URL, {"status": "cancelled"}).content.decode()
    page = client.get(item_url(item)).content.decode()
    answered = client.post(item_url(item), records_post(ALICES_BILL), follow=True)

    assert "No longer needed" in listed
    assert "This search is no longer needed: the request has finished" in page
    assert "14 March 1980" not in page
    assert not AccessLogEntry.objects.filter(item="work_item").exists()
    assert "the request has finished" in answered.content.decode()
    assert GatheredRecord.objects.count() == 0
