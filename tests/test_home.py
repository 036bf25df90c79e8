"""The residents' start page, without a browser."""

import pytest

pytestmark = pytest.mark.django_db


def test_start_page_names_the_records_access_officer_contact(client, settings):
    settings.RECORDS_ACCESS_OFFICER_EMAIL = "records@westfield.example.org"
    settings.RECORDS_ACCESS_OFFICER_PHONE = "413 555 0100"

    page = client.get("/").content.decode()

    assert page.count('href="mailto:records@westfield.example.org"') == 2
    assert page.count('href="tel:4135550100"') == 2


def test_signed_out_visitor_is_offered_to_start_and_sign_in(client):
    page = client.get("/").content.decode()

    assert 'href="/accounts/signup/"' in page
    assert 'href="/accounts/login/"' in page


def test_signed_in_resident_sees_who_they_are_and_a_post_sign_out(client, resident):
    client.force_login(resident)

    page = client.get("/").content.decode()

    assert resident.email in page
    assert 'action="/accounts/logout/"' in page
    assert 'method="post"' in page


def test_staff_are_labelled_as_staff(client, clerk):
    client.force_login(clerk)
    assert ">Staff<" in client.get("/").content.decode()
