"""Fixtures shared by the whole suite: personas, real processes and a real browser.

Outside CI a missing browser skips the browser tests with the reason; in CI (CI=true) every
component must be present and be the production one (PostgreSQL, Redis), or the run fails.
"""

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

from tests.factories import DepartmentFactory, StaffFactory, UserFactory
from tests.processes import WorkerProcess, start_celery_worker, stop, wait_for_idle_worker

RUN_ID = os.environ["PORTAL_TEST_RUN_ID"]
REQUIRE_ALL_COMPONENTS = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = os.environ.get("PORTAL_TEST_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _components() -> dict[str, str]:
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    broker = settings.CELERY_BROKER_URL.split("://", 1)[0]
    cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    browser = CHROMIUM if Path(CHROMIUM).exists() else "missing"
    return {"database": db, "broker": broker, "cache": cache, "browser": browser}


def pytest_report_header(config: pytest.Config) -> list[str]:
    parts = ", ".join(f"{name} {value}" for name, value in _components().items())
    return [f"portal components: {parts} (run {RUN_ID})"]


def pytest_sessionstart(session: pytest.Session) -> None:
    if not REQUIRE_ALL_COMPONENTS:
        return
    components = _components()
    wrong = []
    if components["database"] != "postgresql":
        wrong.append("DATABASE_URL must name PostgreSQL")
    if components["broker"] != "redis":
        wrong.append("CELERY_BROKER_URL must name Redis")
    if components["cache"] != "RedisCache":
        wrong.append("CACHE_URL must name Redis")
    if components["browser"] == "missing":
        wrong.append(f"Chromium is missing at {CHROMIUM}")
    if wrong:
        pytest.exit("CI runs on the production components: " + "; ".join(wrong), returncode=3)


@pytest.fixture(scope="session")
def django_db_modify_db_settings() -> None:
    """A test database of this run's own; on SQLite a file, so child processes can open it."""
    db = settings.DATABASES["default"]
    test = db.setdefault("TEST", {})
    if db["ENGINE"] == "django.db.backends.sqlite3":
        test["NAME"] = str(Path(settings.VAR_DIR) / "test-database.sqlite3")
    else:
        test["NAME"] = f"test_{db['NAME']}_{RUN_ID}"


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """allauth keeps rate limits and the used-TOTP-code guard in the cache, and every test signs
    in from 127.0.0.1: each test starts with an empty cache. On a shared Redis only this run's
    cache keys go (the broker's keys have no cache version in their names)."""
    from django.core.cache import cache

    if settings.CACHES["default"]["BACKEND"].endswith("RedisCache"):
        client = cache._cache.get_client(write=True)
        keys = list(client.scan_iter(match=cache.make_key("*")))
        if keys:
            client.delete(*keys)
    else:
        cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing passwords the production way costs a third of a second per user; tests make many."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- Emptying the database between transactional tests -------------------------------------

_postgres_sql_flush = PostgresOperations.sql_flush


def _sql_flush_through_append_only_tables(self, style, tables, **kwargs):
    """The audit trail and access log refuse TRUNCATE (portal/audit/append_only.py) unless the
    emptying transaction says it is one; only the test suite empties the database."""
    statements = _postgres_sql_flush(self, style, tables, **kwargs)
    if not statements:
        return statements
    return ["SET LOCAL portal.allow_append_only_truncate = 'on'", *statements]


PostgresOperations.sql_flush = _sql_flush_through_append_only_tables

_postgres_execute_sql_flush = PostgresOperations.execute_sql_flush


def _execute_sql_flush_retrying_deadlocks(self, sql_list):
    """A worker task still reading when a test ends can deadlock with TRUNCATE; PostgreSQL rolls
    the TRUNCATE back, and emptying again once the task is done succeeds."""
    for attempt in range(5):
        try:
            return _postgres_execute_sql_flush(self, sql_list)
        except OperationalError as error:
            if "deadlock detected" not in str(error) or attempt == 4:
                raise
            time.sleep(0.5 * (attempt + 1))


PostgresOperations.execute_sql_flush = _execute_sql_flush_retrying_deadlocks


# --- Personas -------------------------------------------------------------------------------


@pytest.fixture
def department_a(db):
    return DepartmentFactory(slug="assessors", name="Assessors")


@pytest.fixture
def department_b(db):
    return DepartmentFactory(slug="water_sewer", name="Water and Sewer Billing")


@pytest.fixture
def resident(db):
    return UserFactory(email="alice@example.org", first_name="Alice", last_name="Archer")


@pytest.fixture
def other_resident(db):
    return UserFactory(email="bob@example.org", first_name="Bob", last_name="Booker")


@pytest.fixture
def clerk(db):
    return StaffFactory(email="carol.clerk@example.org", first_name="Carol", last_name="Clark")


@pytest.fixture
def steward_a(db, department_a):
    user = StaffFactory(
        email="dana.steward@example.org", first_name="Dana", last_name="Dunn", role="steward"
    )
    department_a.stewards.add(user)
    return user


@pytest.fixture
def steward_b(db, department_b):
    user = StaffFactory(
        email="evan.steward@example.org", first_name="Evan", last_name="Ellis", role="steward"
    )
    department_b.stewards.add(user)
    return user


@pytest.fixture
def privacy_officer(db):
    return StaffFactory(
        email="pat.officer@example.org",
        first_name="Pat",
        last_name="Price",
        role="privacy_officer",
        is_staff=True,
        is_superuser=True,
    )


# --- A real Celery worker -------------------------------------------------------------------


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker) -> Iterator[WorkerProcess]:
    """One worker process for the session, consuming this run's queue on the configured broker
    and writing to the test database."""
    with django_db_blocker.unblock():
        worker = start_celery_worker(
            log=Path(settings.VAR_DIR) / "celery-worker.log", hostname=f"test-{RUN_ID}@localhost"
        )
    _running_workers.append(worker)
    yield worker
    _running_workers.remove(worker)
    stop(worker.process)


_running_workers: list[WorkerProcess] = []


@pytest.fixture(autouse=True)
def _worker_done_before_the_database_is_emptied(request: pytest.FixtureRequest) -> Iterator[None]:
    """Once the session's worker runs, it takes every task a transactional test sends after
    commit, whether or not the test waits for it. The test's data must outlive those tasks: a
    task still working while the tables are emptied deadlocks with TRUNCATE, or writes into
    the next test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        # Asking for the database here puts this fixture's teardown before the emptying.
        request.getfixturevalue("_django_db_helper")
    yield
    if transactional:
        for worker in _running_workers:
            wait_for_idle_worker(worker)


# --- A real browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (install Debian's chromium package)"
        if REQUIRE_ALL_COMPONENTS:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    yield page
    context.close()
