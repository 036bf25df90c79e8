"""The audit trail's filters, read from the query string."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.audit.models import AuditCategory
from portal.audit.selectors import AuditFilters


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=DateInput(),
        help_text=_("For example, 2027-01-31."),
        error_messages={"invalid": _("Enter the first day as a date, like 2027-01-31.")},
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=DateInput(),
        help_text=_("The last day shown, included."),
        error_messages={"invalid": _("Enter the last day as a date, like 2027-01-31.")},
    )
    category = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *AuditCategory.choices],
        error_messages={"invalid_choice": _("Choose a kind from the list.")},
    )
    action = forms.ChoiceField(
        label=_("What happened"),
        required=False,
        error_messages={"invalid_choice": _("Choose what happened from the list.")},
    )
    actor_id = forms.IntegerField(
        label=_("By (user id)"),
        required=False,
        min_value=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "input--short"}),
        error_messages={
            "invalid": _("Enter the user id as a whole number, like 42."),
            "min_value": _("Enter the user id as a whole number, like 42."),
        },
    )
    object_type = forms.ChoiceField(
        label=_("Kind of object"),
        required=False,
        error_messages={"invalid_choice": _("Choose a kind of object from the list.")},
    )
    object_id = forms.CharField(
        label=_("Object id"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"class": "input--medium"}),
        error_messages={"max_length": _("An object id has at most 64 characters.")},
    )

    def __init__(
        self, *args: Any, actions: list[str], object_types: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            ("", _("Anything")),
            *[(action, action) for action in actions],
        ]
        self.fields["object_type"].choices = [
            ("", _("Any kind of object")),
            *[(name, name) for name in object_types],
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        date_from, date_to = data.get("date_from"), data.get("date_to")
        if date_from and date_to and date_to < date_from:
            self.add_error("date_to", _("The last day must be the same as or after the first."))
        return data

    def filters(self) -> AuditFilters:
        """The filters that are valid; a field in error filters nothing."""
        data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        return AuditFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            category=data.get("category") or "",
            action=data.get("action") or "",
            actor_id=data.get("actor_id"),
            object_type=data.get("object_type") or "",
            object_id=(data.get("object_id") or "").strip(),
        )
