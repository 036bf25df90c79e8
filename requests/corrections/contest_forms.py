from django import forms
from django.utils.translation import gettext_lazy as _

from requests.corrections.services import MAX_REASON_CHARS


class DenialContestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the denial wrong?"),
        help_text=_(
            "Say which records you should have been given and why the reasons in the denial "
            "letter do not apply. Up to %(n)s characters."
        )
        % {"n": MAX_REASON_CHARS},
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Say why the denial is wrong."),
            "max_length": _("Keep it under %(limit_value)s characters."),
        },
    )


class DenialContestDecisionForm(forms.Form):
    UPHOLD = "uphold"
    OVERTURN = "overturn"

    outcome = forms.ChoiceField(
        label=_("Your decision"),
        choices=(
            (UPHOLD, _("Uphold the denial")),
            (OVERTURN, _("Overturn the denial: a clerk reviews the records again")),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to uphold or overturn the denial.")},
    )
    reason = forms.CharField(
        label=_("Reason for the decision"),
        help_text=_("The resident reads this."),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Give the reason for the decision.")},
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)
