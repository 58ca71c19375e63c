"""Deadline at dispatch, from the catalogue item and the county's working calendar."""

from __future__ import annotations

from datetime import datetime, timedelta

from gridgov.catalog.models import MatterItem, TimeUnit

DEFAULT_LIMIT = (3, TimeUnit.WORKING_DAYS)


def deadline_for(item: MatterItem | None, start: datetime) -> datetime:
    amount, unit = (item.time_limit, item.time_unit) if item else DEFAULT_LIMIT
    try:
        from gridgov.workcal.selectors import load_calendar
    except ImportError:  # TEMPORARY: until the working calendar lands, count plain weekdays
        return _weekday_fallback(start, amount, unit)
    return load_calendar().add(start, amount, unit)


def _weekday_fallback(start: datetime, amount: int, unit: str) -> datetime:
    if unit == TimeUnit.CALENDAR_HOURS:
        return start + timedelta(hours=amount)
    days = amount if unit == TimeUnit.WORKING_DAYS else max(1, amount // 8)
    current = start
    while days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            days -= 1
    return current
