"""The http connector and the one outbound HTTP wrapper, against a real service on loopback."""

import gzip
import json
from urllib.parse import parse_qs, unquote, urlsplit

import httpx
import pytest

from requests.models import ConnectorKind, DataSource
from tasks.connectors import httpclient
from tasks.connectors.base import ConnectorError
from tasks.connectors.registry import configuration_problems, connector_for, parameter_names
from tests.connectors.conftest import Answer

pytestmark = pytest.mark.django_db

ACCOUNT = {"account_number": "WS-0000001", "billing_name": "SMITH ROBERT J", "amount_due": 84.2}
HOSTILE = ["x'); DROP TABLE residents; --", "../../etc/passwd"]


def _configuration(service, **lookup):
    return {
        "base_url": service.url + "/api",
        "lookups": {
            "account": {
                "path": "/accounts/{account_number}",
                "record_type": "water_account",
                "key": "account_number",
                **lookup,
            }
        },
    }


def _lookup(source, name="account", **parameters):
    return connector_for(source).lookup(
        name=name, parameters=parameters or {"account_number": "WS-0000001"}
    )


def _error(source, **parameters) -> ConnectorError:
    with pytest.raises(ConnectorError) as caught:
        _lookup(source, **parameters)
    return caught.value


# --- Answers ----------------------------------------------------------------------------------


def test_a_lookup_returns_the_records_of_the_answer(service, make_source):
    service.answers["/api/accounts/WS-0000001"] = Answer(body={"data": {"accounts": [ACCOUNT]}})
    source = make_source("http", _configuration(service, records="data.accounts"))

    records = _lookup(source)

    assert [record.key for record in records] == ["WS-0000001"]
    assert records[0].record_type == "water_account"
    assert records[0].fields["billing_name"] == "SMITH ROBERT J"
    received = service.received[0]
    assert received.method == "GET"
    assert received.headers["Accept"] == "application/json"
    assert "Authorization" not in received.headers


def test_a_single_object_is_one_record_and_an_empty_list_none(service, make_source):
    service.answers["/api/accounts/WS-0000001"] = Answer(body=ACCOUNT)
    service.answers["/api/accounts/WS-0000002"] = Answer(body=[])
    source = make_source("http", _configuration(service))

    assert [record.key for record in _lookup(source)] == ["WS-0000001"]
    assert _lookup(source, account_number="WS-0000002") == []


def test_query_parameters_come_from_lookup_parameters_and_fixed_text(service, make_source):
    service.answers["/api/people"] = Answer(body={"people": []})
    configuration = _configuration(service, path="/people", records="people")
    configuration["lookups"]["account"]["params"] = {"dob": "{date_of_birth}", "kind": "owner"}
    source = make_source("http", configuration)

    _lookup(source, date_of_birth="1961-04-02")

    query = parse_qs(urlsplit(service.received[0].path).query)
    assert query == {"dob": ["1961-04-02"], "kind": ["owner"]}


def test_a_post_lookup_sends_its_parameters_as_json_not_in_the_address(service, make_source):
    service.answers["/api/search"] = Answer(body=[ACCOUNT])
    configuration = _configuration(service, path="/search", method="POST")
    configuration["lookups"]["account"]["params"] = {"name": "{legal_name}"}
    source = make_source("http", configuration)

    _lookup(source, legal_name="Robert J. Smith")

    received = service.received[0]
    assert received.method == "POST"
    assert received.path == "/api/search"
    assert json.loads(received.body) == {"name": "Robert J. Smith"}


def test_a_404_can_be_configured_to_mean_no_records(service, make_source):
    source = make_source("http", _configuration(service, not_found="empty"))

    assert _lookup(source) == []


# --- Errors: transient ones are tried again, permanent ones need a person ---------------------


def test_a_service_slower_than_the_time_out_is_a_transient_error(service, make_source):
    service.answers["/api/accounts/WS-0000001"] = Answer(body=ACCOUNT, delay=3)
    source = make_source("http", _configuration(service), timeout_seconds=1)

    error = _error(source)

    assert not error.permanent
    assert "did not answer within 1 seconds" in error.message


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_a_server_error_or_too_many_requests_is_transient(service, make_source, status):
    service.answers["/api/accounts/WS-0000001"] = Answer(status, {"error": "down"})

    error = _error(make_source("http", _configuration(service)))

    assert not error.permanent
    assert f"HTTP {status}" in error.message


@pytest.mark.parametrize(
    ("status", "words"), [(404, "nothing at that address"), (400, "refused the lookup")]
)
def test_a_client_error_is_permanent(service, make_source, status, words):
    service.answers["/api/accounts/WS-0000001"] = Answer(status, {"error": "no"})

    error = _error(make_source("http", _configuration(service)))

    assert error.permanent
    assert words in error.message
    assert "WS-0000001" not in error.message  # the resident's details stay out of messages


def test_a_redirect_is_permanent_and_never_followed(service, make_source):
    service.answers["/api/accounts/WS-0000001"] = Answer(
        302, b"", {"Location": service.url + "/elsewhere"}
    )
    service.answers["/elsewhere"] = Answer(body=ACCOUNT)

    error = _error(make_source("http", _configuration(service)))

    assert error.permanent
    assert "redirect (HTTP 302)" in error.message
    assert [received.path for received in service.received] == ["/api/accounts/WS-0000001"]


def test_a_host_off_the_allow_list_is_refused_before_any_connection(
    service, make_source, settings, monkeypatch
):
    settings.CONNECTOR_HTTP_ALLOWED_HOSTS = ["records.westfield.example"]

    def no_request(*args, **kwargs):
        raise AssertionError("a request was attempted")

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", no_request)
    source = make_source("http", _configuration(service))

    error = _error(source)

    assert error.permanent
    assert "127.0.0.1 is not on CONNECTOR_HTTP_ALLOWED_HOSTS" in error.message
    assert service.received == []


def test_the_token_is_read_from_the_environment_sent_and_never_stored(
    service, make_source, monkeypatch
):
    monkeypatch.setenv("WATER_API_TOKEN", "s3cret-t0ken")
    service.answers["/api/accounts/WS-0000001"] = Answer(body=ACCOUNT)
    configuration = {**_configuration(service), "token_env": "WATER_API_TOKEN"}
    source = make_source("http", configuration)

    records = _lookup(source)

    assert service.received[0].headers["Authorization"] == "Bearer s3cret-t0ken"
    stored = DataSource.objects.filter(pk=source.pk).values().get()
    assert "s3cret-t0ken" not in json.dumps(stored, default=str)
    assert "s3cret-t0ken" not in repr(records)


def test_a_refused_token_names_its_variable_not_its_value(service, make_source, monkeypatch):
    monkeypatch.setenv("WATER_API_TOKEN", "s3cret-t0ken")
    service.answers["/api/accounts/WS-0000001"] = Answer(401, {"error": "bad token"})
    source = make_source("http", {**_configuration(service), "token_env": "WATER_API_TOKEN"})

    error = _error(source)

    assert error.permanent
    assert "check the token in WATER_API_TOKEN" in error.message
    assert "s3cret-t0ken" not in error.message


def test_a_token_variable_that_is_not_set_is_permanent_and_nothing_is_sent(
    service, make_source, monkeypatch
):
    monkeypatch.delenv("WATER_API_TOKEN", raising=False)
    source = make_source("http", {**_configuration(service), "token_env": "WATER_API_TOKEN"})

    error = _error(source)

    assert error.permanent
    assert "WATER_API_TOKEN" in error.message
    assert service.received == []


@pytest.mark.parametrize(
    ("answer", "words"),
    [
        (Answer(body=b"{not json"), "not valid JSON"),
        (Answer(body=b"<html></html>", headers={"Content-Type": "text/html"}), "text/html"),
        (Answer(body={"other": []}), "has no 'data.accounts'"),
        (Answer(body={"data": {"accounts": [{"name": "no key"}]}}), "has no 'account_number'"),
        (Answer(body={"data": {"accounts": "text"}}), "not a record or a list"),
    ],
)
def test_an_answer_the_portal_cannot_read_is_permanent(service, make_source, answer, words):
    service.answers["/api/accounts/WS-0000001"] = answer
    source = make_source("http", _configuration(service, records="data.accounts"))

    error = _error(source)

    assert error.permanent
    assert words in error.message


def test_an_answer_over_the_size_limit_is_permanent(service, make_source, settings):
    settings.CONNECTOR_HTTP_MAX_RESPONSE_BYTES = 1024
    service.answers["/api/accounts/WS-0000001"] = Answer(body=[ACCOUNT] * 100)

    error = _error(make_source("http", _configuration(service)))

    assert error.permanent
    assert "larger than 1024 bytes" in error.message


def test_a_service_that_is_not_running_is_transient(service, make_source):
    configuration = _configuration(service)
    configuration["base_url"] = "http://127.0.0.1:9/api"  # the discard port: nothing listens

    error = _error(make_source("http", configuration))

    assert not error.permanent
    assert "could not reach the service at 127.0.0.1" in error.message


def test_a_missing_parameter_or_lookup_is_permanent(service, make_source):
    source = make_source("http", _configuration(service))

    assert "needs the parameter 'account_number'" in _error(source, other="x").message
    with pytest.raises(ConnectorError, match="no lookup named 'nope'"):
        connector_for(source).lookup(name="nope", parameters={})
    assert service.received == []


# --- Parameters are only data -----------------------------------------------------------------


@pytest.mark.parametrize("hostile", [*HOSTILE, "..", "."])
def test_a_hostile_path_parameter_stays_one_encoded_segment(service, make_source, hostile):
    source = make_source("http", _configuration(service, not_found="empty"))

    _lookup(source, account_number=hostile)

    path = service.received[0].path
    prefix = "/api/accounts/"
    assert path.startswith(prefix)
    segment = path[len(prefix) :]
    assert "/" not in segment and "?" not in segment and " " not in segment
    assert unquote(segment) == hostile


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_query_parameter_arrives_exactly_as_given(service, make_source, hostile):
    service.answers["/api/people"] = Answer(body=[])
    configuration = _configuration(service, path="/people")
    configuration["lookups"]["account"]["params"] = {"name": "{legal_name}"}
    source = make_source("http", configuration)

    _lookup(source, legal_name=hostile)

    received = urlsplit(service.received[0].path)
    assert received.path == "/api/people"
    assert parse_qs(received.query) == {"name": [hostile]}


# --- Configuration ----------------------------------------------------------------------------


def _problems(configuration):
    return configuration_problems(kind=ConnectorKind.HTTP, configuration=configuration)


def _valid(**changes):
    configuration = {
        "base_url": "https://127.0.0.1/api",
        "token_env": "WATER_API_TOKEN",
        "lookups": {"account": {"path": "/accounts/{account_number}", "key": "account_number"}},
    }
    return {**configuration, **changes}


def test_a_complete_configuration_has_no_problems():
    assert _problems(_valid()) == []


@pytest.mark.parametrize(
    ("configuration", "words"),
    [
        ({}, "base_url must give the service's address"),
        (_valid(base_url="https://water.example.gov/api"), "water.example.gov is not on"),
        (_valid(base_url="ftp://127.0.0.1/"), "must start with https://"),
        (_valid(base_url="https://user:pw@127.0.0.1/"), "holds a user name or password"),
        (_valid(base_url="https://127.0.0.1/api?key=1"), "must not hold ? or #"),
        (_valid(token="s3cret"), "unknown setting 'token'"),
        (_valid(token_env="not a name"), "token_env must be the name"),
        (_valid(lookups={}), "lookups must name at least one lookup"),
        (_valid(lookups={"a": {"key": "id"}}), "needs a path starting with /"),
        (_valid(lookups={"a": {"path": "/a/../b", "key": "id"}}), ". or .. segments"),
        (_valid(lookups={"a": {"path": "/a?b=1", "key": "id"}}), "must not hold ?"),
        (_valid(lookups={"a": {"path": "/a/{x.y}", "key": "id"}}), "plain names in braces"),
        (_valid(lookups={"a": {"path": "/a/{x", "key": "id"}}), "plain names in braces"),
        (_valid(lookups={"a": {"path": "/a", "method": "DELETE", "key": "id"}}), "GET or POST"),
        (_valid(lookups={"a": {"path": "/a", "key": "id", "params": {"q": "x{y}"}}}), "one {"),
        (_valid(lookups={"a": {"path": "/a"}}), "needs key"),
        (_valid(lookups={"a": {"path": "/a", "key": "id", "not_found": "x"}}), "not_found"),
        (_valid(lookups={"a": {"path": "/a", "key": "id", "headers": {}}}), "'headers'"),
    ],
)
def test_configuration_problems_are_stated(configuration, words):
    assert any(words in problem for problem in _problems(configuration)), _problems(configuration)


def test_plain_http_is_allowed_only_on_loopback(settings):
    settings.CONNECTOR_HTTP_ALLOWED_HOSTS = ["127.0.0.1", "records.westfield.example"]

    assert _problems(_valid(base_url="http://127.0.0.1:8080/api")) == []
    assert (
        "must start with https://"
        in _problems(_valid(base_url="http://records.westfield.example/api"))[0]
    )
    assert _problems(_valid(base_url="https://records.westfield.example/api")) == []


def test_the_parameters_a_configuration_takes_are_named():
    configuration = _valid()
    configuration["lookups"]["people"] = {
        "path": "/people",
        "key": "id",
        "params": {"dob": "{date_of_birth}", "kind": "owner"},
    }

    assert parameter_names(kind="http", configuration=configuration) == {
        "account_number",
        "date_of_birth",
    }


def test_no_content_means_no_records(service, make_source):
    service.answers["/api/accounts/WS-0000001"] = Answer(204, b"")

    assert _lookup(make_source("http", _configuration(service))) == []


def test_the_size_limit_counts_the_answer_after_decompression(service, make_source, settings):
    settings.CONNECTOR_HTTP_MAX_RESPONSE_BYTES = 1024
    swollen = gzip.compress(json.dumps([ACCOUNT] * 2000).encode())
    assert len(swollen) < 1024
    service.answers["/api/accounts/WS-0000001"] = Answer(
        body=swollen, headers={"Content-Encoding": "gzip"}
    )

    error = _error(make_source("http", _configuration(service)))

    assert error.permanent
    assert "larger than 1024 bytes" in error.message


def test_an_answer_that_cannot_be_decompressed_is_permanent(service, make_source):
    service.answers["/api/accounts/WS-0000001"] = Answer(
        body=b"not gzip at all", headers={"Content-Encoding": "gzip"}
    )

    error = _error(make_source("http", _configuration(service)))

    assert error.permanent
    assert "could not be decompressed" in error.message


def test_an_answer_sent_slower_than_the_time_out_is_transient(service, make_source, monkeypatch):
    service.answers["/api/accounts/WS-0000001"] = Answer(body=ACCOUNT)
    ticks = iter(range(0, 10_000, 10))
    monkeypatch.setattr(httpclient, "monotonic", lambda: next(ticks))

    error = _error(make_source("http", _configuration(service)))

    assert not error.permanent
    assert "took too long to send its answer" in error.message


def test_a_configuration_broken_after_it_was_saved_fails_the_lookup(service, make_source):
    source = make_source("http", {"base_url": service.url, "lookups": {}})

    error = _error(source)

    assert error.permanent
    assert "lookups must name at least one lookup" in error.message
    assert service.received == []


@pytest.mark.parametrize(
    ("url", "words"),
    [("http://[::1", "is not a web address"), ("https:///accounts", "names no host")],
)
def test_an_address_that_is_not_one_is_refused(url, words):
    assert words in httpclient.url_problem(url)
