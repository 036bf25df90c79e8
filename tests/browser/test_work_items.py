"""The steward's searches for a manual source, in a real Chromium, checked by axe-core: the list,
one search, a problem in the form, and the records entered and saved without JavaScript's help."""

import pytest
from django.conf import settings
from django.urls import reverse

from portal.matching.strength import MatchStrength
from requests.gathering.models import GatheredRecord, WorkItem, WorkItemStatus
from requests.models import ConnectorKind
from requests.services import request_submit
from tests.browser.axe import assert_no_axe_violations
from tests.browser.pages import assert_error_page
from tests.factories import ProfileFactory
from tests.gathering.conftest import BORN, make_source, verify

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alice(resident):
    """Alice Archer, born 14 March 1980, identity level 2."""
    ProfileFactory(
        user=resident, legal_first_name="Alice", legal_last_name="Archer", date_of_birth=BORN
    )
    verify(resident)
    return resident


@pytest.fixture
def item(alice, department_a):
    """alice's request, waiting for the Assessors' steward to search their card index (a manual
    source: nothing is sent to a worker)."""
    make_source(
        department_a,
        "card-index",
        kind=ConnectorKind.MANUAL,
        name="Assessors' card index",
        configuration={},
        attribute_map={},
        purpose="Ownership history of every parcel before 1990.",
    )
    request = request_submit(requester=alice, subject=alice, kind="access")
    return WorkItem.objects.get(run__request=request)


@pytest.fixture
def steward_page(browser, live_server, client, steward_a):
    client.force_login(steward_a)
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    yield page
    context.close()


def test_the_steward_finds_the_search_and_enters_two_records(steward_page, item):
    page = steward_page
    number = item.run.request.number

    page.goto(reverse("requests:work_items"))
    page.get_by_role("heading", name="Department searches").wait_for()
    table = page.get_by_role("table", name="1 search")
    assert number in table.inner_text()
    assert_no_axe_violations(page)

    page.get_by_role("link", name=number).click()
    page.get_by_role("heading", name=f"Search for request {number}").wait_for()
    assert page.get_by_text("14 March 1980").is_visible()
    assert_no_axe_violations(page)

    # A record number forgotten: the form comes back with the problem and what was typed.
    page.get_by_label("Kind of record", exact=True).fill("tax bill")
    page.get_by_label("Field name 1, record 1").fill("Name")
    page.get_by_label("Value 1, record 1").fill("Alice Archer")
    page.get_by_role("button", name="Save the records").click()
    assert_error_page(page)
    page.get_by_role("link", name="Enter the department's number for this record.").wait_for()
    assert page.get_by_label("Value 1, record 1").input_value() == "Alice Archer"
    assert_no_axe_violations(page)

    # Rows and records are added by the server: what was typed stays.
    page.get_by_label("The department's number for this record").fill("RE-1980-7")
    page.get_by_role("button", name="Add another field to record 1").click()
    page.get_by_label("Field name 4, record 1").wait_for()
    page.get_by_label("Field name 4, record 1").fill("Date of birth")
    page.get_by_label("Value 4, record 1").fill("1980-03-14")
    page.get_by_role("button", name="Add another record").click()
    page.get_by_role("group", name="Record 2").wait_for()
    assert page.get_by_label("Value 4, record 1").input_value() == "1980-03-14"
    record_2 = page.get_by_role("group", name="Record 2")
    record_2.get_by_label("Kind of record").fill("index card")
    record_2.get_by_label("The department's number for this record").fill("C-12")
    page.get_by_label("Field name 1, record 2").fill("Name")
    page.get_by_label("Value 1, record 2").fill("Alice Archer")
    page.get_by_label("Note for the clerk (optional)").first.fill("Card index, drawer A")
    page.get_by_role("button", name="Save the records").click()

    page.get_by_text("Saved: 2 records.").wait_for()
    assert page.get_by_role("heading", name="What you entered").is_visible()
    assert page.get_by_text("Card index, drawer A").is_visible()
    assert_no_axe_violations(page)
    item.refresh_from_db()
    assert item.status == WorkItemStatus.DONE
    strengths = dict(GatheredRecord.objects.values_list("record_type", "match_strength"))
    assert strengths == {"tax bill": MatchStrength.STRONG, "index card": MatchStrength.WEAK}

    page.goto(reverse("requests:work_items") + "?show=done")
    page.get_by_role("table", name="1 search").wait_for()
    assert number in page.get_by_role("table", name="1 search").inner_text()
    assert_no_axe_violations(page)


def test_the_steward_says_they_found_nothing(steward_page, item):
    page = steward_page

    page.goto(reverse("requests:work_item", args=[item.pk]))
    page.get_by_label("Where did you look? (optional)").fill("Drawers A to Z")
    page.get_by_role("button", name="I found nothing").click()

    page.get_by_text("you found no records").wait_for()
    assert page.get_by_text("No records were found.").is_visible()
    assert_no_axe_violations(page)
