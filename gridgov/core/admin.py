"""Admin for kernel tables: job runs are a read-only record of what the worker did."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridgov.core.models import JobRun


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    list_display = ("name", "period_start", "worker", "started_at", "finished_at", "failed")
    list_filter = ("name",)

    # Written only by the worker; an edited row would misstate what ran.
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("失败"))
    def failed(self, obj: JobRun) -> bool:
        return bool(obj.error)
