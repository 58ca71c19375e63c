"""The SLA clock of one case: its deadline, time left and traffic-light level at a given instant.

Pure: the case loop passes what it knows (when the clock started, the budget from the matter
catalogue, pause intervals from its timeline, approved extensions) and `now`, and gets numbers back.
Nothing here reads the database or the wall clock, so a page, a KPI job and a test all agree.

The rule (docs/workcal.md has examples):

    base     = calendar.add(started_at, amount + sum(extensions), unit)
    paused   = measure(union of pauses, each clipped to [started_at, now])   # open pause ends at now
    deadline = advance(base, paused)
    total    = measure(started_at, base)          # the budget actually granted
    left     = measure(now, deadline)             # negative when overdue
    consumed = total - left                       # == measure(started_at, now) - paused
    share    = consumed / total
    level    = red if t > deadline(t), yellow if share >= yellow_share, else green
               where t = now, or the start of the open pause if the clock is stopped

`measure`/`advance` count working time for working units and wall-clock time for calendar_hours.
Pauses (补充材料: waiting on the resident; 缓办: approved postponement) therefore push the deadline out
by exactly the working time they covered; while a pause is open the deadline moves with `now`, so
`left` stays frozen. Overlapping pauses are merged, so the same hour never counts twice.
"""

from __future__ import annotations

import enum
import numbers
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.utils.translation import gettext_lazy

from gridgov.workcal.calendar import Unit, WorkCalendar, require_aware


class Level(enum.StrEnum):
    """Traffic light shown on lists and dashboards."""

    GREEN = "green"  # 正常
    YELLOW = "yellow"  # 临期预警: most of the budget is used
    RED = "red"  # 超期


LEVEL_LABELS = {
    Level.GREEN: gettext_lazy("正常"),
    Level.YELLOW: gettext_lazy("临期"),
    Level.RED: gettext_lazy("超期"),
}

DEFAULT_YELLOW_SHARE = 0.75


class Pause(NamedTuple):
    """A stretch during which the clock does not run; `end=None` while it is still open."""

    start: datetime
    end: datetime | None = None


@dataclass(frozen=True)
class SlaSnapshot:
    """Everything a list row needs about one clock at one instant, computed once."""

    deadline: datetime
    time_left: float  # in the budget's unit; negative when overdue
    elapsed_share: float
    level: Level
    paused: bool


class SlaClock:
    """The deadline clock of one case. Build it per evaluation; it is cheap and immutable."""

    __slots__ = ("calendar", "started_at", "amount", "unit", "pauses", "extensions")

    def __init__(
        self,
        *,
        calendar: WorkCalendar,
        started_at: datetime,
        amount: numbers.Real | float | int,
        unit: Unit | str,
        pauses: Iterable[Pause | tuple[datetime, datetime | None]] = (),
        extensions: Iterable[numbers.Real | float | int] = (),
    ) -> None:
        require_aware(started_at, "started_at")
        self.calendar = calendar
        self.started_at = started_at
        self.unit = Unit(unit)
        # NaN fails every comparison, so `amount != amount` refuses it explicitly (typeshed's numbers.Real
        # declares only < and <=, which rules out the shorter `not amount > 0`).
        if (
            isinstance(amount, bool)
            or not isinstance(amount, numbers.Real)
            or amount <= 0
            or amount != amount
        ):
            raise ValueError(f"a budget must be a positive number, got {amount!r}")
        self.amount = amount
        checked: list[Pause] = []
        for raw in pauses:
            pause = Pause(*raw)
            require_aware(pause.start, "pause start")
            if pause.end is not None:
                require_aware(pause.end, "pause end")
                if pause.end < pause.start:
                    raise ValueError(f"pause ends before it starts: {pause}")
            checked.append(pause)
        self.pauses: tuple[Pause, ...] = tuple(checked)
        extra = tuple(extensions)
        for amount_extra in extra:
            if (
                isinstance(amount_extra, bool)
                or not isinstance(amount_extra, numbers.Real)
                or amount_extra < 0
            ):
                # An extension that shortens the deadline is not an extension; refuse it loudly.
                raise ValueError(f"an extension must be >= 0, got {amount_extra!r}")
        self.extensions: tuple[numbers.Real | float | int, ...] = extra

    # --- measures in the clock's own kind of time ---------------------------------------------------

    def _measure(self, a: datetime, b: datetime) -> timedelta:
        if self.unit == Unit.CALENDAR_HOURS:
            return b - a
        return self.calendar.working_between(a, b)

    def _advance(self, start: datetime, amount: timedelta) -> datetime:
        if self.unit == Unit.CALENDAR_HOURS:
            return start + amount
        return self.calendar.add_working(start, amount)

    def _to_unit(self, amount: timedelta) -> float:
        return amount / self.calendar.unit_length(self.unit)

    # --- the rule ------------------------------------------------------------------------------------

    def base_deadline(self) -> datetime:
        """The deadline with extensions but before any pause."""
        budget = float(self.amount) + sum(float(e) for e in self.extensions)
        return self.calendar.add(self.started_at, budget, self.unit)

    def _pause_intervals(self, now: datetime) -> list[tuple[datetime, datetime]]:
        """Pauses clipped to [started_at, now] and merged, so overlaps are counted once."""
        clipped = []
        for pause in self.pauses:
            start = max(pause.start, self.started_at)
            end = now if pause.end is None else min(pause.end, now)
            if end > start:
                clipped.append((start, end))
        clipped.sort()
        merged: list[tuple[datetime, datetime]] = []
        for start, end in clipped:
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        return merged

    def paused_time(self, now: datetime) -> timedelta:
        """Working (or wall-clock, for calendar_hours) time covered by pauses up to `now`."""
        require_aware(now, "now")
        return sum((self._measure(s, e) for s, e in self._pause_intervals(now)), timedelta())

    def is_paused(self, now: datetime) -> bool:
        return any(p.start <= now and (p.end is None or now < p.end) for p in self.pauses)

    def _frozen_at(self, now: datetime) -> datetime:
        """The instant the clock stopped if a pause is open at `now`, else `now`."""
        if not self.is_paused(now) or now <= self.started_at:
            return now
        # The merged interval that contains `now` ends at `now` once clipped; its start is when the
        # clock stopped (overlapping or back-to-back pauses count as one stop).
        for start, end in reversed(self._pause_intervals(now)):
            if end == now:
                return start
        return now

    def deadline(self, now: datetime) -> datetime:
        return self._advance(self.base_deadline(), self.paused_time(now))

    def budget(self) -> timedelta:
        """The granted budget as (working) time: from started_at to the base deadline."""
        return self._measure(self.started_at, self.base_deadline())

    def time_left(self, now: datetime) -> float:
        """Time left in the budget's unit (working days = working hours / 7); negative when overdue."""
        return self._to_unit(self._measure(now, self.deadline(now)))

    def elapsed_share(self, now: datetime) -> float:
        """Share of the budget consumed: 0 at start, 1 at the deadline, above 1 when overdue."""
        return self.snapshot(now).elapsed_share

    def level(self, now: datetime, yellow_share: float = DEFAULT_YELLOW_SHARE) -> Level:
        return self.snapshot(now, yellow_share).level

    def snapshot(self, now: datetime, yellow_share: float = DEFAULT_YELLOW_SHARE) -> SlaSnapshot:
        """All figures at `now` in one pass (the deadline is computed once)."""
        require_aware(now, "now")
        deadline = self.deadline(now)
        left = self._measure(now, deadline)
        budget = self.budget()
        if budget <= timedelta(0):
            # Only with a budget below a microsecond of working time: treat it as used up.
            share = 1.0
        else:
            # Before started_at nothing is consumed yet (a clock evaluated early reads 0, not < 0).
            share = max(0.0, (budget - left) / budget)
        # Compare instants, not working time: at 20:00 after a 17:30 deadline no working time has
        # passed, yet the case is overdue. While paused, judge at the instant the clock stopped: a
        # case paused on time at 17:30 sharp must not turn red overnight just because non-working
        # time pushes nothing.
        frozen = self._frozen_at(now)
        overdue = (frozen > self.deadline(frozen)) if frozen != now else (now > deadline)
        if overdue:
            level = Level.RED
        elif share >= yellow_share:
            level = Level.YELLOW
        else:
            level = Level.GREEN
        return SlaSnapshot(
            deadline=deadline,
            time_left=self._to_unit(left),
            elapsed_share=share,
            level=level,
            paused=self.is_paused(now),
        )
