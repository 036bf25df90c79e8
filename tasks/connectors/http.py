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
         "not_found": "error"}}}                     # or "empty": a 404 means no records

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

from tasks.connectors.base import Connector, ConnectorError, SourceRecord
from tasks.connectors.httpclient import request_json, token_env_problem, url_problem

SETTINGS = frozenset({"base_url", "token_env", "lookups"})
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
