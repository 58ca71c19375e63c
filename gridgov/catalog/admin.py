"""The catalogue in the admin. Saves go through `catalog.actions`; items are deactivated, never deleted."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gridgov.catalog import actions
from gridgov.catalog.models import Category, MatterItem
from gridgov.core.admin import ActionAdmin, ReadOnlyMixin


class ItemInline(ReadOnlyMixin, admin.TabularInline):
    """The category's items at a glance; each is edited on its own page, through the item actions."""

    model = MatterItem
    fields = ("code", "name", "responsible_level", "department", "time_limit", "time_unit", "active")
    readonly_fields = fields
    show_change_link = True
    extra = 0


@admin.register(Category)
class CategoryAdmin(ActionAdmin):
    list_display = ("code", "name", "order")
    fields = ("code", "name", "order")
    inlines = [ItemInline]
    delete_refusal = _("类别下有事项，工单引用这些事项，不能删除。")

    def get_readonly_fields(self, request, obj=None):
        return ("code",) if obj is not None else ()

    def write(self, request, existing, data):
        if existing is None:
            return actions.category_create(
                actor=request.user, code=data["code"], name=data["name"], order=data["order"]
            )
        return actions.category_update(
            actor=request.user, category=existing, name=data["name"], order=data["order"]
        )


@admin.register(MatterItem)
class MatterItemAdmin(ActionAdmin):
    list_display = (
        "code",
        "name",
        "category",
        "responsible_level",
        "department",
        "time_limit",
        "time_unit",
        "photo_required",
        "active",
    )
    list_filter = ("category", "responsible_level", "time_unit", "photo_required", "active")
    search_fields = ("code", "name")
    fields = (
        "category",
        "code",
        "name",
        "responsible_level",
        "department",
        "time_limit",
        "time_unit",
        "photo_required",
        "active",
    )
    raw_id_fields = ("department",)
    actions = ["deactivate_selected", "activate_selected"]
    delete_refusal = _("工单引用此事项，不能删除；请改为停用。")

    def get_readonly_fields(self, request, obj=None):
        # The code is what imports and the classifier name; `active` has its own actions.
        return ("code", "active") if obj is not None else ("active",)

    def write(self, request, existing, data):
        fields = {
            "category": data.get("category"),
            "name": data["name"],
            "responsible_level": data["responsible_level"],
            "department": data.get("department"),
            "time_limit": data["time_limit"],
            "time_unit": data["time_unit"],
            "photo_required": data.get("photo_required", False),
        }
        if existing is None:
            return actions.item_create(actor=request.user, code=data["code"], **fields)
        return actions.item_update(actor=request.user, item=existing, **fields)

    @admin.action(description=_("停用所选事项（新工单不再可选）"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        items = list(queryset.filter(active=True))
        for item in items:
            actions.item_deactivate(actor=request.user, item=item)
        self.message_user(request, _("已停用 %(n)d 个事项") % {"n": len(items)}, messages.SUCCESS)

    @admin.action(description=_("启用所选事项"), permissions=["change"])
    def activate_selected(self, request, queryset):
        items = list(queryset.filter(active=False))
        for item in items:
            actions.item_activate(actor=request.user, item=item)
        self.message_user(request, _("已启用 %(n)d 个事项") % {"n": len(items)}, messages.SUCCESS)
