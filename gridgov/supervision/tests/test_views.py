"""The pages: the leader desk, a department's calls, one case's panel. Forms appear only when they would
work; outsiders get 404; a refused action comes back as the page with the Chinese message."""

from __future__ import annotations

import time_machine

from gridgov.cases import actions
from gridgov.cases.models import CaseEvent, CaseStatus, ExtensionStatus
from gridgov.supervision.actions import whistle_blow
from gridgov.supervision.models import SupervisionOrder, WhistleCall
from gridgov.supervision.tests.flow import accepted_litter, at, events, fresh
from gridgov.supervision.ticks import sla_tick


def _overdue_cases(world, n: int):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        cases = [accepted_litter(world, description=f"第{i}处垃圾堆放无人清理") for i in range(n)]
    sla_tick(at(2026, 3, 5, 10, 0))
    return cases


def test_desk_lists_overdue_cases_with_time_left_and_the_leader_can_supervise(client, world):
    (case,) = _overdue_cases(world, 1)
    with time_machine.travel(at(2026, 3, 5, 10, 0), tick=False):
        client.force_login(world.leader)
        page = client.get("/supervision/")
        body = page.content.decode()
        assert page.status_code == 200 and case.tracking_no in body
        assert "超期 · 已超期 0.1 工作日" in body and "已提级（1 级）" in body
        assert 'name="instructions"' in body and "提级" in body
        response = client.post(
            f"/supervision/cases/{case.pk}/supervise/",
            {
                "instructions": "限期清理",
                "due_at": "2026-03-09T17:30",
                "public": "on",
                "from": "desk",
                "next": "/supervision/",
            },
        )
    assert response.status_code == 302 and response["Location"] == "/supervision/"
    order = SupervisionOrder.objects.get(case=case)
    assert order.public and order.due_at == at(2026, 3, 9, 17, 30) and fresh(case).publicly_supervised


def test_desk_query_count_does_not_grow_with_the_cases(client, world, django_assert_max_num_queries):
    _overdue_cases(world, 2)
    client.force_login(world.leader)
    with time_machine.travel(at(2026, 3, 5, 10, 0), tick=False):
        with django_assert_max_num_queries(12) as few:
            assert client.get("/supervision/").status_code == 200
        _overdue_cases(world, 4)
        with django_assert_max_num_queries(len(few.captured_queries)):
            assert client.get("/supervision/").content.decode().count('id="desk-case-') == 6


def test_desk_extension_approval_and_error_message(client, world):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = accepted_litter(world)
        actions.case_extension_request(actor=world.worker_a, case_id=case.pk, amount=1, reason="需协调物业")
        client.force_login(world.dispatcher)
        body = client.get("/supervision/").content.decode()
        assert 'id="pending-extensions"' in body and "需协调物业" in body and "1 工作日" in body
        rejected = client.post(
            f"/supervision/cases/{case.pk}/extension-decide/", {"decision": "reject", "from": "desk"}
        )
        assert rejected.status_code == 400 and "请填写审批意见" in rejected.content.decode()
        approved = client.post(
            f"/supervision/cases/{case.pk}/extension-decide/",
            {"decision": "approve", "from": "desk", "next": "/supervision/"},
        )
    assert approved.status_code == 302
    assert case.extension_requests.get().status == ExtensionStatus.APPROVED
    assert fresh(case).deadline_at == at(2026, 3, 5, 17, 30)


def test_desk_is_for_leaders_and_dispatchers_only(client, world):
    for user in (world.worker_a, world.resident, world.water_handler):
        client.force_login(user)
        assert client.get("/supervision/").status_code == 403
    client.logout()
    assert client.get("/supervision/")["Location"].startswith("/login/")


def test_panel_shows_only_the_forms_the_viewer_may_use(client, world):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = accepted_litter(world)
        client.force_login(world.worker_a)
        body = client.get(f"/supervision/cases/{case.pk}/").content.decode()
        assert "request-info/" in body and "extension/" in body and "whistle/" in body
        assert "supervise/" not in body and "postpone/" not in body and "/own/" not in body
        assert 'id="sla-deadline">2026-03-04 17:30' in body

        client.force_login(world.leader)
        body = client.get(f"/supervision/cases/{case.pk}/").content.decode()
        assert "supervise/" in body and "/own/" in body and "escalate/" in body
        assert "request-info/" not in body and "whistle/" not in body

        client.force_login(world.worker_b)
        assert client.get(f"/supervision/cases/{case.pk}/").status_code == 404
        assert client.post(f"/supervision/cases/{case.pk}/own/").status_code == 404


def test_handler_requests_information_on_the_panel_and_a_refusal_shows_the_message(client, world):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False):
        case = accepted_litter(world)
        client.force_login(world.worker_a)
        done = client.post(f"/supervision/cases/{case.pk}/request-info/", {"note": "请补充具体位置"})
        assert done.status_code == 302 and done["Location"] == f"/supervision/cases/{case.pk}/"
        assert fresh(case).status == CaseStatus.WAITING_INFO
        body = client.get(f"/supervision/cases/{case.pk}/").content.decode()
        assert "暂停计时" in body and "supply-info/" in body and "request-info/" not in body
        again = client.post(f"/supervision/cases/{case.pk}/request-info/", {"note": "再补充"})
    assert again.status_code == 409 and "不能要求补充材料" in again.content.decode()
    assert len(events(case, CaseEvent.REQUEST_INFO)) == 1


def test_department_calls_page_acknowledge_action_result(client, world):
    with time_machine.travel(at(2026, 3, 2, 9, 0), tick=False) as frozen:
        case = accepted_litter(world)
        whistle_blow(
            actor=world.worker_a,
            case_id=case.pk,
            lead=world.water,
            assists=[world.housing],
            note="需协同",
            respond_hours=2,
        )
        call = WhistleCall.objects.get(case=case, department=world.water)
        client.force_login(world.water_handler)
        body = client.get("/supervision/calls/").content.decode()
        assert case.tracking_no in body and "2026-03-02 11:00" in body and "待报到" in body
        assert (
            client.post(f"/supervision/calls/{call.pk}/report/", {"stage": "acknowledge"}).status_code == 302
        )
        frozen.move_to(at(2026, 3, 2, 14, 0))
        empty = client.post(f"/supervision/calls/{call.pk}/report/", {"stage": "result", "text": ""})
        assert empty.status_code == 400 and "请填写报到内容" in empty.content.decode()
        client.post(f"/supervision/calls/{call.pk}/report/", {"stage": "result", "text": "已修复"})
        client.force_login(world.housing_handler)
        body = client.get("/supervision/calls/").content.decode()
        assert "已逾期未报到" in body  # housing never reported in by 11:00
        assert (
            client.post(f"/supervision/calls/{call.pk}/report/", {"stage": "acknowledge"}).status_code == 404
        )
    assert fresh(case).status == CaseStatus.ACCEPTED
    call.refresh_from_db()
    assert call.result == "已修复" and call.acknowledged_at == at(2026, 3, 2, 9, 0)
    client.force_login(world.worker_a)
    assert client.get("/supervision/calls/").status_code == 403
