"""Cases in the admin are read-only: every change goes through the actions, so the timeline stays true."""

from django.contrib import admin

from gridgov.cases.models import Attachment, Case, Rating, TimelineEntry
from gridgov.core.admin import ReadOnlyMixin


class TimelineInline(ReadOnlyMixin, admin.TabularInline):
    model = TimelineEntry
    fields = ("created_at", "event", "actor_label", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0


@admin.register(Case)
class CaseAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("tracking_no", "title", "status", "channel", "grid", "created_at", "deadline_at")
    list_filter = ("status", "channel", "category")
    search_fields = ("tracking_no", "title")
    inlines = [TimelineInline]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff


@admin.register(TimelineEntry)
class TimelineEntryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("case", "event", "actor_label", "from_status", "to_status", "created_at")
    list_filter = ("event",)


admin.site.register(Rating, type("RatingAdmin", (ReadOnlyMixin, admin.ModelAdmin), {}))
admin.site.register(Attachment, type("AttachmentAdmin", (ReadOnlyMixin, admin.ModelAdmin), {}))
