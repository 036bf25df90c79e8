"""Forms of the request pages. They parse input only: the rules live in services.

A resident's forms declare only what a resident may say. A posted `status`, `assignee` or due
date is not a field of any of them, so it is ignored.
"""

from __future__ import annotations

from datetime import datetime, time

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Role, User
from requests.models import Channel, Delivery, Department, RequestKind
from requests.selectors import queue_departments, workbench_staff
from requests.states import RequestStatus

KIND_HINTS = {
    RequestKind.INQUIRY: _("We tell you which City departments hold information about you."),
    RequestKind.ACCESS: _("We give you a copy of the information City departments hold about you."),
    RequestKind.CORRECTION: _("Tell us what is wrong, and we ask the department to fix it."),
    RequestKind.CONTEST: _(
        "For example, if you think we should not keep or share some information, or we did not "
        "give you something you asked for."
    ),
    RequestKind.ACCESS_LOG: _(
        "We list the times City staff and others looked at your information."
    ),
}

DELIVERY_HINTS = {
    Delivery.PORTAL: _("We email you when it is ready. Electronic copies are free."),
    Delivery.PAPER: _("We mail it to your address. Paper copies may cost 5 cents a page."),
}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the private files service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


# --- Filing, one question per page ----------------------------------------------------------


class KindForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What do you want to ask for?"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what you want to ask for.")},
    )


class AboutForm(forms.Form):
    description = forms.CharField(
        label=_("What are you asking about?"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": _("Write 4,000 characters or fewer.")},
    )

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        field = self.fields["description"]
        if kind == RequestKind.CORRECTION:
            field.required = True
            field.label = _("What information is wrong, and what should it say?")
            field.help_text = _(
                "For example: “My mailing address on my water bill is wrong. It should be "
                "12 Elm Street.”"
            )
            field.error_messages["required"] = _("Tell us what is wrong and what it should say.")
        elif kind == RequestKind.CONTEST:
            field.required = True
            field.label = _("What do you disagree with, and why?")
            field.help_text = _(
                "Tell us which information, or which of our decisions, and what you want us to do."
            )
            field.error_messages["required"] = _("Tell us what you disagree with.")
        else:
            field.help_text = _(
                "Anything that helps us find your records, such as an old address or an account "
                "number. You can leave this empty."
            )


class DepartmentsForm(forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("Which departments do you think have your information?"),
        help_text=_("Choose any you know about. If you are not sure, leave them all empty."),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose departments from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = queue_departments()


class DeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_("How do you want to get your answer?"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want to get your answer.")},
    )


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": _("Write 4,000 characters or fewer.")},
    )
    documents = MultipleFileField(
        label=_("Attach documents (optional)"),
        help_text=_("PDF, JPEG or PNG files, each smaller than %(size)d MB.")
        % {"size": settings.UPLOAD_MAX_BYTES // (1024 * 1024)},
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("body", "").strip() and not cleaned.get("documents"):
            self.add_error("body", _("Write a message or attach a document."))
        return cleaned


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing your request? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- The workbench --------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string."""

    status = forms.MultipleChoiceField(
        label=_("State"),
        choices=RequestStatus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    kind = forms.MultipleChoiceField(
        label=_("Type"),
        choices=RequestKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due = forms.MultipleChoiceField(
        label=_("Due date"),
        choices=[("overdue", _("Overdue")), ("soon", _("Due soon"))],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    assignee = forms.ChoiceField(label=_("Assigned to"), required=False)
    department = forms.ModelChoiceField(
        label=_("Department"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("Any department"),
    )

    def __init__(self, *args, staff: list[User], departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Anyone")),
            ("me", _("Me")),
            ("none", _("Nobody")),
            *[(str(user.pk), user.get_full_name() or user.email) for user in staff],
        ]
        self.fields["department"].queryset = departments


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
        error_messages={"invalid_choice": _("Choose a clerk from the list.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = workbench_staff()
        self.fields["assignee"].label_from_instance = lambda user: (
            user.get_full_name() or user.email
        )


class BulkAssignForm(forms.Form):
    numbers = forms.MultipleChoiceField(
        label=_("Requests"),
        error_messages={
            "required": _("Choose at least one request to assign."),
            "invalid_choice": _("Choose requests from the list."),
        },
    )
    assignee = forms.ChoiceField(
        label=_("Assign the chosen requests to"),
        error_messages={
            "required": _("Choose who to assign the requests to."),
            "invalid_choice": _("Choose a clerk from the list."),
        },
    )

    def __init__(self, *args, numbers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["numbers"].choices = [(number, number) for number in numbers]
        self.staff = {str(user.pk): user for user in workbench_staff()}
        self.fields["assignee"].choices = [
            ("", _("Choose a person")),
            ("none", _("Nobody")),
            *[(pk, user.get_full_name() or user.email) for pk, user in self.staff.items()],
        ]

    def assignee_user(self) -> User | None:
        value = self.cleaned_data["assignee"]
        return None if value == "none" else self.staff[value]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the requester"),
        help_text=_("The requester reads this in the portal and gets it by email."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Enter the message.")},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        help_text=_("Only City staff see notes. The requester never does."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter the note.")},
    )


class AskForm(forms.Form):
    question = forms.CharField(
        label=_("What do you need from the requester?"),
        help_text=_("The requester gets this by email. The clock stops until they answer."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter what you need from the requester.")},
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter the reason.")},
    )


class DenyForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the request denied?"),
        help_text=_("The requester reads this in the denial letter."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Enter why the request is denied.")},
    )
    exemptions = forms.MultipleChoiceField(
        label=_("Exemptions relied on"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one exemption."),
            "invalid_choice": _("Choose exemptions from the list."),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exemptions"].choices = [
            (code, label) for code, label in settings.REQUESTS_EXEMPTIONS.items()
        ]


class ExtendForm(forms.Form):
    new_due_on = forms.DateField(
        label=_("New due date"),
        help_text=_("A business day. The law allows one extension of up to 30 business days."),
        widget=forms.DateInput(attrs={"type": "date", "class": "input--medium"}),
        error_messages={
            "required": _("Enter the new due date."),
            "invalid": _("Enter the new due date as a real date."),
        },
    )
    reason = forms.CharField(
        label=_("Why do you need more time?"),
        help_text=_("The requester reads this."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Enter why you need more time.")},
    )


class WrittenResponseForm(forms.Form):
    records_not_held = forms.CharField(
        label=_("Records the City does not hold, and who may hold them"),
        help_text=_("Leave empty if the City holds everything asked for."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    withheld = forms.CharField(
        label=_("Records or parts held back"),
        help_text=_("Name each record or part, with the exemption that applies to it."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    exemptions = forms.MultipleChoiceField(
        label=_("Exemptions relied on"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose exemptions from the list.")},
    )
    production_timeframe = forms.CharField(
        label=_("When the records will be given"),
        help_text=_("Leave empty to give the due date."),
        required=False,
        max_length=1000,
    )
    fee_estimate = forms.CharField(
        label=_("Itemised fee estimate"),
        help_text=_("Leave empty if there is no fee (electronic copies are free)."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["exemptions"].choices = list(settings.REQUESTS_EXEMPTIONS.items())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("withheld", "").strip() and not cleaned.get("exemptions"):
            self.add_error("exemptions", _("Choose the exemptions for the records held back."))
        return cleaned

    def letter_fields(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "records_not_held": data["records_not_held"].strip(),
            "withheld": data["withheld"].strip(),
            "exemptions": [str(settings.REQUESTS_EXEMPTIONS[code]) for code in data["exemptions"]],
            "production_timeframe": data["production_timeframe"].strip(),
            "fee_estimate": data["fee_estimate"].strip(),
        }


class StaffFileForm(forms.Form):
    """A clerk files a request for a resident who asked by email, mail, phone or at the counter."""

    resident_email = forms.EmailField(
        label=_("The resident's email address"),
        help_text=_("The email address of the resident's account in this portal."),
        error_messages={
            "required": _("Enter the resident's email address."),
            "invalid": _("Enter an email address like name@example.com."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Type of request"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the type of request.")},
    )
    channel = forms.ChoiceField(
        label=_("How the City received it"),
        choices=[choice for choice in Channel.choices if choice[0] != Channel.WEB],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how the City received it.")},
    )
    received_on = forms.DateField(
        label=_("Date received"),
        widget=forms.DateInput(attrs={"type": "date", "class": "input--medium"}),
        error_messages={
            "required": _("Enter the date the City received it."),
            "invalid": _("Enter the date received as a real date."),
        },
    )
    description = forms.CharField(
        label=_("What the resident asked"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments named"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    delivery = forms.ChoiceField(
        label=_("How the resident wants the answer"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        initial=Delivery.PORTAL,
        error_messages={"required": _("Choose how the resident wants the answer.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = queue_departments()
        self.fields["received_on"].initial = timezone.localdate()

    def clean_resident_email(self):
        email = self.cleaned_data["resident_email"].strip().lower()
        resident = User.objects.filter(
            email__iexact=email, role=Role.RESIDENT, is_active=True
        ).first()
        if resident is None:
            raise forms.ValidationError(
                _("No resident has an account with this email address."), code="unknown"
            )
        self.resident = resident
        return email

    def clean_received_on(self):
        day = self.cleaned_data["received_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date received cannot be in the future."))
        return day

    def received_at(self) -> datetime:
        """Today's filings keep their time; an earlier date counts from that day's start."""
        day = self.cleaned_data["received_on"]
        if day == timezone.localdate():
            return timezone.now()
        return timezone.make_aware(datetime.combine(day, time(9, 0)))
