"""The demo water and sewer billing vendor's online service, and the portal reading it over HTTP."""

import json
import sqlite3
import urllib.error
import urllib.request
from urllib.parse import urlencode

import pytest
from django.core.management import CommandError, call_command

from portal.demo.population import generate_population
from portal.demo.sources import water_service_source_definition
from portal.demo.stores import water_sewer, write_stores
from portal.demo.water_service import PORT_ENV, TOKEN_ENV, water_server_in_thread
from requests.models import DataSource, Department
from tasks.connectors.base import ConnectorError
from tasks.connectors.registry import configuration_problems, connector_for

TOKEN = "water-test-token"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    directory = tmp_path_factory.mktemp("water")
    stores = write_stores(generate_population(seed=11, count=200), directory, seed=11)
    return stores[water_sewer.SLUG]


@pytest.fixture(scope="module")
def service(database):
    server, thread = water_server_in_thread(database=database, token=TOKEN)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def account(database):
    """An account with bills, as the vendor's database holds it."""
    connection = sqlite3.connect(database)
    connection.row_factory = sqlite3.Row
    try:
        row = connection.execute(
            "SELECT accounts.* FROM accounts JOIN bills USING (account_number) "
            "WHERE billing_name NOT LIKE '%&%' ORDER BY account_number LIMIT 1"
        ).fetchone()
        return dict(row)
    finally:
        connection.close()


def _get(url, *, token=TOKEN, method="GET"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, headers=headers, method=method)  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status, response.headers["Content-Type"], json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], json.load(error)


def _search_url(service, **query):
    return f"{service}/accounts?{urlencode(query)}"


def test_an_account_is_served_as_json_with_its_bills_but_never_its_payment_plans(service, account):
    status, content_type, body = _get(f"{service}/accounts/{account['account_number']}")

    assert (status, content_type) == (200, "application/json")
    served = body["account"]
    assert served["billing_name"] == account["billing_name"]
    assert served["bills"] and all(
        bill["account_number"] == account["account_number"] for bill in served["bills"]
    )
    assert {"payments", "meter_readings", "shutoff_notices"} <= set(served)
    assert "payment_plans" not in served
    assert "hardship" not in json.dumps(body)


@pytest.mark.parametrize("token", ["", "wrong-token", f"{TOKEN}x"])
def test_without_the_token_the_service_refuses(service, account, token):
    status, _type, body = _get(f"{service}/accounts/{account['account_number']}", token=token)

    assert status == 401
    assert "billing_name" not in json.dumps(body)


def test_an_unknown_account_is_404(service):
    status, content_type, body = _get(f"{service}/accounts/WS-9999999")

    assert (status, content_type) == (404, "application/json")
    assert body == {"error": "no such account"}


def test_the_service_is_read_only(service, account):
    status, _type, _body = _get(f"{service}/accounts/{account['account_number']}", method="POST")

    assert status == 405


def test_accounts_are_found_by_surname_and_street_line_however_spelled(service, account):
    surname = account["billing_name"].split()[-1]
    number, street = account["service_address"].split(" ", 1)

    status, _type, body = _get(
        _search_url(service, name=f"Someone {surname.upper()} Jr.", address=f"{number} {street}")
    )
    elsewhere = _get(_search_url(service, name=surname, address=f"{number}9 {street}"))[2]
    someone_else = _get(_search_url(service, name="Zzyzx", address=account["service_address"]))[2]

    assert status == 200
    assert account["account_number"] in [found["account_number"] for found in body["accounts"]]
    assert all(surname in found["billing_name"] for found in body["accounts"])
    assert account["account_number"] not in [a["account_number"] for a in elsewhere["accounts"]]
    assert someone_else == {"accounts": []}


@pytest.mark.parametrize(
    "query", [{"name": "Smith"}, {"address": "12 Elm St"}, {"name": "", "address": "12"}]
)
def test_a_search_needs_both_name_and_address(service, query):
    status, _type, body = _get(_search_url(service, **query))

    assert status == 400
    assert "name and address" in body["error"]


# --- Read by the portal's http connector ---------------------------------------------------


@pytest.fixture
def demo_source(db, service, monkeypatch):
    """The demo's online water source as demo setup defines it, on this test's port."""
    monkeypatch.setenv(PORT_ENV, service.rsplit(":", 1)[1])
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    definition = water_service_source_definition()
    definition.pop("slug")
    definition["department"] = Department.objects.create(slug="water_sewer", name="Water")
    return DataSource.objects.create(slug="water-online", timeout_seconds=5, **definition)


def test_the_demo_source_is_valid_and_points_at_the_service(demo_source, service):
    assert demo_source.configuration["base_url"] == service
    assert configuration_problems(kind="http", configuration=demo_source.configuration) == []
    demo_source.full_clean()


def test_the_http_connector_finds_the_account_through_the_demo_source(demo_source, account):
    surname = account["billing_name"].split()[-1]

    records = connector_for(demo_source).lookup(
        name="accounts_by_name_and_address",
        parameters={"name": f"A {surname}", "address": account["service_address"]},
    )

    assert account["account_number"] in [record.key for record in records]
    assert {record.record_type for record in records} == {"water_sewer_account"}


def test_the_http_connector_reads_an_account_by_number(demo_source, account):
    demo_source.configuration["lookups"]["account"] = {
        "path": "/accounts/{identifier}",
        "key": "account_number",
        "records": "account",
    }

    records = connector_for(demo_source).lookup(
        name="account", parameters={"identifier": account["account_number"]}
    )

    assert [record.key for record in records] == [account["account_number"]]
    assert records[0].fields["bills"]


def test_a_wrong_token_is_a_permanent_error_naming_the_variable(demo_source, monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, "not-the-token")

    with pytest.raises(ConnectorError) as caught:
        connector_for(demo_source).lookup(
            name="accounts_by_name_and_address", parameters={"name": "A B", "address": "1 C St"}
        )

    assert caught.value.permanent
    assert TOKEN_ENV in caught.value.message
    assert "not-the-token" not in caught.value.message


def test_the_service_is_called_only_while_its_host_is_allowed(demo_source, settings):
    settings.CONNECTOR_HTTP_ALLOWED_HOSTS = ["water.example.gov"]

    with pytest.raises(ConnectorError) as caught:
        connector_for(demo_source).lookup(
            name="accounts_by_name_and_address", parameters={"name": "A B", "address": "1 C St"}
        )

    assert caught.value.permanent
    assert "CONNECTOR_HTTP_ALLOWED_HOSTS" in caught.value.message


# --- The command --------------------------------------------------------------------------


def test_the_command_refuses_to_serve_without_a_token(monkeypatch):
    monkeypatch.delenv(TOKEN_ENV, raising=False)

    with pytest.raises(CommandError, match=TOKEN_ENV):
        call_command("run_water_service", "--port", "0")


def test_the_command_refuses_a_port_that_is_not_a_number(monkeypatch):
    monkeypatch.setenv(TOKEN_ENV, TOKEN)
    monkeypatch.setenv(PORT_ENV, "eighty")

    with pytest.raises(CommandError, match=PORT_ENV):
        call_command("run_water_service")
