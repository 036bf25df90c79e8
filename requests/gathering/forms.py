"""The steward's answer for a manual source: records typed in (a formset of records, each with a
formset of field rows, grown a row or a record at a time by buttons that post the form back, so
it works without JavaScript), a CSV file, or "I found nothing".

The forms only collect text; requests/gathering/manual_entry.py decides what is a record and
says what is wrong, and the forms put each problem beside the field it is about.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms import BaseFormSet, formset_factory
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from requests.gathering.manual_entry import (
    CSV_MAX_BYTES,
    FIELD_NAME_MAX_LENGTH,
    KEY_MAX_LENGTH,
    RECORD_TYPE_MAX_LENGTH,
    VALUE_MAX_LENGTH,
    EnteredRecord,
    EntryError,
    EntryProblem,
    csv_records,
    duplicate_records,
    entered_record,
)
from tasks.connectors.base import SourceRecord

# How the steward answers: each is its own form on the page, posted with this value.
ANSWER_RECORDS = "records"
ANSWER_UPLOAD = "upload"
ANSWER_NOTHING = "nothing"
ANSWERS = (ANSWER_RECORDS, ANSWER_UPLOAD, ANSWER_NOTHING)

MAX_RECORDS = 30
MAX_FIELD_ROWS = 40
# A new record starts with this many empty field rows.
FIELD_ROWS_TO_START = 3
NOTE_MAX_LENGTH = 2000


def _note_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text=_("The clerk sees this note. Do not repeat the records here."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RecordForm(forms.Form):
    record_type = forms.CharField(
        label=_("Kind of record"),
        help_text=_("For example: tax bill, dog licence, permit application."),
        required=False,
        max_length=RECORD_TYPE_MAX_LENGTH,
    )
    key = forms.CharField(
        label=_("The department's number for this record"),
        help_text=_("The number your department files it under, such as the bill number."),
        required=False,
        max_length=KEY_MAX_LENGTH,
    )


class FieldRowForm(forms.Form):
    name = forms.CharField(label=_("Field name"), required=False, max_length=FIELD_NAME_MAX_LENGTH)
    value = forms.CharField(label=_("Value"), required=False, max_length=VALUE_MAX_LENGTH)


UNREADABLE = _("The form could not be read. Enter the records again.")


class BaseRecordFormSet(BaseFormSet):
    default_error_messages = {
        "missing_management_form": UNREADABLE,
        "too_many_forms": _(
            "Enter at most %(num)d records at once. For more, upload them as a CSV file."
        ),
    }


class BaseFieldRowFormSet(BaseFormSet):
    default_error_messages = {
        "missing_management_form": UNREADABLE,
        "too_many_forms": _("Enter at most %(num)d fields in one record."),
    }


RecordFormSet = formset_factory(
    RecordForm,
    formset=BaseRecordFormSet,
    extra=0,
    max_num=MAX_RECORDS,
    absolute_max=MAX_RECORDS,
    validate_max=True,
)
FieldRowFormSet = formset_factory(
    FieldRowForm,
    formset=BaseFieldRowFormSet,
    extra=0,
    max_num=MAX_FIELD_ROWS,
    absolute_max=MAX_FIELD_ROWS,
    validate_max=True,
)

RECORD_PREFIX = "record"


class EnteredNoteForm(forms.Form):
    note = _note_field(_("Note for the clerk (optional)"))


def _rows_prefix(index: int) -> str:
    return f"{RECORD_PREFIX}-{index}-field"


@dataclass
class RecordEntry:
    """One record's form with its field rows, as the template shows them."""

    number: int  # from 1, for the steward
    form: RecordForm
    rows: Any  # FieldRowFormSet

    @property
    def add_row_value(self) -> str:
        return f"row-{self.number - 1}"

    @property
    def may_add_row(self) -> bool:
        return len(self.rows.forms) < MAX_FIELD_ROWS


def _empty_data(records: int = 1) -> QueryDict:
    data = QueryDict(mutable=True)
    data[f"{RECORD_PREFIX}-TOTAL_FORMS"] = str(records)
    data[f"{RECORD_PREFIX}-INITIAL_FORMS"] = "0"
    for index in range(records):
        data[f"{_rows_prefix(index)}-TOTAL_FORMS"] = str(FIELD_ROWS_TO_START)
        data[f"{_rows_prefix(index)}-INITIAL_FORMS"] = "0"
    return data


def _count(data: QueryDict, name: str) -> int:
    try:
        return max(int(data.get(name, "0")), 0)
    except ValueError:
        return 0


class RecordsAnswer:
    """The records a steward types in: a formset of records, each with its own formset of field
    rows, and a note. `data` is the posted form (None for a new, empty one)."""

    def __init__(self, data: QueryDict | None = None) -> None:
        self.is_bound = data is not None
        self.data = data if data is not None else _empty_data()
        self.records = RecordFormSet(self.data, prefix=RECORD_PREFIX)
        self.note = EnteredNoteForm(self.data, prefix="entered")
        self.entries = [
            RecordEntry(
                number=index + 1,
                form=form,
                rows=FieldRowFormSet(self.data, prefix=_rows_prefix(index)),
            )
            for index, form in enumerate(self.records.forms)
        ]
        self.problems: list[str] = []
        self.summary: list[tuple[str, str]] = []  # (message, id of the field it is about)
        self.source_records: list[SourceRecord] = []

    # --- Growing the form without JavaScript -----------------------------------------------

    def grown(self, what: str) -> RecordsAnswer:
        """The same answer with one more record, or one more field row in record `row-N`;
        everything typed is kept. Anything else (a tampered button) leaves it as it was."""
        data = self.data.copy()
        records = min(self.records.total_form_count(), MAX_RECORDS)
        if what == "record" and records < MAX_RECORDS:
            data[f"{RECORD_PREFIX}-TOTAL_FORMS"] = str(records + 1)
            data[f"{_rows_prefix(records)}-TOTAL_FORMS"] = str(FIELD_ROWS_TO_START)
            data[f"{_rows_prefix(records)}-INITIAL_FORMS"] = "0"
        elif what.startswith("row-") and what[4:].isdigit() and int(what[4:]) < records:
            name = f"{_rows_prefix(int(what[4:]))}-TOTAL_FORMS"
            data[name] = str(min(_count(data, name) + 1, MAX_FIELD_ROWS))
        return RecordsAnswer(data)

    @property
    def may_add_record(self) -> bool:
        return self.records.total_form_count() < MAX_RECORDS

    # --- Checking --------------------------------------------------------------------------

    def _add(self, message: str, target: forms.Form | None, field: str | None) -> None:
        if target is not None and field is not None:
            target.add_error(field, message)
            self.summary.append((message, target[field].id_for_label))
        elif message not in self.problems:
            self.problems.append(message)
            self.summary.append((message, ""))

    def _place(self, entry: RecordEntry, problem: EntryProblem) -> None:
        if problem.where in ("record_type", "key"):
            self._add(problem.message, entry.form, problem.where)
        elif problem.where in ("name", "value") and problem.row is not None:
            self._add(problem.message, entry.rows.forms[problem.row], problem.where)
        else:
            # "Enter at least one field": beside the record's first field name.
            first = entry.rows.forms[0] if entry.rows.forms else None
            self._add(problem.message, first, "name" if first is not None else None)

    def is_valid(self) -> bool:
        if not self.is_bound:
            return False
        structure_ok = self.records.is_valid() and self.note.is_valid()
        structure_ok = all(entry.rows.is_valid() for entry in self.entries) and structure_ok
        if not structure_ok:
            for formset in [self.records, *(entry.rows for entry in self.entries)]:
                for error in formset.non_form_errors():
                    self._add(str(error), None, None)
                for form in formset.forms:
                    for name, errors in form.errors.items():
                        for error in errors:
                            self.summary.append((str(error), form[name].id_for_label))
            for name, errors in self.note.errors.items():
                for error in errors:
                    self.summary.append((str(error), self.note[name].id_for_label))
            if not self.summary:
                self._add(str(UNREADABLE), None, None)
            return False
        records: list[SourceRecord] = []
        kept: list[RecordEntry] = []
        for entry in self.entries:
            typed = EnteredRecord(
                record_type=entry.form.cleaned_data.get("record_type", ""),
                key=entry.form.cleaned_data.get("key", ""),
                rows=[
                    (row.cleaned_data.get("name", ""), row.cleaned_data.get("value", ""))
                    for row in entry.rows.forms
                ],
            )
            if typed.is_blank:
                continue
            try:
                records.append(entered_record(typed))
                kept.append(entry)
            except EntryError as error:
                for problem in error.problems:
                    self._place(entry, problem)
        for position in duplicate_records(records):
            self._add(
                str(
                    _(
                        "Record %(number)d has the same kind and number as an earlier record: "
                        "enter each record once."
                    )
                )
                % {"number": kept[position].number},
                kept[position].form,
                "key",
            )
        if not records and not self.summary:
            first = self.entries[0].form if self.entries else None
            self._add(
                str(_("Enter the records you found, or say below that you found none.")),
                first,
                "record_type" if first is not None else None,
            )
        self.source_records = records
        return not self.summary

    @property
    def errors(self) -> bool:
        return bool(self.summary)

    @property
    def cleaned_note(self) -> str:
        return self.note.cleaned_data.get("note", "") if self.note.is_valid() else ""

    def __iter__(self) -> Iterator[RecordEntry]:
        return iter(self.entries)


class UploadAnswerForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "The first row names the fields (for example: name, date_of_birth, address, "
            "bill_number); each row after it is one record. UTF-8, up to 1 MB and 1000 records."
        ),
        error_messages={
            "required": _("Choose the CSV file to upload."),
            "empty": _("The file is empty."),
        },
    )
    key_column = forms.CharField(
        label=_("Which column holds the department's number for each record?"),
        help_text=_("Its name in the first row, for example: bill_number."),
        max_length=FIELD_NAME_MAX_LENGTH,
        error_messages={"required": _("Enter the name of the column with the record numbers.")},
    )
    record_type = forms.CharField(
        label=_("Kind of record in the file"),
        help_text=_("For example: tax bill. Every row is a record of this kind."),
        max_length=RECORD_TYPE_MAX_LENGTH,
        error_messages={"required": _("Enter the kind of record, for example: tax bill.")},
    )
    note = _note_field(_("Note for the clerk (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "upload")
        super().__init__(*args, **kwargs)
        self.source_records: list[SourceRecord] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is None or not data.get("key_column") or not data.get("record_type"):
            return data
        content = upload.read(CSV_MAX_BYTES + 1)
        try:
            self.source_records = csv_records(
                data=content, key_column=data["key_column"], record_type=data["record_type"]
            )
        except EntryError as error:
            for problem in error.problems:
                where = problem.where if problem.where in ("key_column", "record_type") else "file"
                self.add_error(where, problem.message)
        return data


class NothingAnswerForm(forms.Form):
    note = _note_field(_("Where did you look? (optional)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "nothing")
        super().__init__(*args, **kwargs)
        self.fields["note"].help_text = _(
            "For example: searched the 2015 to 2026 billing system by name and address. The "
            "clerk sees this note."
        )
