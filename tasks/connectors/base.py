"""The connector interface: given a data source's configuration, answer named lookups with records.

Every connector kind implements `lookup` and `configuration_problems`. Errors are ConnectorError,
marked permanent (a clerk must fix something) or transient (worth retrying).

A kind that can write an approved correction back (`sql`, `http`) also implements `read_value`
and `apply_change`, configured per kind of record and field under `corrections`. A write is a
compare-and-set on the value the resident saw; when it was sent and no answer came, the error is
ConnectorUnknownOutcome, settled later by reading the value back, never by writing again blindly.
"""

import enum
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from requests.models import DataSource


@dataclass(frozen=True)
class SourceRecord:
    """One record as the department holds it."""

    key: str
    record_type: str
    fields: dict[str, Any] = field(default_factory=dict)


class ConnectorError(Exception):
    def __init__(self, message: str, *, permanent: bool) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent


class ConnectorUnknownOutcome(ConnectorError):
    """A write was sent and its answer was lost (a time-out, a dropped connection): it may or may
    not have been applied."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=False)


class WriteResult(enum.StrEnum):
    APPLIED = "applied"
    # The value already was the new one: a re-run of a write that had been applied.
    ALREADY = "already"
    # The value was neither what the resident saw nor the new one: nothing was written.
    CONFLICT = "conflict"


@dataclass(frozen=True)
class WriteOutcome:
    result: WriteResult
    # What the department's system holds, for a conflict.
    found: Any = None


def values_equal(held: Any, wanted: Any) -> bool:
    """Whether the value a department's system holds is the value meant: a database may hand
    back a number or a date where the portal kept text."""
    if held is None or wanted is None:
        return held is None and wanted is None
    if held == wanted:
        return True
    text = held.isoformat() if hasattr(held, "isoformat") else str(held)
    return text == str(wanted)


def corrections_settings(configuration: Mapping[str, Any]) -> Any:
    return configuration.get("corrections")


def corrections_shape_problems(corrections: Any) -> list[str]:
    """The shape every kind shares: corrections → kind of record → field → a JSON object."""
    if not isinstance(corrections, dict) or not corrections:
        return ['corrections must name at least one kind of record, like {"account": {...}}']
    problems = []
    for record_type, fields in corrections.items():
        if not isinstance(fields, dict) or not fields:
            problems.append(f"corrections of {record_type!r} must name at least one field")
            continue
        for field_name, settings in fields.items():
            if not isinstance(settings, dict):
                problems.append(
                    f"corrections of {record_type!r}.{field_name!r} must be a JSON object"
                )
    return problems


class Connector(ABC):
    kind: ClassVar[str]

    def __init__(self, source: DataSource) -> None:
        self.source = source
        self.configuration: Mapping[str, Any] = source.configuration or {}

    @abstractmethod
    def lookup(self, *, name: str, parameters: Mapping[str, Any]) -> list[SourceRecord]:
        """Run the lookup configured under `name` with these parameters."""

    @classmethod
    @abstractmethod
    def configuration_problems(cls, configuration: Mapping[str, Any]) -> list[str]:
        """What is wrong with a configuration, in words for the privacy officer; empty if fine."""

    @classmethod
    def parameter_names(cls, configuration: Mapping[str, Any]) -> set[str] | None:
        """The parameters this configuration's lookups take, or None when the kind cannot say."""
        return None

    def lookup_names(self) -> list[str]:
        return sorted((self.configuration.get("lookups") or {}).keys())

    # --- Writing corrections back (only kinds that can) ---

    def write_settings(self, *, record_type: str, field_name: str) -> Mapping[str, Any]:
        corrections = corrections_settings(self.configuration)
        found = (corrections or {}).get(record_type) if isinstance(corrections, dict) else None
        settings = found.get(field_name) if isinstance(found, dict) else None
        if not isinstance(settings, dict):
            raise ConnectorError(
                f"the source's configuration says nothing under corrections about how to write "
                f"{record_type}.{field_name}",
                permanent=True,
            )
        return settings

    def read_value(self, *, record_type: str, field_name: str, key: str) -> Any:
        """The value the department's system holds now for one field of one record."""
        raise ConnectorError(
            f"a {self.kind} source cannot be written to by the portal: the steward applies the "
            "change by hand",
            permanent=True,
        )

    def apply_change(
        self,
        *,
        record_type: str,
        field_name: str,
        key: str,
        expected: Any,
        new: Any,
        idempotency_key: str,
    ) -> WriteOutcome:
        """Write `new` where the system still holds `expected` (what the resident saw)."""
        raise ConnectorError(
            f"a {self.kind} source cannot be written to by the portal: the steward applies the "
            "change by hand",
            permanent=True,
        )
