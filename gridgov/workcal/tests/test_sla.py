"""The SLA clock: pauses (补充材料, 缓办), extensions and the traffic light (no database)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from gridgov.workcal.calendar import SHANGHAI, Unit
from gridgov.workcal.sla import Level, Pause, SlaClock

from .conftest import at

DISPATCHED = at(2026, 3, 4, 10)  # a Wednesday morning


def three_day_clock(calendar, **kwargs) -> SlaClock:
    """A case dispatched Wednesday 10:00 with 3 working days: due Monday 17:30."""
    return SlaClock(calendar=calendar, started_at=DISPATCHED, amount=3, unit=Unit.WORKING_DAYS, **kwargs)


class TestDeadlineAndLevel:
    def test_budget_is_the_working_time_up_to_the_deadline(self, county_calendar):
        clock = three_day_clock(county_calendar)
        assert clock.deadline(DISPATCHED) == at(2026, 3, 9, 17, 30)
        # Wednesday 10:00–12:00 and 13:30–17:30 (6 h) + Thursday, Friday, Monday (21 h).
        assert clock.budget() == timedelta(hours=27)
        assert clock.time_left(DISPATCHED) == pytest.approx(27 / 7)
        assert clock.elapsed_share(DISPATCHED) == 0

    @pytest.mark.parametrize(
        ("now", "level"),
        [
            (at(2026, 3, 4, 10), Level.GREEN),
            (at(2026, 3, 9, 9, 14), Level.GREEN),
            (at(2026, 3, 9, 9, 15), Level.YELLOW),  # 75% of 27 h = 20.25 h consumed
            (at(2026, 3, 9, 17, 30), Level.YELLOW),  # due at 17:30: still on time at 17:30
            (at(2026, 3, 9, 17, 31), Level.RED),
            (at(2026, 3, 10, 8), Level.RED),  # overdue overnight though no working time passed
        ],
    )
    def test_traffic_light(self, county_calendar, now, level):
        assert three_day_clock(county_calendar).level(now) == level

    def test_overdue_overnight_reads_zero_left_but_red(self, county_calendar):
        snap = three_day_clock(county_calendar).snapshot(at(2026, 3, 10, 8))
        assert snap.time_left == 0 and snap.level == Level.RED and snap.elapsed_share == 1

    def test_overdue_time_left_is_negative(self, county_calendar):
        assert three_day_clock(county_calendar).time_left(at(2026, 3, 10, 10, 30)) == pytest.approx(-1.5 / 7)

    def test_yellow_share_is_a_parameter(self, county_calendar):
        clock = three_day_clock(county_calendar)
        assert clock.level(at(2026, 3, 6, 10), yellow_share=0.5) == Level.YELLOW
        assert clock.level(at(2026, 3, 6, 10)) == Level.GREEN

    def test_hours_budget_across_national_day(self, county_calendar):
        clock = SlaClock(
            calendar=county_calendar, started_at=at(2026, 9, 30, 15), amount=8, unit="working_hours"
        )
        # 2.5 h on 30 September, then 5.5 h on 8 October (09:00–12:00, 13:30–16:00).
        assert clock.deadline(at(2026, 9, 30, 15)) == at(2026, 10, 8, 16)
        assert clock.level(at(2026, 10, 5, 12)) == Level.GREEN  # mid-holiday: only 2.5 h used


class TestPauses:
    def test_a_closed_pause_pushes_the_deadline_by_the_working_time_it_covered(self, county_calendar):
        clock = three_day_clock(county_calendar, pauses=[Pause(at(2026, 3, 5, 9), at(2026, 3, 5, 11))])
        assert clock.deadline(at(2026, 3, 6, 9)) == at(2026, 3, 10, 11)

    def test_a_pause_over_a_weekend_pushes_only_by_its_working_time(self, county_calendar):
        clock = three_day_clock(county_calendar, pauses=[(at(2026, 3, 6, 17), at(2026, 3, 9, 9, 30))])
        assert clock.deadline(at(2026, 3, 9, 12)) == at(2026, 3, 10, 10)

    def test_an_open_pause_freezes_time_left(self, county_calendar):
        clock = three_day_clock(county_calendar, pauses=[Pause(at(2026, 3, 5, 9))])
        frozen = clock.time_left(at(2026, 3, 5, 9))
        assert frozen == pytest.approx(3.0)  # 27 h − 6 h used on Wednesday = 21 h
        for now in (at(2026, 3, 5, 15), at(2026, 3, 9, 11), at(2026, 3, 20, 16)):
            assert clock.time_left(now) == pytest.approx(frozen)
            assert clock.level(now) == Level.GREEN
            assert clock.snapshot(now).paused

    def test_overlapping_pauses_count_once(self, county_calendar):
        both = three_day_clock(
            county_calendar,
            pauses=[(at(2026, 3, 5, 9), at(2026, 3, 5, 11)), (at(2026, 3, 5, 10), at(2026, 3, 5, 11))],
        )
        one = three_day_clock(county_calendar, pauses=[(at(2026, 3, 5, 9), at(2026, 3, 5, 11))])
        assert both.deadline(at(2026, 3, 6, 9)) == one.deadline(at(2026, 3, 6, 9))

    def test_a_pause_that_started_before_the_clock_counts_from_the_start(self, county_calendar):
        clock = three_day_clock(county_calendar, pauses=[(at(2026, 3, 3, 9), at(2026, 3, 4, 11))])
        assert clock.deadline(at(2026, 3, 6, 9)) == at(2026, 3, 10, 10)

    def test_a_pause_after_the_deadline_does_not_rescue_an_overdue_case(self, county_calendar):
        clock = three_day_clock(county_calendar, pauses=[Pause(at(2026, 3, 10, 10))])
        assert clock.level(at(2026, 3, 10, 10)) == Level.RED
        assert clock.level(at(2026, 3, 12, 10)) == Level.RED

    def test_a_future_pause_does_not_count_yet(self, county_calendar):
        clock = three_day_clock(county_calendar, pauses=[(at(2026, 3, 6, 9), at(2026, 3, 6, 11))])
        assert clock.deadline(at(2026, 3, 5, 9)) == at(2026, 3, 9, 17, 30)

    def test_calendar_hours_pause_by_wall_clock(self, county_calendar):
        clock = SlaClock(
            calendar=county_calendar,
            started_at=at(2026, 9, 30, 10),
            amount=24,
            unit=Unit.CALENDAR_HOURS,
            pauses=[(at(2026, 9, 30, 20), at(2026, 9, 30, 22))],
        )
        assert clock.deadline(at(2026, 10, 1, 0)) == at(2026, 10, 1, 12)


class TestExtensions:
    def test_an_approved_extension_adds_working_days(self, county_calendar):
        clock = three_day_clock(county_calendar, extensions=[2])
        assert clock.deadline(DISPATCHED) == at(2026, 3, 11, 17, 30)

    def test_a_negative_extension_is_refused(self, county_calendar):
        with pytest.raises(ValueError):
            three_day_clock(county_calendar, extensions=[-1])

    @pytest.mark.parametrize("amount", [0, -1, True, "3"])
    def test_a_budget_must_be_positive(self, county_calendar, amount):
        with pytest.raises(ValueError):
            SlaClock(calendar=county_calendar, started_at=DISPATCHED, amount=amount, unit=Unit.WORKING_DAYS)

    def test_a_pause_ending_before_it_starts_is_refused(self, county_calendar):
        with pytest.raises(ValueError):
            three_day_clock(county_calendar, pauses=[(at(2026, 3, 5, 11), at(2026, 3, 5, 9))])


# --- properties ----------------------------------------------------------------------------------

starts = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(SHANGHAI)
)
budgets = st.one_of(
    st.tuples(st.integers(1, 10), st.just(Unit.WORKING_DAYS)),
    st.tuples(st.integers(1, 60), st.just(Unit.WORKING_HOURS)),
    st.tuples(st.integers(1, 200), st.just(Unit.CALENDAR_HOURS)),
)
minutes = st.integers(min_value=0, max_value=60 * 24 * 30)
pause_specs = st.lists(st.tuples(minutes, st.one_of(st.none(), st.integers(0, 60 * 24 * 10))), max_size=3)


def build_pauses(start: datetime, specs) -> list[Pause]:
    return [
        Pause(start + timedelta(minutes=o), None if d is None else start + timedelta(minutes=o + d))
        for o, d in specs
    ]


@settings(max_examples=120, deadline=None)
@given(start=starts, budget=budgets, specs=pause_specs, now_after=minutes)
def test_pausing_never_shortens_a_deadline(county_calendar, start, budget, specs, now_after):
    amount, unit = budget
    now = start + timedelta(minutes=now_after)
    plain = SlaClock(calendar=county_calendar, started_at=start, amount=amount, unit=unit)
    paused = SlaClock(
        calendar=county_calendar,
        started_at=start,
        amount=amount,
        unit=unit,
        pauses=build_pauses(start, specs),
    )
    assert paused.deadline(now) >= plain.deadline(now)


@settings(max_examples=120, deadline=None)
@given(
    start=starts,
    budget=budgets,
    offset=minutes,
    short=st.integers(0, 60 * 24 * 10),
    longer=st.one_of(st.none(), st.integers(0, 60 * 24 * 10)),
    now_after=minutes,
)
def test_more_pause_time_never_gives_an_earlier_deadline(
    county_calendar, start, budget, offset, short, longer, now_after
):
    amount, unit = budget
    now = start + timedelta(minutes=now_after)
    pause_start = start + timedelta(minutes=offset)
    short_end = pause_start + timedelta(minutes=short)
    long_end = None if longer is None else short_end + timedelta(minutes=longer)
    a = SlaClock(
        calendar=county_calendar,
        started_at=start,
        amount=amount,
        unit=unit,
        pauses=[(pause_start, short_end)],
    )
    b = SlaClock(
        calendar=county_calendar, started_at=start, amount=amount, unit=unit, pauses=[(pause_start, long_end)]
    )
    assert b.deadline(now) >= a.deadline(now)


@settings(max_examples=120, deadline=None)
@given(
    start=starts,
    budget=budgets,
    extra=st.lists(st.integers(0, 5), max_size=3),
    specs=pause_specs,
    now_after=minutes,
)
def test_an_extension_never_shortens_a_deadline(county_calendar, start, budget, extra, specs, now_after):
    amount, unit = budget
    now = start + timedelta(minutes=now_after)
    pauses = build_pauses(start, specs)
    plain = SlaClock(calendar=county_calendar, started_at=start, amount=amount, unit=unit, pauses=pauses)
    extended = SlaClock(
        calendar=county_calendar, started_at=start, amount=amount, unit=unit, pauses=pauses, extensions=extra
    )
    assert extended.deadline(now) >= plain.deadline(now)


@settings(max_examples=120, deadline=None)
@given(start=starts, budget=budgets, specs=pause_specs, now_after=minutes)
def test_elapsed_plus_left_is_the_budget(county_calendar, start, budget, specs, now_after):
    amount, unit = budget
    now = start + timedelta(minutes=now_after)
    clock = SlaClock(
        calendar=county_calendar,
        started_at=start,
        amount=amount,
        unit=unit,
        pauses=build_pauses(start, specs),
    )
    if unit == Unit.CALENDAR_HOURS:
        elapsed = now - start
    else:
        elapsed = county_calendar.working_between(start, now)
    consumed = elapsed - clock.paused_time(now)
    left = clock.time_left(now) * county_calendar.unit_length(unit)
    assert (consumed + left - clock.budget()) / timedelta(seconds=1) == pytest.approx(0, abs=1e-3)
    assert clock.elapsed_share(now) == pytest.approx(consumed / clock.budget())


@settings(max_examples=80, deadline=None)
@given(start=starts, budget=budgets, pause_at=minutes, a=minutes, b=minutes)
def test_an_open_pause_freezes_the_clock(county_calendar, start, budget, pause_at, a, b):
    amount, unit = budget
    pause_start = start + timedelta(minutes=pause_at)
    clock = SlaClock(
        calendar=county_calendar, started_at=start, amount=amount, unit=unit, pauses=[Pause(pause_start)]
    )
    first, second = pause_start + timedelta(minutes=a), pause_start + timedelta(minutes=b)
    assume(first != second)
    assert clock.time_left(first) == pytest.approx(clock.time_left(second), abs=1e-9)
    assert clock.level(first) == clock.level(second)
