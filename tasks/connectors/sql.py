"""The `sql` connector: parameterised, read-only queries on any database SQLAlchemy reaches.

Configuration:
    {"database_url_env": "ASSESSORS_DATABASE_URL",   # or "database_url" when it holds no password
     "lookups": {"<name>": {"sql": "SELECT ... WHERE x = :x", "record_type": "...", "key": "col"}}}
"""

import os
import re
import threading
from collections.abc import Mapping
from typing import Any

import sqlalchemy
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url

from tasks.connectors.base import Connector, ConnectorError, SourceRecord

_WRITING_WORDS = re.compile(
    r"\b(insert|update|delete|merge|upsert|replace|drop|alter|create|truncate|grant|revoke|"
    r"attach|detach|pragma|vacuum|reindex|copy|call|exec|execute|lock|set|into)\b",
    re.IGNORECASE,
)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
# A bound parameter as sqlalchemy.text() reads one: `:name`, not a `::type` cast.
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")
_engines: dict[str, Engine] = {}
_engines_lock = threading.Lock()


def read_query_problem(sql: str) -> str | None:
    """Why a configured query is not a single read-only SELECT, or None."""
    text = _COMMENTS.sub(" ", sql).strip().rstrip(";").strip()
    if not text:
        return "the query is empty"
    if ";" in text:
        return "the query holds more than one statement"
    if not re.match(r"(select|with)\b", text, re.IGNORECASE):
        return "the query must start with SELECT or WITH"
    if match := _WRITING_WORDS.search(text):
        return f"the query uses {match.group(0).upper()}, which could change data"
    return None


def _sqlalchemy_url(raw: str) -> str:
    url = make_url(raw.replace("postgres://", "postgresql://", 1))
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername.startswith("sqlite") and url.database:
        # Open the department's file read-only, whatever the query says.
        return f"sqlite:///file:{url.database}?mode=ro&uri=true"
    return url.render_as_string(hide_password=False)


def _engine(url: str, timeout_seconds: int) -> Engine:
    """One engine per database, shared by the lookups of a process."""
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            if url.startswith("sqlite"):
                engine = sqlalchemy.create_engine(url, connect_args={"timeout": timeout_seconds})
            else:
                options = (
                    f"-c statement_timeout={timeout_seconds * 1000} "
                    "-c default_transaction_read_only=on"
                )
                engine = sqlalchemy.create_engine(
                    url,
                    connect_args={"connect_timeout": timeout_seconds, "options": options},
                    pool_pre_ping=True,
                    pool_size=2,
                    max_overflow=2,
                )
            _engines[url] = engine
        return engine


def dispose_engines() -> None:
    """Close every pooled connection (at worker shutdown, and after tests)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


class SqlConnector(Connector):
    kind = "sql"

    @classmethod
    def configuration_problems(cls, configuration: Mapping[str, Any]) -> list[str]:
        problems = []
        has_url = bool(configuration.get("database_url"))
        has_env = bool(configuration.get("database_url_env"))
        if has_url == has_env:
            problems.append("give exactly one of database_url and database_url_env")
        if has_url and make_url(str(configuration["database_url"])).password:
            problems.append(
                "database_url holds a password: put the URL in an environment variable and "
                "name it in database_url_env"
            )
        lookups = configuration.get("lookups")
        if not isinstance(lookups, dict) or not lookups:
            problems.append("lookups must name at least one query")
            return problems
        for name, lookup in lookups.items():
            if not isinstance(lookup, dict) or not lookup.get("sql") or not lookup.get("key"):
                problems.append(f"lookup {name!r} needs sql and key")
                continue
            if problem := read_query_problem(str(lookup["sql"])):
                problems.append(f"lookup {name!r}: {problem}")
        return problems

    @classmethod
    def parameter_names(cls, configuration: Mapping[str, Any]) -> set[str] | None:
        lookups = configuration.get("lookups")
        if not isinstance(lookups, dict):
            return set()
        return {
            name
            for lookup in lookups.values()
            if isinstance(lookup, dict)
            for name in _BIND.findall(_COMMENTS.sub(" ", str(lookup.get("sql", ""))))
        }

    def _database_url(self) -> str:
        if variable := self.configuration.get("database_url_env"):
            value = os.environ.get(str(variable))
            if not value:
                raise ConnectorError(
                    f"the environment variable {variable} is not set", permanent=True
                )
            return value
        return str(self.configuration["database_url"])

    def lookup(self, *, name: str, parameters: Mapping[str, Any]) -> list[SourceRecord]:
        if problems := self.configuration_problems(self.configuration):
            raise ConnectorError("; ".join(problems), permanent=True)
        lookup = self.configuration["lookups"].get(name)
        if lookup is None:
            raise ConnectorError(f"no lookup named {name!r} is configured", permanent=True)
        engine = _engine(_sqlalchemy_url(self._database_url()), self.source.timeout_seconds)
        try:
            with engine.connect() as connection:
                result = connection.execute(sqlalchemy.text(lookup["sql"]), dict(parameters))
                rows = [dict(row._mapping) for row in result]
                connection.rollback()
        except sa_exc.OperationalError as error:
            raise ConnectorError(
                f"the database did not answer: {error.orig}", permanent=False
            ) from None
        except sa_exc.SQLAlchemyError as error:
            raise ConnectorError(f"the query failed: {error}", permanent=True) from None
        key_column = lookup["key"]
        record_type = lookup.get("record_type", name)
        return [
            SourceRecord(key=str(row[key_column]), record_type=record_type, fields=row)
            for row in rows
        ]
