"""Building the package a worker makes after a release: masked, redacted, encrypted at rest,
every file in the manifest, and the resident told once it is ready."""

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.storage import storages

from requests.gathering.models import GatheredRecord, SourceRun
from requests.models import RequestEvent, RequestEventKind
from requests.release.build import package_build, package_chunks, packages_reconcile
from requests.release.models import PackageStatus, ReleasePackage, SourceAnswer
from requests.release.services import (
    match_decide,
    other_person_release,
    redaction_add,
    request_release,
    source_decide,
)
from requests.states import RequestStatus
from tasks.connectors.base import SourceRecord
from tests.gathering.conftest import ALICE

pytestmark = pytest.mark.django_db

CARD = "4111 1111 1111 1111"


@pytest.fixture
def released(in_review, clerk, django_capture_on_commit_callbacks):
    record = GatheredRecord.objects.get(run__request=in_review, key="owner/P-1")
    for run in SourceRun.objects.filter(request=in_review).select_related("source"):
        source_decide(request=in_review, source=run.source, actor=clerk, answer=SourceAnswer.HELD)
    for weak in GatheredRecord.objects.filter(run__request=in_review, needs_confirmation=True):
        match_decide(record=weak, actor=clerk, confirmed=True)
    other_person_release(record=record, field="co_owner", actor=clerk, reason="Co-owner of record")
    redaction_add(request=in_review, actor=clerk, exemption="26c", value="Bruno")
    with django_capture_on_commit_callbacks(execute=False):
        package = request_release(request=in_review, actor=clerk)
    return package


@pytest.fixture
def in_review(file_request, assessors_source, water_source, scripted_connector):
    scripted_connector.script["assessors-people"] = [
        [
            SourceRecord(
                "P-1",
                "owner",
                {**ALICE, "co_owner": "Bruno Archer", "paid_with": f"card {CARD}"},
            )
        ]
    ]
    scripted_connector.script["water-people"] = [[SourceRecord("W-7", "account", dict(ALICE))]]
    request, _callbacks = file_request()
    from requests.gathering.services import source_run_execute

    for run in SourceRun.objects.filter(request=request):
        source_run_execute(run_id=run.pk, worker="w1")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    return request


def _zip(package):
    package.refresh_from_db()
    return b"".join(package_chunks(package))


def test_the_worker_builds_a_ready_package_the_resident_is_told_about(released):
    assert package_build(package_id=released.pk, worker="w1") == PackageStatus.READY

    released.refresh_from_db()
    assert released.status == PackageStatus.READY
    assert released.expires_at is not None
    assert released.record_count == 2
    ready = RequestEvent.objects.get(request=released.request, kind=RequestEventKind.PACKAGE_READY)
    assert ready.visible_to_requester


def test_a_second_delivery_of_the_build_does_nothing(released):
    package_build(package_id=released.pk, worker="w1")

    assert package_build(package_id=released.pk, worker="w2") is None
    assert ReleasePackage.objects.get().attempts == 1


def test_the_stored_package_is_not_readable_as_plaintext(released):
    package_build(package_id=released.pk, worker="w1")
    released.refresh_from_db()

    with storages["private"].open(released.stored_name, "rb") as stored:
        ciphertext = stored.read()

    assert b"Alice" not in ciphertext
    assert b"index.html" not in ciphertext
    assert zipfile.is_zipfile(io.BytesIO(_zip(released)))


def test_the_card_number_and_the_redacted_value_are_nowhere_and_the_manifest_verifies(released):
    package_build(package_id=released.pk, worker="w1")
    data = _zip(released)

    assert CARD.replace(" ", "").encode() not in data.replace(b" ", b"")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        files = manifest.get("files", manifest)
        for name, entry in files.items():
            content = archive.read(name)
            assert hashlib.sha256(content).hexdigest() == entry["sha256"], name
            assert b"Bruno" not in content, name
            assert b"4111111111111111" not in content.replace(b" ", b""), name
        assert archive.read("letter.pdf").startswith(b"%PDF")
        index = archive.read("index.html").decode()
    assert "withheld" in index
    assert "Alice Archer" in index


def test_the_reconciler_resends_a_package_whose_message_was_lost(released):
    ReleasePackage.objects.filter(pk=released.pk).update(
        created_at=released.created_at.replace(year=2020)
    )

    assert packages_reconcile() == {"resent": 1}
