"""Working-time arithmetic: which moments count towards a deadline (处置时限), and how many have passed.

Pure Python, no database: a `WorkCalendar` is built from a `{date: is_workday}` override map (the
county's `CalendarDay` table, loaded by `selectors.load_calendar()`), so the case loop, KPI and tests
share one implementation. The rules, with examples, are in docs/workcal.md.

All instants are timezone-aware; day boundaries and office hours are in Asia/Shanghai. China has no
daylight saving time since 1991, so a local day is always 24 hours, but we still go through zoneinfo
so that an aware instant in any zone is read correctly.
"""

from __future__ import annotations

import enum
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy

SHANGHAI = ZoneInfo("Asia/Shanghai")

# A deadline computation never needs to look further than this; a calendar that has no working day
# for ten years is a data error (e.g. an admin marked every day as rest), not a long deadline.
_MAX_SCAN_DAYS = 3660


class Unit(enum.StrEnum):
    """How a time budget is measured; the values match catalog.TimeUnit."""

    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"
    CALENDAR_HOURS = "calendar_hours"


UNIT_LABELS = {
    Unit.WORKING_HOURS: gettext_lazy("工作小时"),
    Unit.WORKING_DAYS: gettext_lazy("工作日"),
    Unit.CALENDAR_HOURS: gettext_lazy("自然小时"),
}


@dataclass(frozen=True)
class WorkingHours:
    """Office hours of a working day: ordered, non-overlapping (start, end) periods in local time."""

    periods: tuple[tuple[time, time], ...]
    tz: ZoneInfo = SHANGHAI

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("working hours need at least one period")
        previous_end = time.min
        for start, end in self.periods:
            if not (previous_end <= start < end):
                raise ValueError(f"working periods must be ordered and non-overlapping: {self.periods}")
            previous_end = end

    @property
    def per_day(self) -> timedelta:
        """Length of one full working day (7 h for the default hours)."""
        return sum((_span(start, end) for start, end in self.periods), timedelta())

    @property
    def opens(self) -> time:
        return self.periods[0][0]

    @property
    def closes(self) -> time:
        return self.periods[-1][1]


def _span(start: time, end: time) -> timedelta:
    return datetime.combine(date.min, end) - datetime.combine(date.min, start)


# County office hours (县直机关作息): 09:00–12:00 and 13:30–17:30, 7 working hours a day. Many
# counties shift to a summer timetable; if this county does, it changes here (one place) — the
# overrides table is for days, not hours.
DEFAULT_HOURS = WorkingHours(periods=((time(9, 0), time(12, 0)), (time(13, 30), time(17, 30))))


def require_aware(instant: datetime, name: str) -> None:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {instant!r}")


def _as_number(amount: numbers.Real | float | int, unit: Unit) -> float:
    if isinstance(amount, bool) or not isinstance(amount, numbers.Real):
        raise ValueError(f"amount must be a number, got {amount!r}")
    value = float(amount)
    if value < 0 or value != value:
        raise ValueError(f"amount must be >= 0, got {amount!r}")
    if unit == Unit.WORKING_DAYS and not value.is_integer():
        raise ValueError(f"working days must be whole days, got {amount!r}")
    return value


@dataclass(frozen=True)
class WorkCalendar:
    """Which dates are working days, and the arithmetic of working time over them.

    `overrides` maps a date to True (a working day, e.g. 调休上班 on a Saturday) or False (a rest
    day, e.g. 国庆节 on a Thursday). Dates not in it follow the default week: Monday–Friday work.
    """

    overrides: Mapping[date, bool] = field(default_factory=dict)
    hours: WorkingHours = DEFAULT_HOURS

    # --- days -------------------------------------------------------------------------------------

    def is_workday(self, day: date) -> bool:
        override = self.overrides.get(day)
        if override is not None:
            return override
        return day.weekday() < 5

    def workday_after(self, day: date, n: int = 1) -> date:
        """The n-th working day strictly after `day` (n >= 1)."""
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        found = 0
        current = day
        for _ in range(_MAX_SCAN_DAYS + n * 7):
            current += timedelta(days=1)
            if self.is_workday(current):
                found += 1
                if found == n:
                    return current
        raise ValueError(f"no working day found after {day}: check the calendar overrides")

    # --- instants ---------------------------------------------------------------------------------

    def _local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.hours.tz)

    def _at(self, day: date, clock: time) -> datetime:
        return datetime.combine(day, clock, tzinfo=self.hours.tz)

    def _periods_of(self, day: date) -> list[tuple[datetime, datetime]]:
        if not self.is_workday(day):
            return []
        return [(self._at(day, start), self._at(day, end)) for start, end in self.hours.periods]

    def is_working_time(self, instant: datetime) -> bool:
        """True inside an office-hours period of a working day (start inclusive, end exclusive)."""
        require_aware(instant, "instant")
        local = self._local(instant)
        return any(start <= local < end for start, end in self._periods_of(local.date()))

    def next_working_moment(self, instant: datetime) -> datetime:
        """`instant` itself if it is working time, else the start of the next working period."""
        require_aware(instant, "instant")
        local = self._local(instant)
        day = local.date()
        for _ in range(_MAX_SCAN_DAYS):
            for start, end in self._periods_of(day):
                if local < end:
                    return max(start, local)
            day += timedelta(days=1)
        raise ValueError(f"no working time found after {instant}: check the calendar overrides")

    def add_working(self, start: datetime, amount: timedelta) -> datetime:
        """The instant at which `amount` of working time has passed since `start`.

        Counting begins at the next working moment; landing exactly on the end of a period returns
        that end (12:00, 17:30), not the start of the next one. Zero returns `start` unchanged.
        """
        require_aware(start, "start")
        if amount < timedelta(0):
            raise ValueError(f"amount must be >= 0, got {amount}")
        local = self._local(start)
        if amount == timedelta(0):
            return local
        remaining = amount
        full_day = self.hours.per_day
        day = local.date()
        cursor = local
        for _ in range(_MAX_SCAN_DAYS + int(amount / full_day) + 1):
            periods = self._periods_of(day)
            if periods and cursor <= periods[0][0] and remaining > full_day:
                remaining -= full_day  # whole working day: skip the per-period walk
            else:
                for period_start, period_end in periods:
                    if period_end <= cursor:
                        continue
                    begin = max(period_start, cursor)
                    available = period_end - begin
                    if remaining <= available:
                        return begin + remaining
                    remaining -= available
            day += timedelta(days=1)
            cursor = self._at(day, time.min)
        raise ValueError(f"no working time found after {start}: check the calendar overrides")

    def working_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time in [a, b]; negative when b is before a."""
        require_aware(a, "a")
        require_aware(b, "b")
        if b < a:
            return -self.working_between(b, a)
        a_local, b_local = self._local(a), self._local(b)
        total = timedelta(0)
        full_day = self.hours.per_day
        day = a_local.date()
        last = b_local.date()
        while day <= last:
            periods = self._periods_of(day)
            if periods and a_local <= periods[0][0] and periods[-1][1] <= b_local:
                total += full_day
            else:
                for start, end in periods:
                    overlap = min(end, b_local) - max(start, a_local)
                    if overlap > timedelta(0):
                        total += overlap
            day += timedelta(days=1)
        return total

    # --- the API the case loop calls --------------------------------------------------------------

    def add(self, start: datetime, amount: numbers.Real | float | int, unit: Unit | str) -> datetime:
        """The deadline for a budget of `amount` `unit`s starting at `start`.

        - working_hours: `amount` hours of office time, counted from the next working moment.
        - working_days: close of business (17:30) of the `amount`-th working day strictly after the
          local date of `start` (the start day is not counted, whatever the hour: 期间开始之日不计入).
        - calendar_hours: wall-clock hours, holidays included (for urgent matters).
        """
        require_aware(start, "start")
        unit = Unit(unit)
        value = _as_number(amount, unit)
        if value == 0:
            return self._local(start)
        if unit == Unit.WORKING_HOURS:
            return self.add_working(start, timedelta(hours=value))
        if unit == Unit.WORKING_DAYS:
            last_day = self.workday_after(self._local(start).date(), int(value))
            return self._at(last_day, self.hours.closes)
        return self._local(start + timedelta(hours=value))

    def working_time_between(self, a: datetime, b: datetime, unit: Unit | str) -> float:
        """Elapsed time from a to b in `unit` (negative when b < a).

        working_days is working time divided by one full working day (7 h), so it is fractional:
        3.5 means three and a half days of office time, not "the 4th day".
        """
        unit = Unit(unit)
        if unit == Unit.CALENDAR_HOURS:
            require_aware(a, "a")
            require_aware(b, "b")
            return (b - a) / timedelta(hours=1)
        return self.working_between(a, b) / self.unit_length(unit)

    def unit_length(self, unit: Unit | str) -> timedelta:
        """How much (working) time one `unit` is when converting durations: 1 h, or 7 h for a day."""
        unit = Unit(unit)
        if unit == Unit.WORKING_DAYS:
            return self.hours.per_day
        return timedelta(hours=1)
