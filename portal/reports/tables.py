"""The shape every figure takes: a table of plain values, with what each column holds.

Pages, charts, CSV files, the annual report and small-cell suppression all read this one shape,
so a new table is shown, exported and suppressed like the others without further code.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

TEXT = "text"
# A number of requests, runs, entries or residents: suppressed under 5 outside the staff area.
COUNT = "count"
# Figures worked out from counts (medians, shares, durations): hidden outside the staff area
# when a count in the same row is suppressed, since they could give it away.
DERIVED = "derived"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT

    @property
    def is_count(self) -> bool:
        return self.kind == COUNT

    @property
    def is_numeric(self) -> bool:
        return self.kind != TEXT


@dataclass(frozen=True)
class Chart:
    """Which columns a chart draws: one bar (or point) per distinct value of `label_column`,
    its height the sum of the `value_columns` over the rows with that value."""

    kind: str  # "bar" or "line"
    label_column: int
    value_columns: tuple[int, ...]
    # What the height measures, when not the one value column's name.
    measure: str = ""


@dataclass(frozen=True)
class Table:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Any, ...], ...]
    chart: Chart | None = None
    # Links shown with a row (staff pages only): row index -> (label, url).
    links: dict[int, tuple[str, str]] = field(default_factory=dict)
    suppressed: bool = False

    def with_rows(self, rows: list[tuple[Any, ...]], **changes: Any) -> Table:
        return replace(self, rows=tuple(rows), **changes)

    @property
    def count_columns(self) -> list[int]:
        return [index for index, column in enumerate(self.columns) if column.is_count]
