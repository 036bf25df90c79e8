"""The suite's own guards: no outbound network, and this run's own names on shared servers."""

import os
import socket
from pathlib import Path

import pytest
from django.conf import settings
from pytest_socket import SocketConnectBlockedError


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_outbound_network_is_blocked():
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("192.0.2.1", 80), timeout=1)


def test_loopback_is_allowed():
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        with socket.create_connection(listener.getsockname(), timeout=1):
            pass


def test_run_has_its_own_prefixes_and_var_folder():
    run_id = os.environ["PORTAL_TEST_RUN_ID"]
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    assert queue == f"portal-test-{run_id}"
    assert Path(os.environ["PORTAL_VAR_DIR"]).resolve() == settings.VAR_DIR
    if settings.CELERY_BROKER_URL.startswith("redis"):
        prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"]
        assert prefix == f"portal-test-{run_id}:"
    if "KEY_PREFIX" in settings.CACHES["default"]:
        assert settings.CACHES["default"]["KEY_PREFIX"] == f"portal-test-{run_id}"


@pytest.mark.django_db
def test_test_database_name_carries_the_run_id():
    from django.db import connection

    if connection.vendor == "postgresql":
        assert connection.settings_dict["NAME"].endswith(os.environ["PORTAL_TEST_RUN_ID"])
    else:
        assert connection.settings_dict["NAME"].endswith("test-database.sqlite3")
