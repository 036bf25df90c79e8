"""The staff's forms on corrections: the steward's decision on a proposed change, their word that
a change was applied by hand, the privacy officer's decision on an appeal, and the clerk's note
that an outside recipient was told. They check the input; the rules are in services.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from requests.corrections.models import Decision
from requests.corrections.services import MAX_REASON_CHARS, MAX_VALUE_CHARS

# Decisions that write a value other than the one the resident proposed.
DECISIONS_WITH_A_VALUE = frozenset({Decision.APPROVED_EDITED, Decision.APPROVED_IN_PART})


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your decision"),
        choices=Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your decision.")},
    )
    approved_value = forms.CharField(
        label=_("The value to write"),
        help_text=_(
            "Only when you approve a different value, or part of the change: exactly what the "
            "department's system should hold."
        ),
        required=False,
        max_length=MAX_VALUE_CHARS,
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_(
            "Needed to deny, or to approve a different value or part of the change. The "
            "resident reads it."
        ),
        required=False,
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        value = (cleaned.get("approved_value") or "").strip()
        reason = (cleaned.get("reason") or "").strip()
        if decision == Decision.DENIED and not reason:
            self.add_error("reason", _("Give the reason for the denial: the resident reads it."))
        if decision in DECISIONS_WITH_A_VALUE:
            if not value:
                self.add_error("approved_value", _("Give the value to write."))
            if not reason:
                self.add_error(
                    "reason",
                    _("Say why the value differs from what the resident proposed."),
                )
        cleaned["approved_value"] = value
        cleaned["reason"] = reason
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """The arguments of `change_decide` from the cleaned form."""
        data = self.cleaned_data
        arguments = {"decision": data["decision"], "reason": data["reason"]}
        if data["decision"] in DECISIONS_WITH_A_VALUE:
            arguments["approved_value"] = data["approved_value"]
        return arguments


APPLIED = "applied"
DIFFERENT = "different"


class AppliedByHandForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("What happened in the department's system?"),
        choices=(
            (APPLIED, _("I entered the new value")),
            (
                DIFFERENT,
                _("The value there was different from the one shown, so I changed nothing"),
            ),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you entered the new value.")},
    )
    found_value = forms.CharField(
        label=_("The value you found there"),
        help_text=_("Only when the value was different: exactly what the system holds now."),
        required=False,
        max_length=MAX_VALUE_CHARS,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        found = (cleaned.get("found_value") or "").strip()
        if cleaned.get("outcome") == DIFFERENT and not found:
            self.add_error("found_value", _("Enter the value you found in the system."))
        cleaned["found_value"] = found
        return cleaned


TRY_AGAIN = "try_again"
BY_HAND = "by_hand"


class RetryForm(forms.Form):
    how = forms.ChoiceField(
        label=_("What should happen now?"),
        choices=(
            (TRY_AGAIN, _("Try writing it again (the value is read back first)")),
            (BY_HAND, _("I will apply it by hand in the department's system")),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to try again or apply it by hand.")},
    )


UPHOLD = "uphold"
OVERTURN = "overturn"


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Your decision on the appeal"),
        choices=(
            (UPHOLD, _("Uphold the denial")),
            (OVERTURN, _("Overturn the denial: the change is approved")),
        ),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose your decision.")},
    )
    approved_value = forms.CharField(
        label=_("A different value to write (optional)"),
        help_text=_("Only when you overturn the denial with a value other than the one proposed."),
        required=False,
        max_length=MAX_VALUE_CHARS,
    )
    reason = forms.CharField(
        label=_("Reason"),
        help_text=_("The resident reads it."),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Give the reason for the decision: the resident reads it.")},
    )

    def service_arguments(self) -> dict[str, Any]:
        """The arguments of `appeal_decide` from the cleaned form."""
        data = self.cleaned_data
        overturn = data["outcome"] == OVERTURN
        arguments: dict[str, Any] = {"overturn": overturn, "reason": data["reason"].strip()}
        value = (data.get("approved_value") or "").strip()
        if overturn and value:
            arguments["approved_value"] = value
        return arguments


class NoticeDoneForm(forms.Form):
    how_told = forms.CharField(
        label=_("How and when were they told?"),
        help_text=_("For example: letter posted on 3 March to the address on the disclosure."),
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say how and when the recipient was told.")},
    )
