"""Forms of the access log: a clerk's stated purpose, the privacy officer's conclusion on a
flagged access, and the filters of the staff access-log page."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.access.purpose import PurposeKind

# "A few words": enough that a reviewer learns something from it.
PURPOSE_MIN_WORDS = 3
REQUEST_NUMBER = re.compile(r"^FIPA-\d{4}-\d{6}$")


class PurposeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Why are you opening this request?"),
        choices=PurposeKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose why you are opening this request."),
            "invalid_choice": _("Choose a reason from the list."),
        },
    )
    description = forms.CharField(
        label=_("Say in a few words what you need to do"),
        help_text=_(
            "For example: Dana is away this week; I am answering the requester's question "
            "about the due date."
        ),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say in a few words what you need to do.")},
    )

    def clean_description(self) -> str:
        text = self.cleaned_data["description"].strip()
        if len(re.findall(r"\w+", text)) < PURPOSE_MIN_WORDS:
            raise ValidationError(
                _("Write at least %(count)d words, so the privacy officer can understand why.")
                % {"count": PURPOSE_MIN_WORDS}
            )
        return text


class FlagReviewForm(forms.Form):
    note = forms.CharField(
        label=_("What did you conclude?"),
        help_text=_(
            "For example: covering for a colleague on leave, confirmed with the supervisor. "
            "The staff member and the resident do not see this."
        ),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write what you concluded.")},
    )
    up_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def clean_note(self) -> str:
        note = self.cleaned_data["note"].strip()
        if not note:
            raise ValidationError(_("Write what you concluded."))
        return note


class AccessLogFilterForm(forms.Form):
    """Every filter is optional; a wrong value is shown beside its field and the list is shown
    unfiltered by it."""

    date_from = forms.DateField(
        label=_("From (date)"),
        required=False,
        help_text=_("For example 2026-03-01"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-03-01.")},
    )
    date_to = forms.DateField(
        label=_("To (date)"),
        required=False,
        help_text=_("For example 2026-03-31"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": _("Enter a date like 2026-03-31.")},
    )
    actor = forms.IntegerField(
        label=_("Staff member (account number)"),
        required=False,
        min_value=1,
        # Text, not type=number: browsers silently drop what is not a number there.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
        error_messages={
            "invalid": _("Enter the staff member's account number, in digits."),
            "min_value": _("Enter the staff member's account number, in digits."),
        },
    )
    subject = forms.IntegerField(
        label=_("Resident (account number)"),
        required=False,
        min_value=1,
        # Text, not type=number: browsers silently drop what is not a number there.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
        error_messages={
            "invalid": _("Enter the resident's account number, in digits."),
            "min_value": _("Enter the resident's account number, in digits."),
        },
    )
    request_number = forms.CharField(
        label=_("Request number"),
        required=False,
        max_length=20,
        help_text=_("For example FIPA-2026-000123"),
    )
    flagged = forms.BooleanField(label=_("Only accesses outside an assignment"), required=False)

    def clean_request_number(self) -> str:
        number = self.cleaned_data["request_number"].strip().upper()
        if number and not REQUEST_NUMBER.match(number):
            raise ValidationError(_("Enter a request number like FIPA-2026-000123."))
        return number

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date must be on or after the start date."))
        return cleaned

    def filters(self) -> dict[str, Any]:
        """The valid filters only; a field with an error filters nothing."""
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data.get(name)
            for name in self.fields
            if name not in self.errors and data.get(name) not in (None, "", False)
        }
