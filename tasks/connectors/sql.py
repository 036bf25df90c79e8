"""The `sql` connector: parameterised, read-only queries on any database SQLAlchemy reaches.

Configuration:
    {"database_url_env": "ASSESSORS_DATABASE_URL",   # or "database_url" when it holds no password
     "lookups": {"<name>": {"sql": "SELECT ... WHERE x = :x", "record_type": "...", "key": "col"}},
     # Optional: writing approved corrections back, per kind of record and field.
     "write_database_url_env": "WATER_WRITE_DATABASE_URL",  # or "write_database_url"; by default
                                                            # the read URL
     "corrections": {"<record_type>": {"<field>": {
         "read": "SELECT col AS value FROM t WHERE id = :key",
         "update": "UPDATE t SET col = :new WHERE id = :key AND col = :expected"}}}}

Lookups run on a read-only engine (SQLite opened read-only, PostgreSQL sessions read-only); a
write runs on an engine of its own, in one transaction, as a compare-and-set on the value the
resident saw.
"""

import os
import re
import threading
from collections.abc import Mapping
from typing import Any

import sqlalchemy
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine, make_url

from tasks.connectors.base import (
    Connector,
    ConnectorError,
    ConnectorUnknownOutcome,
    SourceRecord,
    WriteOutcome,
    WriteResult,
    corrections_settings,
    corrections_shape_problems,
    values_equal,
)

_WRITING_WORDS = re.compile(
    r"\b(insert|update|delete|merge|upsert|replace|drop|alter|create|truncate|grant|revoke|"
    r"attach|detach|pragma|vacuum|reindex|copy|call|exec|execute|lock|set|into)\b",
    re.IGNORECASE,
)
_COMMENTS = re.compile(r"--[^\n]*|/\*.*?\*/", re.DOTALL)
# A bound parameter as sqlalchemy.text() reads one: `:name`, not a `::type` cast.
_BIND = re.compile(r"(?<![:\w\\]):(\w+)(?!:)")
_engines: dict[tuple[str, bool], Engine] = {}
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


UPDATE_START = re.compile(r"update\b", re.IGNORECASE)
UPDATE_PARAMETERS = frozenset({"key", "new", "expected"})


def update_statement_problem(sql: str) -> str | None:
    """Why a configured write is not one UPDATE binding :key, :new and :expected, or None."""
    text = _COMMENTS.sub(" ", sql).strip().rstrip(";").strip()
    if not text:
        return "the update is empty"
    if ";" in text:
        return "the update holds more than one statement"
    if not UPDATE_START.match(text):
        return "the update must start with UPDATE"
    words = {word.lower() for word in _WRITING_WORDS.findall(text)} - {"update", "set"}
    if words:
        return f"the update uses {sorted(words)[0].upper()}, which does more than one update"
    if not re.search(r"\bwhere\b", text, re.IGNORECASE):
        return "the update must have a WHERE that names the record and the value expected"
    bound = set(_BIND.findall(text))
    if missing := UPDATE_PARAMETERS - bound:
        return "the update must bind " + ", ".join(f":{name}" for name in sorted(missing))
    if extra := bound - UPDATE_PARAMETERS:
        return "the update may bind only :key, :new and :expected, not " + ", ".join(
            f":{name}" for name in sorted(extra)
        )
    return None


def _read_back_problem(sql: str) -> str | None:
    if problem := read_query_problem(sql):
        return problem
    bound = set(_BIND.findall(_COMMENTS.sub(" ", sql)))
    if bound != {"key"}:
        return "the read must bind :key and nothing else"
    return None


def _sqlalchemy_url(raw: str, *, writable: bool = False) -> str:
    url = make_url(raw.replace("postgres://", "postgresql://", 1))
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    if url.drivername.startswith("sqlite") and url.database:
        if writable:
            return f"sqlite:///file:{url.database}?mode=rw&uri=true"
        # Open the department's file read-only, whatever the query says.
        return f"sqlite:///file:{url.database}?mode=ro&uri=true"
    return url.render_as_string(hide_password=False)


def _engine(url: str, timeout_seconds: int, *, writable: bool = False) -> Engine:
    """One engine per database (and per reading or writing), shared by a process's calls. Only
    a writing engine's sessions may change data."""
    with _engines_lock:
        engine = _engines.get((url, writable))
        if engine is None:
            if url.startswith("sqlite"):
                engine = sqlalchemy.create_engine(url, connect_args={"timeout": timeout_seconds})
            else:
                options = f"-c statement_timeout={timeout_seconds * 1000}"
                if not writable:
                    options += " -c default_transaction_read_only=on"
                engine = sqlalchemy.create_engine(
                    url,
                    connect_args={"connect_timeout": timeout_seconds, "options": options},
                    pool_pre_ping=True,
                    pool_size=2,
                    max_overflow=2,
                )
            _engines[(url, writable)] = engine
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
        return problems + cls._write_problems(configuration)

    @classmethod
    def _write_problems(cls, configuration: Mapping[str, Any]) -> list[str]:
        problems = []
        write_url = configuration.get("write_database_url")
        if write_url and configuration.get("write_database_url_env"):
            problems.append("give at most one of write_database_url and write_database_url_env")
        if write_url and make_url(str(write_url)).password:
            problems.append(
                "write_database_url holds a password: put the URL in an environment variable "
                "and name it in write_database_url_env"
            )
        corrections = corrections_settings(configuration)
        if corrections is None:
            return problems
        if shape := corrections_shape_problems(corrections):
            return problems + shape
        for record_type, fields in corrections.items():
            for field_name, settings in fields.items():
                where = f"corrections of {record_type}.{field_name}"
                if unknown := sorted(settings.keys() - {"read", "update"}):
                    problems.append(f"{where}: unknown setting {unknown[0]!r}")
                read, update = settings.get("read"), settings.get("update")
                if not isinstance(read, str) or not isinstance(update, str):
                    problems.append(f"{where} needs read and update")
                    continue
                if problem := _read_back_problem(read):
                    problems.append(f"{where}: read: {problem}")
                if problem := update_statement_problem(update):
                    problems.append(f"{where}: {problem}")
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

    # --- Writing corrections back ---

    def _write_database_url(self) -> str:
        if variable := self.configuration.get("write_database_url_env"):
            value = os.environ.get(str(variable))
            if not value:
                raise ConnectorError(
                    f"the environment variable {variable} is not set", permanent=True
                )
            return value
        if url := self.configuration.get("write_database_url"):
            return str(url)
        return self._database_url()

    def _write_engine(self) -> Engine:
        if problems := self.configuration_problems(self.configuration):
            raise ConnectorError("; ".join(problems), permanent=True)
        url = _sqlalchemy_url(self._write_database_url(), writable=True)
        return _engine(url, self.source.timeout_seconds, writable=True)

    @staticmethod
    def _held_value(connection: Any, read: str, key: str) -> Any:
        rows = connection.execute(sqlalchemy.text(read), {"key": key}).fetchmany(2)
        if not rows:
            raise ConnectorError(
                "the record is no longer in the department's system", permanent=True
            )
        if len(rows) > 1:
            raise ConnectorError(
                "the correction's read found more than one record: it must name one",
                permanent=True,
            )
        mapping = rows[0]._mapping
        return mapping["value"] if "value" in mapping else rows[0][0]

    def read_value(self, *, record_type: str, field_name: str, key: str) -> Any:
        settings = self.write_settings(record_type=record_type, field_name=field_name)
        engine = self._write_engine()
        try:
            with engine.connect() as connection:
                value = self._held_value(connection, settings["read"], key)
                connection.rollback()
                return value
        except sa_exc.OperationalError as error:
            raise ConnectorError(
                f"the database did not answer: {error.orig}", permanent=False
            ) from None
        except sa_exc.SQLAlchemyError as error:
            raise ConnectorError(f"the read failed: {error}", permanent=True) from None

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
        """In one transaction: the compare-and-set update; when it matched no row, the value
        read back says whether it was already written or changed meanwhile (then nothing is)."""
        settings = self.write_settings(record_type=record_type, field_name=field_name)
        engine = self._write_engine()
        try:
            connection = engine.connect()
        except sa_exc.SQLAlchemyError as error:
            raise ConnectorError(
                f"the database did not answer: {getattr(error, 'orig', error)}", permanent=False
            ) from None
        with connection:
            transaction = connection.begin()
            try:
                result = connection.execute(
                    sqlalchemy.text(settings["update"]),
                    {"key": key, "new": new, "expected": expected},
                )
                matched = result.rowcount
                if matched > 1:
                    raise ConnectorError(
                        f"the update matched {matched} rows, so nothing was changed: it must "
                        "name one record",
                        permanent=True,
                    )
                if matched != 1:
                    found = self._held_value(connection, settings["read"], key)
                    transaction.rollback()
                    if values_equal(found, new):
                        return WriteOutcome(WriteResult.ALREADY, found)
                    return WriteOutcome(WriteResult.CONFLICT, found)
            except ConnectorError:
                transaction.rollback()
                raise
            except sa_exc.OperationalError as error:
                # Before the commit: the database drops an uncommitted transaction.
                transaction.rollback()
                raise ConnectorError(
                    f"the database did not answer: {error.orig}", permanent=False
                ) from None
            except sa_exc.SQLAlchemyError as error:
                transaction.rollback()
                raise ConnectorError(f"the update failed: {error}", permanent=True) from None
            try:
                transaction.commit()
            except sa_exc.SQLAlchemyError as error:
                raise ConnectorUnknownOutcome(
                    f"the database did not confirm the update: {getattr(error, 'orig', error)}"
                ) from None
        return WriteOutcome(WriteResult.APPLIED, new)
