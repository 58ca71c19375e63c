from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridgov.core.admin import ActionAdmin, ReadOnlyAdmin
from gridgov.territory.actions import region_create, region_update
from gridgov.territory.models import (
    Compound,
    Household,
    HouseholdGroup,
    PartyMember,
    PartyOrganization,
    Region,
    Resident,
)


@admin.register(Region)
class RegionAdmin(ActionAdmin):
    """Regions are created and edited through the territory actions, which set the materialised path."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    fields = ("code", "name", "level", "kind", "parent", "boundary", "path")
    readonly_fields = ("path",)
    raw_id_fields = ("parent",)
    delete_refusal = _("区域被工单、住户和角色引用，不能删除。")

    def get_readonly_fields(self, request, obj=None):
        # Code, level and parent fix the path of the subtree and of its cases; they never change.
        return ("path", "code", "level", "parent") if obj is not None else ("path",)

    def write(self, request, existing, data):
        if existing is not None:
            return region_update(
                actor=request.user,
                region=existing,
                name=data["name"],
                kind=data.get("kind", ""),
                boundary=data.get("boundary"),
            )
        return region_create(
            actor=request.user,
            code=data["code"],
            name=data["name"],
            level=data["level"],
            parent=data.get("parent"),
            kind=data.get("kind", ""),
            boundary=data.get("boundary"),
        )


# Households, residents, 联户 groups and the party organisation are written through their actions (the
# household import, `gridgov import households`; the household domain's pages); the admin only shows them,
# so nothing here bypasses the import's checks of ID numbers, phones and scope.
@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("number", "address", "grid", "group")
    search_fields = ("number", "address")
    raw_id_fields = ("grid", "compound", "group")


@admin.register(Resident)
class ResidentAdmin(ReadOnlyAdmin):
    list_display = ("name", "household", "is_head")
    search_fields = ("name", "household__number")
    raw_id_fields = ("household", "user")


@admin.register(HouseholdGroup)
class HouseholdGroupAdmin(ReadOnlyAdmin):
    list_display = ("name", "grid", "head")
    raw_id_fields = ("grid", "head")


@admin.register(Compound)
class CompoundAdmin(ReadOnlyAdmin):
    list_display = ("name", "grid")


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    raw_id_fields = ("region", "parent", "leader")


@admin.register(PartyMember)
class PartyMemberAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "organization")
    list_filter = ("kind",)
    raw_id_fields = ("organization", "user", "households")
