from django.contrib import admin

from gridgov.catalog.models import Category, MatterItem


class ItemInline(admin.TabularInline):
    model = MatterItem
    extra = 0


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "order")
    inlines = [ItemInline]


@admin.register(MatterItem)
class MatterItemAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "category",
        "responsible_level",
        "department",
        "time_limit",
        "time_unit",
        "photo_required",
    )
    list_filter = ("category", "responsible_level", "time_unit", "photo_required")
    search_fields = ("code", "name")
