"""Behaviour through HTTP: an overdue case from the tick to 督办, 吹哨报到, resolution, rating and the KPI
figures; escalation on a second unsatisfied rating; scope (404 for outsiders, 403 for the wrong role)."""

from __future__ import annotations

from datetime import datetime

import pytest
import time_machine

from gridgov.cases import actions
from gridgov.cases.models import CaseEvent, CaseStatus, RatingScore
from gridgov.cases.tests import case_flow
from gridgov.supervision.models import CallRole, WhistleCall
from gridgov.supervision.tests.flow import accepted_litter, at, escalations, events, fresh
from gridgov.supervision.ticks import sla_tick

JSON = "application/json"


def post(client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type=JSON)


def test_end_to_end_overdue_case_supervised_whistled_resolved_rated_and_counted(client, world):
    w = world
    # Given three 垃圾堆放 cases (2 working days) dispatched Mon 2026-03-02 09:00, due Wed 03-04 17:30.
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False) as frozen:
        main = accepted_litter(w)
        on_time = accepted_litter(w, description="楼道里堆满了杂物和垃圾")
        still_open = accepted_litter(w, description="河边有人倾倒建筑垃圾")
        frozen.move_to(at(2026, 3, 3, 10, 0))
        actions.case_resolve(actor=w.worker_a, case_id=on_time.pk, result="已清理干净")
        actions.case_rate(actor=w.resident, case_id=on_time.pk, score=RatingScore.SATISFIED)

        # When the deadline passes, the tick marks the open cases red and escalates them.
        frozen.move_to(at(2026, 3, 5, 10, 0))
        assert sla_tick(at(2026, 3, 5, 10, 0)) == {"checked": 2, "yellow": 0, "red": 2, "escalated": 2}
        assert fresh(main).escalation_level == 1 and len(events(main, CaseEvent.SLA_RED)) == 1

        client.force_login(w.leader)
        sla = client.get(f"/api/cases/{main.pk}/sla").json()
        assert (sla["level"], sla["sla_level"], sla["escalation_level"]) == ("red", "red", 1)
        assert sla["time_left"] == pytest.approx(-1 / 7, abs=0.01)  # one working hour overdue

        # A leader issues a public supervision order (挂牌督办) and takes the case on (包案).
        order = post(
            client,
            f"/api/cases/{main.pk}/supervise",
            {"instructions": "三日内彻底清理并建立长效机制", "due_at": "2026-03-09T17:30:00", "public": True},
        )
        assert order.status_code == 201 and order.json()["public"] is True
        owned = post(client, f"/api/cases/{main.pk}/own", {"note": "县领导包案"}).json()
        assert owned["owner_leader"] == str(w.leader) and owned["publicly_supervised"] is True

        # The grid worker blows the whistle: water leads, housing assists, 4 working hours to report in.
        client.force_login(w.worker_a)
        whistle = post(
            client,
            f"/api/cases/{main.pk}/whistle",
            {
                "lead_department_id": w.water.pk,
                "assist_department_ids": [w.housing.pk],
                "note": "垃圾堆放堵塞排水管，需水务、住建协同处置",
                "respond_hours": 4,
            },
        )
        assert whistle.status_code == 201, whistle.content
        calls = {c["department"]: c for c in whistle.json()["calls"]}
        assert (calls["县水务局"]["role"], calls["县住建局"]["role"]) == ("lead", "assist")
        # 10:00 + 4 working hours, lunch skipped
        assert datetime.fromisoformat(calls["县水务局"]["respond_by"]) == at(2026, 3, 5, 15, 30)

        # The departments report in.
        client.force_login(w.water_handler)
        mine = client.get("/api/whistle-calls").json()
        assert [(c["tracking_no"], c["stage"], c["late"]) for c in mine] == [
            (main.tracking_no, "called", False)
        ]
        water_call = mine[0]["id"]
        assert (
            post(
                client, f"/api/whistle-calls/{water_call}/report", {"stage": "action", "text": "先做措施"}
            ).json()["code"]
            == "not_acknowledged"
        )
        assert (
            post(client, f"/api/whistle-calls/{water_call}/report", {"stage": "acknowledge"}).json()["stage"]
            == "acknowledged"
        )
        again = post(client, f"/api/whistle-calls/{water_call}/report", {"stage": "acknowledge"})
        assert again.status_code == 409 and again.json()["code"] == "already_acknowledged"
        client.force_login(w.housing_handler)
        housing_call = client.get("/api/whistle-calls").json()[0]["id"]
        frozen.move_to(at(2026, 3, 5, 16, 0))  # after respond_by: housing reports in late
        late = post(client, f"/api/whistle-calls/{housing_call}/report", {"stage": "acknowledge"}).json()
        assert late["late"] is True

        client.force_login(w.water_handler)
        assert (
            post(
                client, f"/api/whistle-calls/{water_call}/report", {"stage": "action", "text": "已疏通排水管"}
            ).status_code
            == 200
        )

        # The worker cannot resolve before the lead department reported its result.
        client.force_login(w.worker_a)
        refused = post(client, f"/api/cases/{main.pk}/resolve", {"result": "已清理"})
        assert refused.status_code == 409 and refused.json()["code"] == "lead_not_resolved"
        assert fresh(main).status == CaseStatus.ACCEPTED

        frozen.move_to(at(2026, 3, 6, 10, 0))
        client.force_login(w.water_handler)
        result = post(
            client, f"/api/whistle-calls/{water_call}/report", {"stage": "result", "text": "管道已修复"}
        ).json()
        assert result["stage"] == "resolved"
        client.force_login(w.worker_a)
        assert (
            post(client, f"/api/cases/{main.pk}/resolve", {"result": "垃圾已清运，排水恢复"}).status_code
            == 200
        )
        client.force_login(w.resident)
        rated = post(client, f"/api/cases/{main.pk}/rate", {"score": "satisfied"})
        assert rated.status_code == 200 and rated.json()["status"] == CaseStatus.CLOSED

        # Then the KPI API counts 1 on time, 2 overdue (main resolved late, still_open past its deadline).
        client.force_login(w.leader)
        kpi = client.get(
            "/api/kpi", {"region": w.community.code, "start": "2026-03-01", "end": "2026-03-31"}
        ).json()
    total = kpi["total"]
    assert (
        total["received"],
        total["completed"],
        total["on_time"],
        total["overdue"],
        total["overdue_open"],
    ) == (3, 2, 1, 2, 1)
    assert total["on_time_rate"] == 50.0
    # 应结案: all three were due on 03-04; 结案: on_time and main are closed; none postponed.
    assert (total["due"], total["closed_due"], total["postponed"], total["closure_rate"]) == (3, 2, 0, 66.7)
    assert (total["dispatches"], total["returns"], total["dispatch_accuracy"]) == (3, 0, 100.0)
    assert total["response_hours"] == 0.0  # accepted the moment they were dispatched
    departments = {r["label"]: r for r in kpi["by_department"]}
    assert (
        departments["县水务局"]["calls"],
        departments["县水务局"]["no_shows"],
        departments["县水务局"]["results"],
    ) == (1, 0, 1)
    assert (departments["县住建局"]["acknowledged"], departments["县住建局"]["no_shows"]) == (1, 1)
    assert kpi["whistle_total"]["calls"] == 2
    assert (
        len(events(main, CaseEvent.REPORT_IN)) == 4
    )  # 2 acknowledgements, 1 action, 1 result; refusals wrote nothing
    assert escalations(still_open) == [1]
    assert fresh(still_open).status == CaseStatus.ACCEPTED


def test_a_second_unsatisfied_rating_escalates_to_a_leader(world):
    case = case_flow.resolved(world)
    actions.case_rate(
        actor=world.resident, case_id=case.pk, score=RatingScore.UNSATISFIED, comment="灯还是不亮"
    )
    assert fresh(case).escalation_level == 0
    actions.case_accept(actor=world.worker_a, case_id=case.pk)
    actions.case_resolve(actor=world.worker_a, case_id=case.pk, result="再次处理")
    case = actions.case_rate(
        actor=world.resident, case_id=case.pk, score=RatingScore.UNSATISFIED, comment="还是不亮"
    )
    assert case.status == CaseStatus.REWORK and case.escalation_level >= 2
    entry = events(case, CaseEvent.ESCALATE)[-1]
    assert entry.data["reason"] == "second_unsatisfied" and entry.actor_id is None


def test_manual_escalation_by_a_dispatcher_one_level_at_a_time(client, world):
    case = accepted_litter(world)
    client.force_login(world.dispatcher)
    levels = [
        post(client, f"/api/cases/{case.pk}/escalate", {"note": "群众反映强烈"})
        .json()
        .get("escalation_level")
        for _ in range(3)
    ]
    assert levels == [1, 2, 3]
    top = post(client, f"/api/cases/{case.pk}/escalate")
    assert top.status_code == 409 and top.json()["code"] == "already_escalated"
    assert "群众反映强烈" in events(case, CaseEvent.ESCALATE)[0].note


# --------------------------------------------------------------------------------------------- scope


@pytest.fixture
def whistled(world):
    case = accepted_litter(world)
    from gridgov.supervision.actions import whistle_blow

    whistle_blow(actor=world.worker_a, case_id=case.pk, lead=world.water, note="需水务部门处置")
    return case


CASE_POSTS = [
    ("sla", None),
    ("request-info", {"note": "请补充材料"}),
    ("postpone", {"reason": "等待排期"}),
    ("extension", {"amount": 1, "reason": "需协调"}),
    ("whistle", {"lead_department_id": 1, "note": "需要协同"}),
    ("supervise", {"instructions": "尽快办理", "due_at": "2030-01-01T00:00:00"}),
    ("own", {}),
    ("escalate", {}),
]


@pytest.mark.parametrize(("path", "body"), CASE_POSTS)
def test_outsiders_get_the_same_404_as_for_a_missing_case(client, world, whistled, path, body):
    for user in (world.worker_b, world.housing_handler, world.other_resident):
        client.force_login(user)
        for case_id in (whistled.pk, 999999):
            url = f"/api/cases/{case_id}/{path}"
            response = client.get(url) if body is None else post(client, url, body)
            assert response.status_code == 404 and response.json()["code"] == "case_not_found", (user, path)


def test_a_department_not_whistled_cannot_report_and_a_whistled_one_sees_the_case(client, world, whistled):
    call = WhistleCall.objects.get(case=whistled, role=CallRole.LEAD)
    client.force_login(world.housing_handler)
    response = post(client, f"/api/whistle-calls/{call.pk}/report", {"stage": "acknowledge"})
    assert response.status_code == 404 and response.json()["code"] == "call_not_found"
    assert client.get("/api/whistle-calls").json() == []
    client.force_login(world.water_handler)
    assert client.get(f"/api/cases/{whistled.pk}/sla").status_code == 200
    assert (
        post(client, f"/api/whistle-calls/{call.pk}/report", {"stage": "wave"}).json()["code"]
        == "invalid_stage"
    )


def test_seeing_a_case_is_not_enough_to_act_on_it(client, world, whistled):
    client.force_login(world.worker_a)  # the handler: may see, may not supervise, own, postpone or decide
    for path, body in [
        ("supervise", {"instructions": "尽快办理", "due_at": "2030-01-01T00:00:00"}),
        ("own", {}),
        ("postpone", {"reason": "等待排期"}),
        ("extension/decide", {"approve": True}),
    ]:
        response = post(client, f"/api/cases/{whistled.pk}/{path}", body)
        assert response.status_code in (403, 409) and response.json()["code"] in (
            "forbidden",
            "no_pending_extension",
        ), path
    assert post(client, f"/api/cases/{whistled.pk}/own").status_code == 403
    client.force_login(world.resident)
    assert client.get("/api/whistle-calls").status_code == 403
    assert post(client, f"/api/cases/{whistled.pk}/escalate").status_code == 403


def test_bad_input_is_a_coded_400(client, world, whistled):
    client.force_login(world.worker_a)
    unknown = post(
        client, f"/api/cases/{whistled.pk}/whistle", {"lead_department_id": 999999, "note": "需要协同"}
    )
    assert unknown.status_code == 400 and unknown.json()["code"] == "invalid_department"
    same = post(
        client,
        f"/api/cases/{whistled.pk}/whistle",
        {"lead_department_id": world.water.pk, "assist_department_ids": [world.water.pk], "note": "需要协同"},
    )
    assert same.status_code == 400 and same.json()["code"] == "duplicate_department"
    client.force_login(world.leader)
    past = post(
        client,
        f"/api/cases/{whistled.pk}/supervise",
        {"instructions": "尽快办理", "due_at": "2000-01-01T00:00:00"},
    )
    assert past.status_code == 400 and past.json()["code"] == "invalid_deadline"
    missing = post(client, f"/api/cases/{whistled.pk}/supervise", {"instructions": "尽快办理"})
    assert missing.status_code == 400 and missing.json()["code"] == "missing_field"
    client.logout()
    assert client.get(f"/api/cases/{whistled.pk}/sla").status_code == 401
