"""Working-time arithmetic against the 2026 county calendar (no database)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gridgov.workcal.calendar import SHANGHAI, Unit, WorkCalendar
from gridgov.workcal.holidays import read_year, shipped_years

from .conftest import at

H = Unit.WORKING_HOURS
D = Unit.WORKING_DAYS
C = Unit.CALENDAR_HOURS


class TestDefaultWeek:
    def test_weekdays_work_and_weekends_rest_without_overrides(self):
        cal = WorkCalendar()
        assert [cal.is_workday(date(2026, 3, d)) for d in range(2, 9)] == [True] * 5 + [False] * 2

    def test_an_override_turns_a_monday_into_a_rest_day(self):
        cal = WorkCalendar({date(2026, 3, 9): False})
        assert cal.add(at(2026, 3, 6, 10), 1, D) == at(2026, 3, 10, 17, 30)


class TestWorkingHours:
    @pytest.mark.parametrize(
        ("start", "hours", "due"),
        [
            (at(2026, 3, 2, 10), 1, at(2026, 3, 2, 11)),
            (at(2026, 3, 2, 10), 3, at(2026, 3, 2, 14, 30)),  # the lunch break does not count
            (at(2026, 3, 2, 9), 3, at(2026, 3, 2, 12)),  # ends exactly at noon, not at 13:30
            (at(2026, 3, 2, 9), 7, at(2026, 3, 2, 17, 30)),  # one full day is 7 hours
            (at(2026, 3, 2, 9), 7.5, at(2026, 3, 3, 9, 30)),
            (at(2026, 3, 6, 16, 30), 2, at(2026, 3, 9, 10)),  # Friday afternoon → Monday
            (at(2026, 3, 2, 9), 35, at(2026, 3, 6, 17, 30)),  # a working week
            (at(2026, 3, 2, 9), 36, at(2026, 3, 9, 10)),
        ],
    )
    def test_add(self, county_calendar, start, hours, due):
        assert county_calendar.add(start, hours, H) == due

    @pytest.mark.parametrize(
        ("start", "due"),
        [
            (at(2026, 3, 2, 7), at(2026, 3, 2, 10)),  # before opening: counts from 09:00
            (at(2026, 3, 2, 12, 30), at(2026, 3, 2, 14, 30)),  # lunch: counts from 13:30
            (at(2026, 3, 2, 18), at(2026, 3, 3, 10)),  # after closing: next morning
            (at(2026, 3, 7, 10), at(2026, 3, 9, 10)),  # Saturday: Monday morning
        ],
    )
    def test_a_start_outside_hours_counts_from_the_next_working_period(self, county_calendar, start, due):
        assert county_calendar.add(start, 1, H) == due

    def test_national_day_holiday_is_skipped(self, county_calendar):
        assert county_calendar.add(at(2026, 9, 30, 16, 30), 2, H) == at(2026, 10, 8, 10)

    def test_the_make_up_sunday_before_national_day_is_worked(self, county_calendar):
        # 2026-09-20 is a Sunday worked in exchange for the National Day holiday.
        assert county_calendar.add(at(2026, 9, 19, 10), 1, H) == at(2026, 9, 20, 10)

    def test_spring_festival_is_skipped_after_the_make_up_saturday(self, county_calendar):
        # Saturday 2026-02-14 is worked; 15–23 February are off.
        assert county_calendar.add(at(2026, 2, 14, 16, 30), 2, H) == at(2026, 2, 24, 10)

    def test_zero_hours_is_the_start_itself(self, county_calendar):
        assert county_calendar.add(at(2026, 3, 7, 10), 0, H) == at(2026, 3, 7, 10)

    def test_an_instant_in_another_zone_is_read_in_beijing_time(self, county_calendar):
        start = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Beijing
        assert county_calendar.add(start, 1, H) == at(2026, 3, 2, 11)


class TestWorkingDays:
    @pytest.mark.parametrize(
        ("start", "days", "due"),
        [
            (at(2026, 3, 4, 10), 3, at(2026, 3, 9, 17, 30)),  # Wed → Thu, Fri, Mon
            (at(2026, 3, 4, 7), 3, at(2026, 3, 9, 17, 30)),  # the hour of the start day does not matter
            (at(2026, 3, 4, 20), 3, at(2026, 3, 9, 17, 30)),
            (at(2026, 3, 6, 20), 1, at(2026, 3, 9, 17, 30)),  # Friday night → Monday
            (at(2026, 3, 7, 10), 1, at(2026, 3, 9, 17, 30)),  # Saturday → Monday
            (at(2026, 3, 2, 10), 5, at(2026, 3, 9, 17, 30)),
        ],
    )
    def test_due_at_close_of_the_nth_working_day_after_the_start_day(self, county_calendar, start, days, due):
        assert county_calendar.add(start, days, D) == due

    @pytest.mark.parametrize(
        ("days", "due"),
        [
            (1, at(2026, 10, 8, 17, 30)),  # the holiday is 1–7 October
            (2, at(2026, 10, 9, 17, 30)),
            (3, at(2026, 10, 10, 17, 30)),  # Saturday 10 October is a make-up working day
            (4, at(2026, 10, 12, 17, 30)),
        ],
    )
    def test_across_national_day_2026(self, county_calendar, days, due):
        assert county_calendar.add(at(2026, 9, 30, 10), days, D) == due

    def test_across_spring_festival_2026(self, county_calendar):
        start = at(2026, 2, 13, 10)  # Friday before the holiday
        assert county_calendar.add(start, 1, D) == at(2026, 2, 14, 17, 30)  # make-up Saturday
        assert county_calendar.add(start, 2, D) == at(2026, 2, 24, 17, 30)  # first day back
        assert county_calendar.add(at(2026, 2, 27, 10), 1, D) == at(2026, 2, 28, 17, 30)

    def test_across_new_year_and_labour_day_2026(self, county_calendar):
        assert county_calendar.add(at(2025, 12, 31, 10), 1, D) == at(2026, 1, 4, 17, 30)  # make-up Sunday
        assert county_calendar.add(at(2026, 4, 30, 10), 1, D) == at(2026, 5, 6, 17, 30)
        assert county_calendar.add(at(2026, 5, 8, 10), 1, D) == at(2026, 5, 9, 17, 30)

    def test_fractional_days_are_refused(self, county_calendar):
        with pytest.raises(ValueError):
            county_calendar.add(at(2026, 3, 2, 10), 1.5, D)


class TestCalendarHours:
    def test_calendar_hours_run_through_holidays(self, county_calendar):
        assert county_calendar.add(at(2026, 9, 30, 10), 24, C) == at(2026, 10, 1, 10)
        assert county_calendar.working_time_between(at(2026, 9, 30, 10), at(2026, 10, 1, 10), C) == 24


class TestWorkingTimeBetween:
    def test_across_national_day(self, county_calendar):
        a, b = at(2026, 9, 30, 9), at(2026, 10, 8, 17, 30)
        assert county_calendar.working_time_between(a, b, H) == 14
        assert county_calendar.working_time_between(a, b, D) == 2
        assert county_calendar.working_time_between(b, a, H) == -14

    def test_friday_evening_to_monday_morning(self, county_calendar):
        assert county_calendar.working_time_between(at(2026, 3, 6, 17), at(2026, 3, 9, 9, 30), H) == 1

    def test_nothing_passes_over_a_weekend(self, county_calendar):
        assert county_calendar.working_time_between(at(2026, 3, 6, 17, 30), at(2026, 3, 9, 9), H) == 0


class TestValidation:
    def test_naive_datetimes_are_refused(self, county_calendar):
        with pytest.raises(ValueError):
            county_calendar.add(datetime(2026, 3, 2, 10), 1, H)

    def test_negative_amounts_are_refused(self, county_calendar):
        with pytest.raises(ValueError):
            county_calendar.add(at(2026, 3, 2, 10), -1, H)

    def test_unknown_units_are_refused(self, county_calendar):
        with pytest.raises(ValueError):
            county_calendar.add(at(2026, 3, 2, 10), 1, "fortnights")

    def test_a_calendar_without_working_days_fails_loudly(self):
        never = {date(2026, 1, 1) + timedelta(days=i): False for i in range(4000)}
        with pytest.raises(ValueError):
            WorkCalendar(never).add(at(2026, 1, 1, 10), 1, D)


class TestShippedData:
    def test_2026_matches_the_state_council_notice(self):
        year = read_year(2026)
        assert not year.provisional
        rest = {e.day for e in year.entries if not e.is_workday}
        work = {e.day for e in year.entries if e.is_workday}
        assert work == {
            date(2026, 1, 4),
            date(2026, 2, 14),
            date(2026, 2, 28),
            date(2026, 5, 9),
            date(2026, 9, 20),
            date(2026, 10, 10),
        }
        assert len(rest) == 3 + 9 + 3 + 5 + 3 + 3 + 7
        assert {date(2026, 10, d) for d in range(1, 8)} <= rest

    def test_2027_is_flagged_provisional(self):
        year = read_year(2027)
        assert year.provisional
        assert date(2027, 2, 6) in {e.day for e in year.entries}  # 春节, 正月初一

    def test_every_shipped_year_parses(self):
        assert {2026, 2027} <= set(shipped_years())
        for year in shipped_years():
            read_year(year)


# --- properties ----------------------------------------------------------------------------------

instants = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 12, 1), timezones=st.just(SHANGHAI)
)


@settings(max_examples=150, deadline=None)
@given(start=instants, minutes=st.integers(min_value=0, max_value=60 * 7 * 30))
def test_working_time_between_inverts_add(county_calendar, start, minutes):
    due = county_calendar.add_working(start, timedelta(minutes=minutes))
    assert county_calendar.working_between(start, due) == timedelta(minutes=minutes)


@settings(max_examples=150, deadline=None)
@given(
    start=instants,
    a=st.integers(min_value=0, max_value=60),
    b=st.integers(min_value=0, max_value=60),
    unit=st.sampled_from([H, D, C]),
)
def test_more_budget_never_gives_an_earlier_deadline(county_calendar, start, a, b, unit):
    small, large = sorted((a, b))
    assert county_calendar.add(start, small, unit) <= county_calendar.add(start, large, unit)
