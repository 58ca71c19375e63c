"""The matter catalogue and the working calendar are county-wide: only the county's administrator
changes them, through the same actions the admin uses; anyone else is refused and nothing is written."""

from __future__ import annotations

from datetime import date

import pytest

from gridgov.catalog.actions import category_create, item_deactivate
from gridgov.catalog.models import Category, MatterItem
from gridgov.core.errors import PermissionDenied
from gridgov.core.testing import nothing_written
from gridgov.people.actions import role_assign, user_create
from gridgov.people.models import Role
from gridgov.workcal.actions import calendar_day_set
from gridgov.workcal.models import CalendarDay


@pytest.mark.parametrize("who", ["dispatcher", "leader", "worker_a", "resident"])
def test_staff_who_are_not_the_county_administrator_cannot_change_the_catalogue(world, who):
    user = getattr(world, who)
    with nothing_written(Category, MatterItem), pytest.raises(PermissionDenied):
        category_create(actor=user, code="C9", name="新类别")
    with nothing_written(Category, MatterItem), pytest.raises(PermissionDenied):
        item_deactivate(actor=user, item=world.item_lamp)
    assert MatterItem.objects.get(pk=world.item_lamp.pk).active


def test_a_street_administrator_is_not_the_county_administrator(world):
    street_admin = user_create(actor=None, username="street_admin", password="x", display_name="街道管理员")
    role_assign(actor=None, user=street_admin, role=Role.ADMIN, region=world.street)
    with nothing_written(CalendarDay), pytest.raises(PermissionDenied):
        calendar_day_set(actor=street_admin, day=date(2027, 3, 1), is_workday=False, name="自定义假日")


def test_the_county_administrator_changes_both(world):
    county_admin = user_create(actor=None, username="county_admin", password="x", display_name="县管理员")
    role_assign(actor=None, user=county_admin, role=Role.ADMIN, region=world.county)
    assert category_create(actor=county_admin, code="C9", name="新类别").code == "C9"
    calendar_day_set(actor=county_admin, day=date(2027, 3, 1), is_workday=False, name="自定义假日")
    assert not CalendarDay.objects.get(date=date(2027, 3, 1)).is_workday
