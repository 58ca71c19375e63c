"""Reads of the working calendar."""

from __future__ import annotations

import threading

from django.db.models import Count, Max, QuerySet, Sum

from gridgov.workcal.calendar import WorkCalendar
from gridgov.workcal.models import CalendarDay

# One calendar per process, rebuilt when the table changes. The key is (row count, highest id, sum of
# revisions): ids are never reused (AUTOINCREMENT on SQLite, a sequence on PostgreSQL), so an insert
# raises the highest id; an edit through the actions bumps its row's revision; a delete lowers the
# count unless paired with an insert, which raises the id. No wall clock involved, so frozen test
# clocks and back-filled demo data cannot leave a stale calendar. One aggregate query per call.
_cache_lock = threading.Lock()
_cached: tuple[tuple, WorkCalendar] | None = None


def _cache_key() -> tuple:
    stats = CalendarDay.objects.aggregate(n=Count("id"), top=Max("id"), revisions=Sum("revision"))
    return (stats["n"], stats["top"], stats["revisions"])


def load_calendar() -> WorkCalendar:
    """The county's working calendar as it is in the database now."""
    global _cached
    key = _cache_key()
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _cache_lock:
        overrides = dict(CalendarDay.objects.values_list("date", "is_workday"))
        calendar = WorkCalendar(overrides)
        _cached = (key, calendar)
    return calendar


def calendar_days(*, year: int | None = None) -> QuerySet[CalendarDay]:
    """The overrides, in date order, optionally for one year."""
    days = CalendarDay.objects.select_related("updated_by").order_by("date")
    if year is not None:
        days = days.filter(date__year=year)
    return days


def calendar_years() -> list[int]:
    """Years that have at least one override, newest first."""
    return [d.year for d in CalendarDay.objects.dates("date", "year", order="DESC")]


def provisional_days() -> QuerySet[CalendarDay]:
    """Shipped days nobody has confirmed yet: the admin's to-do list."""
    return CalendarDay.objects.filter(provisional=True).order_by("date")
