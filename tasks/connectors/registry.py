from collections.abc import Mapping
from typing import Any

from requests.models import DataSource
from tasks.connectors.base import Connector, ConnectorError
from tasks.connectors.csv import CsvConnector
from tasks.connectors.http import HttpConnector
from tasks.connectors.portal import PortalConnector
from tasks.connectors.sql import SqlConnector

CONNECTORS: dict[str, type[Connector]] = {
    connector.kind: connector
    for connector in (SqlConnector, HttpConnector, CsvConnector, PortalConnector)
}


def has_connector(kind: str) -> bool:
    return kind in CONNECTORS


def connector_for(source: DataSource) -> Connector:
    try:
        return CONNECTORS[source.kind](source)
    except KeyError:
        raise ConnectorError(
            f"no connector of kind {source.kind!r} is available yet", permanent=True
        ) from None


def configuration_problems(*, kind: str, configuration: Mapping[str, Any]) -> list[str]:
    connector = CONNECTORS.get(kind)
    if connector is None:
        return [f"no connector of kind {kind!r} is available yet"]
    if not isinstance(configuration, Mapping):
        return ["the configuration must be a JSON object"]
    return connector.configuration_problems(configuration)


def parameter_names(*, kind: str, configuration: Mapping[str, Any]) -> set[str] | None:
    """The parameters a source's lookups take, or None when its kind cannot say."""
    connector = CONNECTORS.get(kind)
    if connector is None or not isinstance(configuration, Mapping):
        return None
    return connector.parameter_names(configuration)
