"""Read-only views of identity records for the privacy officer. Levels change only through the
portal's own pages (services), never by editing rows here."""

from django.contrib import admin
from django.http import HttpRequest

from portal.identity.models import (
    AccountKnowledgeAttempt,
    IdentityDocument,
    IdentityOverride,
    IdentityVerification,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(IdentityVerification)
class IdentityVerificationAdmin(ReadOnlyAdmin):
    list_display = ("user", "level", "method", "verified_at", "verified_by", "revoked_at")
    list_filter = ("level", "method")
    search_fields = ("user__email",)


@admin.register(AccountKnowledgeAttempt)
class AccountKnowledgeAttemptAdmin(ReadOnlyAdmin):
    list_display = ("user", "identifier_kind", "identifier_last4", "status", "created_at")
    list_filter = ("status", "identifier_kind", "failure_reason")
    search_fields = ("user__email",)
    exclude = ("identifier", "amount_cents", "identifier_digest")


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(ReadOnlyAdmin):
    list_display = ("user", "document_type", "status", "submitted_at", "decided_at")
    list_filter = ("status", "document_type")
    search_fields = ("user__email",)


@admin.register(IdentityOverride)
class IdentityOverrideAdmin(ReadOnlyAdmin):
    list_display = ("user", "level", "status", "requested_by", "decided_by", "decided_at")
    list_filter = ("status", "level")
    search_fields = ("user__email",)
