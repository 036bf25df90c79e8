"""Forms of the disclosure and legal-process pages. They read input only; what is required when
(a citation for a law, the consent document, a written request) is checked by the services
(portal/disclosures/validation.py), and the pages show those messages beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import User
from portal.disclosures.models import (
    DisclosureBasis,
    LegalProcessKind,
    RecipientKind,
    WithdrawalKind,
)
from portal.disclosures.selectors import ResidentNotFound, resident_find
from portal.disclosures.validation import (
    ISSUER_MAX,
    ISSUER_REFERENCE_MAX,
    LEGAL_BASIS_MAX,
    ORDER_REFERENCE_MAX,
    RECIPIENT_NAME_MAX,
    TEXT_MAX,
    WRITTEN_REQUEST_MAX,
)
from requests.selectors import queue_departments

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "input--medium"})


def _file_hint(needed_when: str = "") -> str:
    hint = _("A PDF, JPEG or PNG file, smaller than %(size)d MB.") % {
        "size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    }
    return f"{needed_when} {hint}" if needed_when else str(hint)


# Translated when shown, in the language of the page.
file_hint = lazy(_file_hint, str)
TOO_LONG = _("Write %(limit_value)d characters or fewer.")


def _text(label: str, max_length: int, *, help_text: str = "", rows: int = 0) -> forms.CharField:
    """Optional here: whether it is required is the service's rule, shown beside the field."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput(),
        error_messages={"max_length": TOO_LONG},
    )


def _date(label: str, *, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a real date, for example 27 3 2026.")},
    )


def _departments() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=_("Departments whose records it concerns"),
        help_text=_("Choose any that apply."),
        queryset=queue_departments(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose departments from the list.")},
    )


class ResidentMixin(forms.Form):
    """The resident chosen by email address or City account number."""

    resident = forms.CharField(
        label=_("The resident's email address or City account number"),
        help_text=_(
            "The email address of their account in this portal, or an account number they proved "
            "they hold (for example a water and sewer account number)."
        ),
        max_length=254,
        error_messages={"required": _("Enter the resident's email address or account number.")},
    )

    resident_user: User | None = None

    def clean_resident(self) -> str:
        query = self.cleaned_data["resident"].strip()
        try:
            self.resident_user = resident_find(query=query)
        except ResidentNotFound as error:
            raise forms.ValidationError(str(error), code="unknown") from None
        return query


class DisclosureForm(ResidentMixin):
    recipient_name = _text(
        _("Given to"),
        RECIPIENT_NAME_MAX,
        help_text=_(
            "The agency, office or person outside the City, for example “Hampden County "
            "Registry of Deeds”."
        ),
    )
    recipient_kind = forms.ChoiceField(
        label=_("Who received it"),
        choices=[
            (value, label)
            for value, label in RecipientKind.choices
            if value != RecipientKind.LEGAL_PROCESS
        ],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose who received the information.")},
    )
    basis = forms.ChoiceField(
        label=_("Legal basis"),
        help_text=_(
            "Information given in answer to a subpoena or court order is recorded from its legal "
            "process page instead."
        ),
        choices=[
            (value, label)
            for value, label in DisclosureBasis.choices
            if value != DisclosureBasis.LEGAL_PROCESS
        ],
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose a law or the resident's written consent.")},
    )
    legal_basis = _text(
        _("Law or regulation relied on"),
        LEGAL_BASIS_MAX,
        help_text=_("Needed when a law allows it. For example: M.G.L. c. 66 §10."),
    )
    consent_file = forms.FileField(
        label=_("The resident's signed consent"),
        help_text=file_hint(_("Needed when the resident consented.")),
        required=False,
        error_messages={"empty": _("The file is empty. Choose another file.")},
    )
    written_request_reference = _text(
        _("Written request from law enforcement"),
        WRITTEN_REQUEST_MAX,
        help_text=_("Needed for law enforcement: the reference or date of their written request."),
    )
    data_disclosed = _text(_("Which information was given"), TEXT_MAX, rows=4)
    intended_use = _text(_("What the recipient will use it for"), TEXT_MAX, rows=3)
    departments = _departments()
    disclosed_on = _date(_("Date it was given"))

    field_order = [
        "resident",
        "recipient_name",
        "recipient_kind",
        "basis",
        "legal_basis",
        "consent_file",
        "written_request_reference",
        "data_disclosed",
        "intended_use",
        "departments",
        "disclosed_on",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["disclosed_on"].initial = timezone.localdate()

    def service_fields(self) -> dict[str, Any]:
        """What the form could read, as the service's keyword arguments."""
        data = getattr(self, "cleaned_data", {})
        return {
            "subject": self.resident_user,
            "recipient_name": data.get("recipient_name", ""),
            "recipient_kind": data.get("recipient_kind", ""),
            "basis": data.get("basis", ""),
            "legal_basis": data.get("legal_basis", ""),
            "consent_file": data.get("consent_file"),
            "written_request_reference": data.get("written_request_reference", ""),
            "intended_use": data.get("intended_use", ""),
            "data_disclosed": data.get("data_disclosed", ""),
            "disclosed_on": data.get("disclosed_on"),
        }


class LegalProcessForm(ResidentMixin):
    kind = forms.ChoiceField(
        label=_("What was served"),
        choices=LegalProcessKind.choices,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("Choose what was served.")},
    )
    issuer = _text(
        _("Issued by"),
        ISSUER_MAX,
        help_text=_("The court, agency or attorney that issued it."),
    )
    issuer_reference = _text(_("Docket or reference number (optional)"), ISSUER_REFERENCE_MAX)
    served_on = _date(_("Date it was served on the City"))
    data_sought = _text(
        _("Which information it asks for"),
        TEXT_MAX,
        help_text=_("The resident reads this in the notice letter and email."),
        rows=4,
    )
    departments = _departments()

    field_order = [
        "resident",
        "kind",
        "issuer",
        "issuer_reference",
        "served_on",
        "data_sought",
        "departments",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["served_on"].initial = timezone.localdate()

    def service_fields(self) -> dict[str, Any]:
        data = getattr(self, "cleaned_data", {})
        return {
            "subject": self.resident_user,
            "kind": data.get("kind", ""),
            "issuer": data.get("issuer", ""),
            "issuer_reference": data.get("issuer_reference", ""),
            "served_on": data.get("served_on"),
            "data_sought": data.get("data_sought", ""),
        }


class DispenseForm(forms.Form):
    order_reference = _text(
        _("The court and docket number of the order"),
        ORDER_REFERENCE_MAX,
        help_text=_("For example: Hampden Superior Court, 2679CV00123."),
    )
    order_file = forms.FileField(
        label=_("A copy of the order"),
        help_text=file_hint(),
        required=False,
        error_messages={"empty": _("The file is empty. Choose another file.")},
    )


class ReleaseForm(forms.Form):
    data_disclosed = _text(_("Which information is given"), TEXT_MAX, rows=4)
    intended_use = _text(_("What the issuer will use it for"), TEXT_MAX, rows=3)
    disclosed_on = _date(_("Date it is given"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["disclosed_on"].initial = timezone.localdate()


class WithdrawForm(forms.Form):
    withdrawal_kind = forms.ChoiceField(
        label=_("How did it end?"),
        choices=WithdrawalKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether a court quashed it or the issuer withdrew it."),
            "invalid_choice": _("Choose whether a court quashed it or the issuer withdrew it."),
        },
    )
