"""The one way the portal calls another computer over HTTP: httpx, with a time-out always, only to
a host on `CONNECTOR_HTTP_ALLOWED_HOSTS` (checked before anything is sent), never following a
redirect, reading at most `CONNECTOR_HTTP_MAX_RESPONSE_BYTES` of JSON.

A bearer token is read from the environment variable the configuration names, at the moment of
the call: it is never stored, logged or put in a message. Messages name the host, never the full
address, which may hold a resident's details.

Errors are ConnectorError: transient for what may pass by itself (a time-out, no connection, a
5xx, 429 "too many requests"), permanent for what a person must fix (any other 4xx, a redirect,
an answer that is not JSON or is too large, a host not on the list, a token that is not set).
"""

from __future__ import annotations

import json
import os
import re
import ssl
from collections.abc import Mapping
from functools import cache
from time import monotonic
from typing import Any

import certifi
import httpx
from django.conf import settings

from tasks.connectors.base import ConnectorError, ConnectorUnknownOutcome

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
USER_AGENT = "Westfield-Records-Portal/1 (connector)"
ENVIRONMENT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@cache
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle costs tens of milliseconds: once per process, not once per call.
    The context verifies certificates and host names like httpx's default."""
    return ssl.create_default_context(cafile=certifi.where())


def url_problem(url: str) -> str | None:
    """Why the portal may not call this address, in words for the privacy officer; or None."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return f"{url!r} is not a web address"
    if parsed.scheme not in ("http", "https"):
        return f"{url!r} must start with https://"
    host = parsed.host.lower()
    if not host:
        return f"{url!r} names no host"
    if parsed.userinfo:
        return (
            "the address holds a user name or password: put the token in an environment "
            "variable and name it in token_env"
        )
    if host not in settings.CONNECTOR_HTTP_ALLOWED_HOSTS:
        return (
            f"the host {host} is not on CONNECTOR_HTTP_ALLOWED_HOSTS: the portal's administrators "
            "must add it before the portal may call it"
        )
    if parsed.scheme == "http" and host not in LOOPBACK_HOSTS:
        return f"the address of {host} must start with https://, so the data travels encrypted"
    return None


def token_env_problem(variable: Any) -> str | None:
    if not isinstance(variable, str) or not ENVIRONMENT_NAME.match(variable):
        return "token_env must be the name of an environment variable, like WATER_API_TOKEN"
    return None


def _token(variable: str) -> str:
    value = os.environ.get(variable, "")
    if not value:
        raise ConnectorError(
            f"the environment variable {variable} that holds the service's token is not set",
            permanent=True,
        )
    return value


def _status_error(response: httpx.Response, host: str, token_env: str | None) -> ConnectorError:
    status = response.status_code
    if status == 429:
        return ConnectorError(
            f"the service at {host} is busy (HTTP 429)",
            permanent=False,
        )
    if status >= 500:
        return ConnectorError(
            f"the service at {host} had an error (HTTP {status})",
            permanent=False,
        )
    if 300 <= status < 400:
        return ConnectorError(
            f"the service at {host} answered with a redirect (HTTP {status}), which the portal "
            "does not follow: correct base_url or the lookup's path in the source's configuration",
            permanent=True,
        )
    if status in (401, 403):
        where = f"the token in {token_env}" if token_env else "whether it needs a token_env"
        return ConnectorError(
            f"the service at {host} refused the portal (HTTP {status}): check {where}",
            permanent=True,
        )
    if status == 404:
        return ConnectorError(
            f"the service at {host} has nothing at that address (HTTP 404): check the lookup's "
            "path, or set not_found to empty if 404 means no records",
            permanent=True,
        )
    return ConnectorError(
        f"the service at {host} refused the lookup (HTTP {status}): check the lookup's "
        "configuration",
        permanent=True,
    )


def _media_type(response: httpx.Response) -> str:
    return response.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _read_limited(response: httpx.Response, *, host: str, limit: int, deadline: float) -> bytes:
    declared = response.headers.get("content-length", "")
    too_large = ConnectorError(
        f"the answer from {host} is larger than {limit} bytes: narrow the lookup, or raise "
        "CONNECTOR_HTTP_MAX_RESPONSE_BYTES",
        permanent=True,
    )
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks = []
    size = 0
    # Counted after decompression, so a small compressed answer cannot swell past the limit.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise too_large
        if monotonic() > deadline:
            raise ConnectorError(
                f"the service at {host} took too long to send its answer",
                permanent=False,
            )
        chunks.append(chunk)
    return b"".join(chunks)


def request_json(
    *,
    url: str,
    timeout_seconds: float,
    method: str = "GET",
    params: Mapping[str, str] | None = None,
    json_body: Mapping[str, Any] | None = None,
    token_env: str | None = None,
    not_found_is_empty: bool = False,
) -> Any:
    """Call `url` and return its JSON answer (None for 204, or for 404 when
    `not_found_is_empty`). `params` are encoded into the query string by httpx; the caller has
    already quoted anything it put in the path."""
    if problem := url_problem(url):
        raise ConnectorError(problem, permanent=True)
    host = httpx.URL(url).host.lower()
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    if token_env:
        if problem := token_env_problem(token_env):
            raise ConnectorError(problem, permanent=True)
        headers["Authorization"] = f"Bearer {_token(token_env)}"
    limit = settings.CONNECTOR_HTTP_MAX_RESPONSE_BYTES
    deadline = monotonic() + timeout_seconds
    try:
        # trust_env=False: no proxy or .netrc from the environment may redirect or add to a call.
        with (
            httpx.Client(
                timeout=httpx.Timeout(timeout_seconds),
                follow_redirects=False,
                trust_env=False,
                verify=_tls_context(),
            ) as client,
            client.stream(
                method, url, params=dict(params or {}), json=json_body, headers=headers
            ) as response,
        ):
            if response.status_code == 404 and not_found_is_empty:
                return None
            if not 200 <= response.status_code < 300:
                raise _status_error(response, host, token_env)
            if response.status_code == 204:
                return None
            media_type = _media_type(response)
            if media_type != "application/json" and not media_type.endswith("+json"):
                raise ConnectorError(
                    f"the service at {host} answered with {media_type or 'no type'}, not JSON: "
                    "check the lookup's path",
                    permanent=True,
                )
            body = _read_limited(response, host=host, limit=limit, deadline=deadline)
    except httpx.TimeoutException:
        raise ConnectorError(
            f"the service at {host} did not answer within {timeout_seconds:g} seconds",
            permanent=False,
        ) from None
    except httpx.DecodingError:
        raise ConnectorError(
            f"the answer from {host} could not be decompressed", permanent=True
        ) from None
    except httpx.UnsupportedProtocol:
        raise ConnectorError(
            f"the address of {host} is not http or https", permanent=True
        ) from None
    except httpx.TransportError as error:
        raise ConnectorError(
            f"the portal could not reach the service at {host} ({type(error).__name__})",
            permanent=False,
        ) from None
    try:
        return json.loads(body)
    except ValueError:
        raise ConnectorError(
            f"the service at {host} answered with something that is not valid JSON",
            permanent=True,
        ) from None


def send_json(
    *,
    url: str,
    timeout_seconds: float,
    method: str,
    json_body: Mapping[str, Any],
    headers: Mapping[str, str],
    token_env: str | None = None,
) -> int:
    """Send a write and return the status of the answer, with the same safeguards as
    request_json (its body is not needed, so not read). Once the request may have left, a
    time-out or a dropped connection is ConnectorUnknownOutcome: the write may or may not have
    been applied."""
    if problem := url_problem(url):
        raise ConnectorError(problem, permanent=True)
    host = httpx.URL(url).host.lower()
    sent_headers = {"Accept": "application/json", "User-Agent": USER_AGENT, **headers}
    if token_env:
        if problem := token_env_problem(token_env):
            raise ConnectorError(problem, permanent=True)
        sent_headers["Authorization"] = f"Bearer {_token(token_env)}"
    try:
        with (
            httpx.Client(
                timeout=httpx.Timeout(timeout_seconds),
                follow_redirects=False,
                trust_env=False,
                verify=_tls_context(),
            ) as client,
            client.stream(method, url, json=dict(json_body), headers=sent_headers) as response,
        ):
            status = response.status_code
    except (httpx.ConnectTimeout, httpx.PoolTimeout, httpx.ConnectError):
        # Nothing left the portal: safe to send again later.
        raise ConnectorError(
            f"the portal could not reach the service at {host}", permanent=False
        ) from None
    except (httpx.TimeoutException, httpx.TransportError):
        raise ConnectorUnknownOutcome(
            f"the service at {host} gave no answer to the change it was sent"
        ) from None
    if 300 <= status < 400:
        raise ConnectorError(
            f"the service at {host} answered with a redirect (HTTP {status}), which the portal "
            "does not follow: correct base_url or the correction's path",
            permanent=True,
        )
    return status
