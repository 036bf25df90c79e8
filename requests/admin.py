from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from requests.letters import LETTER_VARIABLES, letter_template_check
from requests.models import ClosureDay, DataSource, Department, LetterTemplate, ReplyTemplate


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("stewards",)


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    """Saving runs DataSource.clean(): the connector's configuration check (a query that could
    write, a host off the allow-list, a path out of its folder are refused with the reason), the
    attribute map and the sensitive-needs-level-3 rule (requests/sources.py)."""

    list_display = ("name", "department", "kind", "responsible_officer", "sensitive", "enabled")
    list_filter = ("kind", "enabled", "sensitive", "department")
    search_fields = ("name", "slug", "responsible_officer")
    fieldsets = (
        (None, {"fields": ("department", "slug", "name", "enabled")}),
        (
            _("Connector"),
            {
                "fields": (
                    "kind",
                    "configuration",
                    "attribute_map",
                    "timeout_seconds",
                    "max_concurrent_runs",
                )
            },
        ),
        (
            _("Notice of the personal data system (c. 30 §63)"),
            {
                "fields": (
                    "responsible_officer",
                    "purpose",
                    "categories_of_data",
                    "approximate_number_of_persons",
                    "retention_and_disposal",
                    "sources_of_data",
                    "uses_and_users",
                    "sensitive",
                    "required_identity_level",
                )
            },
        ),
    )


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ("kind", "title", "body")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        variables = ", ".join(
            f"{{{{ {name} }}}} ({meaning})" for name, meaning in LETTER_VARIABLES.items()
        )
        self.fields["body"].help_text = _(
            "HTML with these variables: %(variables)s. Tags: if, for, with, firstof, comment. "
            "Filters: date, default, join, linebreaks, length, pluralize and a few more."
        ) % {"variables": variables}

    def clean_body(self):
        body = self.cleaned_data["body"]
        letter_template_check(body)
        return body


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    form = LetterTemplateForm
    list_display = ("kind", "title", "updated_at", "updated_by")
    readonly_fields = ("updated_at", "updated_by")

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class ReplyTemplateForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ("name", "body", "active")

    def clean_body(self):
        body = self.cleaned_data["body"]
        letter_template_check(body)
        return body


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    form = ReplyTemplateForm
    list_display = ("name", "active")
    list_filter = ("active",)
    search_fields = ("name", "body")


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    date_hierarchy = "date"
    search_fields = ("reason",)
