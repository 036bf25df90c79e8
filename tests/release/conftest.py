"""A request in review: alice's records from two department sources, one found on a weak
match, gathered through the scripted connector of tests/gathering."""

import pytest

from requests.gathering.attributes import gathering_attributes
from requests.gathering.models import SourceRun
from requests.gathering.services import source_run_execute
from requests.states import RequestStatus
from tasks.connectors.base import SourceRecord
from tests.factories import ProfileAddressFactory
from tests.gathering.conftest import (  # noqa: F401 (fixtures)
    ALICE,
    alice,
    assessors_source,
    file_request,
    scripted_connector,
    water_source,
)


@pytest.fixture
def in_review(alice, file_request, assessors_source, water_source, scripted_connector):  # noqa: F811
    scripted_connector.script["assessors-people"] = [
        [SourceRecord("P-1", "owner", {**ALICE, "co_owner": "Bruno Archer", "card": "n/a"})]
    ]
    # Name and her address, no date of birth: a weak match a clerk must decide.
    ProfileAddressFactory(profile=alice.profile, kind="current", street="12 Elm Street")
    address = gathering_attributes(user=alice).resident.current_address
    weak = {"name": "Alice Archer", "service_address": address}
    scripted_connector.script["water-people"] = [[SourceRecord("W-7", "account", weak)]]
    request, _callbacks = file_request()
    for run in SourceRun.objects.filter(request=request):
        source_run_execute(run_id=run.pk, worker="w1")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    return request
