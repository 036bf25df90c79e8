"""Dates typed as three boxes (day, month, year), as the GOV.UK and USWDS memorable-date patterns
ask them, with one clear message naming what is wrong and the box it is in."""

import datetime as dt

from django import forms
from django.utils.dateformat import format as date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PARTS = ("day", "month", "year")
_PART_LABELS = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
_MISSING = {
    ("day",): _("%(subject)s must include a day"),
    ("month",): _("%(subject)s must include a month"),
    ("year",): _("%(subject)s must include a year"),
    ("day", "month"): _("%(subject)s must include a day and month"),
    ("day", "year"): _("%(subject)s must include a day and year"),
    ("month", "year"): _("%(subject)s must include a month and year"),
}


def date_part_field(part: str, *, autocomplete: str | None = None) -> forms.CharField:
    """One box. A CharField, so whatever was typed comes back on an error page as typed."""
    attrs = {"inputmode": "numeric", "class": "input--short", "spellcheck": "false"}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    return forms.CharField(
        label=_PART_LABELS[part], required=False, strip=True, widget=forms.TextInput(attrs=attrs)
    )


def date_parts_clean(
    form: forms.Form,
    *,
    prefix: str,
    subject: Promise | str,
    enter_message: Promise | str,
    past: bool = False,
    future: bool = False,
    earliest: dt.date | None = None,
    today: dt.date,
) -> dt.date | None:
    """The date from `<prefix>day`, `<prefix>month` and `<prefix>year`, or None with one error
    added to the box to fix first. `subject` starts the messages ("Date of birth")."""
    data = {part: form.cleaned_data.get(f"{prefix}{part}", "") or "" for part in PARTS}
    missing = tuple(part for part in PARTS if not data[part])
    if len(missing) == len(PARTS):
        form.add_error(f"{prefix}day", enter_message)
        return None
    if missing:
        form.add_error(f"{prefix}{missing[0]}", _MISSING[missing] % {"subject": subject})
        return None
    not_real = _("%(subject)s must be a real date") % {"subject": subject}
    for part in PARTS:
        if not data[part].isdigit():
            form.add_error(f"{prefix}{part}", not_real)
            return None
    if len(data["year"]) != 4:
        form.add_error(f"{prefix}year", _("Year must include 4 numbers"))
        return None
    day, month, year = (int(data[part]) for part in PARTS)
    if not 1 <= month <= 12:
        form.add_error(f"{prefix}month", not_real)
        return None
    try:
        value = dt.date(year, month, day)
    except ValueError:
        form.add_error(f"{prefix}day", not_real)
        return None
    if past and value >= today:
        form.add_error(f"{prefix}day", _("%(subject)s must be in the past") % {"subject": subject})
        return None
    if future and value <= today:
        form.add_error(
            f"{prefix}day", _("%(subject)s must be in the future") % {"subject": subject}
        )
        return None
    if earliest and value < earliest:
        form.add_error(
            f"{prefix}year",
            _("%(subject)s must be on or after %(earliest)s")
            % {"subject": subject, "earliest": date_format(earliest, "j F Y")},
        )
        return None
    return value


def date_parts_initial(value: dt.date | None, *, prefix: str = "") -> dict[str, str]:
    if value is None:
        return {}
    return {
        f"{prefix}day": str(value.day),
        f"{prefix}month": str(value.month),
        f"{prefix}year": str(value.year),
    }
