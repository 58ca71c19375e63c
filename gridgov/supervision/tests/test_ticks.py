"""The deadline tick: yellow at 75 %, red when overdue, one escalation level per further working day
overdue up to the county, idempotent at the same instant, and never red while the clock is paused.

垃圾堆放 (2 working days) dispatched Mon 2026-03-02 09:00: due Wed 03-04 17:30; the budget is 21 working
hours, so 75 % is used at Wed 10:45.
"""

from __future__ import annotations

import time_machine

from gridgov.cases import actions
from gridgov.cases.models import CaseEvent, CaseStatus
from gridgov.cases.sla import sla_view
from gridgov.supervision.tests.flow import accepted_litter, at, escalations, events, fresh
from gridgov.supervision.ticks import sla_tick


def _tick(instant):
    with time_machine.travel(instant, tick=False):
        return sla_tick(instant)


def test_yellow_red_and_one_level_per_working_day_overdue_up_to_the_county(world):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = accepted_litter(world)

    assert _tick(at(2026, 3, 4, 10, 30))["yellow"] == 0  # 73.8 % used
    assert _tick(at(2026, 3, 4, 11, 0))["yellow"] == 1
    assert _tick(at(2026, 3, 4, 11, 0)) == {
        "checked": 1,
        "yellow": 0,
        "red": 0,
        "escalated": 0,
    }  # same instant: nothing
    assert len(events(case, CaseEvent.SLA_YELLOW)) == 1 and fresh(case).sla_level == "yellow"

    assert _tick(at(2026, 3, 4, 17, 31)) == {"checked": 1, "yellow": 0, "red": 1, "escalated": 1}
    assert _tick(at(2026, 3, 4, 17, 31)) == {"checked": 1, "yellow": 0, "red": 0, "escalated": 0}
    assert (fresh(case).sla_level, fresh(case).escalation_level) == ("red", 1)

    assert _tick(at(2026, 3, 5, 17, 0))["escalated"] == 0  # 6.5 working hours overdue: still level 1
    assert _tick(at(2026, 3, 5, 17, 30))["escalated"] == 1  # one working day overdue → level 2
    assert _tick(at(2026, 3, 6, 17, 30))["escalated"] == 1  # two → level 3 (县中心)
    assert _tick(at(2026, 3, 9, 17, 30))["escalated"] == 0  # never above the county
    assert _tick(at(2026, 3, 9, 17, 30))["escalated"] == 0

    case = fresh(case)
    assert case.escalation_level == 3 and case.status == CaseStatus.ACCEPTED
    assert len(events(case, CaseEvent.SLA_YELLOW)) == 1
    assert len(events(case, CaseEvent.SLA_RED)) == 1
    assert escalations(case) == [1, 2, 3]
    assert all(e.actor_id is None for e in events(case, CaseEvent.ESCALATE))


def test_a_paused_case_never_goes_red_while_paused(world):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False) as frozen:
        case = accepted_litter(world)
        frozen.move_to(at(2026, 3, 3, 10, 0))
        actions.case_request_info(actor=world.worker_a, case_id=case.pk, note="请补充具体位置")

    for instant in (at(2026, 3, 4, 17, 31), at(2026, 3, 6, 12, 0), at(2026, 3, 12, 9, 0)):
        assert _tick(instant)["red"] == 0
        with time_machine.travel(instant, tick=False):
            view = sla_view(fresh(case), instant)
        assert view.snapshot.paused and view.level != "red"
    assert events(case, CaseEvent.SLA_RED) == [] and fresh(case).escalation_level == 0

    # Supplied on Thu 03-12 10:00 after 7 working days paused: the deadline moved by exactly that.
    with time_machine.travel(at(2026, 3, 12, 10, 0), tick=False):
        case = actions.case_supply_info(actor=world.resident, case_id=case.pk, note="在3号楼东侧")
    assert case.deadline_at == at(2026, 3, 13, 17, 30)
    assert _tick(at(2026, 3, 12, 10, 0))["red"] == 0


def test_an_approved_extension_clears_the_warning_so_the_new_deadline_is_announced_again(world):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False) as frozen:
        case = accepted_litter(world)
        frozen.move_to(at(2026, 3, 4, 11, 0))
        sla_tick(at(2026, 3, 4, 11, 0))
        actions.case_extension_request(actor=world.worker_a, case_id=case.pk, amount=2, reason="需协调物业")
        actions.case_extension_decide(actor=world.dispatcher, case_id=case.pk, approve=True)
    assert fresh(case).sla_level == "" and fresh(case).deadline_at == at(2026, 3, 6, 17, 30)
    assert _tick(at(2026, 3, 5, 9, 0))["yellow"] == 0
