"""Regions through their actions: the tree's rules, and the audit entry each write leaves."""

from __future__ import annotations

import pytest

from conftest import square
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import Conflict, InvalidInput
from gridgov.territory.actions import region_create, region_update
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.selectors import grid_at


def test_a_grid_is_created_under_its_community_and_recorded(world):
    grid = region_create(
        actor=world.admin,
        code="450101001001003",
        name="幸福社区第三网格",
        level=RegionLevel.GRID,
        parent=world.community,
        boundary=square(108.32, 22.80),
    )
    assert grid.path == world.community.path + "450101001001003/"
    entry = AuditEntry.objects.get(actor=world.admin)
    assert (entry.action, entry.object_id, entry.object_repr) == (
        "territory.region_create",
        str(grid.pk),
        "幸福社区第三网格",
    )
    assert entry.after["parent"] == world.community.pk and entry.after["level"] == "grid"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"level": RegionLevel.VILLAGE}, "invalid_level"),
        ({"code": "²³"}, "invalid_code"),
        ({"code": "1"}, "invalid_code"),
        ({"code": "450101001001001"}, "code_taken"),
        ({"name": ""}, "invalid_name"),
        ({"kind": "很长的类型名称超过了十六个字的限制啊啊"}, "invalid_kind"),
        ({"boundary": {"type": "Point", "coordinates": [1, 2]}}, "invalid_boundary"),
        ({"boundary": {"type": "Polygon", "coordinates": "nonsense"}}, "invalid_boundary"),
    ],
)
def test_bad_regions_are_refused_and_write_nothing(world, fields, code):
    regions, entries = Region.objects.count(), AuditEntry.objects.count()
    with pytest.raises((InvalidInput, Conflict)) as refused:
        region_create(
            actor=world.admin,
            **{
                "code": "450101001001009",
                "name": "新网格",
                "level": RegionLevel.GRID,
                "parent": world.community,
                **fields,
            },
        )
    assert refused.value.code == code
    assert (Region.objects.count(), AuditEntry.objects.count()) == (regions, entries)


def test_renaming_and_redrawing_a_grid_records_what_changed(world):
    moved = square(108.40, 22.90)
    region_update(actor=world.admin, region=world.grid_a, name="幸福社区一网格", boundary=moved)
    entry = AuditEntry.objects.get(actor=world.admin)
    assert entry.action == "territory.region_update"
    assert entry.before["name"] == "幸福社区第一网格" and entry.after["name"] == "幸福社区一网格"
    assert entry.after["boundary"] == moved and "code" not in entry.after
    world.grid_a.refresh_from_db()
    assert world.grid_a.centre_lon is not None and world.grid_a.centre_lon > 108.4


def test_a_bad_rename_writes_nothing(world):
    with pytest.raises(InvalidInput):
        region_update(actor=world.admin, region=world.grid_a, name=" ", boundary=world.grid_a.boundary)
    world.grid_a.refresh_from_db()
    assert world.grid_a.name == "幸福社区第一网格"
    assert not AuditEntry.objects.filter(actor=world.admin).exists()
    assert grid_at(108.305, 22.805) == world.grid_a
