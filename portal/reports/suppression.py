"""Small-cell suppression (LAW.md, "Uses"): outside the staff area a count from 1 to 4 is shown
as "fewer than 5", so no figure can point at one resident or a handful.

A figure worked out from counts (a share, a median) is hidden in any row where a count is
suppressed, since it could give the count away. Zero is shown: it names nobody.
"""

from __future__ import annotations

from typing import Any

from portal.reports.tables import DERIVED, Table

THRESHOLD = 5
FEWER_THAN = "fewer than 5"
NOT_SHOWN = "not shown: fewer than 5"


def is_small(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < THRESHOLD


def suppress(table: Table) -> Table:
    counts = table.count_columns
    derived = [index for index, column in enumerate(table.columns) if column.kind == DERIVED]
    rows = []
    for row in table.rows:
        cells = list(row)
        small = [index for index in counts if is_small(cells[index])]
        for index in small:
            cells[index] = FEWER_THAN
        if small:
            for index in derived:
                cells[index] = NOT_SHOWN
        rows.append(tuple(cells))
    # Suppressed figures leave the staff area: they carry no links into it.
    return table.with_rows(rows, suppressed=True, links={})
