from django import forms
from django.utils.translation import gettext_lazy as _


class SafeguardsAcknowledgmentForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I have read the safeguards. I understand what I must do, and that a person whose "
            "information is misused may take the City to court under chapter 214, section 3B."
        ),
        error_messages={
            "required": _("Tick the box to confirm you have read and understood the safeguards.")
        },
    )
