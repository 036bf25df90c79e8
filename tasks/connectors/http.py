"""The `http` connector: a department's JSON web service, called through httpclient.py.

Configuration:
    {"base_url": "https://water.example.gov/api",
     "token_env": "WATER_API_TOKEN",                 # optional; the token itself is never stored
     "lookups": {"<name>": {
         "path": "/accounts/{account_number}",       # {placeholders} are lookup parameters
         "method": "GET",                            # or POST: params go in a JSON body instead
         "params": {"dob": "{date_of_birth}", "include": "bills"},
         "record_type": "water_account",
         "key": "account_number",                    # the field that identifies a record
         "records": "data.accounts",                 # where the list is in the answer; optional
         "not_found": "error"}},                     # or "empty": a 404 means no records
     # Optional: writing approved corrections back, per kind of record and field.
     "corrections": {"<record_type>": {"<field>": {
         "path": "/accounts/{key}/mailing-address",  # {key} is the record's key, nothing else
         "method": "PUT",                            # or PATCH or POST
         "read_path": "/accounts/{key}",             # reads the value back, by GET
         "read_field": "mailing_address"}}}}         # a dotted path in that answer

A write sends {"expected": <what the resident saw>, "value": <new>} with an Idempotency-Key
header (the same on every try of one write-back); 200/204 is applied, 409 is a conflict (the
value is then read back), and no answer once sent is an unknown outcome.

A parameter is only ever data: in the path it is percent-encoded as one segment (a "/" or ".."
in it cannot move the request elsewhere), in the query string or body it is encoded by httpx.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from string import Formatter
from typing import Any
from urllib.parse import quote

import httpx

from tasks.connectors.base import (
    Connector,
    ConnectorError,
    ConnectorUnknownOutcome,
    SourceRecord,
    WriteOutcome,
    WriteResult,
    corrections_settings,
    corrections_shape_problems,
    values_equal,
)
from tasks.connectors.httpclient import request_json, send_json, token_env_problem, url_problem

SETTINGS = frozenset({"base_url", "token_env", "lookups", "corrections"})
WRITE_SETTINGS = frozenset({"path", "method", "read_path", "read_field"})
WRITE_METHODS = frozenset({"PUT", "PATCH", "POST"})
LOOKUP_SETTINGS = frozenset(
    {"path", "method", "params", "record_type", "key", "records", "not_found"}
)
METHODS = frozenset({"GET", "POST"})
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
WHOLE_PLACEHOLDER = re.compile(r"^\{([A-Za-z_][A-Za-z0-9_]*)\}$")


def _path_parts(path: str) -> Iterator[tuple[str, str | None]]:
    """(fixed text, placeholder name or None) pairs; ValueError when a brace is unmatched or a
    placeholder is anything but a plain name."""
    for text, name, spec, conversion in Formatter().parse(path):
        if name is not None and (not NAME.match(name) or spec or conversion):
            raise ValueError(name)
        yield text, name


def _path_problem(path: Any) -> str | None:
    if not isinstance(path, str) or not path.startswith("/"):
        return "needs a path starting with /"
    if any(mark in path for mark in ("?", "#", "\\", "://")):
        return "path must not hold ?, #, \\ or :// (put query parameters in params)"
    if ".." in path.split("/") or "." in path.split("/"):
        return "path must not hold . or .. segments"
    try:
        list(_path_parts(path))
    except ValueError:
        return "path placeholders must be plain names in braces, like {account_number}"
    return None


def _params_problem(params: Any) -> str | None:
    if not isinstance(params, dict):
        return "params must be a JSON object"
    for name, value in params.items():
        if not isinstance(value, str):
            return f"params value for {name!r} must be text"
        if ("{" in value or "}" in value) and not WHOLE_PLACEHOLDER.match(value):
            return f"params value for {name!r} must be fixed text or one {{placeholder}}"
    return None


def _lookup_problems(name: str, lookup: Any) -> list[str]:
    if not isinstance(lookup, dict):
        return [f"lookup {name!r} must be a JSON object"]
    problems = [
        f"lookup {name!r}: unknown setting {key!r}" for key in lookup.keys() - LOOKUP_SETTINGS
    ]
    if problem := _path_problem(lookup.get("path")):
        problems.append(f"lookup {name!r} {problem}")
    if str(lookup.get("method", "GET")).upper() not in METHODS:
        problems.append(f"lookup {name!r}: method must be GET or POST")
    if problem := _params_problem(lookup.get("params", {})):
        problems.append(f"lookup {name!r}: {problem}")
    if not isinstance(lookup.get("key"), str) or not lookup["key"]:
        problems.append(f"lookup {name!r} needs key, the field that identifies a record")
    if "records" in lookup and not (isinstance(lookup["records"], str) and lookup["records"]):
        problems.append(f"lookup {name!r}: records must be a dotted path like data.accounts")
    if lookup.get("not_found", "error") not in ("error", "empty"):
        problems.append(f"lookup {name!r}: not_found must be error or empty")
    return problems


def _write_path_problem(path: Any) -> str | None:
    if problem := _path_problem(path):
        return problem
    names = {name for _fixed, name in _path_parts(path) if name}
    if names != {"key"}:
        return "path must hold {key}, the record's key, and no other placeholder"
    return None


def _corrections_problems(corrections: Any) -> list[str]:
    if shape := corrections_shape_problems(corrections):
        return shape
    problems = []
    for record_type, fields in corrections.items():
        for field_name, write in fields.items():
            where = f"corrections of {record_type}.{field_name}"
            if unknown := sorted(write.keys() - WRITE_SETTINGS):
                problems.append(f"{where}: unknown setting {unknown[0]!r}")
            if problem := _write_path_problem(write.get("path")):
                problems.append(f"{where}: {problem}")
            if problem := _write_path_problem(write.get("read_path")):
                problems.append(f"{where}: read_{problem}")
            if str(write.get("method", "PUT")).upper() not in WRITE_METHODS:
                problems.append(f"{where}: method must be PUT, PATCH or POST")
            if not isinstance(write.get("read_field"), str) or not write["read_field"]:
                problems.append(f"{where} needs read_field, where the value is in the answer")
    return problems


def _text(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


def _segment(value: str) -> str:
    """One path segment: everything but unreserved characters percent-encoded, and a value of
    only dots encoded too, so it cannot be read as "this folder" or "the folder above"."""
    quoted = quote(value, safe="")
    return quoted.replace(".", "%2E") if set(quoted) == {"."} else quoted


class HttpConnector(Connector):
    kind = "http"

    @classmethod
    def configuration_problems(cls, configuration: Mapping[str, Any]) -> list[str]:
        problems = [f"unknown setting {key!r}" for key in sorted(configuration.keys() - SETTINGS)]
        base_url = configuration.get("base_url")
        if not isinstance(base_url, str) or not base_url:
            problems.append("base_url must give the service's address, like https://host/api")
        elif problem := url_problem(base_url):
            problems.append(f"base_url: {problem}")
        elif httpx.URL(base_url).query or httpx.URL(base_url).fragment:
            problems.append("base_url must not hold ? or #: put query parameters in params")
        if "token_env" in configuration and (
            problem := token_env_problem(configuration["token_env"])
        ):
            problems.append(problem)
        lookups = configuration.get("lookups")
        if not isinstance(lookups, dict) or not lookups:
            problems.append("lookups must name at least one lookup")
            return problems
        for name, lookup in lookups.items():
            problems += _lookup_problems(name, lookup)
        if (corrections := corrections_settings(configuration)) is not None:
            problems += _corrections_problems(corrections)
        return problems

    @classmethod
    def parameter_names(cls, configuration: Mapping[str, Any]) -> set[str] | None:
        names: set[str] = set()
        lookups = configuration.get("lookups")
        for lookup in lookups.values() if isinstance(lookups, dict) else ():
            if not isinstance(lookup, dict) or _lookup_problems("", lookup):
                continue
            names |= {name for _fixed, name in _path_parts(lookup["path"]) if name}
            for value in lookup.get("params", {}).values():
                if match := WHOLE_PLACEHOLDER.match(value):
                    names.add(match.group(1))
        return names

    def lookup(self, *, name: str, parameters: Mapping[str, Any]) -> list[SourceRecord]:
        if problems := self.configuration_problems(self.configuration):
            raise ConnectorError("; ".join(problems), permanent=True)
        lookup = self.configuration["lookups"].get(name)
        if lookup is None:
            raise ConnectorError(f"no lookup named {name!r} is configured", permanent=True)

        def parameter(wanted: str) -> str:
            value = parameters.get(wanted)
            if value is None or _text(value) == "":
                raise ConnectorError(
                    f"lookup {name!r} needs the parameter {wanted!r}", permanent=True
                )
            return _text(value)

        path = "".join(
            text + (_segment(parameter(wanted)) if wanted else "")
            for text, wanted in _path_parts(lookup["path"])
        )
        values = {
            key: parameter(match.group(1)) if (match := WHOLE_PLACEHOLDER.match(value)) else value
            for key, value in lookup.get("params", {}).items()
        }
        method = str(lookup.get("method", "GET")).upper()
        body = request_json(
            url=str(self.configuration["base_url"]).rstrip("/") + path,
            timeout_seconds=self.source.timeout_seconds,
            method=method,
            params=values if method == "GET" else None,
            json_body=values if method == "POST" else None,
            token_env=self.configuration.get("token_env"),
            not_found_is_empty=lookup.get("not_found") == "empty",
        )
        return [
            self._record(item, lookup=lookup, name=name)
            for item in self._items(body, lookup.get("records"))
        ]

    @staticmethod
    def _items(body: Any, records: str | None) -> list[Any]:
        found = body
        for step in records.split(".") if records else ():
            if not isinstance(found, dict) or step not in found:
                raise ConnectorError(
                    f"the answer has no {records!r}: check the lookup's records setting",
                    permanent=True,
                )
            found = found[step]
        if found is None:
            return []
        if isinstance(found, dict):
            return [found]
        if isinstance(found, list):
            return found
        raise ConnectorError(
            "the answer is not a record or a list of records: check the lookup's records setting",
            permanent=True,
        )

    @staticmethod
    def _record(item: Any, *, lookup: Mapping[str, Any], name: str) -> SourceRecord:
        key = lookup["key"]
        if not isinstance(item, dict) or item.get(key) in (None, ""):
            raise ConnectorError(
                f"a record in the answer has no {key!r}: check the lookup's key setting",
                permanent=True,
            )
        return SourceRecord(
            key=str(item[key]), record_type=lookup.get("record_type", name), fields=dict(item)
        )

    # --- Writing corrections back ---

    def _write_settings_checked(self, *, record_type: str, field_name: str) -> Any:
        if problems := self.configuration_problems(self.configuration):
            raise ConnectorError("; ".join(problems), permanent=True)
        return self.write_settings(record_type=record_type, field_name=field_name)

    def _url(self, path: str, key: str) -> str:
        filled = "".join(text + (_segment(key) if name else "") for text, name in _path_parts(path))
        return str(self.configuration["base_url"]).rstrip("/") + filled

    def read_value(self, *, record_type: str, field_name: str, key: str) -> Any:
        write = self._write_settings_checked(record_type=record_type, field_name=field_name)
        body = request_json(
            url=self._url(write["read_path"], key),
            timeout_seconds=self.source.timeout_seconds,
            token_env=self.configuration.get("token_env"),
        )
        found = body
        for step in write["read_field"].split("."):
            if not isinstance(found, dict) or step not in found:
                raise ConnectorError(
                    f"the answer has no {write['read_field']!r}: check the correction's "
                    "read_field setting",
                    permanent=True,
                )
            found = found[step]
        return found

    def apply_change(
        self,
        *,
        record_type: str,
        field_name: str,
        key: str,
        expected: Any,
        new: Any,
        idempotency_key: str,
    ) -> WriteOutcome:
        write = self._write_settings_checked(record_type=record_type, field_name=field_name)
        url = self._url(write["path"], key)
        status = send_json(
            url=url,
            timeout_seconds=self.source.timeout_seconds,
            method=str(write.get("method", "PUT")).upper(),
            json_body={"expected": expected, "value": new},
            headers={"Idempotency-Key": idempotency_key},
            token_env=self.configuration.get("token_env"),
        )
        if status in (200, 201, 204):
            return WriteOutcome(WriteResult.APPLIED, new)
        if status == 409:
            found = self.read_value(record_type=record_type, field_name=field_name, key=key)
            if values_equal(found, new):
                return WriteOutcome(WriteResult.ALREADY, found)
            return WriteOutcome(WriteResult.CONFLICT, found)
        host = httpx.URL(url).host.lower()
        if status == 429:
            raise ConnectorError(
                f"the service at {host} is busy (HTTP 429): the change was not taken",
                permanent=False,
            )
        if status >= 500:
            # A service failing while it handled the change may have applied part of it.
            raise ConnectorUnknownOutcome(
                f"the service at {host} had an error while handling the change (HTTP {status})"
            )
        raise ConnectorError(
            f"the service at {host} refused the change (HTTP {status}): check the correction's "
            "configuration",
            permanent=True,
        )
