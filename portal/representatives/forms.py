import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.profiles.dateparts import date_part_field, date_parts_clean
from portal.profiles.forms import AddressForm
from portal.representatives.models import GrantScope, Relationship
from portal.representatives.selectors import resident_account_by_email

ADDRESS_FIELDS = ("street", "unit", "city", "state", "postal_code")
EMAIL_MESSAGES = {"invalid": _("Enter an email address in the right format, like name@example.com")}


class GrantRequestForm(AddressForm):
    """Asking to act for a resident. The address fields are the resident's address."""

    # The page's order, so the error summary lists problems top to bottom.
    field_order = (
        "relationship",
        "resident_name",
        "born_day",
        "born_month",
        "born_year",
        *ADDRESS_FIELDS,
        "resident_email",
        "explanation",
        "proof",
    )

    relationship = forms.ChoiceField(
        label=_("How are you related to them?"),
        choices=Relationship.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how you are related to them"),
            "invalid_choice": _("Choose how you are related to them"),
        },
    )
    resident_name = forms.CharField(
        label=_("Their full name"),
        max_length=200,
        help_text=_("As it is written on your proof."),
        error_messages={
            "required": _("Enter their full name"),
            "max_length": _("Their name must be 200 characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    born_day = date_part_field("day")
    born_month = date_part_field("month")
    born_year = date_part_field("year")
    resident_email = forms.EmailField(
        label=_("Their email address (optional)"),
        required=False,
        max_length=254,
        help_text=_(
            "Only if they have an account on this website. We will tell them by email if we "
            "accept your request, so they can object."
        ),
        error_messages=EMAIL_MESSAGES,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    explanation = forms.CharField(
        label=_("Tell us why you need to act for them"),
        max_length=1000,
        help_text=_(
            "A few sentences are enough. For example: “I am her daughter. She gave me power of "
            "attorney in March 2024 and I handle her bills.”"
        ),
        error_messages={
            "required": _("Tell us why you need to act for them"),
            "max_length": _("Your explanation must be 1,000 characters or fewer"),
        },
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    proof = forms.FileField(
        label=_("Upload your proof"),
        required=False,
        help_text=_(
            "For example, the court order, the power of attorney, or your child's birth "
            "certificate. A PDF, JPEG or PNG file, smaller than 10 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, *args: object, user: User, has_proof: bool, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.has_proof = has_proof
        # The resident's address, not the person filling in the form: no autofill.
        for name in ADDRESS_FIELDS:
            self.fields[name].widget.attrs["autocomplete"] = "off"
        if has_proof:
            self.proof_kept()

    def proof_kept(self) -> None:
        """A proof is already uploaded: choosing another file only replaces it."""
        self.has_proof = True
        self.fields["proof"].label = _("Upload a different proof (optional)")
        # A bound field copies its label when first used; let the next use see the new one.
        self._bound_fields_cache.pop("proof", None)

    def clean_resident_email(self) -> str:
        email = self.cleaned_data["resident_email"].strip().lower()
        if email and email == self.user.email.lower():
            raise forms.ValidationError(_("Enter their email address, not yours"))
        return email

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        cleaned["resident_date_of_birth"] = date_parts_clean(
            self,
            prefix="born_",
            subject=_("Their date of birth"),
            enter_message=_("Enter their date of birth"),
            past=True,
            earliest=dt.date(1900, 1, 1),
            today=timezone.localdate(),
        )
        if not self.has_proof and not self.files.get("proof") and "proof" not in self.errors:
            self.add_error("proof", _("Choose the file that proves you may act for them"))
        return cleaned


class AcceptForm(forms.Form):
    scope = forms.MultipleChoiceField(
        label=_("What may they ask for on the resident's behalf?"),
        choices=GrantScope.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose only what the proof allows."),
        error_messages={
            "required": _("Choose what they may ask for"),
            "invalid_choice": _("Choose what they may ask for from the list"),
        },
    )
    expires_day = date_part_field("day")
    expires_month = date_part_field("month")
    expires_year = date_part_field("year")
    resident_account_email = forms.EmailField(
        label=_("Resident's account (optional)"),
        required=False,
        max_length=254,
        help_text=_(
            "The email address of the resident's own account on this website, if they have one. "
            "We link the grant to it and tell them by email. Leave it empty if they have none."
        ),
        error_messages=EMAIL_MESSAGES,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: object, grant: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.grant = grant

    def clean_resident_account_email(self) -> str:
        email = self.cleaned_data["resident_account_email"].strip()
        self.cleaned_data["resident_account"] = None
        if not email:
            return ""
        account = resident_account_by_email(email=email, representative=self.grant.representative)
        if account is None:
            raise forms.ValidationError(
                _(
                    "No resident account uses this email address. Leave it empty if the "
                    "resident has no account."
                )
            )
        self.cleaned_data["resident_account"] = account
        return email

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        cleaned["expires_on"] = date_parts_clean(
            self,
            prefix="expires_",
            subject=_("The last day"),
            enter_message=_("Enter the last day the grant is valid"),
            future=True,
            today=timezone.localdate(),
        )
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("The reason must be 2,000 characters or fewer")},
    )

    def __init__(
        self,
        *args: object,
        label: str,
        help_text: str = "",
        required: bool = True,
        required_message: str = "",
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reason"]
        field.label = label
        field.help_text = help_text
        field.required = required
        if required_message:
            field.error_messages["required"] = required_message
