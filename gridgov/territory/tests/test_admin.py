"""Regions added or edited in the admin go through the territory actions (the path is never empty)."""

from __future__ import annotations

import json

from django.test import Client

from conftest import PASSWORD, square
from gridgov.audit.models import AuditEntry
from gridgov.territory.models import Region
from gridgov.territory.selectors import grid_at


def _admin(world) -> Client:
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    return client


def _add(client, **fields):
    data = {"code": "", "name": "", "level": "grid", "kind": "", "parent": "", "boundary": "null", **fields}
    return client.post("/admin/territory/region/add/", data)


def test_a_grid_added_in_the_admin_gets_its_path_and_is_found_by_location(world):
    response = _add(
        _admin(world),
        code="450101001001003",
        name="幸福社区第三网格",
        parent=world.community.pk,
        boundary=json.dumps(square(108.32, 22.80)),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grid = Region.objects.get(code="450101001001003")
    assert grid.path == world.community.path + "450101001001003/"
    assert grid_at(108.325, 22.805) == grid
    entry = AuditEntry.objects.get(actor=world.admin)
    assert (entry.action, entry.object_id) == ("territory.region_create", str(grid.pk))


def test_bad_codes_show_on_the_form_and_write_nothing(world):
    client = _admin(world)
    before = Region.objects.count()
    for code in ("²³", "12a", world.grid_a.code):
        response = _add(client, code=code, name="坏网格", parent=world.community.pk)
        assert response.status_code == 200
        assert "区划代码" in response.content.decode()
    response = _add(
        client, code="450101001001009", name="层级不对", level="village", parent=world.community.pk
    )
    assert response.status_code == 200 and "层级应为" in response.content.decode()
    assert Region.objects.count() == before
    assert not AuditEntry.objects.filter(actor=world.admin).exists()


def test_editing_renames_but_cannot_move_a_region(world):
    client = _admin(world)
    response = client.post(
        f"/admin/territory/region/{world.grid_a.pk}/change/",
        {
            "name": "幸福社区一网格",
            "kind": "",
            "boundary": json.dumps(world.grid_a.boundary),
            "parent": world.street.pk,
            "code": "999",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    world.grid_a.refresh_from_db()
    assert world.grid_a.name == "幸福社区一网格"
    assert (world.grid_a.code, world.grid_a.parent_id) == ("450101001001001", world.community.pk)
    entry = AuditEntry.objects.get(actor=world.admin)
    assert (entry.before, entry.after) == ({"name": "幸福社区第一网格"}, {"name": "幸福社区一网格"})


def test_deleting_a_region_is_refused_with_a_message(world):
    response = _admin(world).post(
        f"/admin/territory/region/{world.grid_b.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200 and "不能删除" in response.content.decode()
    assert Region.objects.filter(pk=world.grid_b.pk).exists()
