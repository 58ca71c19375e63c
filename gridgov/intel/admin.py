from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridgov.core.admin import ActionAdmin, ReadOnlyAdmin
from gridgov.intel.actions import dispatch_policy_update
from gridgov.intel.models import Alert, DispatchPolicy


@admin.register(DispatchPolicy)
class DispatchPolicyAdmin(ActionAdmin):
    """One policy for the county, changed through `dispatch_policy_update` (audited)."""

    list_display = ("auto_dispatch", "min_confidence", "updated_at")
    fields = ("auto_dispatch", "min_confidence")
    delete_refusal = _("派单策略不能删除；要停止自动派单，请取消“自动派单”。")

    def has_add_permission(self, request):
        # The action keeps a single row; a second one would never be read (`current()` takes the first).
        return super().has_add_permission(request) and not DispatchPolicy.objects.exists()

    def write(self, request, existing, data):
        return dispatch_policy_update(
            actor=request.user,
            auto_dispatch=data.get("auto_dispatch", False),
            min_confidence=data["min_confidence"],
        )


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    """Raised by the warnings job; acknowledged on the alerts page (`actions.alert_acknowledge`)."""

    list_display = ("day", "kind", "summary", "observed", "expected", "acknowledged_at")
    list_filter = ("kind", "day")
    readonly_fields = [f.name for f in Alert._meta.fields]
