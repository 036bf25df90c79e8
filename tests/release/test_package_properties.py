"""The package, as a property: whatever a department's records hold, in any field of any source,
no card number or SSN written any way survives into any file of the ZIP, a value the clerk
redacted appears nowhere in it, and every file's hash in the manifest verifies.

Records go through the same function the worker uses (`build.package_record`: masking, then the
clerk's redactions) into the real ZIP writer."""

import datetime as dt
import hashlib
import io
import json
import zipfile

from hypothesis import given, settings
from hypothesis import strategies as st

from requests.release import package as zip_package
from requests.release.build import package_record
from requests.release.redaction import ValueRedaction
from tests.release.test_masking_properties import (
    FIELD_NAMES,
    _without_separators,
    records_with_planted,
)

# Names a clerk might redact everywhere: someone else's, found inside the resident's records.
NAMES = ("Bruno Archer", "Carla Delgado", "Dmitri Oyelaran", "Evelyn Quist")
SOURCES = (
    ("Assessors", "Property"),
    ("Treasurer / Collector", "Tax bills"),
    ("Water and Sewer Billing", "Billing"),
    ("Parks and Recreation", "Registrations"),
)


def _meta() -> zip_package.PackageMeta:
    return zip_package.PackageMeta(
        request_number="FIPA-2026-000001",
        resident_name="Alice Archer",
        generated_at=dt.datetime(2026, 11, 29, 12, tzinfo=dt.UTC),
        departments_summary=[],
        letter_pdf=b"%PDF-1.7 letter",
        field_labels={},
    )


@st.composite
def departments_records(draw):
    """Records of several sources, each with numbers planted in any field, and a name of
    someone else put into some of them for the clerk to redact."""
    redacted = draw(st.sampled_from(NAMES))
    records, planted = [], []
    for number in range(draw(st.integers(1, 6))):
        department, source = draw(st.sampled_from(SOURCES))
        fields, placed = draw(records_with_planted())
        if draw(st.booleans()):
            fields[f"{draw(st.sampled_from(FIELD_NAMES))}_other"] = draw(
                st.sampled_from(
                    [redacted, redacted.upper(), f"co-owner {redacted}, since 2004", [redacted]]
                )
            )
        records.append((department, source, f"K-{number}", fields))
        planted.extend(item for _path, item in placed)
    return records, planted, redacted


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@settings(max_examples=60, deadline=None)
@given(departments_records())
def test_no_card_number_ssn_or_redacted_value_reaches_any_file_and_the_manifest_verifies(drawn):
    records, planted, redacted = drawn
    values = [ValueRedaction(value=redacted, exemption="26c", label="privacy of other people")]
    shown = (
        package_record(
            department=department,
            source=source,
            record_type="record",
            key=key,
            fields=fields,
            values=values,
        )
        for department, source, key, fields in sorted(records)
    )
    out = io.BytesIO()

    zip_package.package_write(meta=_meta(), records=shown, out=out)

    files = _files(out.getvalue())
    manifest = json.loads(files.pop("manifest.json"))
    listed = manifest.get("files", manifest)
    assert set(listed) == set(files)
    for name, content in files.items():
        assert hashlib.sha256(content).hexdigest() == listed[name]["sha256"], name
        text = content.decode("utf-8", errors="replace")
        flat = _without_separators(text)
        for item in planted:
            assert item.digits not in flat, (name, item)
        assert redacted.lower() not in text.lower(), name
        # A JSON or HTML escape of the name is still the name.
        assert json.dumps(redacted)[1:-1].lower() not in text.lower(), name
