from collections.abc import Mapping
from typing import Any

from requests.models import DataSource
from tasks.connectors.base import Connector, ConnectorError
from tasks.connectors.sql import SqlConnector

CONNECTORS: dict[str, type[Connector]] = {SqlConnector.kind: SqlConnector}


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
    return connector.configuration_problems(configuration)
