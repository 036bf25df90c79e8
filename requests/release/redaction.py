"""Applying a clerk's redactions to one record's fields: a whole field held back, or a value held
back wherever it appears. Pure functions; the rows come from `Redaction` (models.py).

A redacted value leaves no trace: the field keeps its name and shows the exemption instead, and a
value found inside a longer text is cut out of it (case-insensitively, since a department may
hold "SMITH" where the clerk typed "Smith").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RedactionMark:
    field: str
    exemption: str
    label: str


@dataclass(frozen=True)
class ValueRedaction:
    value: str
    exemption: str
    label: str


def withheld_text(label: str) -> str:
    return f"[withheld: {label}]"


def _paths(value: Any, prefix: str) -> Any:
    """Yield (path, value) for every leaf of a nested JSON value."""
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _paths(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _paths(inner, f"{prefix}.{index}" if prefix else str(index))
    else:
        yield prefix, value


def _replace_values(value: Any, patterns: Sequence[tuple[re.Pattern[str], str]]) -> Any:
    if isinstance(value, Mapping):
        return {key: _replace_values(inner, patterns) for key, inner in value.items()}
    if isinstance(value, list):
        return [_replace_values(inner, patterns) for inner in value]
    if value is None or isinstance(value, bool):
        return value
    text = value if isinstance(value, str) else str(value)
    changed = text
    for pattern, replacement in patterns:
        changed = pattern.sub(replacement, changed)
    return changed if changed != text else value


def _drop_path(value: Any, path: list[str], replacement: str) -> Any:
    if not path:
        return replacement
    head, rest = path[0], path[1:]
    if isinstance(value, Mapping) and head in value:
        return {
            key: (_drop_path(inner, rest, replacement) if key == head else inner)
            for key, inner in value.items()
        }
    if isinstance(value, list) and head.isdigit() and int(head) < len(value):
        index = int(head)
        return [
            _drop_path(inner, rest, replacement) if position == index else inner
            for position, inner in enumerate(value)
        ]
    return value


def redact_fields(
    fields: Mapping[str, Any],
    *,
    field_marks: Sequence[RedactionMark] = (),
    values: Sequence[ValueRedaction] = (),
) -> tuple[dict[str, Any], list[RedactionMark]]:
    """The fields with every redaction applied, and a mark per redacted field (for the index and
    the letter). A field path names a top-level field or a nested one ("contacts.0.phone")."""
    result: Any = dict(fields)
    marks: list[RedactionMark] = []
    for mark in field_marks:
        before = result
        result = _drop_path(result, mark.field.split("."), withheld_text(mark.label))
        if result != before:
            marks.append(mark)
    usable = [item for item in values if item.value.strip()]
    if usable:
        patterns = [
            (re.compile(re.escape(item.value.strip()), re.IGNORECASE), withheld_text(item.label))
            for item in sorted(usable, key=lambda item: -len(item.value.strip()))
        ]
        before_leaves = dict(_paths(result, ""))
        result = _replace_values(result, patterns)
        for path, leaf in _paths(result, ""):
            if leaf != before_leaves.get(path):
                label = next(
                    (item for item in usable if withheld_text(item.label) in str(leaf)), usable[0]
                )
                marks.append(
                    RedactionMark(field=path, exemption=label.exemption, label=label.label)
                )
    return dict(result), marks
