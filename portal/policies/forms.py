"""The privacy officer's forms: a draft's text, and publishing it. They parse what was typed and
nothing more; the rules (the 30-day notice) are in services."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.policies.services import SUMMARY_MAX_LENGTH, TEXT_MAX_LENGTH
from portal.profiles.dateparts import date_part_field, date_parts_clean

SUBSTANTIVE = "yes"
NOT_SUBSTANTIVE = "no"


class DraftForm(forms.Form):
    text = forms.CharField(
        label=_("Text of the policy"),
        max_length=TEXT_MAX_LENGTH,
        help_text=_(
            "Written in Markdown: a blank line between paragraphs, “## ” before a heading, "
            "**bold**, [link text](https://…). Scripts and styles are removed."
        ),
        error_messages={
            "required": _("Enter the text of the policy"),
            "max_length": _("The text must be 100,000 characters or fewer"),
        },
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "true"}),
    )
    summary = forms.CharField(
        label=_("What changes, in plain words"),
        max_length=SUMMARY_MAX_LENGTH,
        help_text=_(
            "Residents read this first: in the notice on every page, on the privacy page and in "
            "the email. Say what is different for them, in a few short sentences."
        ),
        error_messages={
            "required": _("Say in plain words what changes"),
            "max_length": _("The summary must be 5,000 characters or fewer"),
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class PublishForm(forms.Form):
    field_order = ("effective_day", "effective_month", "effective_year", "substantive", "reason")

    effective_day = date_part_field("day")
    effective_month = date_part_field("month")
    effective_year = date_part_field("year")
    substantive = forms.ChoiceField(
        label=_("Is this a substantive change?"),
        choices=[
            (
                SUBSTANTIVE,
                _(
                    "Yes: it changes what we collect, how we use or share it, or the rights of "
                    "residents"
                ),
            ),
            (
                NOT_SUBSTANTIVE,
                _("No: a correction, like a typing mistake or a broken link, that changes nothing"),
            ),
        ],
        widget=forms.RadioSelect,
        help_text=_("A substantive change must be posted at least 30 days before it takes effect."),
        error_messages={
            "required": _("Say whether this is a substantive change"),
            "invalid_choice": _("Say whether this is a substantive change"),
        },
    )
    reason = forms.CharField(
        label=_("If it is not substantive, why not?"),
        required=False,
        max_length=2000,
        help_text=_("Residents can read this beside the version."),
        error_messages={"max_length": _("The reason must be 2,000 characters or fewer")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["effective_on"] = date_parts_clean(
            self,
            prefix="effective_",
            subject=_("The day it takes effect"),
            enter_message=_("Enter the day it takes effect"),
            today=timezone.localdate(),
        )
        if cleaned.get("substantive") == NOT_SUBSTANTIVE and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Say why this change is not substantive"))
        return cleaned

    @property
    def effective_on(self) -> dt.date | None:
        return self.cleaned_data.get("effective_on")

    @property
    def is_substantive(self) -> bool:
        return self.cleaned_data.get("substantive") != NOT_SUBSTANTIVE
