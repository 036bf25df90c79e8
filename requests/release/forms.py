"""The forms of the clerk's review page. Each names the object it acts on (a source, a record, a
redaction) by id in a hidden field; the view finds it within the request and the person's
reach, and a service checks the rest."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from requests.release.models import SourceAnswer

DEFAULT_OTHER_PERSON_EXEMPTION = "26c"


def exemption_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in settings.REQUESTS_EXEMPTIONS.items()]


class _ExemptionField(forms.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            label=kwargs.pop("label", _("Exemption")),
            choices=[("", _("Choose an exemption")), *exemption_choices()],
            error_messages={
                "required": _("Choose the exemption for this redaction."),
                "invalid_choice": _("Choose an exemption from the list."),
            },
            **kwargs,
        )


class ObjectForm(forms.Form):
    """A button acting on one object: only its id."""

    target = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This item is no longer on the page. Reload and try again."),
            "invalid": _("This item is no longer on the page. Reload and try again."),
        },
    )


class SourceDecisionForm(ObjectForm):
    answer = forms.ChoiceField(
        label=_("What does the City answer for this source?"),
        choices=SourceAnswer.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose held, not held or withheld."),
            "invalid_choice": _("Choose held, not held or withheld."),
        },
    )
    exemptions = forms.MultipleChoiceField(
        label=_("Exemptions the withholding rests on"),
        help_text=_("Only when the records are withheld."),
        choices=exemption_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose exemptions from the list.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("Required when the records are withheld. The resident's letter says it."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MatchForm(ObjectForm):
    confirmed = forms.TypedChoiceField(
        choices=[("yes", _("Confirm")), ("no", _("Reject"))],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose Confirm or Reject."),
            "invalid_choice": _("Choose Confirm or Reject."),
        },
    )


class FieldRedactionForm(ObjectForm):
    """One field of one record held back; the choices are the record's fields."""

    field = forms.ChoiceField(
        label=_("Field"),
        error_messages={
            "required": _("Choose the field to redact."),
            "invalid_choice": _("Choose a field of this record."),
        },
    )
    exemption = _ExemptionField()
    note = forms.CharField(label=_("Note for the file"), required=False, max_length=2000)

    def __init__(self, *args, fields: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [("", _("Choose a field")), *((f, f) for f in fields)]


class ValueRedactionForm(forms.Form):
    value = forms.CharField(
        label=_("Name or number"),
        help_text=_("Held back wherever it appears in this request's records."),
        max_length=500,
        error_messages={"required": _("Enter the words or number to redact.")},
    )
    exemption = _ExemptionField()
    note = forms.CharField(label=_("Note for the file"), required=False, max_length=2000)


class _OtherPersonForm(ObjectForm):
    """A decision on one field flagged as someone else's data; labels name the field, since a
    record may hold several."""

    field = forms.CharField(widget=forms.HiddenInput, max_length=200)

    def flagged_field(self) -> str:
        return str((self.data.get("field") if self.is_bound else self.initial.get("field")) or "")


class OtherPersonRedactForm(_OtherPersonForm):
    exemption = _ExemptionField(initial=DEFAULT_OTHER_PERSON_EXEMPTION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exemption"].label = _("Exemption for %(field)s") % {
            "field": self.flagged_field()
        }


class OtherPersonReleaseForm(_OtherPersonForm):
    reason = forms.CharField(
        max_length=2000,
        error_messages={"required": _("Say why this may go to the resident.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = _("Why may the resident have %(field)s?") % {
            "field": self.flagged_field()
        }


class SendBackForm(forms.Form):
    reason = forms.CharField(
        label=_("What must change before the release"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say what must change before the release.")},
    )


class ConfirmForm(forms.Form):
    """Nothing to fill in: the page asks only for the confirmation."""
