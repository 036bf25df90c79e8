"""The `http` connector writing a correction back to a department's web service on loopback: the
expected and new values with an Idempotency-Key, 409 as a conflict read back, and an answer lost
after sending told apart from a call that never left."""

import json
import socket

import pytest

from tasks.connectors.base import ConnectorError, ConnectorUnknownOutcome, WriteResult
from tasks.connectors.registry import configuration_problems, connector_for
from tests.connectors.conftest import Answer

pytestmark = pytest.mark.django_db

OLD = "12 Elm Street"
NEW = "40 Maple Avenue, Apt 2"
KEY = "idem-3f9c2a"


def _configuration(base_url: str, **write) -> dict:
    return {
        "base_url": base_url + "/api",
        "lookups": {
            "account": {
                "path": "/accounts/{account_number}",
                "record_type": "water_sewer_account",
                "key": "account_number",
            }
        },
        "corrections": {
            "water_sewer_account": {
                "mailing_address": {
                    "path": "/accounts/{key}/mailing-address",
                    "method": "PUT",
                    "read_path": "/accounts/{key}",
                    "read_field": "account.mailing_address",
                    **write,
                }
            }
        },
    }


def _apply(source, *, key="WS-1", expected=OLD, new=NEW):
    return connector_for(source).apply_change(
        record_type="water_sewer_account",
        field_name="mailing_address",
        key=key,
        expected=expected,
        new=new,
        idempotency_key=KEY,
    )


def _account(address: str) -> Answer:
    return Answer(body={"account": {"account_number": "WS-1", "mailing_address": address}})


def test_a_change_is_sent_with_the_value_seen_and_an_idempotency_key(service, make_source):
    service.answers["/api/accounts/WS-1/mailing-address"] = Answer(204, b"")
    source = make_source("http", _configuration(service.url))

    outcome = _apply(source)

    assert outcome.result == WriteResult.APPLIED
    (sent,) = service.received
    assert sent.method == "PUT"
    assert sent.headers["Idempotency-Key"] == KEY
    assert json.loads(sent.body) == {"expected": OLD, "value": NEW}


def test_the_same_write_sent_again_carries_the_same_key(service, make_source):
    service.answers["/api/accounts/WS-1/mailing-address"] = Answer(200, {"ok": True})
    source = make_source("http", _configuration(service.url, method="PATCH"))

    _apply(source)
    _apply(source)

    assert [received.method for received in service.received] == ["PATCH", "PATCH"]
    assert {received.headers["Idempotency-Key"] for received in service.received} == {KEY}


def test_a_409_is_a_conflict_with_the_value_read_back(service, make_source):
    service.answers["/api/accounts/WS-1/mailing-address"] = Answer(409, {"error": "changed"})
    service.answers["/api/accounts/WS-1"] = _account("7 Birch Lane")
    source = make_source("http", _configuration(service.url))

    outcome = _apply(source)

    assert outcome.result == WriteResult.CONFLICT
    assert outcome.found == "7 Birch Lane"
    assert [received.method for received in service.received] == ["PUT", "GET"]


def test_a_409_where_the_value_already_is_the_new_one_is_already_applied(service, make_source):
    service.answers["/api/accounts/WS-1/mailing-address"] = Answer(409, {"error": "changed"})
    service.answers["/api/accounts/WS-1"] = _account(NEW)
    source = make_source("http", _configuration(service.url))

    assert _apply(source).result == WriteResult.ALREADY


def test_no_answer_after_sending_is_an_unknown_outcome(service, make_source):
    service.answers["/api/accounts/WS-1/mailing-address"] = Answer(204, b"", delay=5)
    source = make_source("http", _configuration(service.url), timeout_seconds=1)

    with pytest.raises(ConnectorUnknownOutcome) as unknown:
        _apply(source)

    assert not unknown.value.permanent
    assert "gave no answer" in unknown.value.message
    assert len(service.received) == 1


def test_a_server_error_while_handling_the_change_is_an_unknown_outcome(service, make_source):
    service.answers["/api/accounts/WS-1/mailing-address"] = Answer(502, {"error": "gateway"})
    source = make_source("http", _configuration(service.url))

    with pytest.raises(ConnectorUnknownOutcome):
        _apply(source)


def test_a_service_that_cannot_be_reached_is_transient_not_unknown(make_source):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    source = make_source("http", _configuration(f"http://127.0.0.1:{port}"))

    with pytest.raises(ConnectorError) as refused:
        _apply(source)

    assert not isinstance(refused.value, ConnectorUnknownOutcome)
    assert not refused.value.permanent


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(429, False), (422, True), (404, True), (302, True)],
)
def test_a_refused_change_is_transient_or_permanent_as_its_status_says(
    service, make_source, status, permanent
):
    service.answers["/api/accounts/WS-1/mailing-address"] = Answer(status, {"error": "no"})
    source = make_source("http", _configuration(service.url))

    with pytest.raises(ConnectorError) as refused:
        _apply(source)

    assert not isinstance(refused.value, ConnectorUnknownOutcome)
    assert refused.value.permanent is permanent
    assert f"HTTP {status}" in refused.value.message


def test_a_hostile_key_stays_one_path_segment_and_a_hostile_value_is_sent_verbatim(
    service, make_source
):
    hostile = 'x\'); DROP TABLE accounts; -- "quoted"'
    service.answers["/api/accounts/..%2Fadmin/mailing-address"] = Answer(204, b"")
    source = make_source("http", _configuration(service.url))

    assert _apply(source, key="../admin", new=hostile).result == WriteResult.APPLIED

    assert service.received[0].path == "/api/accounts/..%2Fadmin/mailing-address"
    assert json.loads(service.received[0].body)["value"] == hostile


def test_a_host_not_allowed_is_refused_before_anything_is_sent(service, make_source, settings):
    service.answers["/api/accounts/WS-1/mailing-address"] = Answer(204, b"")
    source = make_source("http", _configuration(service.url))
    settings.CONNECTOR_HTTP_ALLOWED_HOSTS = ["records.westfield.example"]

    with pytest.raises(ConnectorError) as refused:
        _apply(source)

    assert refused.value.permanent
    assert service.received == []


def test_read_value_follows_the_read_field(service, make_source):
    service.answers["/api/accounts/WS-1"] = _account(OLD)
    source = make_source("http", _configuration(service.url))

    value = connector_for(source).read_value(
        record_type="water_sewer_account", field_name="mailing_address", key="WS-1"
    )

    assert value == OLD


def test_a_field_without_write_configuration_cannot_be_written(service, make_source):
    source = make_source("http", _configuration(service.url))

    with pytest.raises(ConnectorError) as refused:
        connector_for(source).apply_change(
            record_type="water_sewer_account",
            field_name="billing_name",
            key="WS-1",
            expected="A",
            new="B",
            idempotency_key=KEY,
        )

    assert refused.value.permanent
    assert "says nothing under corrections" in refused.value.message
    assert service.received == []


@pytest.mark.parametrize(
    ("write", "message"),
    [
        ({"path": "/accounts/mailing-address"}, "must hold {key}"),
        ({"path": "/accounts/{account}/address"}, "must hold {key}"),
        ({"path": "/accounts/{key}/../admin"}, ". or .. segments"),
        ({"read_path": "/accounts"}, "read_path must hold {key}"),
        ({"method": "GET"}, "method must be PUT, PATCH or POST"),
        ({"read_field": ""}, "needs read_field"),
        ({"retries": 3}, "unknown setting 'retries'"),
    ],
)
def test_a_correction_configuration_is_checked(write, message):
    configuration = _configuration("http://127.0.0.1:8000", **write)

    problems = configuration_problems(kind="http", configuration=configuration)

    assert any(message in problem for problem in problems), problems


def test_a_valid_correction_configuration_has_no_problems():
    assert (
        configuration_problems(kind="http", configuration=_configuration("http://127.0.0.1")) == []
    )
