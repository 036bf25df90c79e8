"""The statistics pages: the dashboard and its CSV exports for the privacy officer and auditors,
the annual report, and the public page of aggregated figures.

The dashboard shows aggregates only, never one resident's data, so reading it is not an access to
log; an export is recorded in the audit trail. Pages show figures at most a few minutes old
(portal/reports/cache.py); a CSV export is always worked out afresh. Staff pages answer 404 to
anyone but the report readers, as the audit pages do. Public pages answer 404 unless
REPORTS_PUBLIC_PAGE is on, and show only suppressed figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.access.scope import may_read_reports
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record
from portal.reports.annual import annual_report, annual_report_pdf
from portal.reports.cache import figures_cached
from portal.reports.figures import SLUGS, ReportFilters, dashboard_tables, published_tables
from portal.reports.forms import ReportFilterForm, YearForm, default_period
from portal.reports.presenters import csv_rows, table_views

FILTER_NAMES = ("date_from", "date_to", "kind", "department")


def report_reader_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not may_read_reports(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def public_page_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.REPORTS_PUBLIC_PAGE:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _departments() -> list[tuple[int, str]]:
    from requests.models import Department

    return list(Department.objects.order_by("name").values_list("pk", "name"))


def _filter_form(request: HttpRequest) -> ReportFilterForm:
    data = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        if request.GET.get(name):
            data[name] = request.GET[name]
    form = ReportFilterForm(data or None, departments=_departments())
    form.is_valid()
    return form


def _filter_query(request: HttpRequest) -> str:
    kept = QueryDict(mutable=True)
    for name in FILTER_NAMES:
        if request.GET.get(name):
            kept[name] = request.GET[name]
    return kept.urlencode()


@report_reader_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request)
    filters = form.filters()
    figures = figures_cached(name="dashboard", filters=filters, compute=dashboard_tables)
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "filters": filters,
            "tables": table_views(figures.tables),
            "computed_at": figures.computed_at,
            "filter_query": _filter_query(request),
            "may_review_flags": request.user.role == "privacy_officer",
        },
    )


def _csv_response(rows: list[list[Any]], *, filename: str) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@report_reader_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """One table of the dashboard as CSV, exact figures, for the filters in use."""
    form = _filter_form(request)
    figure = SLUGS.get(request.GET.get("table", ""))
    if form.errors or figure is None:
        # The dashboard says what is wrong with the filters, and lists the tables.
        return redirect(reverse("reports:dashboard") + "?" + _filter_query(request))
    filters = form.filters()
    table = figure(filters)
    audit_record(
        action="reports.exported",
        category=AuditCategory.RECORD,
        actor=request.user,
        details={**filters.codes(), "table": table.slug, "format": "csv"},
    )
    return _csv_response(
        csv_rows(table),
        filename=f"{table.slug}-{filters.date_from.isoformat()}-{filters.date_to.isoformat()}.csv",
    )


def _annual(request: HttpRequest, *, public: bool) -> HttpResponse:
    form = YearForm(request.GET)
    form.is_valid()
    report = annual_report(year=form.chosen_year())
    return render(
        request, "reports/annual.html", {"form": form, "report": report, "public": public}
    )


def _annual_pdf(request: HttpRequest) -> HttpResponse:
    form = YearForm(request.GET)
    if not form.is_valid():
        raise Http404
    report = annual_report(year=form.chosen_year())
    response = HttpResponse(annual_report_pdf(report=report), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="annual-report-{report.year}.pdf"'
    return response


@report_reader_required
@require_GET
def annual(request: HttpRequest) -> HttpResponse:
    return _annual(request, public=False)


@report_reader_required
@require_GET
def annual_pdf(request: HttpRequest) -> HttpResponse:
    return _annual_pdf(request)


@public_page_required
@require_GET
def public_annual(request: HttpRequest) -> HttpResponse:
    return _annual(request, public=True)


@public_page_required
@require_GET
def public_annual_pdf(request: HttpRequest) -> HttpResponse:
    return _annual_pdf(request)


@public_page_required
@require_GET
def public(request: HttpRequest) -> HttpResponse:
    """The last twelve months' published figures, for anyone."""
    first, last = default_period()
    filters = ReportFilters(date_from=first, date_to=last)
    figures = figures_cached(name="published", filters=filters, compute=published_tables)
    return render(
        request,
        "reports/public.html",
        {
            "filters": filters,
            "tables": table_views(figures.tables),
            "computed_at": figures.computed_at,
        },
    )
