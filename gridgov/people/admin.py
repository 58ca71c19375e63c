from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from gridgov.people.models import ApiToken, Department, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("region", "department")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "display_name", "phone", "is_active")
    search_fields = ("username", "display_name", "phone")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), ("gridgov", {"fields": ("display_name", "phone")}))
    inlines = [RoleInline]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "region")
    search_fields = ("code", "name")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created_at", "revoked_at")
    readonly_fields = ("token_hash", "created_at")
