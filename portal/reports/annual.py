"""The annual report a Records Access Officer publishes: the published figures for one calendar
year, small cells suppressed, as an HTML page and a tagged PDF of the same document."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from portal.reports.cache import figures_cached
from portal.reports.figures import ReportFilters, published_tables
from portal.reports.presenters import TableView, table_views


@dataclass(frozen=True)
class AnnualReport:
    year: int
    filters: ReportFilters
    to_date: bool  # the year is not over: figures so far
    tables: list[TableView]
    computed_at: datetime


def annual_report(*, year: int) -> AnnualReport:
    today = timezone.localdate()
    last_day = min(date(year, 12, 31), today)
    filters = ReportFilters(date_from=date(year, 1, 1), date_to=last_day)
    figures = figures_cached(name="published", filters=filters, compute=published_tables)
    return AnnualReport(
        year=year,
        filters=filters,
        to_date=last_day < date(year, 12, 31),
        tables=table_views(figures.tables),
        computed_at=figures.computed_at,
    )


def annual_report_pdf(*, report: AnnualReport) -> bytes:
    """A tagged, accessible PDF (PDF/UA-1) of the same document the page shows."""
    from weasyprint import CSS, HTML

    document = render_to_string(
        "reports/annual_document.html", {"report": report, "city_name": settings.CITY_NAME}
    )
    stylesheet = CSS(string=render_to_string("reports/annual.css"))
    return HTML(string=document, base_url=str(settings.BASE_DIR)).write_pdf(
        stylesheets=[stylesheet], pdf_variant="pdf/ua-1"
    )
