"""The package built by a real Celery worker: the release commits, the worker takes the build
from the broker, the package becomes ready, and the resident's download verifies."""

import hashlib
import io
import json
import zipfile

import pytest

from requests.gathering.models import GatheredRecord, SourceRun
from requests.release.build import package_chunks
from requests.release.delivery import package_download_open
from requests.release.models import PackageStatus, ReleasePackage, SourceAnswer
from requests.release.services import match_decide, request_release, source_decide
from tests.processes import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _gathered_in_this_process(monkeypatch):
    """The records are gathered here, through the scripted connector the worker does not have.
    In a transactional test the runs' messages would reach the broker on commit, and the
    session's worker could claim a run before this process does: they are not sent."""
    monkeypatch.setattr("requests.gathering.services._enqueue", lambda run_ids: None)


def _ready(package_id):
    return ReleasePackage.objects.get(pk=package_id).status == PackageStatus.READY


def test_the_worker_builds_the_released_package_and_the_download_verifies(
    celery_worker, in_review, clerk, resident
):
    for run in SourceRun.objects.filter(request=in_review).select_related("source"):
        source_decide(request=in_review, source=run.source, actor=clerk, answer=SourceAnswer.HELD)
    for weak in GatheredRecord.objects.filter(run__request=in_review, needs_confirmation=True):
        match_decide(record=weak, actor=clerk, confirmed=True)

    package = request_release(request=in_review, actor=clerk)

    wait_until(
        lambda: _ready(package.pk),
        timeout=90,
        what="the worker to build the package",
        process=celery_worker.process,
        log=celery_worker.log,
    )
    package.refresh_from_db()
    assert package.record_count == 2
    assert package.expires_at is not None
    assert "tasks.release.build_package" in celery_worker.output()

    data = b"".join(package_download_open(package=package, user=resident))
    assert data == b"".join(package_chunks(package))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        files = manifest.get("files", manifest)
        assert "index.html" in files
        for name, entry in files.items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == entry["sha256"], name
    package.refresh_from_db()
    assert package.downloads == 1
