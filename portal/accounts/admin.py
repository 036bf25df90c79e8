from allauth.mfa.models import Authenticator
from allauth.usersessions.admin import UserSessionAdmin as AllauthUserSessionAdmin
from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from portal.accounts import safeguards
from portal.accounts.models import Role, SafeguardsAcknowledgment, User
from requests.models import Department


def can_manage_roles(request: HttpRequest) -> bool:
    """Roles and departments are the privacy officer's to give (DESIGN.md, "People")."""
    user = request.user
    return user.is_active and (user.is_superuser or user.role == Role.PRIVACY_OFFICER)


class StewardDepartmentInline(admin.TabularInline):
    """The departments a steward searches and decides corrections for."""

    model = Department.stewards.through
    extra = 0
    verbose_name = _("department this person stewards")
    verbose_name_plural = _("departments this person stewards")
    autocomplete_fields = ("department",)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_manage_roles(request)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_manage_roles(request)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can_manage_roles(request)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_staff


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ("email",)
    list_display = (
        "email",
        "first_name",
        "last_name",
        "role",
        "uses_second_factor",
        "acknowledged_safeguards",
        "is_active",
    )
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Name"), {"fields": ("first_name", "last_name")}),
        (_("Role"), {"fields": ("role", "is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )
    inlines = (StewardDepartmentInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> tuple:
        readonly = tuple(super().get_readonly_fields(request, obj))
        if not can_manage_roles(request):
            readonly += ("role", "is_staff", "is_superuser", "groups")
        return readonly

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("authenticator_set", "safeguards_acknowledgments")
        )

    @admin.display(boolean=True, description=_("two-step sign-in"))
    def uses_second_factor(self, obj: User) -> bool:
        return any(
            authenticator.type in (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
            for authenticator in obj.authenticator_set.all()
        )

    @admin.display(boolean=True, description=_("safeguards acknowledged"))
    def acknowledged_safeguards(self, obj: User) -> bool | None:
        if not obj.is_portal_staff:
            return None
        rows = obj.safeguards_acknowledgments.all()
        return any(row.version == safeguards.SAFEGUARDS_VERSION for row in rows)


@admin.register(SafeguardsAcknowledgment)
class SafeguardsAcknowledgmentAdmin(admin.ModelAdmin):
    """The record required by c. 66A §2(b): read only, never edited or removed here."""

    list_display = ("user", "version", "acknowledged_at")
    list_filter = ("version",)
    search_fields = ("user__email",)
    date_hierarchy = "acknowledged_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


# allauth's admin searches a `username` this User model does not have.
admin.site.unregister(UserSession)


@admin.register(UserSession)
class UserSessionAdmin(AllauthUserSessionAdmin):
    search_fields = ("user__email", "ip")
