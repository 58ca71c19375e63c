"""Admin for the working calendar: the county edits holidays and make-up days here.

Saves and deletes go through the actions, so an admin edit is marked as the county's own (reloading
the shipped file never overwrites it) and is logged with who made it.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gridgov.workcal import actions, selectors
from gridgov.workcal.models import CalendarDay


class YearFilter(admin.SimpleListFilter):
    title = _("年份")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        return [(str(year), str(year)) for year in selectors.calendar_years()]

    def queryset(self, request, queryset):
        value = self.value() or ""
        # ASCII four-digit years only: "²".isdigit() is true and year 99999 is out of date's range.
        if len(value) == 4 and value.isascii() and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset.none() if value else queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = (
        "date",
        "weekday",
        "is_workday",
        "name",
        "provisional",
        "source",
        "updated_by",
        "updated_at",
    )
    list_filter = (YearFilter, "is_workday", "provisional", "source")
    search_fields = ("name", "note")
    date_hierarchy = "date"
    fields = ("date", "is_workday", "name", "note", "provisional", "source", "updated_by", "updated_at")
    readonly_fields = ("provisional", "source", "updated_by", "updated_at")
    actions = ["confirm_selected", "delete_selected_days"]

    @admin.display(description=_("星期"))
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    def get_readonly_fields(self, request, obj=None):
        # The date is the key of an override; to move one, clear it and add another.
        return ("date", *self.readonly_fields) if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        saved = actions.calendar_day_set(
            actor=request.user, day=obj.date, is_workday=obj.is_workday, name=obj.name, note=obj.note
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        actions.calendar_day_clear(actor=request.user, day=obj.date)

    def get_actions(self, request):
        found = super().get_actions(request)
        found.pop("delete_selected", None)  # bypasses the actions; replaced below
        return found

    @admin.action(description=_("删除所选日期（恢复默认作息）"), permissions=["delete"])
    def delete_selected_days(self, request, queryset):
        days = list(queryset.values_list("date", flat=True))
        for day in days:
            actions.calendar_day_clear(actor=request.user, day=day)
        self.message_user(request, _("已删除 %(n)d 天") % {"n": len(days)}, messages.SUCCESS)

    @admin.action(description=_("核实无误（按当前内容确认）"), permissions=["change"])
    def confirm_selected(self, request, queryset):
        rows = list(queryset)
        for row in rows:
            actions.calendar_day_set(
                actor=request.user, day=row.date, is_workday=row.is_workday, name=row.name, note=row.note
            )
        self.message_user(request, _("已确认 %(n)d 天") % {"n": len(rows)}, messages.SUCCESS)
