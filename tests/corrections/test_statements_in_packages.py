"""A statement of disagreement goes with every later package of the data (c. 66A §2(j)): alice's
change is denied, she files a statement, and the package of her next access request shows it next
to that record and field, in every file. Another resident's statement, or one on a record not in
the package, never appears.
"""

import csv
import io
import json
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests.corrections.models import ChangeStatus, DisagreementStatement, ProposedChange
from requests.corrections.services import (
    Proposal,
    change_decide,
    correction_request_submit,
    statement_file,
)
from requests.corrections.values import value_encrypt
from requests.gathering.models import GatheredRecord, SourceRun
from requests.gathering.services import source_run_execute
from requests.release import build
from requests.release.build import package_build, package_chunks, package_records
from requests.release.models import PackageStatus, SourceAnswer
from requests.release.services import match_decide, request_release, source_decide
from requests.states import RequestStatus
from tasks.connectors.base import SourceRecord
from tests.gathering.conftest import ALICE

pytestmark = pytest.mark.django_db

OWNER_STATEMENT = "My name is Alicia Archer: the deed of 2019 shows it."
WATER_STATEMENT = "The water account was opened under my married name."
OTHER_RESIDENT_STATEMENT = "Bob's own words, about a record of his."
ELSEWHERE_STATEMENT = "A statement on a parcel that is not in this package."


def _denied_with_statement(alice, record, steward, text):
    request = correction_request_submit(
        requester=alice,
        subject=alice,
        proposals=[
            Proposal(
                record=record,
                field_name="name",
                proposed_value="Alicia Archer",
                reason="I changed my name in 2019.",
            )
        ],
    )
    change = request.proposed_changes.get()
    change_decide(
        change=change,
        actor=steward,
        decision="denied",
        reason="Our deed register shows Alice Archer.",
    )
    return statement_file(change=change, actor=alice, text=text)


def _statement_row(*, subject, record, record_key, field_name, text):
    """A statement stored directly: the services never let anyone file one like it (another
    resident's on alice's source, or one on a record no package of hers holds), which is the
    point of the check."""
    change = ProposedChange.objects.create(
        request=record.run.request,
        record=record,
        source=record.run.source,
        department=record.run.source.department,
        record_key=record_key,
        record_type=record.record_type,
        field_name=field_name,
        current_value_encrypted=value_encrypt("as held"),
        reason="synthetic",
        proposed_by=subject,
        status=ChangeStatus.WITHDRAWN,
    )
    return DisagreementStatement.objects.create(
        subject=subject,
        change=change,
        source=record.run.source,
        department=record.run.source.department,
        record_key=record_key,
        record_type=record.record_type,
        field_name=field_name,
        text=text,
        filed_by=subject,
    )


def _access_request_released(*, file_request, scripted_connector, clerk, script, capture):
    """A new access request of alice's, gathered through the scripted sources and released."""
    scripted_connector.script.update(script)
    request, _callbacks = file_request()
    for run in SourceRun.objects.filter(request=request):
        source_run_execute(run_id=run.pk, worker="w1")
    request.refresh_from_db()
    assert request.status == RequestStatus.IN_REVIEW
    for record in GatheredRecord.objects.filter(run__request=request, needs_confirmation=True):
        match_decide(record=record, actor=clerk, confirmed=True)
    for run in SourceRun.objects.filter(request=request).select_related("source"):
        source_decide(request=request, source=run.source, actor=clerk, answer=SourceAnswer.HELD)
    with capture(execute=False):
        package = request_release(request=request, actor=clerk)
    return request, package


def _same_records_again():
    return {
        "assessors-people": [
            [SourceRecord("P-1", "owner", {**ALICE, "co_owner": "Bruno Archer", "card": "n/a"})]
        ],
        "water-people": [[SourceRecord("W-7", "account", dict(ALICE))]],
    }


def _record_block(page: str, key: str) -> str:
    blocks = [block for block in page.split("<tbody>") if 'rowspan="' in block and key in block]
    assert len(blocks) == 1, key
    return blocks[0].split("</tbody>")[0]


@pytest.fixture
def second_package(
    alice,
    owner_record,
    water_record,
    steward_a,
    steward_b,
    other_resident,
    clerk,
    file_request,
    scripted_connector,
    django_capture_on_commit_callbacks,
):
    owner = _denied_with_statement(alice, owner_record, steward_a, OWNER_STATEMENT)
    water = _denied_with_statement(alice, water_record, steward_b, WATER_STATEMENT)
    _statement_row(
        subject=other_resident,
        record=owner_record,
        record_key=owner_record.key,
        field_name="date_of_birth",
        text=OTHER_RESIDENT_STATEMENT,
    )
    _statement_row(
        subject=alice,
        record=owner_record,
        record_key="owner/P-9",
        field_name="co_owner",
        text=ELSEWHERE_STATEMENT,
    )
    request, package = _access_request_released(
        file_request=file_request,
        scripted_connector=scripted_connector,
        clerk=clerk,
        script=_same_records_again(),
        capture=django_capture_on_commit_callbacks,
    )
    assert request.pk != owner_record.run.request_id
    assert package_build(package_id=package.pk, worker="w1") == PackageStatus.READY
    package.refresh_from_db()
    data = b"".join(package_chunks(package))
    return {"owner": owner, "water": water, "zip": zipfile.ZipFile(io.BytesIO(data)), "raw": data}


def test_the_new_package_shows_the_statement_next_to_the_field_in_index_html(second_package):
    page = second_package["zip"].read("index.html").decode()

    owner = _record_block(page, ">P-1</th>")
    assert (
        '<th scope="row">Name</th><td>Alice Archer</td></tr>\n'
        '<tr><th scope="row">Your statement of disagreement about Name</th>'
        f'<td class="statement">{OWNER_STATEMENT} '
        '(<a href="statements/1.txt">statement 1</a>)</td>'
    ) in owner
    assert WATER_STATEMENT not in owner
    water = _record_block(page, ">W-7</th>")
    assert WATER_STATEMENT in water and OWNER_STATEMENT not in water


def test_the_new_package_carries_the_statement_on_the_record_in_data_json(second_package):
    records = json.loads(second_package["zip"].read("data.json"))["records"]
    by_key = {record["key"]: record for record in records}

    [owner] = by_key["P-1"]["statements"]
    assert owner["field"] == "name"
    assert owner["text"] == OWNER_STATEMENT
    assert owner["file"] == "statements/1.txt"
    assert [item["text"] for item in by_key["W-7"]["statements"]] == [WATER_STATEMENT]


def test_the_statement_has_its_own_file_naming_the_record_and_field(second_package):
    archive = second_package["zip"]
    statements = sorted(name for name in archive.namelist() if name.startswith("statements/"))
    assert statements == ["statements/1.txt", "statements/2.txt"]

    first = archive.read("statements/1.txt").decode()
    assert "About: Assessors, Assessors People, owner P-1" in first
    assert "Field: Name" in first
    assert OWNER_STATEMENT in first
    manifest = json.loads(archive.read("manifest.json"))["files"]
    assert set(statements) <= set(manifest)


def test_the_csv_has_the_statement_right_after_the_field(second_package):
    archive = second_package["zip"]
    [name] = [n for n in archive.namelist() if n.startswith("csv/assessors")]
    rows = list(csv.reader(io.StringIO(archive.read(name).decode())))
    fields = [row[3] for row in rows]

    after_name = rows[fields.index("Name") + 1]
    assert after_name[2:4] == ["P-1", "Your statement of disagreement about Name"]
    assert after_name[4] == f"{OWNER_STATEMENT} (statements/1.txt)"


def test_another_residents_statement_and_one_on_another_record_never_appear(second_package):
    archive = second_package["zip"]
    for name in archive.namelist():
        content = archive.read(name).decode(errors="replace")
        assert OTHER_RESIDENT_STATEMENT not in content, name
        assert ELSEWHERE_STATEMENT not in content, name


def test_package_records_reads_statements_once_however_many_records(
    alice,
    clerk,
    assessors_source,
    water_source,
    file_request,
    scripted_connector,
    django_capture_on_commit_callbacks,
):
    def queries_for(count):
        people = [
            SourceRecord(f"P-{count}-{n}", "owner", {**ALICE, "parcel": f"{n} Elm Street"})
            for n in range(count)
        ]
        request, _package = _access_request_released(
            file_request=file_request,
            scripted_connector=scripted_connector,
            clerk=clerk,
            script={"assessors-people": [people], "water-people": [[]]},
            capture=django_capture_on_commit_callbacks,
        )
        records = GatheredRecord.objects.filter(run__request=request).select_related(
            "run__source__department", "run__request"
        )
        for record in records:
            _statement_row(
                subject=alice,
                record=record,
                record_key=record.key,
                field_name="name",
                text=f"Statement on {record.key}",
            )
        with CaptureQueriesContext(connection) as queries:
            shown = list(package_records(request_id=request.pk))
        assert len(shown) == count
        assert all(len(record.statements) == 1 for record in shown)
        return len(queries)

    assert queries_for(2) == queries_for(12)


def test_records_read_in_several_batches_each_keep_their_own_statements(
    alice,
    clerk,
    assessors_source,
    water_source,
    file_request,
    scripted_connector,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    monkeypatch.setattr(build, "_BATCH", 2)
    people = [SourceRecord(f"P-{n}", "owner", dict(ALICE)) for n in range(5)]
    request, _package = _access_request_released(
        file_request=file_request,
        scripted_connector=scripted_connector,
        clerk=clerk,
        script={"assessors-people": [people], "water-people": [[]]},
        capture=django_capture_on_commit_callbacks,
    )
    for record in GatheredRecord.objects.filter(run__request=request).select_related(
        "run__source__department", "run__request"
    ):
        _statement_row(
            subject=alice,
            record=record,
            record_key=record.key,
            field_name="name",
            text=f"About {record.key}",
        )

    shown = list(package_records(request_id=request.pk))

    assert [(r.key, [s.text for s in r.statements]) for r in shown] == [
        (f"P-{n}", [f"About owner/P-{n}"]) for n in range(5)
    ]
    assert all(r.statements[0].field == "name" for r in shown)
