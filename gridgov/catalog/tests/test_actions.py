"""The matter catalogue through its actions: what is refused, and the audit entry each write leaves."""

from __future__ import annotations

import pytest

from gridgov.audit.models import AuditEntry
from gridgov.catalog import actions
from gridgov.catalog.models import Category, MatterItem, ResponsibleLevel, TimeUnit
from gridgov.core.errors import Conflict, InvalidInput


def last_entry() -> AuditEntry:
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry is not None
    return entry


def _item(world, **overrides):
    fields = {
        "actor": world.admin,
        "category": world.roads,
        "code": "C1-09",
        "name": "井盖缺失",
        "responsible_level": ResponsibleLevel.GRID,
        "time_limit": 2,
        "time_unit": TimeUnit.WORKING_DAYS,
        **overrides,
    }
    return actions.item_create(**fields)


def test_a_category_is_created_and_renamed_with_entries(world):
    category = actions.category_create(actor=world.admin, code="C3", name="社会治安", order=3)
    actions.category_update(actor=world.admin, category=category, name="平安建设", order=3)
    created, renamed = AuditEntry.objects.filter(actor=world.admin).order_by("seq")
    assert created.after == {"code": "C3", "name": "社会治安", "order": 3} and created.actor == world.admin
    assert (renamed.before, renamed.after) == ({"name": "社会治安"}, {"name": "平安建设"})


@pytest.mark.parametrize(
    ("code", "name", "order"),
    [
        ("", "社会治安", 1),
        ("C 3", "社会治安", 1),
        ("-C3", "社会治安", 1),
        ("C3", "", 1),
        ("C3", "长" * 51, 1),
        ("C3", "社会治安", -1),
        ("C1", "社会治安", 1),
        ("C3", "城乡建设", 1),
    ],
)
def test_bad_categories_write_nothing(world, code, name, order):
    entries, categories = AuditEntry.objects.count(), Category.objects.count()
    with pytest.raises((InvalidInput, Conflict)):
        actions.category_create(actor=world.admin, code=code, name=name, order=order)
    assert (AuditEntry.objects.count(), Category.objects.count()) == (entries, categories)


def test_an_item_is_created_changed_deactivated_and_activated_with_entries(world):
    item = _item(world)
    actions.item_update(
        actor=world.admin,
        item=item,
        category=world.roads,
        name="井盖缺失",
        responsible_level=ResponsibleLevel.DEPARTMENT,
        department=world.housing,
        time_limit=5,
        time_unit=TimeUnit.WORKING_DAYS,
        photo_required=True,
    )
    actions.item_deactivate(actor=world.admin, item=item)
    actions.item_deactivate(actor=world.admin, item=item)  # already inactive: nothing to record
    actions.item_activate(actor=world.admin, item=item)
    entries = list(AuditEntry.objects.filter(actor=world.admin).order_by("seq"))
    assert [e.action for e in entries] == [
        "catalog.item_create",
        "catalog.item_update",
        "catalog.item_deactivate",
        "catalog.item_activate",
    ]
    assert entries[0].after["code"] == "C1-09" and entries[0].after["department"] is None
    assert entries[1].before == {
        "responsible_level": "grid",
        "department": None,
        "time_limit": 2,
        "photo_required": False,
    }
    assert entries[1].after["department"] == world.housing.pk
    assert (entries[2].after, entries[3].after) == ({"active": False}, {"active": True})
    item.refresh_from_db()
    assert item.active and item.time_limit == 5


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"responsible_level": ResponsibleLevel.DEPARTMENT}, "item_needs_department"),
        ({"time_limit": 0}, "invalid_time_limit"),
        ({"time_limit": 100000}, "invalid_time_limit"),
        ({"time_unit": "fortnights"}, "invalid_time_unit"),
        ({"responsible_level": "province"}, "invalid_responsible_level"),
        ({"code": "C1-01"}, "item_code_taken"),
        ({"code": "C1_01"}, "invalid_catalog_code"),
        ({"name": "  "}, "invalid_catalog_name"),
        ({"category": None}, "item_needs_category"),
    ],
)
def test_bad_items_are_refused_with_a_code_and_write_nothing(world, overrides, code):
    entries, items = AuditEntry.objects.count(), MatterItem.objects.count()
    with pytest.raises((InvalidInput, Conflict)) as refused:
        _item(world, **overrides)
    assert refused.value.code == code
    assert (AuditEntry.objects.count(), MatterItem.objects.count()) == (entries, items)
