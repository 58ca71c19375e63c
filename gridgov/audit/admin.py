"""The audit log in the admin: searchable and filterable, never editable."""

from __future__ import annotations

from django.contrib import admin

from gridgov.audit.access import may_read_audit_log
from gridgov.audit.models import AuditEntry
from gridgov.core.admin import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Read by the system's administrators only (`audit.access`), whatever model permissions say."""

    def has_module_permission(self, request):
        return may_read_audit_log(request.user)

    def has_view_permission(self, request, obj=None):
        return may_read_audit_log(request.user)

    list_display = ("seq", "created_at", "actor_label", "action", "object_type", "object_repr")
    list_filter = ("action", ("actor", admin.RelatedOnlyFieldListFilter))
    search_fields = ("object_repr", "object_id", "object_type", "note")
    list_select_related = ("actor",)
    fields = (
        "seq",
        "created_at",
        "actor",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
        "note",
        "prev_hash",
        "hash",
    )
    readonly_fields = fields
