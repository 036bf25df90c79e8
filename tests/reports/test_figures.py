"""Every table of the dashboard on a small fixed data set (tests/reports/dataset.py), against
figures worked out by hand."""

import datetime as dt
from dataclasses import replace

import pytest

from portal.reports import figures
from portal.reports.figures import BusinessDayCounter, nearest_rank
from tests.reports.dataset import PERIOD

pytestmark = pytest.mark.django_db


def test_requests_received_by_month_type_and_channel(dataset):
    table = figures.requests_received(PERIOD)

    assert [column.label for column in table.columns] == [
        "Month",
        "Type",
        "Website",
        "Email",
        "Mail",
        "In person",
        "Phone",
    ]
    assert table.rows == (
        ("March 2025", "Copy of records", 2, 1, 0, 0, 0),
        ("March 2025", "Inquiry", 1, 0, 0, 0, 0),
        ("April 2025", "Copy of records", 1, 0, 0, 0, 0),
        ("April 2025", "Inquiry", 0, 0, 1, 0, 0),
    )


def test_requests_closed_count_in_the_month_they_were_first_answered(dataset):
    assert figures.requests_closed(PERIOD).rows == (
        ("March 2025", "Copy of records", 2, 0, 0, 0, 0),
        ("March 2025", "Correction", 1, 0, 0, 0, 0),
        ("March 2025", "Inquiry", 1, 0, 0, 0, 0),
        ("April 2025", "Copy of records", 0, 1, 0, 0, 0),
    )


def test_response_times_in_business_days_skip_weekends_and_patriots_day(dataset):
    # First response: R1 2 (its written response), R2 30, R5 5 -> median 5, 90th 30;
    # R3 4; R6 8. Release: R1 9, R2 30 -> median 9, 90th 30.
    assert figures.response_times(PERIOD).rows == (
        ("Inquiry", "First response", 1, "4", "4"),
        ("Copy of records", "First response", 3, "5", "30"),
        ("Correction", "First response", 1, "8", "8"),
        ("Copy of records", "Release", 2, "9", "30"),
    )


def test_answered_on_time_compares_the_answer_with_the_final_due_date(dataset):
    assert figures.answered_on_time(PERIOD).rows == (
        ("Inquiry", 1, 1, 0, "100%"),
        ("Copy of records", 3, 2, 1, "67%"),
        ("Correction", 1, 1, 0, "100%"),
    )


def test_open_requests_by_business_days_since_received(dataset):
    assert figures.open_by_age(PERIOD).rows == (
        ("0 to 10", "Copy of records", 1),
        ("over 55", "Inquiry", 1),
    )


def test_extensions_among_requests_received(dataset):
    assert figures.extensions(PERIOD).rows == (
        ("Inquiry", 2, 0, "0%"),
        ("Copy of records", 4, 1, "25%"),
    )


def test_denials_withheld_sources_and_redactions_by_exemption(dataset, settings):
    labels = {code: str(label) for code, label in settings.REQUESTS_EXEMPTIONS.items()}
    assert figures.denials_by_exemption(PERIOD).rows == (
        (labels["26a"], 0, 0, 1),
        (labels["26c"], 1, 1, 0),
        (labels["26n"], 1, 0, 0),
        (labels["26o"], 0, 0, 0),  # its one redaction was withdrawn
        (labels["26p"], 0, 0, 0),
    )


def test_corrections_by_department_and_state(dataset):
    assert figures.corrections(PERIOD).rows == (("Assessors", 0, 0, 1, 1, 1, 0),)


def test_source_runs_failures_and_time_to_gather(dataset):
    assert figures.source_runs(PERIOD).rows == (
        ("Assessors", "Source assessors-roll", 2, 1, "2 min 0 s", "2 min 0 s"),
        ("Water and Sewer Billing", "Source water-billing", 1, 0, "30 s", "30 s"),
    )


def test_access_log_activity_by_role(dataset):
    assert figures.access_by_role(PERIOD).rows == (
        ("Clerk", "Exported", 1, 0),
        ("Clerk", "Viewed", 5, 4),
        ("Privacy officer", "Viewed", 1, 0),
    )


def test_unusual_access_lists_staff_over_the_threshold_of_residents(dataset, settings):
    settings.REPORTS_UNUSUAL_RESIDENTS = 2
    table = figures.unusual_access(PERIOD)

    assert table.rows == (("Drew Dale", "Clerk", 2, 3),)
    _label, url = table.links[0]
    assert url.startswith("/staff/access-log/?")
    assert f"actor={dataset.second_clerk.pk}" in url


def test_unusual_access_lists_nobody_under_the_threshold(dataset, settings):
    settings.REPORTS_UNUSUAL_RESIDENTS = 3

    assert figures.unusual_access(PERIOD).rows == ()


def test_type_filter_keeps_only_that_type(dataset):
    access_only = replace(PERIOD, kind="access")

    assert figures.requests_received(access_only).rows == (
        ("March 2025", "Copy of records", 2, 1, 0, 0, 0),
        ("April 2025", "Copy of records", 1, 0, 0, 0, 0),
    )
    assert figures.extensions(access_only).rows == (("Copy of records", 4, 1, "25%"),)


def test_department_filter_keeps_requests_runs_corrections_and_accesses_of_it(dataset):
    assessors = replace(PERIOD, department_id=dataset.department_a.pk)

    assert figures.requests_received(assessors).rows == (
        ("March 2025", "Copy of records", 1, 1, 0, 0, 0),
    )
    assert [row[0] for row in figures.source_runs(assessors).rows] == ["Assessors"]
    assert figures.corrections(assessors).rows == (("Assessors", 0, 0, 1, 1, 1, 0),)
    assert figures.access_by_role(assessors).rows == (
        ("Clerk", "Exported", 1, 0),
        ("Clerk", "Viewed", 3, 2),
    )


def test_period_filter_excludes_what_is_outside_it(dataset):
    march = replace(PERIOD, date_to=dt.date(2025, 3, 31))

    assert [row[0] for row in figures.requests_received(march).rows] == ["March 2025"] * 2
    assert figures.requests_closed(march).rows[-1][0] == "March 2025"


def test_business_day_counter_agrees_with_the_calendar(db):
    from requests.calendar import business_calendar

    calendar = business_calendar()
    days = [dt.date(2025, 1, 1) + dt.timedelta(days=n) for n in range(200)]
    counter = BusinessDayCounter(days)

    for start in days[::7]:
        for end in days[::11]:
            assert counter.between(start, end) == calendar.business_days_between(start, end)


def test_nearest_rank_percentiles():
    assert nearest_rank([(2, 1), (30, 1), (5, 1)], 0.5) == 5
    assert nearest_rank([(2, 1), (30, 1), (5, 1)], 0.9) == 30
    assert nearest_rank([(1, 9), (100, 1)], 0.9) == 1
    assert nearest_rank([(1, 9), (100, 1)], 0.91) == 100
    assert nearest_rank([], 0.5) is None
