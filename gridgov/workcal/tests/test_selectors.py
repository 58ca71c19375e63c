"""The calendar read from the database, and that an edit changes deadlines at once."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from gridgov.core.clock import now
from gridgov.workcal.actions import calendar_day_clear, calendar_day_set
from gridgov.workcal.calendar import Unit
from gridgov.workcal.selectors import calendar_days, calendar_years, load_calendar, provisional_days
from gridgov.workcal.sla import Level, SlaClock

from .conftest import at

pytestmark = pytest.mark.django_db


def test_the_loaded_calendar_knows_the_2026_holidays():
    calendar = load_calendar()
    assert not calendar.is_workday(date(2026, 10, 1))
    assert calendar.is_workday(date(2026, 10, 10))  # 调休上班 on a Saturday
    assert calendar.is_workday(date(2026, 11, 2))  # an ordinary Monday, not in the table


def test_an_admin_edit_changes_the_deadline(admin_user):
    with time_machine.travel(at(2026, 9, 30, 10), tick=False):
        dispatched = now()
        assert load_calendar().add(dispatched, 3, Unit.WORKING_DAYS) == at(2026, 10, 10, 17, 30)

        # The county decides not to work the make-up Saturday.
        calendar_day_set(actor=admin_user, day=date(2026, 10, 10), is_workday=False, name="县里调整")
        assert load_calendar().add(dispatched, 3, Unit.WORKING_DAYS) == at(2026, 10, 12, 17, 30)

        calendar_day_clear(actor=admin_user, day=date(2026, 10, 10))  # back to an ordinary Saturday
        assert load_calendar().add(dispatched, 3, Unit.WORKING_DAYS) == at(2026, 10, 12, 17, 30)

        calendar_day_set(actor=admin_user, day=date(2026, 10, 10), is_workday=True, name="调休上班")
        assert load_calendar().add(dispatched, 3, Unit.WORKING_DAYS) == at(2026, 10, 10, 17, 30)


def test_a_case_over_the_holiday_stays_green_until_the_week_after(admin_user):
    dispatched = at(2026, 9, 30, 10)
    clock = SlaClock(calendar=load_calendar(), started_at=dispatched, amount=3, unit=Unit.WORKING_DAYS)
    with time_machine.travel(at(2026, 10, 6, 12), tick=False):
        assert clock.level(now()) == Level.GREEN  # mid-holiday: only 30 September has been used
    with time_machine.travel(at(2026, 10, 10, 16), tick=False):
        assert clock.level(now()) == Level.YELLOW
    with time_machine.travel(at(2026, 10, 11, 9), tick=False):
        assert clock.level(now()) == Level.RED


def test_an_unchanged_table_costs_one_query(django_assert_num_queries):
    first = load_calendar()
    with django_assert_num_queries(1):
        assert load_calendar() is first


def test_listing_reads():
    assert [d.date for d in calendar_days(year=2026)][:2] == [date(2026, 1, 1), date(2026, 1, 2)]
    assert calendar_years()[:2] == [2027, 2026]
    assert all(d.date.year == 2027 for d in provisional_days())
