"""One-line accessibility check for any page: `assert_no_axe_violations(page)`."""

from axe_playwright_python.sync_playwright import Axe

_axe = Axe()


def assert_no_axe_violations(page) -> None:
    """Run axe-core (bundled, offline) on the page as it is now; fail listing each violation."""
    results = _axe.run(page)
    assert results.violations_count == 0, results.generate_report()
