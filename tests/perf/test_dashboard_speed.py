"""Benchmark, run apart (`make benchmark PYTEST_ARGS="-k dashboard_speed"`): the reports
dashboard over 100,000 synthetic requests (`manage.py reports_synthetic_requests`). Figures are
printed, never asserted: with the figures worked out (the cache emptied before each request) and
kept (portal/reports/cache.py). The suite asserts that the number of queries does not grow with the
requests (tests/reports/test_views.py). `PORTAL_BENCHMARK_REPORT_REQUESTS=10000` makes a quicker
run."""

import os
import statistics
import time

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import StaffFactory
from tests.reports.forget import forget_kept_figures

pytestmark = pytest.mark.django_db

REQUESTS = int(os.environ.get("PORTAL_BENCHMARK_REPORT_REQUESTS", "100000"))
ROUNDS = 30


def _measure(call) -> dict[str, float]:
    for _ in range(3):
        call()
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    samples.sort()
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": samples[int(len(samples) * 0.95)],
        "max_ms": samples[-1],
    }


def test_dashboard_render_time(client):
    started = time.perf_counter()
    call_command("reports_synthetic_requests", count=REQUESTS, seed=1)
    made = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    client.force_login(StaffFactory(role="privacy_officer"))
    print(f"\nBENCHMARK reports: {REQUESTS} synthetic requests made in {made:.1f} s")
    for name, query in (
        ("the last 12 months (default)", {}),
        ("two years, every request", {"date_from": "2000-01-01"}),
        ("two years, one type", {"date_from": "2000-01-01", "kind": "access"}),
    ):
        forget_kept_figures()
        # The log keeps the last 9,000 queries; a full log would show no new ones.
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as queries:
            client.get("/staff/reports/", query)
        query_count = len(queries)

        def worked_out(query=query):
            forget_kept_figures()
            return client.get("/staff/reports/", query)

        for how, call in (
            ("figures worked out", worked_out),
            ("figures kept", lambda query=query: client.get("/staff/reports/", query)),
        ):
            figures = _measure(call)
            line = ", ".join(f"{key} {value:.1f}" for key, value in figures.items())
            print(
                f"BENCHMARK GET /staff/reports/ {name}, {how}: {line} over {ROUNDS} requests "
                f"({connection.vendor})"
            )
        print(f"BENCHMARK GET /staff/reports/ {name}: {query_count} queries worked out")
