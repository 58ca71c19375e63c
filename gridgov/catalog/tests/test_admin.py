"""The catalogue admin saves through the catalogue actions and never deletes what cases refer to."""

from __future__ import annotations

from django.test import Client

from conftest import PASSWORD
from gridgov.audit.models import AuditEntry
from gridgov.catalog.models import MatterItem


def _admin() -> Client:
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    return client


def _item_form(world, **fields) -> dict:
    return {
        "category": world.roads.pk,
        "code": "C1-09",
        "name": "井盖缺失",
        "responsible_level": "department",
        "department": "",
        "time_limit": "2",
        "time_unit": "working_days",
        **fields,
    }


def test_a_department_item_without_a_department_is_refused_on_the_form(world):
    response = _admin().post("/admin/catalog/matteritem/add/", _item_form(world))
    assert response.status_code == 200
    assert "必须指定责任部门" in response.content.decode()
    assert not MatterItem.objects.filter(code="C1-09").exists()
    assert not AuditEntry.objects.filter(actor=world.admin).exists()


def test_an_item_added_and_changed_in_the_admin_is_recorded(world):
    client = _admin()
    response = client.post("/admin/catalog/matteritem/add/", _item_form(world, department=world.water.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    item = MatterItem.objects.get(code="C1-09")
    response = client.post(
        f"/admin/catalog/matteritem/{item.pk}/change/",
        _item_form(world, department=world.water.pk, time_limit="4", code="CHANGED"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item.refresh_from_db()
    assert (item.code, item.time_limit) == ("C1-09", 4)  # the code is fixed once created
    created, changed = AuditEntry.objects.filter(actor=world.admin).order_by("seq")
    assert (created.action, changed.action) == ("catalog.item_create", "catalog.item_update")
    assert (changed.before, changed.after) == ({"time_limit": 2}, {"time_limit": 4})


def test_items_are_deactivated_not_deleted(world):
    client = _admin()
    response = client.post(
        "/admin/catalog/matteritem/",
        {"action": "deactivate_selected", "_selected_action": [world.item_lamp.pk]},
    )
    assert response.status_code == 302
    world.item_lamp.refresh_from_db()
    assert not world.item_lamp.active
    assert AuditEntry.objects.get(actor=world.admin).action == "catalog.item_deactivate"
    response = client.post(
        f"/admin/catalog/matteritem/{world.item_lamp.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert "不能删除" in response.content.decode()
    assert MatterItem.objects.filter(pk=world.item_lamp.pk).exists()
