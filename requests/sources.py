"""Data sources: the rules a source's settings must meet before it is saved, and the notice of
each personal data system (c. 66A §2(e), c. 30 §63) exported for the privacy officer and
auditors, on the staff pages and by `manage.py export_source_notices`."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from requests.models import ConnectorKind, DataSource
from tasks.connectors.registry import configuration_problems, has_connector, parameter_names

PLAIN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

# The notice's fields, as c. 30 §63 lists them; every one must be filled in.
NOTICE_FIELDS = (
    "name",
    "responsible_officer",
    "purpose",
    "categories_of_data",
    "approximate_number_of_persons",
    "retention_and_disposal",
    "sources_of_data",
    "uses_and_users",
)
CSV_COLUMNS = (
    "department",
    "source",
    "slug",
    "kind",
    "enabled",
    "responsible_officer",
    "purpose",
    "categories_of_data",
    "approximate_number_of_persons",
    "retention_and_disposal",
    "sources_of_data",
    "uses_and_users",
    "sensitive",
    "required_identity_level",
    "missing_notice_fields",
)


# --- The rules for saving a source ----------------------------------------------------------


def _attribute_map_problems(source: DataSource) -> list[str]:
    mapping = source.attribute_map
    if not isinstance(mapping, dict):
        return [_('Give a JSON object, like {"date_of_birth": "dob"}.')]
    problems = []
    for attribute, parameter in mapping.items():
        if not PLAIN_NAME.match(attribute) or not (
            isinstance(parameter, str) and PLAIN_NAME.match(parameter)
        ):
            problems.append(
                _("%(attribute)s: attribute and parameter must both be plain names.")
                % {"attribute": attribute}
            )
    known = parameter_names(kind=source.kind, configuration=source.configuration)
    if known is not None and not problems:
        problems += [
            _("No lookup of this source takes the parameter %(parameter)s.")
            % {"parameter": parameter}
            for parameter in sorted(set(mapping.values()) - known)
        ]
    return problems


def data_source_problems(*, source: DataSource) -> dict[str, list[str]]:
    """What is wrong with a source's settings, by field; empty when it may be saved.

    A `manual` source has no configuration: its department's steward searches by hand (a work
    item per request). Any other kind without a connector may be saved disabled, so its notice
    can be recorded before it can run."""
    problems: dict[str, list[str]] = {}
    if source.kind == ConnectorKind.MANUAL:
        if source.configuration:
            problems["configuration"] = [
                _("A manual source has no configuration: its steward searches by hand.")
            ]
    elif has_connector(source.kind):
        found = configuration_problems(kind=source.kind, configuration=source.configuration)
        if found:
            problems["configuration"] = found
    elif source.kind and source.enabled:
        problems["enabled"] = [
            _(
                "There is no connector of kind %(kind)s yet: save the source disabled to record "
                "its notice."
            )
            % {"kind": source.kind}
        ]
    if found := _attribute_map_problems(source):
        problems["attribute_map"] = found
    if source.sensitive and source.required_identity_level != 3:
        problems["required_identity_level"] = [_("A sensitive source needs identity level 3.")]
    return problems


# --- The notices ----------------------------------------------------------------------------


def source_notices() -> QuerySet[DataSource]:
    """Every data source, enabled or not: a notice is owed for each system the City keeps."""
    return DataSource.objects.select_related("department").order_by("department__name", "name")


def notice_missing_fields(source: DataSource) -> list[str]:
    return [
        field
        for field in NOTICE_FIELDS
        if getattr(source, field) is None or str(getattr(source, field)).strip() == ""
    ]


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def _notice_row(source: DataSource) -> list[Any]:
    return [
        source.department.name,
        source.name,
        source.slug,
        source.kind,
        _yes_no(source.enabled),
        source.responsible_officer,
        source.purpose,
        source.categories_of_data,
        ""
        if source.approximate_number_of_persons is None
        else source.approximate_number_of_persons,
        source.retention_and_disposal,
        source.sources_of_data,
        source.uses_and_users,
        _yes_no(source.sensitive),
        source.required_identity_level,
        ";".join(notice_missing_fields(source)),
    ]


def source_notices_csv(sources: Iterable[DataSource]) -> tuple[str, int, int]:
    """The CSV text, how many sources it holds and how many of their notices are incomplete."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    count = incomplete = 0
    for source in sources:
        row = _notice_row(source)
        writer.writerow(row)
        count += 1
        incomplete += bool(row[-1])
    return buffer.getvalue(), count, incomplete


def source_notices_export(*, actor: Any, channel: str) -> str:
    """The notices as CSV; the export is recorded in the audit trail (by whom, how, how many)."""
    text, count, incomplete = source_notices_csv(source_notices())
    audit_record(
        action="sources.notices_exported",
        category=AuditCategory.RECORD,
        actor=actor,
        details={"format": "csv", "channel": channel, "sources": count, "incomplete": incomplete},
    )
    return text
