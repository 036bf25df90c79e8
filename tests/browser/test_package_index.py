"""The release package's index.html as a resident opens it: straight from the unzipped folder,
offline, in a real Chromium, with an axe-core check."""

import zipfile

import pytest

from tests.browser.axe import assert_no_axe_violations
from tests.release.test_package import build, hostile_records, make_records

pytestmark = pytest.mark.browser


@pytest.fixture
def file_page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def _unzip(archive: zipfile.ZipFile, folder) -> str:
    archive.extractall(folder)
    return (folder / "index.html").as_uri()


def test_package_index_reads_as_a_page_and_passes_axe(file_page, tmp_path):
    _, archive = build([*hostile_records(), *make_records(30, departments=["Assessor", "Clerk"])])
    file_page.goto(_unzip(archive, tmp_path), wait_until="load")

    assert file_page.title() == "Your records: request WRP-2026-0042"
    assert file_page.locator("h1").count() == 1
    assert file_page.get_by_role("heading", name="<b>Police</b>", level=2).count() == 1
    assert file_page.get_by_role("table", name="What each department answered").count() == 1
    assert file_page.locator("script").count() == 0
    assert file_page.get_by_text("[withheld: Personal privacy]").count() == 1
    assert file_page.get_by_role("cell", name="<script>alert('x')</script>").count() == 1
    assert_no_axe_violations(file_page)


def test_package_index_links_open_the_files_beside_it(file_page, tmp_path):
    _, archive = build(hostile_records())
    file_page.goto(_unzip(archive, tmp_path), wait_until="load")

    file_page.get_by_role("link", name="statement 2").click()
    file_page.wait_for_url("**/statements/2.txt")
    assert "Second statement" in file_page.locator("body").inner_text()


def test_empty_package_index_passes_axe(file_page, tmp_path):
    _, archive = build([])
    file_page.goto(_unzip(archive, tmp_path), wait_until="load")

    assert file_page.get_by_text("No records are included in this package.").count() == 1
    assert_no_axe_violations(file_page)
