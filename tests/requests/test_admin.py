"""What the privacy officer keeps in the admin: closure days, reply templates, letter wording."""

from datetime import date

import pytest

from requests.calendar import business_calendar
from requests.models import ClosureDay, LetterKind, LetterTemplate, ReplyTemplate

pytestmark = pytest.mark.django_db


def test_privacy_officer_adds_a_closure_day_that_the_clock_then_skips(client, privacy_officer):
    client.force_login(privacy_officer)

    response = client.post(
        "/admin/requests/closureday/add/", {"date": "2026-12-24", "reason": "Christmas Eve"}
    )

    assert response.status_code == 302
    assert ClosureDay.objects.get().reason == "Christmas Eve"
    assert not business_calendar().is_business_day(date(2026, 12, 24))


def test_privacy_officer_keeps_reply_templates_and_broken_ones_are_refused(client, privacy_officer):
    client.force_login(privacy_officer)

    bad = client.post(
        "/admin/requests/replytemplate/add/",
        {"name": "Broken", "body": "{% load static %}", "active": "on"},
    )
    good = client.post(
        "/admin/requests/replytemplate/add/",
        {"name": "Thanks", "body": "Thank you, {{ requester_name }}.", "active": "on"},
    )

    assert "mistake in its template code" in bad.content.decode()
    assert good.status_code == 302
    assert list(ReplyTemplate.objects.values_list("name", flat=True)) == ["Thanks"]


def test_changing_the_wording_records_who_changed_it(client, privacy_officer):
    template = LetterTemplate.objects.get(kind=LetterKind.WRITTEN_RESPONSE)
    client.force_login(privacy_officer)

    page = client.get(f"/admin/requests/lettertemplate/{template.pk}/change/")
    response = client.post(
        f"/admin/requests/lettertemplate/{template.pk}/change/",
        {"kind": template.kind, "title": "Our answer", "body": "<p>{{ number }}</p>"},
    )

    assert "{{ requester_name }}" in page.content.decode()  # the variables are listed
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.title == "Our answer"
    assert template.updated_by == privacy_officer


def test_clerks_cannot_change_the_wording(client, clerk):
    template = LetterTemplate.objects.get(kind=LetterKind.WRITTEN_RESPONSE)
    client.force_login(clerk)

    response = client.post(
        f"/admin/requests/lettertemplate/{template.pk}/change/",
        {"kind": template.kind, "title": "Hacked", "body": "x"},
    )

    assert response.status_code in (302, 403, 404)
    template.refresh_from_db()
    assert template.title != "Hacked"
