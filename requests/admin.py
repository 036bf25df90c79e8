from django.contrib import admin

from requests.models import DataSource, Department


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("stewards",)


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "department", "kind", "responsible_officer", "enabled")
    list_filter = ("kind", "enabled", "department")
    search_fields = ("name", "slug", "responsible_officer")
