"""Ship the 2026 holidays (State Council notice of 2025-11-04) and the provisional 2027 set.

Uses the historical model and the pure file reader, not the actions, so it keeps working when the
model or the actions change later. Re-running `manage.py workcal_load` is the way to refresh.
"""

from django.db import migrations

YEARS = (2026, 2027)


def load(apps, schema_editor):
    from gridgov.workcal.holidays import read_year

    CalendarDay = apps.get_model("workcal", "CalendarDay")
    for year in YEARS:
        shipped = read_year(year)
        for entry in shipped.entries:
            CalendarDay.objects.update_or_create(
                date=entry.day,
                defaults={
                    "is_workday": entry.is_workday,
                    "name": entry.name,
                    "note": entry.note,
                    "provisional": shipped.provisional,
                    "source": "shipped",
                },
            )


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("workcal", "CalendarDay")
    CalendarDay.objects.filter(date__year__in=YEARS, source="shipped").delete()


class Migration(migrations.Migration):
    dependencies = [("workcal", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
