"""Early warnings: seen and acknowledged only by those who run the region they were raised for."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from gridgov.core import clock
from gridgov.core.errors import NotFound
from gridgov.intel import actions
from gridgov.intel.models import Alert, AlertKind
from gridgov.people.actions import role_assign, user_create
from gridgov.people.models import Role
from gridgov.territory.actions import region_create
from gridgov.territory.models import RegionLevel


@pytest.fixture
def alert(world):
    return Alert.objects.create(
        kind=AlertKind.SPIKE,
        key=f"{world.community.path}C1:2026-12-01",
        day=date(2026, 12, 1),
        region=world.community,
        summary="幸福社区 城乡建设 诉求激增",
        observed=9,
        expected=1.5,
        created_at=clock.now(),
    )


@pytest.fixture
def west_leader(world):
    west = region_create(
        actor=None, code="450101002", name="城西街道", level=RegionLevel.TOWNSHIP, parent=world.county
    )
    leader = user_create(actor=None, username="west_leader", password="x", display_name="西街领导")
    role_assign(actor=None, user=leader, role=Role.LEADER, region=west)
    return leader


def test_a_leader_of_the_region_acknowledges_once_and_the_first_acknowledgement_stays(world, alert):
    first, newly = actions.alert_acknowledge(actor=world.leader, alert_id=alert.pk)
    assert newly and first.acknowledged_by == world.leader
    again, newly_again = actions.alert_acknowledge(actor=world.dispatcher, alert_id=alert.pk)
    assert not newly_again and again.acknowledged_by == world.leader


def test_a_leader_of_another_street_sees_nothing_and_cannot_acknowledge(world, alert, west_leader):
    with pytest.raises(NotFound):
        actions.alert_acknowledge(actor=west_leader, alert_id=alert.pk)
    client = Client()
    client.force_login(west_leader)
    assert client.post(reverse("intel-alert-ack", args=[alert.pk])).status_code == 404
    assert "诉求激增" not in client.get(reverse("intel-alerts")).content.decode()
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_a_grid_worker_has_no_alert_page(world, alert):
    client = Client()
    client.force_login(world.worker_a)
    assert client.get(reverse("intel-alerts")).status_code == 404
    assert client.post(reverse("intel-alert-ack", args=[alert.pk])).status_code == 404
