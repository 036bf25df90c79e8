"""Tables as the pages, the PDF and the CSV files show them: each with its chart, each cell
marked as a number or text."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.safestring import SafeString

from portal.reports.charts import chart_svg
from portal.reports.tables import Table


@dataclass(frozen=True)
class Cell:
    value: Any
    numeric: bool
    count: bool


@dataclass(frozen=True)
class RowView:
    heading: Any
    cells: list[Cell]
    link: tuple[str, str] | None


@dataclass(frozen=True)
class TableView:
    table: Table
    chart: SafeString | None
    rows: list[RowView]


def table_views(tables: list[Table]) -> list[TableView]:
    views = []
    for table in tables:
        rows = []
        for index, row in enumerate(table.rows):
            cells = [
                Cell(value=value, numeric=column.is_numeric, count=column.is_count)
                for value, column in zip(row[1:], table.columns[1:], strict=True)
            ]
            rows.append(RowView(heading=row[0], cells=cells, link=table.links.get(index)))
        views.append(TableView(table=table, chart=chart_svg(table), rows=rows))
    return views


def csv_rows(table: Table) -> list[list[Any]]:
    return [[column.label for column in table.columns], *[list(row) for row in table.rows]]
