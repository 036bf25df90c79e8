"""The resident's correction forms. They parse input only: what makes a proposal acceptable is
decided by `proposal_problems_by_field` (services), and shown beside the field it is about."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from requests.corrections.models import Ground
from requests.corrections.services import MAX_REASON_CHARS, MAX_VALUE_CHARS
from requests.forms import MultipleFileField
from requests.models import RequestKind

GROUND_HINTS = {
    Ground.PERTINENCE: _("You do not need to give a new value."),
    Ground.RELEVANCE: _("You do not need to give a new value."),
    Ground.DISSEMINATION: _("You do not need to give a new value."),
}


class PickForm(forms.Form):
    """The fields ticked on one page of the resident's released records, as "record id:field".
    Whether each is really theirs and correctable is checked by the view against the page."""

    pick = forms.MultipleChoiceField(
        label=_("Which information do you want to correct?"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, choices: list[tuple[str, str]], kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pick"].choices = choices
        if kind == RequestKind.CONTEST:
            self.fields["pick"].label = _("Which information do you want to challenge?")
        self.fields["pick"].error_messages["invalid_choice"] = _(
            "Choose information from the list. Something you chose is not one of your records."
        )


class ChangeForm(forms.Form):
    """One proposed change: what is wrong, the right value, why, and optional evidence."""

    ground = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=Ground.choices,
        initial=Ground.ACCURACY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong with it.")},
    )
    proposed_value = forms.CharField(
        label=_("What should it say?"),
        help_text=_("Leave this empty if the information should not be kept or shared."),
        required=False,
        max_length=MAX_VALUE_CHARS,
        error_messages={
            "max_length": _("Keep the new value under %(n)s characters.") % {"n": MAX_VALUE_CHARS}
        },
    )
    reason = forms.CharField(
        label=_("Why should it change?"),
        help_text=_("For example: “I moved to this address in March.”"),
        required=False,
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "max_length": _("Keep the reason under %(n)s characters.") % {"n": MAX_REASON_CHARS}
        },
    )
    evidence = MultipleFileField(
        label=_("Documents that show it (optional)"),
        help_text=_("PDF, JPEG or PNG files, each smaller than %(size)d MB.")
        % {"size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
        required=False,
    )
    remove_evidence = forms.MultipleChoiceField(
        label=_("Remove a document"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, attached: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove_evidence"].choices = attached


class AppealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the decision wrong?"),
        help_text=_("The privacy officer reads this with the department's reasons."),
        required=False,
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={
            "max_length": _("Keep it under %(n)s characters.") % {"n": MAX_REASON_CHARS}
        },
    )


class StatementForm(forms.Form):
    # No max_length here: the service says how long it is and by how much it is too long.
    text = forms.CharField(
        label=_("Your statement of disagreement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].help_text = _(
            "Say in your own words why the information is wrong. Use %(n)s characters or fewer. "
            "The City keeps it with this information and sends it whenever the information is "
            "released or shared."
        ) % {"n": settings.CORRECTIONS_STATEMENT_MAX_CHARS}
