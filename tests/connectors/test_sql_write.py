"""The `sql` connector writing a correction back: a compare-and-set update in one transaction on
the department's database (a SQLite file, and PostgreSQL when the suite runs on it), idempotent
on a re-run, untouched on a conflict, and the configuration checked before anything runs."""

import os
import sqlite3
import uuid

import pytest
import sqlalchemy
from sqlalchemy.engine import make_url

from tasks.connectors.base import ConnectorError, WriteResult
from tasks.connectors.registry import configuration_problems, connector_for
from tasks.connectors.sql import dispose_engines

READ = "SELECT mailing_address AS value FROM accounts WHERE account_number = :key"
UPDATE = (
    "UPDATE accounts SET mailing_address = :new "
    "WHERE account_number = :key AND mailing_address = :expected"
)
OLD = "12 Elm Street"
NEW = "40 Maple Avenue, Apt 2"
HOSTILE = "O'Brien'); DROP TABLE accounts; -- \"quoted\" \\ 100%"


def _configuration(url: str, *, update: str = UPDATE, read: str = READ, **extra) -> dict:
    return {
        "database_url": url,
        "lookups": {
            "account": {
                "sql": "SELECT * FROM accounts WHERE account_number = :identifier",
                "key": "account_number",
                "record_type": "water_sewer_account",
            }
        },
        "corrections": {
            "water_sewer_account": {"mailing_address": {"read": read, "update": update}}
        },
        **extra,
    }


def _sqlite_store(path) -> str:
    with sqlite3.connect(path) as connection:
        connection.executescript(
            "CREATE TABLE accounts (account_number TEXT PRIMARY KEY, "
            "mailing_address TEXT NOT NULL, status TEXT NOT NULL);"
            "CREATE TABLE writes (account_number TEXT);"
            "CREATE TRIGGER count_writes AFTER UPDATE ON accounts "
            "BEGIN INSERT INTO writes VALUES (new.account_number); END;"
        )
        connection.executemany(
            "INSERT INTO accounts VALUES (?, ?, ?)",
            [("W-1", OLD, "Active"), ("W-2", OLD, "Active"), ("W-3", "1 Oak Road", "Active")],
        )
    connection.close()
    return f"sqlite:///{path}"


def _postgres_store() -> str:
    """A department database of the test's own on the suite's PostgreSQL server."""
    base = make_url(os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1))
    base = base.set(drivername="postgresql+psycopg")
    admin = sqlalchemy.create_engine(base, isolation_level="AUTOCOMMIT")
    name = "portal_writeback_dept"
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    admin.dispose()
    url = base.set(database=name)
    store = sqlalchemy.create_engine(url)
    with store.begin() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE accounts (account_number TEXT PRIMARY KEY, "
            "mailing_address TEXT NOT NULL, status TEXT NOT NULL);"
            "CREATE TABLE writes (account_number TEXT);"
            "CREATE FUNCTION count_write() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN INSERT INTO writes VALUES (NEW.account_number); RETURN NEW; END $$;"
            "CREATE TRIGGER count_writes AFTER UPDATE ON accounts FOR EACH ROW "
            "EXECUTE FUNCTION count_write();"
        )
        connection.execute(
            sqlalchemy.text("INSERT INTO accounts VALUES (:key, :address, 'Active')"),
            [
                {"key": "W-1", "address": OLD},
                {"key": "W-2", "address": OLD},
                {"key": "W-3", "address": "1 Oak Road"},
            ],
        )
    store.dispose()
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request, tmp_path):
    if request.param == "sqlite":
        yield _sqlite_store(tmp_path / "water.sqlite3")
    else:
        if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
            pytest.skip("a PostgreSQL department database needs the suite on PostgreSQL")
        yield _postgres_store()
    dispose_engines()


def _query(url: str, sql: str, **parameters) -> list[tuple]:
    engine = sqlalchemy.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(sqlalchemy.text(sql), parameters)]
    engine.dispose()
    return rows


def _address(url: str, account: str = "W-1") -> str:
    return _query(url, "SELECT mailing_address FROM accounts WHERE account_number = :a", a=account)[
        0
    ][0]


def _writes(url: str) -> int:
    return _query(url, "SELECT COUNT(*) FROM writes")[0][0]


def _apply(connector, *, key="W-1", expected=OLD, new=NEW):
    return connector.apply_change(
        record_type="water_sewer_account",
        field_name="mailing_address",
        key=key,
        expected=expected,
        new=new,
        idempotency_key=uuid.uuid4().hex,
    )


def test_a_change_is_written_where_the_value_is_still_the_one_the_resident_saw(
    make_source, store_url
):
    connector = connector_for(make_source("sql", _configuration(store_url)))

    outcome = _apply(connector)

    assert outcome.result == WriteResult.APPLIED
    assert _address(store_url) == NEW
    assert _address(store_url, "W-2") == OLD
    assert _writes(store_url) == 1


def test_writing_the_same_change_again_writes_nothing(make_source, store_url):
    connector = connector_for(make_source("sql", _configuration(store_url)))
    _apply(connector)

    again = _apply(connector)

    assert again.result == WriteResult.ALREADY
    assert again.found == NEW
    assert _writes(store_url) == 1


def test_a_value_changed_meanwhile_is_a_conflict_and_nothing_is_written(make_source, store_url):
    connector = connector_for(make_source("sql", _configuration(store_url)))

    outcome = _apply(connector, key="W-3")

    assert outcome.result == WriteResult.CONFLICT
    assert outcome.found == "1 Oak Road"
    assert _address(store_url, "W-3") == "1 Oak Road"
    assert _writes(store_url) == 0


def test_an_update_matching_several_rows_is_rolled_back_as_a_permanent_error(
    make_source, store_url
):
    too_wide = (
        "UPDATE accounts SET mailing_address = :new "
        "WHERE mailing_address = :expected OR account_number = :key"
    )
    connector = connector_for(make_source("sql", _configuration(store_url, update=too_wide)))

    with pytest.raises(ConnectorError) as refused:
        _apply(connector)

    assert refused.value.permanent
    assert "matched 2 rows" in refused.value.message
    assert _address(store_url) == OLD and _address(store_url, "W-2") == OLD
    assert _writes(store_url) == 0


def test_a_hostile_value_is_written_verbatim_as_data(make_source, store_url):
    connector = connector_for(make_source("sql", _configuration(store_url)))

    assert _apply(connector, new=HOSTILE).result == WriteResult.APPLIED

    assert _address(store_url) == HOSTILE
    assert _query(store_url, "SELECT COUNT(*) FROM accounts")[0][0] == 3
    assert (
        connector.read_value(
            record_type="water_sewer_account", field_name="mailing_address", key="W-1"
        )
        == HOSTILE
    )


def test_a_record_no_longer_there_is_a_permanent_error(make_source, store_url):
    connector = connector_for(make_source("sql", _configuration(store_url)))

    with pytest.raises(ConnectorError) as refused:
        _apply(connector, key="W-404")

    assert refused.value.permanent
    assert "no longer in the department's system" in refused.value.message


def test_lookups_stay_read_only_after_a_write(make_source, tmp_path):
    url = _sqlite_store(tmp_path / "water.sqlite3")
    configuration = _configuration(url)
    configuration["lookups"]["account"]["sql"] = (
        "SELECT * FROM accounts WHERE account_number = :identifier"
    )
    connector = connector_for(make_source("sql", configuration))
    _apply(connector)

    records = connector.lookup(name="account", parameters={"identifier": "W-1"})

    assert records[0].fields["mailing_address"] == NEW
    # The read engine opens the file read-only, whatever a query tries.
    from tasks.connectors.sql import _engine, _sqlalchemy_url

    engine = _engine(_sqlalchemy_url(url), 5)
    with engine.connect() as connection, pytest.raises(sqlalchemy.exc.OperationalError):
        connection.exec_driver_sql("UPDATE accounts SET status = 'Closed'")
    dispose_engines()


def test_the_write_url_comes_from_its_environment_variable(make_source, tmp_path, monkeypatch):
    url = _sqlite_store(tmp_path / "water.sqlite3")
    source = make_source(
        "sql",
        _configuration(
            "sqlite:///does-not-exist.sqlite3", write_database_url_env="WATER_WRITE_DATABASE_URL"
        ),
    )
    with pytest.raises(ConnectorError) as refused:
        _apply(connector_for(source))
    assert refused.value.permanent
    assert "WATER_WRITE_DATABASE_URL is not set" in refused.value.message

    monkeypatch.setenv("WATER_WRITE_DATABASE_URL", url)
    assert _apply(connector_for(source)).result == WriteResult.APPLIED
    assert _address(url) == NEW
    dispose_engines()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"update": "DELETE FROM accounts WHERE account_number = :key"}, "must start with UPDATE"),
        (
            {"update": f"{UPDATE}; UPDATE accounts SET status = 'x'"},  # noqa: S608 (a refused query)
            "more than one statement",
        ),
        (
            {"update": "UPDATE accounts SET mailing_address = :new WHERE account_number = :key"},
            "must bind :expected",
        ),
        ({"update": "UPDATE accounts SET mailing_address = :new"}, "must have a WHERE"),
        (
            {"update": UPDATE + " AND status = :status"},
            "may bind only :key, :new and :expected, not :status",
        ),
        (
            {
                "update": "UPDATE accounts SET mailing_address = :new WHERE account_number = :key "
                "AND mailing_address = :expected RETURNING (DELETE FROM writes)"
            },
            "uses DELETE",
        ),
        ({"read": "UPDATE accounts SET status = 'x' WHERE account_number = :key"}, "read: "),
        ({"read": "SELECT mailing_address FROM accounts"}, "read must bind :key"),
        ({"read": None}, "needs read and update"),
        ({"when": "always"}, "unknown setting 'when'"),
    ],
)
def test_a_correction_configuration_is_checked(change, message):
    configuration = _configuration("sqlite:///water.sqlite3")
    settings = configuration["corrections"]["water_sewer_account"]["mailing_address"]
    settings.update(change)
    if settings.get("read") is None:
        settings.pop("read")

    problems = configuration_problems(kind="sql", configuration=configuration)

    assert any(message in problem for problem in problems), problems


def test_a_corrections_block_of_the_wrong_shape_and_a_write_password_are_refused():
    shapeless = {**_configuration("sqlite:///water.sqlite3"), "corrections": []}
    assert any(
        "must name at least one kind of record" in problem
        for problem in configuration_problems(kind="sql", configuration=shapeless)
    )
    no_fields = {**_configuration("sqlite:///water.sqlite3"), "corrections": {"account": {}}}
    assert any(
        "must name at least one field" in problem
        for problem in configuration_problems(kind="sql", configuration=no_fields)
    )
    with_password = _configuration(
        "sqlite:///water.sqlite3", write_database_url="postgresql://writer:secret@db/water"
    )
    assert any(
        "write_database_url holds a password" in problem
        for problem in configuration_problems(kind="sql", configuration=with_password)
    )
    assert configuration_problems(kind="sql", configuration=_configuration("sqlite:///w")) == []
