"""Issue 3's events reach the people who must act: whistled departments, escalation levels, residents."""

from __future__ import annotations

from gridgov.cases import actions
from gridgov.cases.tests import case_flow
from gridgov.notify.models import Notification
from gridgov.supervision.actions import whistle_blow


def kinds_for(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).order_by("pk").values_list("kind", flat=True))


def test_whistled_departments_are_told(world):
    case = case_flow.accepted(world)
    whistle_blow(
        actor=world.worker_a, case_id=case.pk, lead=world.water, assists=[world.housing], note="管道需开挖"
    )
    assert "case.whistle" in kinds_for(world.water_handler)
    assert "case.whistle" in kinds_for(world.housing_handler)
    assert "case.whistle" not in kinds_for(world.worker_a)  # not told about their own action


def test_escalation_to_the_county_reaches_its_leaders_and_dispatchers(world):
    case = case_flow.accepted(world)
    actions.case_escalate(actor=None, case_id=case.pk, reason="overdue", level=3)
    assert "case.escalated" in kinds_for(world.leader)
    assert "case.escalated" in kinds_for(world.dispatcher)
    assert "case.escalated" in kinds_for(world.worker_a)


def test_the_resident_is_asked_for_more_information(world):
    case = case_flow.accepted(world)
    actions.case_request_info(actor=world.worker_a, case_id=case.pk, note="请补充现场照片")
    assert kinds_for(world.resident)[-1] == "case.need_info"
