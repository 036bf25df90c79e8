"""Version 1: the privacy policy the City posted on its website, effective 1 March 2012.

It is real, published text, not demo data, so a data migration puts it in every installation
(migrations/0002_first_version.py). Its Markdown is a faithful copy of the posted text: the
headings made headings, and the two statutes it names linked to their published text.
"""

import datetime as dt
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

TEXT_PATH = Path(__file__).resolve().parent / "text" / "westfield-privacy-policy-2012.md"
EFFECTIVE_ON = dt.date(2012, 3, 1)
# The City's time zone, written out: a migration must not depend on settings that may change.
POSTED_AT = dt.datetime(2012, 3, 1, tzinfo=ZoneInfo("America/New_York"))
SUMMARY = (
    "The City's privacy policy for its websites, as posted on 1 March 2012. It is the first "
    "version kept here."
)
REASON = (
    "The first version: the policy already in force when versions began to be kept here, so "
    "there was no earlier version to give notice of a change from."
)


def first_version_fields() -> dict[str, Any]:
    return {
        "number": 1,
        "text": TEXT_PATH.read_text(encoding="utf-8"),
        "summary": SUMMARY,
        "effective_on": EFFECTIVE_ON,
        "substantive": False,
        "correction_reason": REASON,
        "posted_at": POSTED_AT,
        "created_at": POSTED_AT,
        "updated_at": POSTED_AT,
    }


def first_version_ensure(model: Any) -> Any:
    """Version 1 in `model` (the real PolicyVersion or a migration's historical one)."""
    fields = first_version_fields()
    version, _created = model.objects.get_or_create(number=fields.pop("number"), defaults=fields)
    return version
