"""The reports' pages: who may open them, the filters and their mistakes, a CSV file for every
table, the public page's switch, and a number of queries that does not grow with the requests."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit.models import AuditEvent
from portal.reports.cache import CACHE_SECONDS
from portal.reports.figures import DASHBOARD, SLUGS
from portal.reports.synthetic import synthetic_requests_create
from tests.reports.dataset import PERIOD
from tests.reports.forget import forget_kept_figures

pytestmark = pytest.mark.django_db

DASHBOARD_URL = reverse("reports:dashboard")
EXPORT_URL = reverse("reports:export")
STAFF_URLS = [
    DASHBOARD_URL,
    EXPORT_URL + "?table=received",
    reverse("reports:annual"),
    reverse("reports:annual_pdf"),
]
PUBLIC_URLS = [
    reverse("reports:public"),
    reverse("reports:public_annual"),
    reverse("reports:public_annual_pdf"),
]
PERIOD_QUERY = {"date_from": "2025-03-01", "date_to": "2025-04-30"}


# --- Who may look ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", STAFF_URLS)
def test_auditor_and_privacy_officer_open_the_staff_pages(client, auditor, privacy_officer, url):
    for user in (auditor, privacy_officer):
        client.force_login(user)
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", STAFF_URLS)
def test_clerk_steward_and_resident_get_404(client, clerk, steward_a, resident, url):
    for user in (clerk, steward_a, resident):
        client.force_login(user)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", STAFF_URLS)
def test_anonymous_people_are_sent_to_sign_in(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_are_404_while_switched_off(client, settings, url):
    settings.REPORTS_PUBLIC_PAGE = False

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_open_to_anyone_when_switched_on(client, settings, url):
    settings.REPORTS_PUBLIC_PAGE = True

    assert client.get(url).status_code == 200


def test_public_page_never_shows_staff_names_or_the_access_log(client, settings, dataset):
    settings.REPORTS_PUBLIC_PAGE = True
    settings.REPORTS_UNUSUAL_RESIDENTS = 1

    html = client.get(reverse("reports:public")).content.decode()

    assert "Drew" not in html
    assert "Access-log activity" not in html
    assert "Unusual patterns" not in html


# --- The dashboard ----------------------------------------------------------------------------


def test_dashboard_shows_every_table_with_exact_counts(client, auditor, dataset):
    client.force_login(auditor)

    response = client.get(DASHBOARD_URL, PERIOD_QUERY)

    slugs = [item.table.slug for item in response.context["tables"]]
    assert slugs == [figure(PERIOD).slug for figure in DASHBOARD]
    assert not any(item.table.suppressed for item in response.context["tables"])
    html = response.content.decode()
    assert "fewer than 5" not in html.replace("“fewer than 5”", "")
    assert html.count('role="img"') >= 5
    assert '<title id="chart-received-title">' in html


def test_filters_narrow_the_figures(client, auditor, dataset):
    client.force_login(auditor)

    response = client.get(
        DASHBOARD_URL,
        {**PERIOD_QUERY, "kind": "access", "department": dataset.department_a.pk},
    )

    received = response.context["tables"][0].table
    assert received.rows == (("March 2025", "Copy of records", 1, 1, 0, 0, 0),)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"date_from": "31/02/2025"}, "date_from", "Enter the first day as a date"),
        ({"date_to": "yesterday"}, "date_to", "Enter the last day as a date"),
        (
            {"date_from": "2025-04-01", "date_to": "2025-03-01"},
            "date_to",
            "same as or after the first",
        ),
        ({"date_from": "2015-01-01", "date_to": "2025-03-01"}, "date_to", "five years or less"),
        ({"kind": "everything"}, "kind", "Choose a type of request"),
        ({"department": "999999"}, "department", "Choose a department"),
        ({"department": "assessors"}, "department", "Choose a department"),
    ],
)
def test_bad_filters_get_a_message_not_an_error(client, auditor, query, field, message):
    client.force_login(auditor)

    response = client.get(DASHBOARD_URL, query)

    assert response.status_code == 200
    assert field in response.context["form"].errors
    html = response.content.decode()
    assert message in html
    assert "<title>Error:" in html
    assert response.context["tables"]


def test_bad_filter_values_stay_in_the_form(client, auditor):
    client.force_login(auditor)

    html = client.get(DASHBOARD_URL, {"date_from": "31/02/2025"}).content.decode()

    assert 'value="31/02/2025"' in html


# --- CSV ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("slug", sorted(SLUGS))
def test_every_table_downloads_as_csv_with_exact_figures(client, auditor, dataset, settings, slug):
    settings.REPORTS_UNUSUAL_RESIDENTS = 2
    client.force_login(auditor)

    response = client.get(EXPORT_URL, {"table": slug, **PERIOD_QUERY})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"{slug}-2025-03-01-2025-04-30.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    table = SLUGS[slug](PERIOD)
    assert rows[0] == [column.label for column in table.columns]
    assert rows[1:] == [[str(value) for value in row] for row in table.rows]
    assert len(rows) > 1


def test_export_is_recorded_in_the_audit_trail(client, auditor):
    client.force_login(auditor)

    client.get(EXPORT_URL, {"table": "denials", **PERIOD_QUERY})

    event = AuditEvent.objects.get(action="reports.exported")
    assert event.actor_id == auditor.pk
    assert event.details["table"] == "denials"
    assert event.details["date_from"] == "2025-03-01"


@pytest.mark.parametrize(
    "query", [{"table": "nothing"}, {}, {"table": "received", "date_from": "soon"}]
)
def test_export_with_a_bad_table_or_filter_goes_back_to_the_dashboard(client, auditor, query):
    client.force_login(auditor)

    response = client.get(EXPORT_URL, query)

    assert response.status_code == 302
    assert response["Location"].startswith(DASHBOARD_URL)
    assert not AuditEvent.objects.filter(action="reports.exported").exists()


# --- The annual report --------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["twenty", "1999", "3000"])
def test_annual_report_with_a_bad_year_gets_a_message(client, auditor, year):
    client.force_login(auditor)

    response = client.get(reverse("reports:annual"), {"year": year})

    assert response.status_code == 200
    assert "year" in response.context["form"].errors
    assert "<title>Error:" in response.content.decode()


def test_annual_report_pdf_with_a_bad_year_is_404(client, auditor):
    client.force_login(auditor)

    assert client.get(reverse("reports:annual_pdf"), {"year": "soon"}).status_code == 404


def test_annual_report_covers_the_calendar_year(client, auditor, dataset):
    client.force_login(auditor)

    report = client.get(reverse("reports:annual"), {"year": "2025"}).context["report"]

    assert report.filters.date_from.isoformat() == "2025-01-01"
    assert report.filters.date_to.isoformat() == "2025-12-31"
    assert not report.to_date


# --- Queries ------------------------------------------------------------------------------------


def _dashboard_queries(client) -> int:
    forget_kept_figures()  # the figures worked out afresh, not the ones kept from before
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD_URL, {"date_from": "2020-01-01"})
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_the_number_of_requests(client, privacy_officer):
    client.force_login(privacy_officer)
    client.get(DASHBOARD_URL)  # the session's first page does its own one-time work
    synthetic_requests_create(count=20, seed=3)
    with_20 = _dashboard_queries(client)
    synthetic_requests_create(count=180, seed=3)
    with_200 = _dashboard_queries(client)

    assert with_20 == with_200
    assert with_200 <= 32


def test_public_page_queries_do_not_grow_with_the_number_of_requests(client, settings):
    settings.REPORTS_PUBLIC_PAGE = True
    client.get(reverse("reports:public"))
    synthetic_requests_create(count=20, seed=4)
    forget_kept_figures()
    with CaptureQueriesContext(connection) as with_20:
        client.get(reverse("reports:public"))
    synthetic_requests_create(count=180, seed=4)
    forget_kept_figures()
    with CaptureQueriesContext(connection) as with_200:
        client.get(reverse("reports:public"))

    assert len(with_20) == len(with_200)


def _received_total(response) -> int:
    return sum(sum(row[2:]) for row in response.context["tables"][0].table.rows)


def test_figures_are_kept_for_a_few_minutes_then_worked_out_again(
    client, auditor, settings, time_machine
):
    # The process's own cache, whose expiry follows the clock the test moves (Redis keeps its
    # own time).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    everything = {"date_from": "2020-01-01"}
    client.force_login(auditor)
    first = client.get(DASHBOARD_URL, everything)
    synthetic_requests_create(count=5, seed=5)

    kept = client.get(DASHBOARD_URL, everything)
    time_machine.move_to(timezone.now() + dt.timedelta(seconds=CACHE_SECONDS + 1))
    fresh = client.get(DASHBOARD_URL, everything)

    assert kept.context["computed_at"] == first.context["computed_at"]
    assert _received_total(kept) == _received_total(first) == 0
    assert fresh.context["computed_at"] > first.context["computed_at"]
    assert _received_total(fresh) == 5


def test_staff_home_links_report_readers_to_the_dashboard(client, auditor, clerk):
    client.force_login(auditor)
    assert DASHBOARD_URL in client.get(reverse("staff_home")).content.decode()

    client.force_login(clerk)
    assert DASHBOARD_URL not in client.get(reverse("staff_home")).content.decode()
