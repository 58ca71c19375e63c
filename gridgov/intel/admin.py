from django.contrib import admin

from gridgov.intel.models import Alert, DispatchPolicy


@admin.register(DispatchPolicy)
class DispatchPolicyAdmin(admin.ModelAdmin):
    list_display = ("auto_dispatch", "min_confidence", "updated_at")


@admin.register(Alert)
class AlertAdmin(admin.ModelAdmin):
    list_display = ("day", "kind", "summary", "observed", "expected", "acknowledged_at")
    list_filter = ("kind", "day")
    readonly_fields = [f.name for f in Alert._meta.fields]

    def has_add_permission(self, request):
        return False
