"""The reports' filters, read from the query string: a mistake gets a message beside the field
and the figures for the default period, never an error page."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.reports.figures import KIND_LABELS, ReportFilters

# The longest period one page covers; a longer one is refused with a message.
MAX_PERIOD_DAYS = 5 * 366
FIRST_YEAR = 2000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, today included."""
    today = today or timezone.localdate()
    return today - timedelta(days=364), today


class ReportFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        help_text=_("For example, 2027-01-31. Without it, a year before the last day."),
        error_messages={"invalid": _("Enter the first day as a date, like 2027-01-31.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day counted, included. Without it, today."),
        error_messages={"invalid": _("Enter the last day as a date, like 2027-01-31.")},
    )
    kind = forms.ChoiceField(
        label=_("Type of request"),
        required=False,
        choices=[("", _("Every type")), *KIND_LABELS.items()],
        error_messages={"invalid_choice": _("Choose a type of request from the list.")},
    )
    department = forms.TypedChoiceField(
        label=_("Department"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a department from the list.")},
    )

    def __init__(self, *args: Any, departments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", _("Every department")), *departments]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The last day must be the same as or after the first."))
        elif date_from and date_to and (date_to - date_from).days > MAX_PERIOD_DAYS:
            self.add_error("date_to", _("Choose a period of five years or less."))
        return data

    def filters(self) -> ReportFilters:
        """The filters that are valid; when the period is in error, the default period."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        first, last = default_period()
        period_ok = not ({"date_from", "date_to"} & set(self.errors))
        date_to = (data.get("date_to") if period_ok else None) or last
        date_from = (data.get("date_from") if period_ok else None) or (
            date_to - timedelta(days=364)
        )
        if date_from > date_to:
            date_from, date_to = first, last
        return ReportFilters(
            date_from=date_from,
            date_to=date_to,
            kind=data.get("kind") or "",
            department_id=data.get("department"),
        )


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
        error_messages={"invalid": _("Enter the year as four digits, like 2026.")},
    )

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        if year is not None and not FIRST_YEAR <= year <= timezone.localdate().year:
            raise forms.ValidationError(
                _("Enter a year from %(first)d to %(last)d.")
                % {"first": FIRST_YEAR, "last": timezone.localdate().year}
            )
        return year

    def chosen_year(self) -> int:
        """The year asked for, or last year when none (or a wrong one) was."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return data.get("year") or timezone.localdate().year - 1
