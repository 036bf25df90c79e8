"""A released access request: alice's records from two department sources (tests/release), every
source answered "held" and the weak match confirmed, so she can propose corrections to them."""

import pytest

from requests.gathering.models import GatheredRecord, SourceRun
from requests.release.models import ReleasePackage
from requests.release.services import match_decide, request_release, source_decide
from requests.states import RequestStatus
from tests.gathering.conftest import (  # noqa: F401 (fixtures)
    ALICE,
    alice,
    assessors_source,
    file_request,
    scripted_connector,
    water_source,
)
from tests.release.conftest import in_review  # noqa: F401 (fixture)


@pytest.fixture
def released(in_review, clerk):  # noqa: F811
    for record in GatheredRecord.objects.filter(run__request=in_review, needs_confirmation=True):
        match_decide(record=record, actor=clerk, confirmed=True)
    for run in SourceRun.objects.filter(request=in_review).select_related("source"):
        source_decide(request=in_review, source=run.source, actor=clerk, answer="held")
    package = request_release(request=in_review, actor=clerk)
    in_review.refresh_from_db()
    assert in_review.status == RequestStatus.RELEASED
    assert ReleasePackage.objects.filter(pk=package.pk).exists()
    return in_review


@pytest.fixture
def owner_record(released):
    """The assessors' owner record released to alice (fields: ALICE's plus co_owner, card)."""
    return GatheredRecord.objects.get(run__request=released, run__source__slug="assessors-people")


@pytest.fixture
def water_record(released):
    return GatheredRecord.objects.get(run__request=released, run__source__slug="water-people")
