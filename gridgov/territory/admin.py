from django.contrib import admin

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
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    readonly_fields = ("path",)
    raw_id_fields = ("parent",)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("number", "address", "grid", "group")
    search_fields = ("number", "address")
    raw_id_fields = ("grid", "compound", "group")


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("name", "household", "is_head")
    search_fields = ("name", "household__number")
    raw_id_fields = ("household", "user")


@admin.register(HouseholdGroup)
class HouseholdGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "grid", "head")
    raw_id_fields = ("grid", "head")


admin.site.register(Compound, list_display=("name", "grid"), raw_id_fields=("grid",))


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region")
    list_filter = ("kind",)
    raw_id_fields = ("region", "parent", "leader")


@admin.register(PartyMember)
class PartyMemberAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organization")
    list_filter = ("kind",)
    raw_id_fields = ("organization", "user", "households")
