"""Deadline at dispatch, from the catalogue item and the county's working calendar."""

from __future__ import annotations

from datetime import datetime

from gridgov.catalog.models import MatterItem, TimeUnit
from gridgov.workcal.selectors import load_calendar

# A case dispatched without a catalogue deadline (never in practice: dispatch requires an item).
DEFAULT_LIMIT = (3, TimeUnit.WORKING_DAYS)


def deadline_for(item: MatterItem | None, start: datetime) -> datetime:
    amount, unit = (item.time_limit, item.time_unit) if item else DEFAULT_LIMIT
    return load_calendar().add(start, amount, unit)
