"""Waiting for the page a click leads to, instead of reading it while it is still loading."""

import re

from playwright.sync_api import expect

ERROR_TITLE = re.compile(r"^Error:")


def assert_error_page(page) -> None:
    """The form came back with its error summary: the title starts "Error:" (UI.md). Waits for
    the new page, since a click returns before the browser has loaded it."""
    expect(page).to_have_title(ERROR_TITLE)
