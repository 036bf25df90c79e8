"""System checks: configuration mistakes stop start-up with an id and a hint.

`manage.py check` runs them, and so does every management command and server start.
"""

import importlib.metadata
import importlib.util
from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

PROJECT_REQUESTS_PACKAGE = Path(settings.BASE_DIR, "requests").resolve()


def requests_distribution_installed() -> str | None:
    """The version of the PyPI `requests` distribution in this environment, if any."""
    try:
        return importlib.metadata.version("requests")
    except importlib.metadata.PackageNotFoundError:
        return None


def requests_module_location() -> Path | None:
    spec = importlib.util.find_spec("requests")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).resolve().parent


@register(Tags.compatibility)
def check_requests_name(app_configs: object = None, **kwargs: object) -> list[Error]:
    """`requests` must be this project's app and nothing else (DESIGN.md, "Layout")."""
    errors = []
    version = requests_distribution_installed()
    if version is not None:
        errors.append(
            Error(
                f"The PyPI 'requests' distribution ({version}) is installed.",
                hint=(
                    "This project's 'requests' app shadows it, so anything that needs it breaks. "
                    "Uninstall it and use httpx for outbound HTTP; find what pulled it in with "
                    "'pip show requests' (Required-by)."
                ),
                id="portal.E001",
            )
        )
    location = requests_module_location()
    if location != PROJECT_REQUESTS_PACKAGE:
        errors.append(
            Error(
                f"'import requests' resolves to {location}, not to this project's app.",
                hint=f"Run the portal from its checkout so that {PROJECT_REQUESTS_PACKAGE} wins.",
                id="portal.E002",
            )
        )
    return errors


@register(Tags.security)
def check_encryption_keys(app_configs: object = None, **kwargs: object) -> list[Error]:
    from portal.crypto import key_problem

    return [
        Error(
            f"FIELD_ENCRYPTION_KEYS entry {position} is not a usable key: {problem}",
            hint="Each key is 32 url-safe base64-encoded bytes, as Fernet.generate_key() makes.",
            id="portal.E015",
        )
        for position, key in enumerate(settings.FIELD_ENCRYPTION_KEYS, start=1)
        if (problem := key_problem(key))
    ]


@register(Tags.security, deploy=False)
def check_production_configuration(
    app_configs: object = None, **kwargs: object
) -> list[Error | Warning]:
    """With PORTAL_PRODUCTION on, the embedded defaults are mistakes."""
    if not settings.PRODUCTION:
        return []
    problems: list[Error | Warning] = []
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        problems.append(
            Error(
                "Production runs on PostgreSQL.",
                hint="Set DATABASE_URL=postgres://user@host:5432/name.",
                id="portal.E011",
            )
        )
    if settings.CACHES["default"]["BACKEND"] != "django.core.cache.backends.redis.RedisCache":
        problems.append(
            Error(
                "Production needs a cache shared by every web process.",
                hint=(
                    "allauth keeps rate limits and the TOTP replay guard in the cache; a "
                    "per-process cache multiplies every limit. Set CACHE_URL=redis://host:6379/1."
                ),
                id="portal.E012",
            )
        )
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        problems.append(
            Error(
                "The filesystem broker only works on one machine.",
                hint="Set CELERY_BROKER_URL=redis://host:6379/0.",
                id="portal.E013",
            )
        )
    if settings.DEMO:
        problems.append(
            Error(
                "The demo is switched on in production.",
                hint="Unset PORTAL_DEMO: the demo prints its accounts' passwords.",
                id="portal.E014",
            )
        )
    if settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
        problems.append(
            Warning(
                "Email goes to the console, so residents receive nothing.",
                hint=(
                    "Set EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST."
                ),
                id="portal.W010",
            )
        )
    return problems
