"""One form per question of the profile. Each parses and checks what was typed, and nothing more;
the saving happens in services after the resident checked their answers."""

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.profiles.dateparts import date_part_field, date_parts_clean
from portal.profiles.identifiers import IDENTIFIER_FORMATS, identifier_clean
from portal.profiles.models import IdentifierKind, PreferredLanguage
from portal.profiles.services import EARLIEST_YEAR

POSTAL_CODE = re.compile(r"\d{5}(-\d{4})?")
STATE = re.compile(r"[A-Za-z]{2}")
PHONE_CHARACTERS = re.compile(r"[\d\s()+.\-]+(\s*(x|ext\.?)\s*\d{1,6})?", re.IGNORECASE)


def text_field(
    label: str,
    *,
    required: bool,
    max_length: int,
    required_message: str | None = None,
    too_long_message: str | None = None,
    help_text: str = "",
    autocomplete: str | None = None,
    css_class: str | None = None,
    input_type: str = "text",
) -> forms.CharField:
    attrs = {}
    if autocomplete:
        attrs["autocomplete"] = autocomplete
    if css_class:
        attrs["class"] = css_class
    messages = {}
    if required_message:
        messages["required"] = required_message
    if too_long_message:
        messages["max_length"] = too_long_message
    widget = forms.TextInput(attrs=attrs)
    widget.input_type = input_type
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages=messages,
        widget=widget,
    )


class NameForm(forms.Form):
    first_name = text_field(
        _("First name"),
        required=True,
        max_length=100,
        required_message=_("Enter your first name"),
        too_long_message=_("First name must be 100 characters or fewer"),
        autocomplete="given-name",
    )
    middle_name = text_field(
        _("Middle names or initial (optional)"),
        required=False,
        max_length=100,
        too_long_message=_("Middle names must be 100 characters or fewer"),
        autocomplete="additional-name",
    )
    last_name = text_field(
        _("Last name"),
        required=True,
        max_length=100,
        required_message=_("Enter your last name"),
        too_long_message=_("Last name must be 100 characters or fewer"),
        autocomplete="family-name",
    )
    suffix = text_field(
        _("Suffix (optional)"),
        required=False,
        max_length=20,
        too_long_message=_("Suffix must be 20 characters or fewer"),
        help_text=_(
            "For example, Jr., Sr. or III. A father and son at one address often differ "
            "only by this."
        ),
        autocomplete="honorific-suffix",
        css_class="input--short",
    )
    other_names = text_field(
        _("Other names you have used (optional)"),
        required=False,
        max_length=300,
        too_long_message=_("Other names must be 300 characters or fewer"),
        help_text=_(
            "For example, a name before you married. Older records may use it. "
            "Separate names with commas."
        ),
    )


class DateOfBirthForm(forms.Form):
    day = date_part_field("day", autocomplete="bday-day")
    month = date_part_field("month", autocomplete="bday-month")
    year = date_part_field("year", autocomplete="bday-year")

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        cleaned["date_of_birth"] = date_parts_clean(
            self,
            prefix="",
            subject=_("Date of birth"),
            enter_message=_("Enter your date of birth"),
            past=True,
            earliest=dt.date(EARLIEST_YEAR, 1, 1),
            today=timezone.localdate(),
        )
        return cleaned


class AddressForm(forms.Form):
    street = text_field(
        _("Street address"),
        required=True,
        max_length=200,
        required_message=_("Enter the street address, like 12 Elm Street"),
        too_long_message=_("Street address must be 200 characters or fewer"),
        autocomplete="address-line1",
    )
    unit = text_field(
        _("Apartment, unit or floor (optional)"),
        required=False,
        max_length=50,
        too_long_message=_("Apartment, unit or floor must be 50 characters or fewer"),
        autocomplete="address-line2",
        css_class="input--medium",
    )
    city = text_field(
        _("Town or city"),
        required=True,
        max_length=100,
        required_message=_("Enter the town or city"),
        too_long_message=_("Town or city must be 100 characters or fewer"),
        autocomplete="address-level2",
        css_class="input--medium",
    )
    state = text_field(
        _("State"),
        required=True,
        max_length=2,
        required_message=_("Enter the state, like MA"),
        too_long_message=_("Enter the state as 2 letters, like MA"),
        help_text=_("2 letters, like MA"),
        autocomplete="address-level1",
        css_class="input--short",
    )
    postal_code = text_field(
        _("ZIP code"),
        required=True,
        max_length=10,
        required_message=_("Enter the ZIP code"),
        too_long_message=_("Enter a ZIP code, like 01085"),
        autocomplete="postal-code",
        css_class="input--short",
    )

    def clean_state(self) -> str:
        state = self.cleaned_data["state"]
        if not STATE.fullmatch(state):
            raise ValidationError(_("Enter the state as 2 letters, like MA"))
        return state.upper()

    def clean_postal_code(self) -> str:
        postal_code = self.cleaned_data["postal_code"]
        if not POSTAL_CODE.fullmatch(postal_code):
            raise ValidationError(_("Enter a ZIP code, like 01085"))
        return postal_code


def _year_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        strip=True,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "class": "input--short", "spellcheck": "false"}
        ),
    )


class PreviousAddressForm(AddressForm):
    from_year = _year_field(_("Year you moved in"))
    until_year = _year_field(_("Year you moved out"))

    def _year(self, name: str, *, missing: str) -> int | None:
        value = self.cleaned_data.get(name, "")
        if not value:
            self.add_error(name, missing)
            return None
        if not value.isdigit() or len(value) != 4:
            self.add_error(name, _("Year must include 4 numbers, like 2015"))
            return None
        return int(value)

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        this_year = timezone.localdate().year
        from_year = self._year("from_year", missing=_("Enter the year you moved in"))
        until_year = self._year("until_year", missing=_("Enter the year you moved out"))
        if from_year is not None and not EARLIEST_YEAR <= from_year <= this_year:
            self.add_error(
                "from_year",
                _("The year you moved in must be between %(earliest)s and %(now)s")
                % {"earliest": EARLIEST_YEAR, "now": this_year},
            )
        elif until_year is not None and until_year > this_year:
            self.add_error("until_year", _("The year you moved out must be this year or earlier"))
        elif from_year is not None and until_year is not None and until_year < from_year:
            self.add_error(
                "until_year",
                _("The year you moved out must be the same as or after the year you moved in"),
            )
        cleaned["from_year"], cleaned["until_year"] = from_year, until_year
        return cleaned


class PhoneForm(forms.Form):
    phone = text_field(
        _("What is your phone number?"),
        required=False,
        max_length=40,
        too_long_message=_("Phone number must be 40 characters or fewer"),
        help_text=_(
            "Optional. We only call if we cannot reach you by email about a request. Some "
            "departments also file records by phone number. Leave it empty if you prefer not "
            "to give it."
        ),
        autocomplete="tel",
        css_class="input--medium",
        input_type="tel",
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if not phone:
            return ""
        digits = re.sub(r"\D", "", re.split(r"(?i)x|ext", phone)[0])
        if not PHONE_CHARACTERS.fullmatch(phone) or not 10 <= len(digits) <= 15:
            raise ValidationError(_("Enter a phone number with its area code, like 413-555-0123"))
        return phone


class LanguageForm(forms.Form):
    preferred_language = forms.ChoiceField(
        label=_("Which language should we write to you in?"),
        help_text=_(
            "Optional. We write letters and emails in this language when we have a translation, "
            "and in English when we do not."
        ),
        choices=PreferredLanguage.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the language you prefer"),
            "invalid_choice": _("Choose a language from the list"),
        },
    )


class IdentifierForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Which kind of number is it?"),
        choices=IdentifierKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose which kind of number this is"),
            "invalid_choice": _("Choose which kind of number this is"),
        },
    )
    value = text_field(
        _("Number"),
        required=True,
        max_length=60,
        required_message=_("Enter the number"),
        too_long_message=_("The number must be 60 characters or fewer"),
        css_class="input--medium",
    )

    def kind_choices(self) -> list[tuple[object, str, str]]:
        """Each radio button with the example and where to find that number."""
        formats = IDENTIFIER_FORMATS
        return [
            (
                radio,
                formats[radio.data["value"]].example,
                formats[radio.data["value"]].where_to_find,
            )
            for radio in self["kind"]
        ]

    def clean(self) -> dict[str, object]:
        cleaned = super().clean()
        kind, value = cleaned.get("kind"), cleaned.get("value")
        if kind and value:
            try:
                cleaned["value"] = identifier_clean(kind=kind, value=value)
            except ValidationError as error:
                self.add_error("value", error)
        return cleaned
