import re

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.postal.codes import LENGTH, code_is_well_formed, code_normalise
from portal.postal.models import MailedCode, MailedCodeStatus

_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_STATE = re.compile(r"^[A-Za-z]{2}$")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Enter the code from your letter"),
        help_text=_(
            "It has 10 letters and numbers, like ACDEF-GHJK3. You do not need to type the dash."
        ),
        max_length=40,
        error_messages={"required": _("Enter the code from your letter.")},
        widget=forms.TextInput(
            attrs={
                "class": "input--code",
                "autocomplete": "one-time-code",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
    )

    def clean_code(self) -> str:
        code = code_normalise(self.cleaned_data["code"])
        if len(code) != LENGTH:
            raise forms.ValidationError(
                _("The code has 10 letters and numbers. Check you typed all of them.")
            )
        if not code_is_well_formed(code):
            raise forms.ValidationError(
                _(
                    "The code only uses the letters and numbers printed on your letter. "
                    "Check each one."
                )
            )
        return code


class AddressForm(forms.Form):
    line1 = forms.CharField(
        label=_("Street address"),
        max_length=200,
        error_messages={"required": _("Enter your street address, like 12 Elm Street.")},
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    line2 = forms.CharField(
        label=_("Apartment, unit or floor (optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label=_("Town or city"),
        max_length=100,
        initial="Westfield",
        error_messages={"required": _("Enter your town or city.")},
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    state = forms.CharField(
        label=_("State"),
        help_text=_("Two letters, like MA."),
        max_length=2,
        initial="MA",
        error_messages={
            "required": _("Enter your state as two letters, like MA."),
            "max_length": _("Enter your state as two letters, like MA."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "address-level1", "class": "input--short"}),
    )
    postal_code = forms.CharField(
        label=_("ZIP code"),
        max_length=10,
        error_messages={
            "required": _("Enter your ZIP code, like 01085."),
            "max_length": _("Enter a ZIP code with 5 numbers, like 01085."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "class": "input--short", "inputmode": "numeric"}
        ),
    )

    def clean_state(self) -> str:
        state = self.cleaned_data["state"].strip()
        if not _STATE.match(state):
            raise forms.ValidationError(_("Enter your state as two letters, like MA."))
        return state.upper()

    def clean_postal_code(self) -> str:
        postal_code = self.cleaned_data["postal_code"].strip()
        if not _ZIP.match(postal_code):
            raise forms.ValidationError(_("Enter a ZIP code with 5 numbers, like 01085."))
        return postal_code


class Decision:
    USE_CANDIDATE = "candidate"
    APPROVE_TYPED = "approve_typed"
    REFUSE = "refuse"
    LOOK_AGAIN = "look_again"


class ReviewForm(forms.Form):
    """A clerk's decision on one request in the review queue. Every decision that sends a letter
    or closes the request needs a written reason."""

    decision = forms.ChoiceField(
        label=_("What should happen to this request?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what should happen to this request.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Say why, for the record: for example, which details showed this is the same person."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: object, mailed_code: MailedCode, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.mailed_code = mailed_code
        choices: list[tuple[str, str]] = []
        # A lookup that never finished has nothing to choose from yet.
        deciding = mailed_code.status == MailedCodeStatus.NEEDS_REVIEW
        for candidate in mailed_code.candidates.all() if deciding else []:
            address = ", ".join(candidate.address_lines)
            choices.append(
                (
                    f"{Decision.USE_CANDIDATE}:{candidate.pk}",
                    _("Mail the letter to %(name)s's City record: %(address)s")
                    % {"name": candidate.name, "address": address},
                )
            )
        if deciding and mailed_code.has_typed_address:
            choices.append(
                (
                    Decision.APPROVE_TYPED,
                    _("Approve the address the resident typed: %(address)s")
                    % {"address": ", ".join(mailed_code.typed_address_lines)},
                )
            )
        choices.append((Decision.LOOK_AGAIN, _("Look the resident up again")))
        choices.append((Decision.REFUSE, _("Send no letter and close the request")))
        self.fields["decision"].choices = choices

    def clean(self) -> dict:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision and decision != Decision.LOOK_AGAIN and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Write the reason for your decision."))
        return cleaned

    @property
    def candidate_id(self) -> int | None:
        decision = self.cleaned_data.get("decision", "")
        if decision.startswith(f"{Decision.USE_CANDIDATE}:"):
            return int(decision.split(":", 1)[1])
        return None

    @property
    def action(self) -> str:
        return self.cleaned_data["decision"].split(":", 1)[0]

    @property
    def chosen_label(self) -> str:
        return dict(self.fields["decision"].choices)[self.cleaned_data["decision"]]
