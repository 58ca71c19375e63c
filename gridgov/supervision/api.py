"""Deadline, 吹哨报到 and 督办 endpoints on a case (/api/cases/{id}/…) and a department's calls (/api/whistle-calls).

Same contract as the case API (`gridgov.cases.api`): a case id in the path goes through `access.case_for`
first, so a case outside the caller's scope answers exactly like a missing one (404 `case_not_found`);
ids in the body that do not exist answer 400 with a code naming the field; every write is one action
and its `DomainError` becomes `{"code", "message"}` with 400/403/404/409.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import Field

from gridgov.cases import access as case_access
from gridgov.cases import actions as case_actions
from gridgov.cases import sla
from gridgov.cases.models import Case, ExtensionRequest
from gridgov.core import clock
from gridgov.core.api import ERRORS, api_user, lookup
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.people.models import Department, User
from gridgov.supervision import access, actions, selectors
from gridgov.supervision.models import SupervisionOrder, Whistle, WhistleCall

router = Router(tags=["supervision"])


# ---- shapes ----


class NoteIn(Schema):
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


class ExtensionIn(Schema):
    amount: float | None = Field(None, description="申请延期的时长，单位同事项时限（工作日须为整数）")
    reason: str = ""


class ExtensionDecideIn(Schema):
    approve: bool | None = Field(None, description="true 批准 / false 驳回（驳回须填写意见）")
    note: str = ""


class WhistleIn(Schema):
    lead_department_id: int | None = Field(None, description="主办部门")
    assist_department_ids: list[int] = Field(default_factory=list, description="协办部门")
    note: str = ""
    respond_hours: int = Field(actions.DEFAULT_RESPONSE_HOURS, description="报到时限（工作小时）")


class ReportIn(Schema):
    stage: str = Field("", description="acknowledge 报到 / action 采取措施 / result 报结")
    text: str = ""


class SuperviseIn(Schema):
    instructions: str = ""
    due_at: datetime | None = Field(None, description="督办时限；不带时区时按北京时间")
    public: bool = Field(False, description="挂牌督办（在晒单公开）")


class SlaOut(Schema):
    case_id: int
    status: str
    status_label: str
    started: bool = Field(description="是否已开始计时（派单后开始）")
    deadline: datetime | None
    time_left: float | None = Field(description="剩余时限，单位见 unit；超期为负")
    unit: str
    unit_label: str
    elapsed_share: float | None = Field(description="已用时限比例，1 表示到期")
    level: str | None = Field(description="green 正常 / yellow 临期 / red 超期")
    level_label: str | None
    paused: bool
    stopped: bool = Field(description="已办结：按办结时刻计算，不再走时")
    sla_level: str = Field(description="已发出的预警：'' / yellow / red")
    escalation_level: int
    extension_amount: float
    publicly_supervised: bool
    owner_leader: str | None


class ExtensionOut(Schema):
    id: int
    case_id: int
    amount: float
    reason: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str


class CallOut(Schema):
    id: int
    case_id: int
    tracking_no: str
    case_title: str
    department: str
    role: str
    role_label: str
    stage: str = Field(
        description="called 待报到 / acknowledged 已报到 / acting 已采取措施 / resolved 已报结"
    )
    stage_label: str
    note: str = Field(description="吹哨事由")
    called_at: datetime
    respond_by: datetime
    late: bool = Field(description="未在报到时限内报到")
    acknowledged_at: datetime | None
    action: str
    acted_at: datetime | None
    result: str
    resolved_at: datetime | None


class WhistleOut(Schema):
    id: int
    case_id: int
    note: str
    created_at: datetime
    respond_by: datetime
    calls: list[CallOut]


class OrderOut(Schema):
    id: int
    case_id: int
    instructions: str
    due_at: datetime
    public: bool
    issued_by: str
    created_at: datetime


# ---- helpers ----


def _visible(user: User, case_id: int) -> Case:
    return case_access.case_for(user, case_id)


def _department(pk: int | None, field: str) -> Department | None:
    return lookup(Department, pk, code="invalid_department", message=_("所选部门不存在"), field=field)


def sla_out(case: Case) -> dict:
    view = sla.sla_view(case, clock.now())
    snap = view.snapshot if view else None
    return {
        "case_id": case.pk,
        "status": case.status,
        "status_label": case.get_status_display(),
        "started": view is not None,
        "deadline": snap.deadline if snap else case.deadline_at,
        "time_left": round(snap.time_left, 2) if snap else None,
        "unit": case.time_unit,
        "unit_label": view.unit_label if view else "",
        "elapsed_share": round(snap.elapsed_share, 4) if snap else None,
        "level": view.level if view else None,
        "level_label": view.level_label if view else None,
        "paused": bool(snap and snap.paused),
        "stopped": bool(view and view.stopped),
        "sla_level": case.sla_level,
        "escalation_level": case.escalation_level,
        "extension_amount": case.extension_amount,
        "publicly_supervised": case.publicly_supervised,
        "owner_leader": str(case.owner_leader) if case.owner_leader_id else None,
    }


def _case_sla(case_id: int) -> dict:
    return sla_out(Case.objects.select_related("owner_leader").get(pk=case_id))


def extension_out(request: ExtensionRequest) -> dict:
    return {
        "id": request.pk,
        "case_id": request.case_id,
        "amount": request.amount,
        "reason": request.reason,
        "status": request.status,
        "requested_by": str(request.requested_by),
        "requested_at": request.requested_at,
        "decided_by": str(request.decided_by) if request.decided_by_id else None,
        "decided_at": request.decided_at,
        "decision_note": request.decision_note,
    }


def call_out(call: WhistleCall, now: datetime) -> dict:
    stage = selectors.call_stage(call)
    return {
        "id": call.pk,
        "case_id": call.case_id,
        "tracking_no": call.case.tracking_no,
        "case_title": call.case.title,
        "department": call.department.name,
        "role": call.role,
        "role_label": call.get_role_display(),
        "stage": stage,
        "stage_label": str(selectors.CALL_STAGES[stage]),
        "note": call.whistle.note,
        "called_at": call.whistle.created_at,
        "respond_by": call.whistle.respond_by,
        "late": selectors.call_is_late(call, now),
        "acknowledged_at": call.acknowledged_at,
        "action": call.action,
        "acted_at": call.acted_at,
        "result": call.result,
        "resolved_at": call.resolved_at,
    }


def _whistle_out(whistle: Whistle) -> dict:
    now = clock.now()
    calls = (
        WhistleCall.objects.filter(whistle=whistle)
        .select_related("whistle", "case", "department")
        .order_by("-role", "id")
    )
    return {
        "id": whistle.pk,
        "case_id": whistle.case_id,
        "note": whistle.note,
        "created_at": whistle.created_at,
        "respond_by": whistle.respond_by,
        "calls": [call_out(c, now) for c in calls],
    }


def _order_out(order: SupervisionOrder) -> dict:
    return {
        "id": order.pk,
        "case_id": order.case_id,
        "instructions": order.instructions,
        "due_at": order.due_at,
        "public": order.public,
        "issued_by": str(order.issued_by),
        "created_at": order.created_at,
    }


# ---- the clock ----


@router.get(
    "/cases/{case_id}/sla", response={200: SlaOut, **ERRORS}, summary="办理时限：截止时间、剩余时限、红黄绿灯"
)
def case_sla(request, case_id: int):
    _visible(api_user(request), case_id)
    return _case_sla(case_id)


# ---- pauses, extensions ----


@router.post(
    "/cases/{case_id}/request-info", response={200: SlaOut, **ERRORS}, summary="要求补充材料（暂停计时）"
)
def case_request_info(request, case_id: int, payload: NoteIn):
    user = api_user(request)
    _visible(user, case_id)
    case_actions.case_request_info(actor=user, case_id=case_id, note=payload.note)
    return _case_sla(case_id)


@router.post("/cases/{case_id}/supply-info", response={200: SlaOut, **ERRORS}, summary="补充材料（恢复计时）")
def case_supply_info(request, case_id: int, payload: NoteIn):
    user = api_user(request)
    _visible(user, case_id)
    case_actions.case_supply_info(actor=user, case_id=case_id, note=payload.note)
    return _case_sla(case_id)


@router.post("/cases/{case_id}/postpone", response={200: SlaOut, **ERRORS}, summary="批准缓办（暂停计时）")
def case_postpone(request, case_id: int, payload: ReasonIn):
    user = api_user(request)
    _visible(user, case_id)
    case_actions.case_postpone(actor=user, case_id=case_id, reason=payload.reason)
    return _case_sla(case_id)


@router.post("/cases/{case_id}/resume", response={200: SlaOut, **ERRORS}, summary="恢复办理（结束缓办）")
def case_resume(request, case_id: int, payload: NoteIn):
    user = api_user(request)
    _visible(user, case_id)
    case_actions.case_resume(actor=user, case_id=case_id, note=payload.note)
    return _case_sla(case_id)


@router.post("/cases/{case_id}/extension", response={201: ExtensionOut, **ERRORS}, summary="延期申请")
def case_extension_request(request, case_id: int, payload: ExtensionIn):
    user = api_user(request)
    _visible(user, case_id)
    if payload.amount is None:
        raise InvalidInput(_("请填写延期时长"), code="missing_field", fields={"amount": "required"})
    extension = case_actions.case_extension_request(
        actor=user, case_id=case_id, amount=payload.amount, reason=payload.reason
    )
    return Status(201, extension_out(extension))


@router.post("/cases/{case_id}/extension/decide", response={200: SlaOut, **ERRORS}, summary="延期审批")
def case_extension_decide(request, case_id: int, payload: ExtensionDecideIn):
    user = api_user(request)
    _visible(user, case_id)
    if payload.approve is None:
        raise InvalidInput(_("请选择批准或驳回"), code="missing_field", fields={"approve": "required"})
    case_actions.case_extension_decide(
        actor=user, case_id=case_id, approve=payload.approve, note=payload.note
    )
    return _case_sla(case_id)


# ---- 吹哨报到 ----


@router.post(
    "/cases/{case_id}/whistle", response={201: WhistleOut, **ERRORS}, summary="吹哨：召集主办、协办部门报到"
)
def case_whistle(request, case_id: int, payload: WhistleIn):
    user = api_user(request)
    _visible(user, case_id)
    lead = _department(payload.lead_department_id, "lead_department_id")
    if lead is None:
        raise InvalidInput(
            _("请选择主办部门"), code="lead_required", fields={"lead_department_id": "required"}
        )
    assists = [
        d
        for d in (_department(pk, "assist_department_ids") for pk in payload.assist_department_ids)
        if d is not None
    ]
    whistle = actions.whistle_blow(
        actor=user,
        case_id=case_id,
        lead=lead,
        assists=assists,
        note=payload.note,
        respond_hours=payload.respond_hours,
    )
    return Status(201, _whistle_out(whistle))


@router.get("/whistle-calls", response={200: list[CallOut], **ERRORS}, summary="本部门收到的吹哨任务")
def whistle_calls(request, open_only: bool = False):
    user = api_user(request)
    if not access.may_answer_calls(user):
        raise PermissionDenied(_("只有部门办理人可以查看吹哨任务"), code="forbidden")
    calls = selectors.department_calls(user)
    if open_only:
        calls = calls.filter(resolved_at__isnull=True)
    now = clock.now()
    return [call_out(c, now) for c in calls[:500]]


@router.post(
    "/whistle-calls/{call_id}/report",
    response={200: CallOut, **ERRORS},
    summary="部门报到：报到 / 采取措施 / 报结",
)
def whistle_report(request, call_id: int, payload: ReportIn):
    user = api_user(request)
    call = actions.whistle_report(actor=user, call_id=call_id, stage=payload.stage, text=payload.text)
    fresh = WhistleCall.objects.select_related("whistle", "case", "department").get(pk=call.pk)
    return call_out(fresh, clock.now())


# ---- 督办, 包案, 提级 ----


@router.post("/cases/{case_id}/supervise", response={201: OrderOut, **ERRORS}, summary="督办（可挂牌）")
def case_supervise(request, case_id: int, payload: SuperviseIn):
    user = api_user(request)
    _visible(user, case_id)
    due_at = payload.due_at
    if due_at is None:
        raise InvalidInput(_("请填写督办时限"), code="missing_field", fields={"due_at": "required"})
    if timezone.is_naive(due_at):
        due_at = timezone.make_aware(due_at)
    order = actions.supervision_issue(
        actor=user,
        case_id=case_id,
        instructions=payload.instructions,
        due_at=due_at,
        public=payload.public,
    )
    return Status(201, _order_out(order))


@router.post("/cases/{case_id}/own", response={200: SlaOut, **ERRORS}, summary="领导包案")
def case_own(request, case_id: int, payload: NoteIn):
    user = api_user(request)
    _visible(user, case_id)
    actions.case_take_ownership(actor=user, case_id=case_id, note=payload.note)
    return _case_sla(case_id)


@router.post("/cases/{case_id}/escalate", response={200: SlaOut, **ERRORS}, summary="提级办理（上提一级）")
def case_escalate(request, case_id: int, payload: NoteIn):
    user = api_user(request)
    _visible(user, case_id)
    case_actions.case_escalate(actor=user, case_id=case_id, reason="manual", note=payload.note)
    return _case_sla(case_id)
