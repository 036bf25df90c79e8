"""Every figure that leaves the staff area shows a count from 1 to 4 as "fewer than 5" and never
the count itself: the public page, the annual report page (staff and public) and its PDF. The
checks run over every published table, so a table added to the published set is covered."""

import io
import re

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from portal.reports import figures
from portal.reports.figures import PUBLISHED, ReportFilters
from portal.reports.suppression import FEWER_THAN, NOT_SHOWN, suppress
from portal.reports.tables import COUNT, DERIVED, TEXT, Column, Table
from tests.reports.dataset import PERIOD

SMALL = {"1", "2", "3", "4"}
YEAR_2025 = ReportFilters(
    date_from=PERIOD.date_from.replace(month=1, day=1),
    date_to=PERIOD.date_to.replace(month=12, day=31),
)


def _small_cells(table: Table) -> int:
    return sum(
        1 for row in table.rows for index in table.count_columns if row[index] in (1, 2, 3, 4)
    )


# --- The rule itself ------------------------------------------------------------------------


cells = st.integers(min_value=0, max_value=40)


# No deadline: on a busy shared machine the first example can be slow.
@hypothesis_settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(min_size=1, max_size=5), cells, cells, st.text(max_size=4)),
        max_size=12,
    )
)
def test_suppress_leaves_no_count_from_1_to_4_and_hides_figures_beside_one(rows):
    table = Table(
        slug="any",
        title="Any",
        description="",
        columns=(
            Column("Label", TEXT),
            Column("A", COUNT),
            Column("B", COUNT),
            Column("D", DERIVED),
        ),
        rows=tuple(rows),
    )

    shown = suppress(table)

    assert shown.suppressed
    for exact, public in zip(table.rows, shown.rows, strict=True):
        assert public[0] == exact[0]
        for index in (1, 2):
            if exact[index] in (1, 2, 3, 4):
                assert public[index] == FEWER_THAN
            else:
                assert public[index] == exact[index]
        small = any(exact[index] in (1, 2, 3, 4) for index in (1, 2))
        assert public[3] == (NOT_SHOWN if small else exact[3])


def test_zero_and_five_are_shown():
    table = Table("t", "T", "", (Column("L"), Column("N", COUNT)), (("a", 0), ("b", 5)))

    assert suppress(table).rows == (("a", 0), ("b", 5))


# --- Every published table, on the fixed data set --------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("figure", PUBLISHED, ids=lambda figure: figure.__name__)
def test_every_published_table_suppresses_its_small_counts(dataset, figure):
    exact = figure(PERIOD)
    assert exact.count_columns, "a published table must say which columns are counts"
    # Not a vacuous check: the fixed data set gives every published table small counts.
    assert _small_cells(exact) > 0

    public = suppress(exact)

    assert _small_cells(public) == 0
    assert sum(row.count(FEWER_THAN) for row in public.rows) == _small_cells(exact)


@pytest.mark.django_db
def test_published_tables_are_all_suppressed(dataset):
    tables = figures.published_tables(PERIOD)

    assert [table.slug for table in tables] == [figure(PERIOD).slug for figure in PUBLISHED]
    assert all(table.suppressed and _small_cells(table) == 0 for table in tables)


# --- What leaves the staff area, as people receive it -----------------------------------------


def _cells_shown_as_counts(html: str) -> list[str]:
    return [cell.strip() for cell in re.findall(r'<td[^>]*data-kind="count"[^>]*>(.*?)</td>', html)]


def _numbers_drawn(html: str) -> list[str]:
    return re.findall(r"<text[^>]*>\s*(\d+)\s*</text>", html)


def _assert_no_small_count(html: str) -> None:
    counts = _cells_shown_as_counts(html)
    assert counts, "no count cells found: the page shows no figures"
    assert FEWER_THAN in counts
    assert not SMALL & set(counts)
    assert not SMALL & set(_numbers_drawn(html))


@pytest.fixture
def public_on(settings):
    settings.REPORTS_PUBLIC_PAGE = True


@pytest.mark.django_db
def test_public_page_shows_fewer_than_5(client, dataset, public_on, monkeypatch):
    # The public page covers the last twelve months: here, the fixed data set's period.
    monkeypatch.setattr(
        "portal.reports.views.default_period", lambda: (PERIOD.date_from, PERIOD.date_to)
    )
    response = client.get(reverse("reports:public"))

    assert response.status_code == 200
    assert all(item.table.suppressed for item in response.context["tables"])
    _assert_no_small_count(response.content.decode())


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["reports:public_annual", "reports:annual"])
def test_annual_report_page_shows_fewer_than_5(client, dataset, public_on, url):
    client.force_login(dataset.officer)

    response = client.get(reverse(url), {"year": 2025})

    assert response.status_code == 200
    assert all(item.table.suppressed for item in response.context["report"].tables)
    _assert_no_small_count(response.content.decode())


def _pdf_words(content: bytes) -> list[str]:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    text = re.sub(r"\b\d+ / \d+\b", " ", text)  # page numbers
    text = re.sub(r"c\. 4 §7", " ", text)  # the exemptions' citation of c. 4 §7
    return text.split()


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["reports:public_annual_pdf", "reports:annual_pdf"])
def test_annual_report_pdf_shows_fewer_than_5(client, dataset, public_on, url):
    client.force_login(dataset.officer)

    response = client.get(reverse(url), {"year": 2025})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    words = _pdf_words(response.content)
    text = " ".join(words)
    assert "fewer than 5" in text
    assert not SMALL & set(words)
    # The exact figures of the data set are there to be hidden: the staff dashboard has them.
    exact = figures.requests_received(YEAR_2025)
    assert _small_cells(exact) > 0
