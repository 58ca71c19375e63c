"""Every (status, event) pair of the case machine: allowed ones move and write the timeline, the rest
are refused with a conflict and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent, CaseStatus, ExtensionRequest, RatingScore, TimelineEntry
from gridgov.cases.tests import case_flow
from gridgov.cases.workflow import GATEWAY_EVENTS, TRANSITIONS
from gridgov.core import clock
from gridgov.core.errors import Conflict
from gridgov.supervision.actions import case_take_ownership, supervision_issue, whistle_blow, whistle_report
from gridgov.supervision.models import CallRole, Whistle, WhistleCall


def _in_status(world, status: str) -> Case:
    if status == CaseStatus.SUBMITTED:
        return case_flow.submitted(world)
    if status == CaseStatus.DISPATCHED:
        return case_flow.dispatched(world)
    if status == CaseStatus.RETURNED:
        case = case_flow.dispatched(world)
        return actions.case_return(actor=world.worker_a, case_id=case.pk, reason="不属于本网格")
    if status == CaseStatus.ACCEPTED:
        return case_flow.accepted(world)
    if status == CaseStatus.WAITING_INFO:
        case = case_flow.accepted(world)
        return actions.case_request_info(actor=world.worker_a, case_id=case.pk, note="请补充路灯编号")
    if status == CaseStatus.POSTPONED:
        case = case_flow.accepted(world)
        return actions.case_postpone(actor=world.dispatcher, case_id=case.pk, reason="需等待供电所排期")
    if status == CaseStatus.RESOLVED:
        return case_flow.resolved(world)
    if status == CaseStatus.REWORK:
        case = case_flow.resolved(world)
        return actions.case_rate(
            actor=world.resident, case_id=case.pk, score=RatingScore.UNSATISFIED, comment="灯还是不亮"
        )
    if status == CaseStatus.CLOSED:
        case = case_flow.resolved(world)
        return actions.case_rate(actor=world.resident, case_id=case.pk, score=RatingScore.SATISFIED)
    if status == CaseStatus.CANCELLED:
        case = case_flow.submitted(world)
        return actions.case_cancel(actor=world.resident, case_id=case.pk, reason="已自行解决")
    if status == CaseStatus.MERGED:
        original = case_flow.submitted(world)
        duplicate = case_flow.submitted(world, description="路灯不亮，门口一片漆黑")
        return actions.case_merge(actor=world.dispatcher, case_id=duplicate.pk, into_id=original.pk)
    raise AssertionError(status)


def _apply(world, case: Case, event: str) -> None:
    w = world
    if event == CaseEvent.DISPATCH:
        actions.case_dispatch(actor=w.dispatcher, case_id=case.pk, item=w.item_litter, to_worker=w.worker_a)
    elif event == CaseEvent.ACCEPT:
        actions.case_accept(actor=w.worker_a, case_id=case.pk)
    elif event == CaseEvent.RETURN:
        actions.case_return(actor=w.worker_a, case_id=case.pk, reason="不属于本网格")
    elif event == CaseEvent.PROGRESS:
        actions.case_progress(actor=w.worker_a, case_id=case.pk, note="已联系供电所")
    elif event == CaseEvent.RESOLVE:
        actions.case_resolve(actor=w.worker_a, case_id=case.pk, result="已处理完毕")
    elif event == CaseEvent.RATE:
        actions.case_rate(actor=w.resident, case_id=case.pk, score=RatingScore.BASIC)
    elif event == CaseEvent.REWORK:
        actions.case_rate(
            actor=w.resident, case_id=case.pk, score=RatingScore.UNSATISFIED, comment="没有解决"
        )
    elif event == CaseEvent.CLOSE:
        actions.case_close(actor=w.dispatcher, case_id=case.pk)
    elif event == CaseEvent.CANCEL:
        actions.case_cancel(actor=w.resident, case_id=case.pk)
    elif event == CaseEvent.MERGE:
        target = case_flow.submitted(w, description="另一条相同的路灯诉求")
        actions.case_merge(actor=w.dispatcher, case_id=case.pk, into_id=target.pk)
    elif event == CaseEvent.MERGED_IN:
        duplicate = case_flow.submitted(w, description="重复提交的路灯诉求")
        actions.case_merge(actor=w.dispatcher, case_id=duplicate.pk, into_id=case.pk)
    elif event == CaseEvent.REQUEST_INFO:
        actions.case_request_info(actor=w.worker_a, case_id=case.pk, note="请补充照片")
    elif event == CaseEvent.SUPPLY_INFO:
        actions.case_supply_info(actor=w.resident, case_id=case.pk, note="已补充照片")
    elif event == CaseEvent.POSTPONE:
        actions.case_postpone(actor=w.dispatcher, case_id=case.pk, reason="等待上级资金")
    elif event == CaseEvent.RESUME:
        actions.case_resume(actor=w.dispatcher, case_id=case.pk)
    elif event == CaseEvent.EXTENSION_REQUEST:
        actions.case_extension_request(actor=w.worker_a, case_id=case.pk, amount=1, reason="需要采购配件")
    elif event == CaseEvent.EXTENSION_DECIDE:
        ExtensionRequest.objects.create(
            case=case, amount=1, reason="需要采购配件", requested_by=w.worker_a, requested_at=clock.now()
        )
        actions.case_extension_decide(actor=w.dispatcher, case_id=case.pk, approve=True)
    elif event == CaseEvent.WHISTLE:
        whistle_blow(actor=w.worker_a, case_id=case.pk, lead=w.water, note="管道问题需水务局处理")
    elif event == CaseEvent.REPORT_IN:
        whistle = Whistle.objects.create(
            case=case, blown_by=w.worker_a, note="需水务局", created_at=clock.now(), respond_by=clock.now()
        )
        call = WhistleCall.objects.create(whistle=whistle, case=case, department=w.water, role=CallRole.LEAD)
        whistle_report(actor=w.water_handler, call_id=call.pk, stage="acknowledge")
    elif event in (CaseEvent.SLA_YELLOW, CaseEvent.SLA_RED):
        actions.apply_event(actor=None, case_id=case.pk, event=event, note="tick")
    elif event == CaseEvent.ESCALATE:
        actions.case_escalate(actor=None, case_id=case.pk, reason="overdue")
    elif event == CaseEvent.SUPERVISE:
        supervision_issue(
            actor=w.leader, case_id=case.pk, instructions="三日内办结", due_at=clock.now() + timedelta(days=3)
        )
    elif event == CaseEvent.TAKE_OWNERSHIP:
        case_take_ownership(actor=w.leader, case_id=case.pk)
    else:
        raise AssertionError(event)


def _snapshot(case: Case) -> dict:
    row = Case.objects.filter(pk=case.pk).values().get()
    row["timeline"] = TimelineEntry.objects.filter(case=case).count()
    return row


PAIRS = [(status, event) for status in CaseStatus.values for event in GATEWAY_EVENTS]


@pytest.mark.parametrize(("status", "event"), PAIRS)
def test_every_status_event_pair(world, status, event):
    case = _in_status(world, status)
    assert case.status == status
    before = _snapshot(case)
    expected = TRANSITIONS.get((status, event))
    if expected is None:
        with pytest.raises(Conflict) as err:
            _apply(world, case, event)
        assert err.value.code == "invalid_transition"
        assert err.value.status == 409
        assert _snapshot(case) == before
    else:
        _apply(world, case, event)
        case.refresh_from_db()
        assert case.status == expected
        entry = TimelineEntry.objects.filter(case=case, event=event).order_by("-id").first()
        assert entry is not None
        assert (entry.from_status, entry.to_status) == (status, expected)
        assert _snapshot(case)["timeline"] == before["timeline"] + 1


def test_every_transition_is_reachable_from_a_real_status():
    statuses = set(CaseStatus.values)
    for (source, event), target in TRANSITIONS.items():
        assert source in statuses and target in statuses and event in GATEWAY_EVENTS


def test_the_kernel_lists_every_pair_of_the_case_table():
    from gridgov.cases.workflow import CASE_WORKFLOW, TRANSITIONS
    from gridgov.core.testing import every_pair

    pairs = list(every_pair(CASE_WORKFLOW))
    assert len(pairs) == len(CASE_WORKFLOW.statuses()) * len(CASE_WORKFLOW.events())
    assert {(s, e): to for s, e, to in pairs if to is not None} == dict(TRANSITIONS)
