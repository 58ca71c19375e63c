"""The dispatch policy changes only through `dispatch_policy_update`, which records who changed it."""

from __future__ import annotations

import pytest
from django.test import Client

from conftest import PASSWORD
from gridgov.audit.models import AuditEntry
from gridgov.core.errors import InvalidInput
from gridgov.intel.actions import dispatch_policy_update
from gridgov.intel.models import DispatchPolicy


def test_turning_auto_dispatch_on_and_tightening_it_is_recorded(world):
    dispatch_policy_update(actor=world.admin, auto_dispatch=True, min_confidence=0.9)
    dispatch_policy_update(actor=world.admin, auto_dispatch=True, min_confidence=0.95)
    assert DispatchPolicy.objects.count() == 1 and DispatchPolicy.current().min_confidence == 0.95
    first, second = AuditEntry.objects.filter(actor=world.admin).order_by("seq")
    assert (first.action, first.before, first.after) == (
        "intel.dispatch_policy_update",
        None,
        {"auto_dispatch": True, "min_confidence": 0.9},
    )
    assert (second.before, second.after) == ({"min_confidence": 0.9}, {"min_confidence": 0.95})


@pytest.mark.parametrize("confidence", [0.2, 1.5, float("nan"), "0.9"])
def test_a_confidence_outside_half_to_one_is_refused_and_writes_nothing(world, confidence):
    with pytest.raises(InvalidInput):
        dispatch_policy_update(actor=world.admin, auto_dispatch=True, min_confidence=confidence)
    assert not DispatchPolicy.objects.exists()
    assert not AuditEntry.objects.filter(actor=world.admin).exists()


def test_the_admin_changes_the_policy_through_the_action(world):
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    response = client.post(
        "/admin/intel/dispatchpolicy/add/", {"auto_dispatch": "on", "min_confidence": "0.3"}
    )
    assert response.status_code == 200 and "最低置信度" in response.content.decode()
    response = client.post(
        "/admin/intel/dispatchpolicy/add/", {"auto_dispatch": "on", "min_confidence": "0.92"}
    )
    assert response.status_code == 302
    assert DispatchPolicy.current().auto_dispatch
    assert AuditEntry.objects.get(actor=world.admin).action == "intel.dispatch_policy_update"
    assert client.get("/admin/intel/dispatchpolicy/add/").status_code == 403  # one policy only
