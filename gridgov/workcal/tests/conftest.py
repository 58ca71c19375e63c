from __future__ import annotations

from datetime import datetime

import pytest

from gridgov.workcal.calendar import SHANGHAI, WorkCalendar
from gridgov.workcal.holidays import shipped_overrides


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A Beijing-time instant, the way a dispatcher reads the clock."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def county_calendar() -> WorkCalendar:
    """The calendar as shipped: 2026 official, 2027 provisional, Mon–Fri elsewhere."""
    return WorkCalendar(shipped_overrides())
