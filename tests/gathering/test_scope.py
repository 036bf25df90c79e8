"""Who may see source runs, gathered records and work items (portal/access/scope.py)."""

import pytest

from portal.access.scope import visible
from requests.gathering.models import GatheredRecord, SourceRun, WorkItem
from requests.gathering.services import source_run_execute
from tests.factories import StaffFactory
from tests.gathering.conftest import make_source

pytestmark = pytest.mark.django_db


@pytest.fixture
def gathered(file_request, assessors_source, department_a):
    """A request with a finished run of the assessors (one record) and a manual work item."""
    make_source(department_a, "card-index", kind="manual", attribute_map={})
    request, _callbacks = file_request()
    run = SourceRun.objects.get(request=request, source=assessors_source)
    source_run_execute(run_id=run.pk, worker="w1")
    return request


def test_clerks_and_the_privacy_officer_see_everything_gathered(gathered, clerk, privacy_officer):
    for person in (clerk, privacy_officer):
        assert visible(person, SourceRun).count() == 2
        assert visible(person, GatheredRecord).count() == 1
        assert visible(person, WorkItem).count() == 1


def test_a_clerk_who_sees_only_assigned_requests_sees_none_of_anothers(gathered, settings):
    settings.ACCESS_CLERKS_SEE = "assigned"
    other_clerk = StaffFactory(email="olive.clerk@example.org")

    assert not visible(other_clerk, SourceRun).exists()
    assert not visible(other_clerk, GatheredRecord).exists()


def test_a_steward_sees_their_departments_runs_and_work_items_not_the_records(
    gathered, steward_a, steward_b
):
    assert visible(steward_a, SourceRun).count() == 2
    assert visible(steward_a, WorkItem).count() == 1
    assert not visible(steward_a, GatheredRecord).exists()
    assert not visible(steward_b, SourceRun).exists()
    assert not visible(steward_b, WorkItem).exists()


def test_residents_see_nothing_of_the_gathering(gathered, alice, other_resident):
    for person in (alice, other_resident):
        assert not visible(person, SourceRun).exists()
        assert not visible(person, GatheredRecord).exists()
        assert not visible(person, WorkItem).exists()
