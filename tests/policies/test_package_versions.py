"""A release package says which privacy policy version governs each record in it: records
gathered before a new version takes effect name the old one, records gathered after it the new
one, in data.json and in index.html."""

import csv
import datetime as dt
import io
import json
import zipfile

import pytest
import time_machine

from requests.gathering.models import GatheredRecord, SourceRun
from requests.gathering.services import source_run_execute
from requests.release.build import package_build, package_chunks
from requests.release.models import PackageStatus, SourceAnswer
from requests.release.services import match_decide, request_release, source_decide
from requests.states import RequestStatus
from tasks.connectors.base import SourceRecord
from tests.gathering.conftest import (  # noqa: F401 (fixtures)
    ALICE,
    alice,
    assessors_source,
    file_request,
    scripted_connector,
    water_source,
)
from tests.policies.conftest import WESTFIELD, at, publish

# Both department sources exist before alice files her request, so it asks both.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("assessors_source", "water_source")]

POSTED = at(2027, 1, 4)
TAKES_EFFECT = dt.date(2027, 2, 3)
JUST_BEFORE = dt.datetime(2027, 2, 2, 23, 0, tzinfo=WESTFIELD)
JUST_AFTER = dt.datetime(2027, 2, 3, 9, 0, tzinfo=WESTFIELD)


@pytest.fixture(autouse=True)
def clock():
    """Everything, the fixtures too, happens on the City's calendar of early 2027."""
    traveller = time_machine.travel(POSTED, tick=False)
    coordinates = traveller.start()
    yield coordinates
    traveller.stop()


@pytest.fixture
def released(clock, version_1, privacy_officer, clerk, file_request, scripted_connector):  # noqa: F811
    """The assessors' record gathered under version 1, the water record under version 2."""
    version_2 = publish(privacy_officer, effective_on=TAKES_EFFECT)
    scripted_connector.script["assessors-people"] = [[SourceRecord("P-1", "owner", dict(ALICE))]]
    scripted_connector.script["water-people"] = [[SourceRecord("W-7", "account", dict(ALICE))]]
    clock.move_to(JUST_BEFORE)
    request, _callbacks = file_request()
    runs = {run.source.slug: run for run in SourceRun.objects.filter(request=request)}
    source_run_execute(run_id=runs["assessors-people"].pk, worker="w1")
    clock.move_to(JUST_AFTER)
    source_run_execute(run_id=runs["water-people"].pk, worker="w1")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    for run in runs.values():
        source_decide(request=request, source=run.source, actor=clerk, answer=SourceAnswer.HELD)
    for weak in GatheredRecord.objects.filter(run__request=request, needs_confirmation=True):
        match_decide(record=weak, actor=clerk, confirmed=True)
    package = request_release(request=request, actor=clerk)
    assert package_build(package_id=package.pk, worker="w1") == PackageStatus.READY
    package.refresh_from_db()
    return package, version_2


def _archive(package) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(b"".join(package_chunks(package))))


def test_each_record_names_the_version_in_force_when_it_was_gathered(released, version_1):
    package, version_2 = released
    stamped = dict(
        GatheredRecord.objects.filter(run__request=package.request).values_list(
            "key", "policy_version"
        )
    )
    assert stamped == {"owner/P-1": version_1.pk, "account/W-7": version_2.pk}

    records = json.loads(_archive(package).read("data.json"))["records"]

    collected_under = {record["key"]: record["collected_under"] for record in records}
    assert collected_under == {
        "P-1": "the privacy policy of 1 March 2012 (version 1)",
        "W-7": "the privacy policy of 3 February 2027 (version 2)",
    }


def test_the_index_page_says_which_version_governs_each_record(released):
    package, _version_2 = released

    index = _archive(package).read("index.html").decode()

    assert index.count('<th scope="row">Collected under</th>') == 2
    assert "the privacy policy of 1 March 2012 (version 1)" in index
    assert "the privacy policy of 3 February 2027 (version 2)" in index


def test_each_csv_row_names_the_version_its_record_was_collected_under(released):
    package, _version_2 = released
    archive = _archive(package)

    by_key = {}
    for name in archive.namelist():
        if name.startswith("csv/"):
            rows = list(csv.reader(io.StringIO(archive.read(name).decode())))
            assert rows[0][-1] == "collected under"
            for row in rows[1:]:
                by_key.setdefault(row[2], set()).add(row[-1])
    assert by_key == {
        "P-1": {"the privacy policy of 1 March 2012 (version 1)"},
        "W-7": {"the privacy policy of 3 February 2027 (version 2)"},
    }
