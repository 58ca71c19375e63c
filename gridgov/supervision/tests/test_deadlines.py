"""Deadline arithmetic through the case: the working calendar at dispatch, pauses, extensions.

Everything goes through the HTTP API (POST …/request-info etc., GET …/sla) at frozen instants, so the
figures a handler sees are the ones checked. 2026 calendar: 中秋 09-25…27, 国庆 10-01…07, 调休上班
Sun 09-20 and Sat 10-10. Office hours 09:00–12:00, 13:30–17:30 (7 h a day).
"""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from gridgov.cases import actions
from gridgov.cases.models import CaseStatus, PauseKind
from gridgov.cases.tests import case_flow
from gridgov.catalog.models import MatterItem, ResponsibleLevel, TimeUnit
from gridgov.supervision.tests.flow import accepted_litter, at, fresh


def _sla(client, case_id: int) -> dict:
    response = client.get(f"/api/cases/{case_id}/sla")
    assert response.status_code == 200, response.content
    return response.json()


def _when(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.fixture
def item_bridge(world) -> MatterItem:
    return MatterItem.objects.create(
        category=world.roads,
        code="C1-09",
        name="人行桥护栏损坏",
        responsible_level=ResponsibleLevel.GRID,
        time_limit=6,
        time_unit=TimeUnit.WORKING_DAYS,
    )


def test_national_day_deadline_skips_the_holidays_and_counts_the_makeup_saturday(client, world, item_bridge):
    # Given a case dispatched on Friday afternoon 09-25, the last Friday before 国庆 (the centre is on duty
    # on 中秋), with 6 working days: Mon 28, Tue 29, Wed 30, Thu 10-08, Fri 10-09, Sat 10-10 (调休上班).
    with time_machine.travel(at(2026, 9, 25, 15, 0), tick=False):
        case = case_flow.submitted(world)
        case = actions.case_dispatch(
            actor=world.dispatcher, case_id=case.pk, item=item_bridge, to_worker=world.worker_a
        )
        client.force_login(world.worker_a)
        sla = _sla(client, case.pk)
    assert case.deadline_at == at(2026, 10, 10, 17, 30)
    assert _when(sla["deadline"]) == at(2026, 10, 10, 17, 30)
    assert (sla["level"], sla["unit"], sla["paused"]) == ("green", "working_days", False)

    # During the holiday no working time passes: on 10-05 the same time is left as on 09-30 at 17:30.
    with time_machine.travel(at(2026, 9, 30, 17, 30), tick=False):
        before = _sla(client, case.pk)["time_left"]
    with time_machine.travel(at(2026, 10, 5, 12, 0), tick=False):
        during = _sla(client, case.pk)
    assert during["time_left"] == before and during["level"] == "green"
    # 09-28, 09-29, 09-30 used; 10-08, 10-09, 10-10 left (3 × 7 h = 21 h = 3.0 working days).
    assert during["time_left"] == 3.0


def test_a_pause_across_the_holiday_moves_the_deadline_by_the_working_time_it_covered(
    client, world, item_bridge
):
    with time_machine.travel(at(2026, 9, 25, 15, 0), tick=False) as frozen:
        case = case_flow.submitted(world)
        case = actions.case_dispatch(
            actor=world.dispatcher, case_id=case.pk, item=item_bridge, to_worker=world.worker_a
        )
        actions.case_accept(actor=world.worker_a, case_id=case.pk)
        client.force_login(world.worker_a)
        frozen.move_to(at(2026, 9, 30, 10, 0))
        assert (
            client.post(
                f"/api/cases/{case.pk}/request-info",
                {"note": "请提供护栏位置照片"},
                content_type="application/json",
            ).status_code
            == 200
        )
        frozen.move_to(at(2026, 10, 8, 10, 0))
        client.force_login(world.resident)
        sla = client.post(
            f"/api/cases/{case.pk}/supply-info", {"note": "照片已补充"}, content_type="application/json"
        ).json()
    # Paused Wed 09-30 10:00–17:30 (6 h) + Thu 10-08 09:00–10:00 (1 h) = 7 h = one working day.
    assert _when(sla["deadline"]) == at(2026, 10, 12, 17, 30)
    assert fresh(case).deadline_at == at(2026, 10, 12, 17, 30)
    assert fresh(case).status == CaseStatus.ACCEPTED


def test_calendar_hours_ignore_holidays(client, world):
    with time_machine.travel(at(2026, 9, 30, 15, 0), tick=False):
        case = case_flow.dispatched(world, to_department=True)
    assert case.deadline_at == at(2026, 10, 1, 15, 0)  # 24 自然小时, 国庆 or not


# ------------------------------------------------------------------------------- pauses, extensions
# An ordinary week: 垃圾堆放 (2 working days) dispatched Mon 2026-03-02 09:30 is due Wed 03-04 17:30.

MON = (2026, 3, 2)


def test_waiting_for_information_two_working_days_pushes_the_deadline_two_working_days(client, world):
    with time_machine.travel(at(*MON, 9, 30), tick=False) as frozen:
        case = accepted_litter(world)
        assert case.deadline_at == at(2026, 3, 4, 17, 30)
        client.force_login(world.worker_a)
        frozen.move_to(at(*MON, 10, 0))
        paused = client.post(
            f"/api/cases/{case.pk}/request-info",
            {"note": "请补充垃圾堆放的具体位置"},
            content_type="application/json",
        ).json()
        assert paused["paused"] is True and paused["status"] == CaseStatus.WAITING_INFO
        frozen.move_to(at(2026, 3, 4, 10, 0))  # Wed 10:00: two working days (14 h) later
        client.force_login(world.resident)
        resumed = client.post(
            f"/api/cases/{case.pk}/supply-info", {"note": "在3号楼东侧"}, content_type="application/json"
        ).json()
    assert _when(resumed["deadline"]) == at(2026, 3, 6, 17, 30)  # Wed 17:30 + 2 working days = Fri 17:30
    assert resumed["paused"] is False and resumed["status"] == CaseStatus.ACCEPTED
    pause = case.pauses.get()
    assert (pause.kind, pause.started_at, pause.ended_at) == (
        PauseKind.WAITING_INFO,
        at(*MON, 10, 0),
        at(2026, 3, 4, 10, 0),
    )


def test_postpone_then_resume_pushes_the_deadline_likewise_and_never_turns_red_while_postponed(client, world):
    with time_machine.travel(at(*MON, 9, 30), tick=False) as frozen:
        case = accepted_litter(world)
        frozen.move_to(at(2026, 3, 3, 10, 0))
        client.force_login(world.dispatcher)
        response = client.post(
            f"/api/cases/{case.pk}/postpone",
            {"reason": "需等待环卫车辆调度"},
            content_type="application/json",
        )
        assert response.status_code == 200 and response.json()["status"] == CaseStatus.POSTPONED
        frozen.move_to(at(2026, 3, 4, 20, 0))  # after the original deadline
        during = _sla(client, case.pk)
        assert during["level"] != "red" and during["paused"] is True
        frozen.move_to(at(2026, 3, 5, 10, 0))
        resumed = client.post(
            f"/api/cases/{case.pk}/resume", {"note": "车辆已到位"}, content_type="application/json"
        ).json()
    assert _when(resumed["deadline"]) == at(2026, 3, 6, 17, 30)
    assert resumed["level"] in ("green", "yellow") and resumed["status"] == CaseStatus.ACCEPTED


def test_an_approved_extension_extends_and_a_rejected_one_does_not(client, world):
    with time_machine.travel(at(*MON, 9, 30), tick=False) as frozen:
        case = accepted_litter(world)
        frozen.move_to(at(2026, 3, 3, 10, 0))
        client.force_login(world.worker_a)
        fraction = client.post(
            f"/api/cases/{case.pk}/extension",
            {"amount": 0.5, "reason": "需协调物业"},
            content_type="application/json",
        )
        assert fraction.status_code == 400 and fraction.json()["code"] == "invalid_amount"
        created = client.post(
            f"/api/cases/{case.pk}/extension",
            {"amount": 1, "reason": "需协调物业"},
            content_type="application/json",
        )
        assert created.status_code == 201 and created.json()["status"] == "pending"
        again = client.post(
            f"/api/cases/{case.pk}/extension",
            {"amount": 1, "reason": "再申请一次"},
            content_type="application/json",
        )
        assert again.status_code == 409 and again.json()["code"] == "extension_pending"
        # The handler may not decide their own request.
        own = client.post(
            f"/api/cases/{case.pk}/extension/decide", {"approve": True}, content_type="application/json"
        )
        assert own.status_code == 403

        client.force_login(world.dispatcher)
        approved = client.post(
            f"/api/cases/{case.pk}/extension/decide",
            {"approve": True, "note": "同意"},
            content_type="application/json",
        ).json()
        assert _when(approved["deadline"]) == at(2026, 3, 5, 17, 30) and approved["extension_amount"] == 1
        assert fresh(case).deadline_at == at(2026, 3, 5, 17, 30)

        client.force_login(world.worker_a)
        client.post(
            f"/api/cases/{case.pk}/extension",
            {"amount": 2, "reason": "还需要两天"},
            content_type="application/json",
        )
        client.force_login(world.dispatcher)
        no_note = client.post(
            f"/api/cases/{case.pk}/extension/decide", {"approve": False}, content_type="application/json"
        )
        assert no_note.status_code == 400 and no_note.json()["code"] == "missing_field"
        rejected = client.post(
            f"/api/cases/{case.pk}/extension/decide",
            {"approve": False, "note": "时限充足"},
            content_type="application/json",
        ).json()
        assert _when(rejected["deadline"]) == at(2026, 3, 5, 17, 30) and rejected["extension_amount"] == 1
        none_left = client.post(
            f"/api/cases/{case.pk}/extension/decide", {"approve": True}, content_type="application/json"
        )
        assert none_left.status_code == 409 and none_left.json()["code"] == "no_pending_extension"
    assert [e.status for e in case.extension_requests.order_by("id")] == ["approved", "rejected"]


def test_pausing_a_case_not_yet_accepted_is_a_conflict(client, world):
    with time_machine.travel(at(*MON, 9, 30), tick=False):
        case = case_flow.dispatched(world)
        client.force_login(world.worker_a)
        response = client.post(
            f"/api/cases/{case.pk}/request-info", {"note": "请补充位置"}, content_type="application/json"
        )
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
