"""The public privacy pages and the privacy officer's pages."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.policies.models import PolicyVersion
from portal.policies.services import policy_draft_create
from tests.factories import StaffFactory
from tests.policies.conftest import at, publish, published, travel

pytestmark = pytest.mark.django_db

TODAY = at(2026, 3, 1)
STAFF_PAGES = ("staff_list", "staff_new")
DRAFT_PAGES = ("staff_draft", "staff_edit", "staff_publish")


@pytest.fixture
def draft(privacy_officer, version_1):
    return policy_draft_create(
        author=privacy_officer,
        text=version_1.text.replace(
            "We do not sell any personally identifiable information",
            "We never sell or rent any personally identifiable information",
        ),
        summary="We say that we never rent your information either.",
    )


def _publish_form(day: dt.date, *, substantive: str = "yes", reason: str = "", **extra):
    return {
        "effective_day": str(day.day),
        "effective_month": str(day.month),
        "effective_year": str(day.year),
        "substantive": substantive,
        "reason": reason,
        **extra,
    }


# --- Public pages ---------------------------------------------------------------------------


def test_the_privacy_page_shows_the_version_in_force_to_anyone(client, version_1):
    response = client.get(reverse("policies:privacy"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Version 1" in page
    assert "In force since" in page
    assert "1 March 2012" in page
    assert "Your privacy with respect to the use of the CityofWestfield.Org" in page
    assert "There are no earlier versions." in page


def test_the_privacy_page_shows_the_coming_version_its_date_and_every_change(
    client, version_1, draft, privacy_officer
):
    from portal.policies.services import policy_version_publish

    with travel(TODAY):
        policy_version_publish(
            version=draft, actor=privacy_officer, effective_on=dt.date(2026, 3, 31)
        )
        page = client.get(reverse("policies:privacy")).content.decode()

    assert 'id="upcoming"' in page
    assert "The policy changes on 31 March 2026" in page
    assert "We say that we never rent your information either." in page
    assert "Until then, version 1 applies." in page
    assert '<del class="diff__del"><span class="diff__label">[removed]</span> do not' in page
    assert '<ins class="diff__ins"><span class="diff__label">[added]</span> never' in page
    assert reverse("policies:version", args=[2]) in page


def test_the_privacy_page_lists_every_past_version(client, version_1):
    published(2, effective_on=dt.date(2020, 1, 1))
    published(3, effective_on=dt.date(2024, 1, 1))

    page = client.get(reverse("policies:privacy")).content.decode()

    assert "Version 3" in page
    assert "in force from 1 January 2020 to 31 December 2023" in page
    assert "in force from 1 March 2012 to 31 December 2019" in page
    assert page.index(reverse("policies:version", args=[2])) < page.index(
        reverse("policies:version", args=[1])
    )


def test_a_version_page_shows_its_dates_summary_changes_and_text(client, version_1):
    published(2, effective_on=dt.date(2020, 1, 1), text=version_1.text + "\nA new sentence.\n")

    page = client.get(reverse("policies:version", args=[2])).content.decode()

    assert "Every change from version 1" in page
    assert "A new sentence." in page
    assert "What version 2 changed." in page
    assert "1 January 2020" in page


def test_the_first_version_page_says_it_is_the_first(client, version_1):
    page = client.get(reverse("policies:version", args=[1])).content.decode()

    assert "The first version kept here" in page
    assert "Replaced" not in page


def test_a_draft_is_not_a_public_version(client, draft, resident):
    client.force_login(resident)

    assert client.get(reverse("policies:version", args=[draft.pk])).status_code == 404
    assert client.get(reverse("policies:version", args=[99])).status_code == 404
    assert "never rent" not in client.get(reverse("policies:privacy")).content.decode()


def test_the_policy_text_is_sanitised(client, privacy_officer, version_1):
    PolicyVersion.objects.filter(number=1).update(
        text='# Policy\n\n<script>alert("x")</script>\n\n[Click](javascript:alert(1))\n'
    )

    page = client.get(reverse("policies:privacy")).content.decode()

    assert 'alert("x")' not in page
    assert "javascript:" not in page


def test_the_footer_links_to_the_privacy_page(client, version_1):
    page = client.get(reverse("home")).content.decode()

    assert f'href="{reverse("policies:privacy")}"' in page


def test_the_privacy_page_queries_do_not_grow_with_versions(client, version_1):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("policies:privacy")).status_code == 200
        return len(queries)

    one = count()
    for number in range(2, 8):
        published(number, effective_on=dt.date(2012 + number, 1, 1))

    assert count() == one


# --- Who may open the privacy officer's pages -----------------------------------------------


def _staff_urls(draft) -> list[str]:
    return [reverse(f"policies:{name}") for name in STAFF_PAGES] + [
        reverse(f"policies:{name}", args=[draft.pk]) for name in DRAFT_PAGES
    ]


def test_anonymous_people_are_sent_to_sign_in(client, draft):
    for url in _staff_urls(draft):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login")), url


@pytest.mark.parametrize("role", ["resident", "clerk", "steward", "auditor"])
def test_anyone_but_the_privacy_officer_gets_404(client, draft, role, resident):
    client.force_login(resident if role == "resident" else StaffFactory(role=role))

    for url in _staff_urls(draft):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"text": "x", "summary": "y"}).status_code == 404, url
    draft.refresh_from_db()
    assert draft.summary == "We say that we never rent your information either."


def test_the_privacy_officer_opens_every_page(client, draft, privacy_officer):
    client.force_login(privacy_officer)

    for url in _staff_urls(draft):
        assert client.get(url).status_code == 200, url


def test_a_published_version_is_not_a_draft(client, version_1, privacy_officer):
    client.force_login(privacy_officer)

    for name in DRAFT_PAGES:
        assert client.get(reverse(f"policies:{name}", args=[version_1.pk])).status_code == 404


def test_the_staff_home_links_the_privacy_officer_to_the_versions(client, privacy_officer, clerk):
    url = reverse("policies:staff_list")
    client.force_login(privacy_officer)
    assert url in client.get(reverse("staff_home")).content.decode()
    client.force_login(clerk)
    assert url not in client.get(reverse("staff_home")).content.decode()


# --- Drafts ---------------------------------------------------------------------------------


def test_a_new_draft_starts_from_the_newest_version(client, privacy_officer, version_1):
    client.force_login(privacy_officer)

    page = client.get(reverse("policies:staff_new")).content.decode()

    assert "We will post substantive changes to this policy" in page


def test_writing_a_draft_saves_it_and_shows_it_for_checking(client, privacy_officer, version_1):
    client.force_login(privacy_officer)

    response = client.post(
        reverse("policies:staff_new"),
        {"text": "# Privacy Policy\n\nShorter.\n", "summary": "Much shorter."},
    )

    draft = PolicyVersion.objects.get(number__isnull=True)
    assert response.status_code == 302
    assert response.url == reverse("policies:staff_draft", args=[draft.pk])
    page = client.get(response.url).content.decode()
    assert "Much shorter." in page
    assert "Every change from version 1" in page
    assert "[removed]" in page


def test_a_draft_without_a_summary_says_so_and_keeps_the_text(client, privacy_officer, version_1):
    client.force_login(privacy_officer)

    response = client.post(
        reverse("policies:staff_new"), {"text": "# Keep me\n\nTyped text.", "summary": " "}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in page
    assert "Say in plain words what changes" in page
    assert "Typed text." in page
    assert not PolicyVersion.objects.filter(number__isnull=True).exists()


def test_changing_a_draft_saves_it(client, privacy_officer, draft):
    client.force_login(privacy_officer)

    response = client.post(
        reverse("policies:staff_edit", args=[draft.pk]),
        {"text": draft.text, "summary": "A clearer summary."},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.summary == "A clearer summary."


# --- Publishing -----------------------------------------------------------------------------


def test_29_days_notice_is_refused_on_the_page_with_the_earliest_day(
    client, privacy_officer, draft
):
    client.force_login(privacy_officer)

    with travel(TODAY):
        response = client.post(
            reverse("policies:staff_publish", args=[draft.pk]),
            _publish_form(dt.date(2026, 3, 30)),
        )

    page = response.content.decode()
    assert response.status_code == 400
    assert "<title>Error:" in page
    assert 'href="#id_effective_day"' in page
    assert "30 March 2026 is only 29 days away" in page
    assert "Choose 31 March 2026 or later" in page
    assert 'value="30"' in page
    draft.refresh_from_db()
    assert draft.number is None


def test_30_days_notice_asks_for_confirmation_then_publishes(client, privacy_officer, draft):
    client.force_login(privacy_officer)
    url = reverse("policies:staff_publish", args=[draft.pk])
    answers = _publish_form(dt.date(2026, 3, 31))

    with travel(TODAY):
        confirm = client.post(url, answers)
        assert draft.__class__.objects.get(pk=draft.pk).number is None
        done = client.post(url, {**answers, "confirm": "yes"})

    page = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Publish this version?" in page
    assert "30 days from today" in page
    assert "We will email" in page
    assert done.status_code == 302
    assert done.url == reverse("policies:staff_list")
    draft.refresh_from_db()
    assert draft.number == 2
    assert draft.effective_on == dt.date(2026, 3, 31)


def test_change_these_answers_brings_the_form_back_as_it_was(client, privacy_officer, draft):
    client.force_login(privacy_officer)

    with travel(TODAY):
        response = client.post(
            reverse("policies:staff_publish", args=[draft.pk]),
            {**_publish_form(dt.date(2026, 4, 15)), "change": "yes"},
        )

    page = response.content.decode()
    assert "Publish this version?" not in page
    assert 'value="15"' in page


def test_a_correction_without_a_reason_is_refused_on_the_page(client, privacy_officer, draft):
    client.force_login(privacy_officer)

    with travel(TODAY):
        response = client.post(
            reverse("policies:staff_publish", args=[draft.pk]),
            _publish_form(dt.date(2026, 3, 1), substantive="no"),
        )

    assert response.status_code == 400
    assert "Say why this change is not substantive" in response.content.decode()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"effective_day": "", "effective_month": "", "effective_year": ""}, "Enter the day"),
        ({"effective_day": "31", "effective_month": "2"}, "must be a real date"),
        ({"substantive": "maybe"}, "Say whether this is a substantive change"),
    ],
)
def test_bad_input_on_the_publish_page_gets_a_clear_message(
    client, privacy_officer, draft, answers, message
):
    client.force_login(privacy_officer)

    with travel(TODAY):
        response = client.post(
            reverse("policies:staff_publish", args=[draft.pk]),
            {**_publish_form(dt.date(2026, 4, 15)), **answers},
        )

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_version_list_queries_do_not_grow_with_versions(client, privacy_officer, version_1):
    client.force_login(privacy_officer)
    url = reverse("policies:staff_list")
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one = count()
    for number in range(2, 8):
        published(number, effective_on=dt.date(2012 + number, 1, 1))
        policy_draft_create(author=privacy_officer, text=f"# Draft {number}\n", summary="x")

    assert count() == one


def test_the_version_list_shows_states_and_email_progress(client, privacy_officer, version_1):
    with travel(TODAY):
        publish(privacy_officer, effective_on=dt.date(2026, 4, 15))
        policy_draft_create(author=privacy_officer, text="# Next\n", summary="Next.")
        client.force_login(privacy_officer)
        page = client.get(reverse("policies:staff_list")).content.decode()

    assert "Draft of 1 March 2026" in page
    assert "Coming" in page
    assert "In force" in page
