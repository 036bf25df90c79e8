"""The clerk's request page shows each department source: its state, what it found, what failed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests.gathering.models import SourceRun
from requests.gathering.services import source_run_execute
from tests.gathering.conftest import make_source, permanent

pytestmark = pytest.mark.django_db


def _page(client, person, request):
    client.force_login(person)
    return client.get(reverse("requests:staff_detail", args=[request.number]))


def test_the_request_page_lists_each_source_and_says_the_request_is_partial(
    client, privacy_officer, file_request, assessors_source, water_source, scripted_connector
):
    scripted_connector.script["water-people"] = [permanent("the meter database is gone")]
    request, _callbacks = file_request()
    for run in SourceRun.objects.filter(request=request):
        source_run_execute(run_id=run.pk, worker="w1")

    response = _page(client, privacy_officer, request)

    assert response.status_code == 200
    body = response.content.decode()
    assert "Department sources" in body
    assert "Assessors People" in body
    assert "Water People" in body
    assert "the meter database is gone" in body
    assert "may not be complete" in body


def test_a_request_without_sources_says_none_is_searched(client, privacy_officer, file_request):
    request, _callbacks = file_request()

    body = _page(client, privacy_officer, request).content.decode()

    assert "No department source is searched automatically" in body
    assert "may not be complete" not in body


def test_the_sources_cost_the_same_queries_for_one_or_many(
    client, privacy_officer, file_request, department_a, department_b
):
    make_source(department_a, "only-one")
    one, _callbacks = file_request()
    _page(client, privacy_officer, one)
    with CaptureQueriesContext(connection) as few:
        _page(client, privacy_officer, one)
    for number in range(5):
        make_source(department_b, f"more-{number}")
    many, _callbacks = file_request()
    _page(client, privacy_officer, many)
    with CaptureQueriesContext(connection) as more:
        _page(client, privacy_officer, many)

    assert SourceRun.objects.filter(request=many).count() == 6
    assert len(more.captured_queries) == len(few.captured_queries)
