"""The connector interface: given a data source's configuration, answer named lookups with records.

Every connector kind implements `lookup` and `configuration_problems`. Errors are ConnectorError,
marked permanent (a clerk must fix something) or transient (worth retrying).
"""

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
