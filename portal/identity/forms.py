"""Forms for identity pages: they parse and check input; services decide."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from portal.identity.matching import typed_amount_cents
from portal.identity.models import DocumentType, IdentityLevel
from portal.identity.services import OVERRIDE_REASON_MIN_LENGTH, IdentityError, document_last4_clean
from portal.profiles.identifiers import IDENTIFIER_FORMATS, identifier_clean
from portal.profiles.models import IdentifierKind

# What each kind of City account is called on the question pages.
ACCOUNT_KIND_LABELS = {
    IdentifierKind.WATER_SEWER_ACCOUNT: _("A water and sewer bill"),
    IdentifierKind.REAL_ESTATE_BILL: _("A real-estate (property) tax bill"),
}
NUMBER_QUESTIONS = {
    IdentifierKind.WATER_SEWER_ACCOUNT: _("What is your water and sewer account number?"),
    IdentifierKind.REAL_ESTATE_BILL: _("What is the bill number on your real-estate tax bill?"),
}
AMOUNT_QUESTIONS = {
    IdentifierKind.WATER_SEWER_ACCOUNT: _("How much was due on your most recent water bill?"),
    IdentifierKind.REAL_ESTATE_BILL: _("How much is due for the latest quarter on that bill?"),
}
AMOUNT_HINTS = {
    IdentifierKind.WATER_SEWER_ACCOUNT: _(
        "Use the “Amount due” on the newest bill we sent you, in dollars and cents, for example "
        "84.20. We compare it with our records."
    ),
    IdentifierKind.REAL_ESTATE_BILL: _(
        "Use the amount due for the latest quarter printed on the bill, in dollars and cents, "
        "for example 1,911.46. The bill must be for the current tax year."
    ),
}


class AccountKindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Which bill do you have?"),
        help_text=_("Choose a bill that has your name on it. We check it with the department."),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose which bill you have.")},
    )

    def __init__(self, *args: object, kinds: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind, ACCOUNT_KIND_LABELS[kind]) for kind in kinds]
        self.fields["kind"].error_messages["invalid_choice"] = _("Choose which bill you have.")


class AccountNumberForm(forms.Form):
    number = forms.CharField(
        max_length=60,
        error_messages={"required": _("Enter the number.")},
        widget=forms.TextInput(attrs={"class": "input--medium", "autocomplete": "off"}),
    )

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        number_format = IDENTIFIER_FORMATS[kind]
        self.fields["number"].label = NUMBER_QUESTIONS[kind]
        self.fields["number"].help_text = _("%(where)s For example, %(example)s.") % {
            "where": number_format.where_to_find,
            "example": number_format.example,
        }

    def clean_number(self) -> str:
        return identifier_clean(kind=self.kind, value=self.cleaned_data["number"])


class AmountForm(forms.Form):
    amount = forms.CharField(
        max_length=20,
        error_messages={"required": _("Enter the amount, in dollars and cents.")},
        widget=forms.TextInput(
            attrs={"class": "input--short", "inputmode": "decimal", "autocomplete": "off"}
        ),
    )

    def __init__(self, *args: object, kind: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].label = AMOUNT_QUESTIONS[kind]
        self.fields["amount"].help_text = AMOUNT_HINTS[kind]

    def clean_amount(self) -> int:
        cents = typed_amount_cents(self.cleaned_data["amount"])
        if cents is None:
            raise ValidationError(
                _("Enter the amount in dollars and cents, like 84.20."), code="format"
            )
        return cents


class NameForm(forms.Form):
    first = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={"required": _("Enter your first name.")},
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    middle = forms.CharField(
        label=_("Middle name or initial (if you have one)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "additional-name"}),
    )
    last = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={"required": _("Enter your last name.")},
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    suffix = forms.CharField(
        label=_("Suffix, like Jr. or III (if you have one)"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "input--short", "autocomplete": "honorific-suffix"}),
    )


class IdUploadForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Which photo ID is it?"),
        choices=DocumentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose which photo ID it is."),
            "invalid_choice": _("Choose which photo ID it is."),
        },
    )
    image = forms.FileField(
        label=_("Photo of your ID"),
        error_messages={
            "required": _("Choose a photo of your ID to upload."),
            "empty": _("The selected file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["image"].help_text = _(
            "A clear photo or scan of the front, as a JPEG or PNG image smaller than %(limit)s."
        ) % {"limit": filesizeformat(settings.UPLOAD_MAX_BYTES)}


# --- Staff ----------------------------------------------------------------------------------


class ResidentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Email address or name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class InPersonCheckForm(forms.Form):
    document_type = forms.ChoiceField(
        label=_("Which photo ID did you check?"),
        choices=DocumentType.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of ID."),
            "invalid_choice": _("Choose the kind of ID."),
        },
    )
    number_last4 = forms.CharField(
        label=_("Last 4 letters or numbers of the ID number"),
        help_text=_("Only the last 4. Do not write down the whole number."),
        max_length=8,
        error_messages={"required": _("Enter the last 4 letters or numbers of the ID number.")},
        widget=forms.TextInput(attrs={"class": "input--code", "autocomplete": "off"}),
    )
    confirmed = forms.BooleanField(
        label=_("The photo on the ID looks like the person in front of me"), required=True
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirmed"].error_messages["required"] = _(
            "Confirm that the photo looks like the person."
        )

    def clean_number_last4(self) -> str:
        try:
            return document_last4_clean(self.cleaned_data["number_last4"])
        except IdentityError as error:
            raise ValidationError(error.message, code=error.code) from None


DECISIONS = [("approve", _("Accept it")), ("refuse", _("Do not accept it"))]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether to accept it."),
            "invalid_choice": _("Choose whether to accept it."),
        },
    )
    reason = forms.CharField(
        label=_("Reason, if you do not accept it"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    reason_required_message = _("Enter why you do not accept it.")

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "refuse" and not (data.get("reason") or "").strip():
            self.add_error("reason", self.reason_required_message)
        return data

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class DocumentDecisionForm(DecisionForm):
    reason_required_message = _("Enter why you do not accept the ID. The resident will read it.")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _(
            "The resident reads this. Say what they can do, for example “The photo is blurred. "
            "Upload a sharper photo.”"
        )


class OverrideDecisionForm(DecisionForm):
    reason_required_message = _("Enter why you refuse the override.")


class OverrideRequestForm(forms.Form):
    level = forms.TypedChoiceField(
        label=_("Which level should the account have?"),
        coerce=int,
        choices=[
            (IdentityLevel.REMOTE.value, IdentityLevel.REMOTE.label),
            (IdentityLevel.ATTENDED.value, IdentityLevel.ATTENDED.label),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a level."),
            "invalid_choice": _("Choose a level."),
        },
    )
    reason = forms.CharField(
        label=_("Why is this needed without the usual evidence?"),
        help_text=_(
            "Auditors read this. Say what you saw or were told, and why the usual checks cannot "
            "be used."
        ),
        max_length=2000,
        min_length=OVERRIDE_REASON_MIN_LENGTH,
        error_messages={
            "required": _("Enter why this is needed."),
            "min_length": _("Write at least %(limit_value)d characters. Auditors will read it."),
        },
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing this check?"),
        help_text=_("Auditors read this."),
        max_length=2000,
        error_messages={"required": _("Enter why you are withdrawing this check.")},
        widget=forms.Textarea(attrs={"rows": 4}),
    )
