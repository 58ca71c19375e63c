"""Loading the shipped holidays and editing days (database)."""

from __future__ import annotations

from datetime import date

import pytest

from gridgov.audit.models import AuditEntry
from gridgov.core.errors import InvalidInput, NotFound
from gridgov.workcal.actions import calendar_day_clear, calendar_day_set, calendar_load_year
from gridgov.workcal.holidays import read_year
from gridgov.workcal.models import CalendarDay, DaySource

pytestmark = pytest.mark.django_db


def test_the_migration_ships_2026_and_a_provisional_2027():
    assert CalendarDay.objects.filter(date__year=2026).count() == len(read_year(2026).entries)
    assert not CalendarDay.objects.filter(date__year=2026, provisional=True).exists()
    assert CalendarDay.objects.filter(date__year=2027).count() == len(read_year(2027).entries)
    assert not CalendarDay.objects.filter(date__year=2027, provisional=False).exists()
    assert CalendarDay.objects.get(date=date(2026, 10, 10)).is_workday


def test_loading_again_changes_nothing_and_records_nothing():
    result = calendar_load_year(actor=None, year=2026)
    assert (result.created, result.updated, result.deleted, result.kept) == (0, 0, 0, 0)
    assert not AuditEntry.objects.exists()


def test_loading_into_an_empty_table_creates_every_day(admin_user):
    CalendarDay.objects.all().delete()
    result = calendar_load_year(actor=admin_user, year=2026)
    assert result.created == len(read_year(2026).entries)
    assert CalendarDay.objects.get(date=date(2026, 2, 14)).updated_by == admin_user
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action) == (admin_user, "workcal.calendar_load_year")
    assert entry.after["created"] == result.created and entry.after["year"] == 2026


def test_a_shipped_day_the_file_no_longer_lists_is_removed():
    # As when the provisional 2027 set is replaced by the official notice.
    CalendarDay.objects.create(
        date=date(2027, 12, 31), is_workday=False, name="猜测", source=DaySource.SHIPPED
    )
    assert calendar_load_year(actor=None, year=2027).deleted == 1
    assert not CalendarDay.objects.filter(date=date(2027, 12, 31)).exists()
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.actor_label, entry.after["deleted"]) == (None, "系统", 1)


def test_the_countys_own_edits_survive_a_reload(admin_user):
    calendar_day_set(actor=admin_user, day=date(2026, 10, 10), is_workday=False, name="县里调整")
    calendar_day_set(actor=admin_user, day=date(2026, 12, 31), is_workday=False, name="县里安排")
    result = calendar_load_year(actor=None, year=2026)
    assert result.kept == 2
    assert not CalendarDay.objects.get(date=date(2026, 10, 10)).is_workday
    assert CalendarDay.objects.filter(date=date(2026, 12, 31)).exists()


def test_an_admin_edit_confirms_a_provisional_day(admin_user):
    row = calendar_day_set(actor=admin_user, day=date(2027, 2, 9), is_workday=False, name="春节")
    assert (row.provisional, row.source, row.updated_by) == (False, DaySource.ADMIN, admin_user)
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.object_id) == (
        admin_user,
        "workcal.calendar_day_set",
        str(row.pk),
    )
    assert (entry.before["provisional"], entry.before["source"]) == (True, "shipped")
    assert (entry.after["provisional"], entry.after["source"]) == (False, "admin")
    assert "is_workday" not in entry.after  # unchanged fields are left out


def test_a_new_day_records_every_field_and_a_too_long_name_writes_nothing(admin_user):
    calendar_day_set(actor=admin_user, day=date(2026, 11, 11), is_workday=False, name="县庆")
    entry = AuditEntry.objects.get()
    assert entry.before is None
    assert entry.after["name"] == "县庆" and entry.after["date"] == "2026-11-11"
    with pytest.raises(InvalidInput):
        calendar_day_set(actor=admin_user, day=date(2026, 11, 12), is_workday=False, name="长" * 41)
    assert not CalendarDay.objects.filter(date=date(2026, 11, 12)).exists()
    assert AuditEntry.objects.count() == 1


def test_clearing_a_day_returns_it_to_the_default_week(admin_user):
    calendar_day_clear(actor=admin_user, day=date(2026, 10, 10))
    assert not CalendarDay.objects.filter(date=date(2026, 10, 10)).exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.after, entry.before["is_workday"]) == (
        "workcal.calendar_day_clear",
        None,
        True,
    )
    with pytest.raises(NotFound):
        calendar_day_clear(actor=admin_user, day=date(2026, 10, 10))


def test_a_year_without_a_file_is_not_found():
    with pytest.raises(NotFound):
        calendar_load_year(actor=None, year=1999)


def test_the_command_reloads_every_shipped_year():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("workcal_load", stdout=out)
    assert "2026: 0 created" in out.getvalue()
    assert "2027: 0 created" in out.getvalue() and "PROVISIONAL" in out.getvalue()
