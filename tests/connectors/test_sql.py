"""The sql connector: configured, parameterised, read-only lookups."""

import pytest
from django.db import connection

from requests.models import ConnectorKind, DataSource
from tasks.connectors.base import ConnectorError
from tasks.connectors.registry import configuration_problems, connector_for, parameter_names
from tasks.connectors.sql import dispose_engines, read_query_problem
from tests.factories import DepartmentFactory
from tests.processes import database_url_for_subprocess

pytestmark = pytest.mark.django_db(transaction=True)

LOOKUPS = {
    "by_account": {
        "sql": "SELECT account_number, billing_name, amount_due FROM demo_accounts "
        "WHERE account_number = :account_number",
        "key": "account_number",
        "record_type": "water_account",
    }
}


@pytest.fixture(autouse=True)
def _close_pooled_connections():
    yield
    dispose_engines()


@pytest.fixture
def department_database():
    """A department table in the test database, reached over its own connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE demo_accounts (account_number varchar(20) PRIMARY KEY, "
            "billing_name varchar(100), amount_due numeric(10, 2))"
        )
        cursor.execute(
            "INSERT INTO demo_accounts VALUES ('WS-0000001', 'SMITH ROBERT J', 84.20), "
            "('WS-0000002', 'Jones, Mary', 12.00)"
        )
    yield database_url_for_subprocess()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE demo_accounts")


def _source(configuration: dict) -> DataSource:
    return DataSource.objects.create(
        department=DepartmentFactory(),
        slug="water-billing",
        name="Water billing",
        kind=ConnectorKind.SQL,
        configuration=configuration,
        responsible_officer="Director of Water",
        timeout_seconds=5,
    )


def test_lookup_returns_records_keyed_as_configured(department_database):
    source = _source({"database_url": department_database, "lookups": LOOKUPS})

    records = connector_for(source).lookup(
        name="by_account", parameters={"account_number": "WS-0000001"}
    )

    assert [record.key for record in records] == ["WS-0000001"]
    assert records[0].record_type == "water_account"
    assert records[0].fields["billing_name"] == "SMITH ROBERT J"


def test_parameters_are_bound_never_spliced(department_database):
    source = _source({"database_url": department_database, "lookups": LOOKUPS})

    records = connector_for(source).lookup(
        name="by_account", parameters={"account_number": "x' OR '1'='1"}
    )

    assert records == []


@pytest.mark.parametrize("hostile", ["x'); DROP TABLE residents; --", "../../etc/passwd"])
def test_hostile_parameters_are_only_data(department_database, hostile):
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE residents (name varchar(100))")
    source = _source({"database_url": department_database, "lookups": LOOKUPS})
    stored = hostile[:20]  # the account number column holds 20 characters
    try:
        before = connector_for(source).lookup(
            name="by_account", parameters={"account_number": hostile}
        )
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO demo_accounts VALUES (%s, 'Hostile, H', 1.00)", [stored])
        after = connector_for(source).lookup(
            name="by_account", parameters={"account_number": stored}
        )

        assert before == []
        assert [record.key for record in after] == [stored]
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM residents")
            assert cursor.fetchone()[0] == 0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE residents")


def test_database_url_can_come_from_the_environment(department_database, monkeypatch):
    monkeypatch.setenv("WATER_DATABASE_URL", department_database)
    source = _source({"database_url_env": "WATER_DATABASE_URL", "lookups": LOOKUPS})

    records = connector_for(source).lookup(
        name="by_account", parameters={"account_number": "WS-0000002"}
    )

    assert records[0].fields["billing_name"] == "Jones, Mary"


def test_missing_environment_variable_is_a_permanent_error(monkeypatch):
    monkeypatch.delenv("WATER_DATABASE_URL", raising=False)
    source = _source({"database_url_env": "WATER_DATABASE_URL", "lookups": LOOKUPS})

    with pytest.raises(ConnectorError, match="WATER_DATABASE_URL is not set") as error:
        connector_for(source).lookup(name="by_account", parameters={"account_number": "x"})
    assert error.value.permanent


def test_the_connection_is_read_only_even_if_a_write_slips_past_the_check(department_database):
    source = _source({"database_url": department_database, "lookups": LOOKUPS})
    connector = connector_for(source)
    connector.configuration = {
        "database_url": department_database,
        "lookups": {"sneaky": {"sql": "DELETE FROM demo_accounts", "key": "account_number"}},
    }
    connector.configuration_problems = lambda configuration: []

    with pytest.raises(ConnectorError):
        connector.lookup(name="sneaky", parameters={})

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM demo_accounts")
        assert cursor.fetchone()[0] == 2


def test_unknown_lookup_and_unknown_kind_are_permanent_errors(department_database):
    source = _source({"database_url": department_database, "lookups": LOOKUPS})
    with pytest.raises(ConnectorError, match="no lookup named"):
        connector_for(source).lookup(name="nope", parameters={})

    source.kind = ConnectorKind.MANUAL
    with pytest.raises(ConnectorError, match="no connector of kind"):
        connector_for(source)


def test_unreachable_database_is_a_transient_error():
    source = _source({"database_url": "postgres://nobody@127.0.0.1:1/none", "lookups": LOOKUPS})
    with pytest.raises(ConnectorError) as error:
        connector_for(source).lookup(name="by_account", parameters={"account_number": "x"})
    assert not error.value.permanent


@pytest.mark.parametrize(
    ("sql", "problem"),
    [
        ("SELECT * FROM accounts WHERE id = :id", None),
        ("WITH recent AS (SELECT * FROM bills) SELECT * FROM recent", None),
        ("SELECT 1; DELETE FROM accounts", "more than one statement"),
        ("DELETE FROM accounts", "must start with SELECT"),
        ("SELECT * INTO copy FROM accounts", "uses INTO"),
        ("WITH gone AS (DELETE FROM accounts RETURNING *) SELECT * FROM gone", "uses DELETE"),
        ("SELECT * FROM accounts /* ; */ -- trailing", None),
        ("", "empty"),
    ],
)
def test_only_single_read_queries_are_accepted(sql, problem):
    found = read_query_problem(sql)
    if problem is None:
        assert found is None
    else:
        assert problem in found


def test_configuration_problems_are_stated_for_the_privacy_officer():
    assert configuration_problems(kind="sql", configuration={}) == [
        "give exactly one of database_url and database_url_env",
        "lookups must name at least one query",
    ]
    problems = configuration_problems(
        kind="sql",
        configuration={
            "database_url": "postgres://user:secret@db/water",
            "lookups": {"x": {"sql": "UPDATE t SET a = 1", "key": "a"}, "y": {}},
        },
    )
    assert any("holds a password" in problem for problem in problems)
    assert any("lookup 'x'" in problem for problem in problems)
    assert any("lookup 'y' needs sql and key" in problem for problem in problems)
    assert configuration_problems(kind="manual", configuration={}) == [
        "no connector of kind 'manual' is available yet"
    ]
    assert configuration_problems(kind="sql", configuration=["not", "an", "object"]) == [
        "the configuration must be a JSON object"
    ]


def test_the_parameters_a_query_takes_are_its_bound_names_not_casts():
    configuration = {
        "lookups": {
            "a": {
                "sql": "SELECT * FROM t WHERE x::text = :identifier "
                "AND d = CAST(:dob AS date) -- :not_me"
            },
            "b": {"sql": "SELECT '12:30' AS t FROM t WHERE y = :account_number"},
        }
    }

    names = parameter_names(kind="sql", configuration=configuration)

    assert {"identifier", "dob", "account_number"} <= names
    assert "text" not in names
    assert "not_me" not in names
