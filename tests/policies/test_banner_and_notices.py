"""The notice banner during a notice period, the notice beside each form that collects personal
data, and the version shown beside data already collected."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from portal.policies.notices import NOTICES
from requests.services import request_reply, request_submit
from tests.factories import ProfileAddressFactory, ProfileFactory, ResidentIdentifierFactory
from tests.policies.conftest import at, publish, travel

pytestmark = pytest.mark.django_db

POSTED = at(2026, 3, 1)
TAKES_EFFECT = dt.date(2026, 3, 31)
BANNER = "The City\u2019s privacy policy changes on 31 March 2026."


@pytest.fixture
def version_2(version_1, privacy_officer):
    with travel(POSTED):
        return publish(privacy_officer, effective_on=TAKES_EFFECT)


# --- The banner -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment", [POSTED, at(2026, 3, 15), dt.datetime(2026, 3, 30, 23, 59, tzinfo=POSTED.tzinfo)]
)
def test_the_banner_shows_on_every_page_during_the_notice_period(
    client, version_2, resident, privacy_officer, moment
):
    with travel(moment):
        anonymous = client.get(reverse("home")).content.decode()
        privacy = client.get(reverse("policies:privacy")).content.decode()
        client.force_login(resident)
        resident_page = client.get(reverse("requests:list")).content.decode()
        client.force_login(privacy_officer)
        staff_page = client.get(reverse("staff_home")).content.decode()

    for page in (anonymous, privacy, resident_page, staff_page):
        assert BANNER in page
        assert 'aria-label="Change to the privacy policy"' in page
        assert f"{reverse('policies:privacy')}#upcoming" in page


@pytest.mark.parametrize(
    "moment", [dt.datetime(2026, 3, 31, 0, 0, tzinfo=POSTED.tzinfo), at(2026, 5, 1)]
)
def test_the_banner_is_gone_once_the_version_takes_effect(client, version_2, moment):
    with travel(moment):
        page = client.get(reverse("home")).content.decode()

    assert "privacy policy changes on" not in page


def test_there_is_no_banner_without_a_coming_version(client, version_1):
    assert "policy-banner" not in client.get(reverse("home")).content.decode()


def test_a_correction_taking_effect_at_once_shows_no_banner(client, version_1, privacy_officer):
    with travel(POSTED):
        publish(privacy_officer, effective_on=POSTED.date(), substantive=False, reason="A typo.")
        assert "policy-banner" not in client.get(reverse("home")).content.decode()


# --- The notice beside each form ------------------------------------------------------------

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NOTICE_TAG = re.compile(r'{%\s*collection_notice\s+"([a-z_]+)"\s*%}')


def _notices_in_templates() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in TEMPLATES.rglob("*.html"):
        for key in NOTICE_TAG.findall(path.read_text()):
            found.setdefault(key, []).append(str(path.relative_to(TEMPLATES)))
    return found


def test_every_notice_is_shown_beside_a_form_and_every_form_names_a_written_notice():
    found = _notices_in_templates()

    assert set(found) == set(NOTICES)


def test_every_notice_says_what_for_whether_required_and_what_happens_without():
    for key, notice in NOTICES.items():
        assert str(notice.purpose).strip(), key
        assert str(notice.required).strip(), key
        assert str(notice.consequence).strip(), key


@pytest.mark.parametrize(
    ("url_name", "key"),
    [
        ("profiles:name", "profile_name"),
        ("profiles:date_of_birth", "profile_date_of_birth"),
        ("profiles:address", "profile_address"),
        ("profiles:phone", "profile_phone"),
        ("profiles:language", "profile_language"),
        ("profiles:previous_address_add", "profile_previous_address"),
        ("profiles:identifier_add", "profile_identifier"),
        ("representatives:ask", "representative_ask"),
        ("identity:id_upload", "identity_document"),
    ],
)
def test_a_form_page_shows_its_notice_and_the_policy_version(
    client, resident, version_1, url_name, key
):
    ProfileFactory(user=resident)
    client.force_login(resident)

    page = client.get(reverse(url_name)).content.decode()

    assert "Why we ask for this" in page
    assert escape(str(NOTICES[key].purpose)) in page
    assert "the City\u2019s privacy policy of 1 March 2012 (version 1)" in page


def test_the_request_steps_and_the_reply_page_show_their_notices(client, resident, version_1):
    client.force_login(resident)
    record = request_submit(requester=resident, subject=resident, kind="access")

    kind = client.get(reverse("requests:new_kind")).content.decode()
    reply = client.get(reverse("requests:reply", args=[record.number])).content.decode()

    assert escape(str(NOTICES["request_kind"].purpose)) in kind
    assert escape(str(NOTICES["request_reply"].required)) in reply


# --- The version beside data already collected ----------------------------------------------


def test_the_profile_says_which_version_governs_each_item(client, resident, version_1, version_2):
    with travel(at(2026, 3, 2)):
        profile = ProfileFactory(user=resident, phone="413-555-0100")
        ProfileAddressFactory(profile=profile, kind="current")
    with travel(at(2026, 4, 2)):
        ProfileAddressFactory(profile=profile, kind="previous")
        ResidentIdentifierFactory(profile=profile)
    client.force_login(resident)

    page = client.get(reverse("profiles:overview")).content.decode()

    under_1 = "privacy policy of 1 March 2012 (version 1)"
    under_2 = "privacy policy of 31 March 2026 (version 2)"
    assert page.count(under_1) == 2  # the details, the current address
    assert page.count(under_2) == 2  # the previous address, the number
    assert reverse("policies:version", args=[2]) in page


def test_the_request_pages_say_which_version_governs_the_request_and_messages(
    client, resident, privacy_officer, version_1, version_2
):
    with travel(at(2026, 3, 2)):
        record = request_submit(requester=resident, subject=resident, kind="access")
    with travel(at(2026, 4, 2)):
        request_reply(request=record, requester=resident, body="My lease.")

    client.force_login(resident)
    own = client.get(reverse("requests:detail", args=[record.number])).content.decode()
    # The privacy officer oversees every request and is never asked for a purpose.
    client.force_login(privacy_officer)
    staff = client.get(reverse("requests:staff_detail", args=[record.number]))
    messages = client.get(reverse("requests:staff_messages", args=[record.number]))

    assert "Collected under the" in own
    assert "privacy policy of 1 March 2012 (version 1)" in own
    assert "privacy policy of 31 March 2026 (version 2)" in own
    assert staff.status_code == 200
    assert "privacy policy of 1 March 2012 (version 1)" in staff.content.decode()
    assert messages.status_code == 200
    assert "privacy policy of 31 March 2026 (version 2)" in messages.content.decode()
