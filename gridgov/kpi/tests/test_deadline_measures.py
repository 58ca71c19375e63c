"""Deadline measures from a known set of cases (2026, community 幸福社区, period March), at frozen instants.

All 垃圾堆放 (2 working days). Queried on 2026-04-01 12:00.

    case  submitted  dispatches / returns           deadline     what happened                              at query
    k1    03-02      2 / 1 (退单, re-dispatched 10:00) 03-04 17:30  resolved 03-03, 不满意, re-accepted 03-03  closed 03-04 (on time)
                                                                  14:00, resolved 03-04 10:00, 满意
    k2    03-09      1 / 0                           03-11 17:30  postponed (缓办) 03-10 10:00                 postponed
    k3    03-23      1 / 0                           03-25 17:30  accepted 11:00, nothing since               accepted, overdue
    k4    02-25      1 / 0                           02-27 17:30  resolved 02-26, rated 03-02 10:00           closed (not in cohort)

Hand-computed, cohort (k1–k3): received 3, completed 1, on time 1 → 按期办结率 100.0 %; overdue 1 (k3 open);
dispatches 4, returns 1 → 准确派遣率 75.0 %; resolutions 2, rework 1 → 返工率 50.0 %;
response (28 h + 0 h + 2 h) / 3 = 10.0 h (k1 timed from its re-dispatch to its last acceptance).
GB/T 30428: 应结案 4 (k1–k3 due in March, k4 closed in March), 结案 2 (k1, k4), 缓办 1 (k2)
→ 结案率 2 / (4 − 1) = 66.7 %.
"""

from __future__ import annotations

import time_machine

from gridgov.cases import actions
from gridgov.cases.models import RatingScore
from gridgov.cases.tests import case_flow
from gridgov.supervision.tests.flow import at

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}


def _accept(world, case):
    return actions.case_accept(actor=world.worker_a, case_id=case.pk)


def _build(world):
    w = world
    with time_machine.travel(at(2026, 2, 25, 9, 0), tick=False) as frozen:
        k4 = _accept(w, case_flow.dispatched(w, description="绿化带里有大量生活垃圾"))
        frozen.move_to(at(2026, 2, 26, 9, 0))
        actions.case_resolve(actor=w.worker_a, case_id=k4.pk, result="已清理")

        frozen.move_to(at(2026, 3, 2, 9, 0))
        k1 = case_flow.dispatched(w)
        frozen.move_to(at(2026, 3, 2, 9, 30))
        actions.case_return(actor=w.worker_a, case_id=k1.pk, reason="不属于本网格")
        frozen.move_to(at(2026, 3, 2, 10, 0))
        actions.case_dispatch(actor=w.dispatcher, case_id=k1.pk, item=w.item_litter, to_worker=w.worker_a)
        _accept(w, k1)
        actions.case_rate(actor=w.resident, case_id=k4.pk, score=RatingScore.SATISFIED)
        frozen.move_to(at(2026, 3, 3, 9, 0))
        actions.case_resolve(actor=w.worker_a, case_id=k1.pk, result="已清理")
        actions.case_rate(actor=w.resident, case_id=k1.pk, score=RatingScore.UNSATISFIED, comment="没清干净")
        frozen.move_to(at(2026, 3, 3, 14, 0))
        _accept(w, k1)
        frozen.move_to(at(2026, 3, 4, 10, 0))
        actions.case_resolve(actor=w.worker_a, case_id=k1.pk, result="已彻底清理")
        actions.case_rate(actor=w.resident, case_id=k1.pk, score=RatingScore.SATISFIED)

        frozen.move_to(at(2026, 3, 9, 9, 0))
        k2 = _accept(w, case_flow.dispatched(w, description="公园门口垃圾桶满溢"))
        frozen.move_to(at(2026, 3, 10, 10, 0))
        actions.case_postpone(actor=w.dispatcher, case_id=k2.pk, reason="等待新垃圾桶到货")

        frozen.move_to(at(2026, 3, 23, 9, 0))
        k3 = case_flow.dispatched(w, description="河道边堆放建筑垃圾")
        frozen.move_to(at(2026, 3, 23, 11, 0))
        _accept(w, k3)


def test_deadline_and_closure_measures_equal_the_hand_computed_ones(client, world):
    _build(world)
    client.force_login(world.leader)
    with time_machine.travel(at(2026, 4, 1, 12, 0), tick=False):
        data = client.get("/api/kpi", {"region": world.community.code, **MARCH}).json()
        page = client.get("/kpi/", {"region": world.community.code, **MARCH}).content.decode()
    total = data["total"]
    figures = {
        k: total[k]
        for k in (
            "received",
            "completed",
            "on_time",
            "on_time_rate",
            "overdue",
            "overdue_open",
            "due",
            "closed_due",
            "postponed",
            "closure_rate",
            "dispatches",
            "returns",
            "dispatch_accuracy",
            "resolutions",
            "rework",
            "rework_rate",
            "response_hours",
        )
    }
    assert figures == {
        "received": 3,
        "completed": 1,
        "on_time": 1,
        "on_time_rate": 100.0,
        "overdue": 1,
        "overdue_open": 1,
        "due": 4,
        "closed_due": 2,
        "postponed": 1,
        "closure_rate": 66.7,
        "dispatches": 4,
        "returns": 1,
        "dispatch_accuracy": 75.0,
        "resolutions": 2,
        "rework": 1,
        "rework_rate": 50.0,
        "response_hours": 10.0,
    }
    # The grid row carries the same figures (every case is in grid A); February's k4 counts only as 结案.
    grid_a = data["by_region"][0]
    assert (grid_a["due"], grid_a["closed_due"], grid_a["received"]) == (4, 2, 3)
    assert "结案率" in page and "66.7%" in page


def test_a_case_paused_after_its_deadline_stays_overdue_and_one_paused_before_does_not(client, world):
    w = world
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False) as frozen:
        late = _accept(w, case_flow.dispatched(w))
        early = _accept(w, case_flow.dispatched(w, description="公园门口垃圾桶满溢"))
        frozen.move_to(at(2026, 3, 3, 9, 0))
        actions.case_request_info(actor=w.worker_a, case_id=early.pk, note="请补充位置")
        frozen.move_to(at(2026, 3, 5, 9, 0))
        actions.case_request_info(actor=w.worker_a, case_id=late.pk, note="请补充位置")
        client.force_login(w.leader)
        total = client.get("/api/kpi", {"region": w.community.code, **MARCH}).json()["total"]
    assert (total["overdue_open"], total["due"], total["postponed"]) == (1, 2, 0)
