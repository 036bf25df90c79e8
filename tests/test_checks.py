"""System checks: the `requests` name guard and production configuration."""

import base64
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from portal import checks

BASE_DIR = Path(__file__).resolve().parent.parent

# The production fixture swaps DATABASES on purpose; no query runs while it is swapped.
pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES:UserWarning")


def _ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_requests_resolves_to_this_project_and_the_library_is_absent():
    assert checks.check_requests_name() == []


def test_installed_requests_distribution_fails_the_check(tmp_path, monkeypatch):
    dist_info = tmp_path / "requests-2.32.3.dist-info"
    dist_info.mkdir()
    (dist_info / "METADATA").write_text("Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\n")
    monkeypatch.syspath_prepend(str(tmp_path))

    errors = checks.check_requests_name()

    assert _ids(errors) == ["portal.E001"]
    assert "2.32.3" in errors[0].msg


def test_requests_resolving_elsewhere_fails_the_check(tmp_path, monkeypatch):
    impostor_dir = tmp_path / "requests"
    impostor_dir.mkdir()
    (impostor_dir / "__init__.py").write_text("")
    impostor = types.ModuleType("requests")
    impostor.__spec__ = __import__("importlib.util").util.spec_from_file_location(
        "requests", impostor_dir / "__init__.py"
    )
    monkeypatch.setitem(sys.modules, "requests", impostor)

    errors = checks.check_requests_name()

    assert _ids(errors) == ["portal.E002"]
    assert str(impostor_dir) in errors[0].msg


def test_import_requests_gives_the_project_app():
    import requests

    assert Path(requests.__file__).resolve().parent == BASE_DIR / "requests"
    assert not hasattr(requests, "get"), "the PyPI library's API must not be reachable"


@pytest.fixture
def production(settings):
    settings.PRODUCTION = True
    settings.DEMO = False
    settings.DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/0"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    return settings


def test_production_with_production_components_passes(production):
    assert checks.check_production_configuration() == []


def test_production_checks_are_silent_outside_production(settings):
    settings.PRODUCTION = False
    assert checks.check_production_configuration() == []


@pytest.mark.parametrize(
    ("setting", "value", "expected_id"),
    [
        ("DATABASES", {"default": {"ENGINE": "django.db.backends.sqlite3"}}, "portal.E011"),
        (
            "CACHES",
            {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
            "portal.E012",
        ),
        ("CELERY_BROKER_URL", "filesystem://", "portal.E013"),
        ("DEMO", True, "portal.E014"),
        ("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend", "portal.W010"),
    ],
)
def test_production_refuses_embedded_defaults(production, setting, value, expected_id):
    setattr(production, setting, value)
    assert _ids(checks.check_production_configuration()) == [expected_id]


TEST_ONLY_ENCRYPTION_KEY = (
    base64.urlsafe_b64encode(b"test-only-key-never-in-production").decode()[:43] + "="
)

PRODUCTION_ENVIRONMENT = {
    "FIELD_ENCRYPTION_KEYS": TEST_ONLY_ENCRYPTION_KEY,
    "PORTAL_PRODUCTION": "true",
    "SECRET_KEY": "a-test-only-key-that-is-long-and-random-enough-9f8e7d6c5b4a3f2e1d0c",
    "ALLOWED_HOSTS": "records.example.org",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    unwanted = {"PORTAL_DEMO", "DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_check_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENVIRONMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_fails_on_demo_in_production():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**PRODUCTION_ENVIRONMENT, "PORTAL_DEMO": "1"},
    )
    assert result.returncode != 0
    assert "portal.E014" in result.stderr


def test_production_without_secret_key_refuses_to_start():
    env = {**PRODUCTION_ENVIRONMENT, "SECRET_KEY": ""}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
