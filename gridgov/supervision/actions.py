"""Writes for 吹哨报到 and 督办. Each goes through the case gateway so the timeline records it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.cases.actions import NOTE_MAX, apply_event
from gridgov.cases.models import Case, CaseEvent
from gridgov.core import clock
from gridgov.core.errors import Conflict, InvalidInput
from gridgov.core.fields import clean_text
from gridgov.people.models import Department, User
from gridgov.supervision import access
from gridgov.supervision.models import CallRole, SupervisionOrder, Whistle, WhistleCall
from gridgov.workcal.selectors import load_calendar

DEFAULT_RESPONSE_HOURS = 24  # working hours for departments to report in
# A 督办 deadline further out than this is a typo (and year 9999 with a negative UTC offset cannot be
# stored at all: it used to answer 500).
SUPERVISION_HORIZON = timedelta(days=5 * 365)


@transaction.atomic
def whistle_blow(
    *,
    actor: User,
    case_id: int,
    lead: Department,
    assists: Sequence[Department] = (),
    note: str,
    respond_hours: int = DEFAULT_RESPONSE_HOURS,
) -> Whistle:
    """吹哨: call departments in; `lead` 主办, `assists` 协办; each must report within the deadline."""
    note = clean_text(note, field="note", label=_("吹哨事由"), max_len=NOTE_MAX, min_len=2)
    if lead is None:
        raise InvalidInput(_("请选择主办部门"), code="lead_required")
    assist_ids = [d.pk for d in assists]
    if lead.pk in assist_ids or len(set(assist_ids)) != len(assist_ids):
        raise InvalidInput(_("主办与协办部门不能重复"), code="duplicate_department")
    if not (1 <= int(respond_hours) <= 24 * 30):
        raise InvalidInput(_("报到时限应在 1 到 720 个工作小时之间"), code="invalid_deadline")
    now = clock.now()
    holder: dict = {}

    def change(case: Case) -> None:
        whistle = Whistle.objects.create(
            case=case,
            blown_by=actor,
            note=note,
            created_at=now,
            respond_by=load_calendar().add(now, respond_hours, "working_hours"),
        )
        WhistleCall.objects.create(whistle=whistle, case=case, department=lead, role=CallRole.LEAD)
        for department in assists:
            WhistleCall.objects.create(
                whistle=whistle, case=case, department=department, role=CallRole.ASSIST
            )
        holder["whistle"] = whistle

    names = [f"{lead.name}(主办)"] + [f"{d.name}(协办)" for d in assists]
    apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.WHISTLE,
        change=change,
        note=note,
        data={"departments": [lead.pk, *assist_ids], "lead": lead.pk, "names": names},
    )
    return holder["whistle"]


REPORT_STAGES = {"acknowledge": "报到", "action": "采取措施", "result": "报结"}


@transaction.atomic
def whistle_report(*, actor: User, call_id: int, stage: str, text: str = "") -> WhistleCall:
    """报到: a called department acknowledges, then records the action taken, then the result."""
    if stage not in REPORT_STAGES:
        raise InvalidInput(_("报到阶段无效"), code="invalid_stage")
    text = clean_text(
        text, field="text", label=_("报到内容"), max_len=NOTE_MAX, required=stage != "acknowledge"
    )
    call = access.call_for(actor, call_id)
    now = clock.now()

    def change(case: Case) -> None:
        locked = WhistleCall.objects.select_for_update().get(pk=call.pk)
        if stage == "acknowledge":
            if locked.acknowledged_at:
                raise Conflict(_("本部门已报到"), code="already_acknowledged")
            locked.acknowledged_at, locked.acknowledged_by = now, actor
        elif locked.acknowledged_at is None:
            raise Conflict(_("请先报到，再记录措施和结果"), code="not_acknowledged")
        elif stage == "action":
            locked.action, locked.acted_at = text, now
        else:
            if locked.resolved_at:
                raise Conflict(_("本部门已报结"), code="already_resolved")
            locked.result, locked.resolved_at = text, now
        locked.save()
        holder["call"] = locked

    holder: dict = {}
    apply_event(
        actor=actor,
        case_id=call.case_id,
        event=CaseEvent.REPORT_IN,
        change=change,
        note=f"{call.department.name}（{call.get_role_display()}）{REPORT_STAGES[stage]}"
        + (f"：{text}" if text else ""),
        data={"call": call.pk, "stage": stage, "department": call.department_id, "role": call.role},
    )
    return holder["call"]


def lead_must_have_resolved(case: Case) -> None:
    """A whistled case closes only when its lead department has reported its result."""
    if WhistleCall.objects.filter(case=case, role=CallRole.LEAD, resolved_at__isnull=True).exists():
        raise Conflict(_("主办部门尚未报结，暂不能办结"), code="lead_not_resolved")


@transaction.atomic
def supervision_issue(
    *,
    actor: User,
    case_id: int,
    instructions: str,
    due_at: datetime,
    public: bool = False,
) -> SupervisionOrder:
    """督办 by a leader, with its own deadline; `public` flags it on the board (挂牌督办)."""
    instructions = clean_text(
        instructions, field="instructions", label=_("督办要求"), max_len=NOTE_MAX, min_len=2
    )
    now = clock.now()
    if due_at is None or due_at <= now:
        raise InvalidInput(_("督办时限必须晚于现在"), code="invalid_deadline")
    if due_at - now > SUPERVISION_HORIZON:
        raise InvalidInput(_("督办时限不能超过 5 年"), code="invalid_deadline")
    holder: dict = {}

    def change(case: Case) -> None:
        holder["order"] = SupervisionOrder.objects.create(
            case=case,
            issued_by=actor,
            instructions=instructions,
            due_at=due_at,
            public=public,
            created_at=now,
        )
        if public:
            case.publicly_supervised = True

    apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.SUPERVISE,
        change=change,
        note=("挂牌督办：" if public else "督办：") + instructions,
        data={"due_at": due_at.isoformat(), "public": public},
    )
    return holder["order"]


@transaction.atomic
def case_take_ownership(*, actor: User, case_id: int, note: str = "") -> Case:
    """领导包案: the leader becomes the case's owner; it shows on their desk until closed."""
    note = clean_text(note, field="note", label=_("包案说明"), max_len=NOTE_MAX, required=False)

    def change(case: Case) -> None:
        if case.owner_leader_id == actor.pk:
            raise Conflict(_("您已包案该工单"), code="already_owner")
        case.owner_leader = actor

    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.TAKE_OWNERSHIP,
        change=change,
        note=note or f"{actor} 包案",
    )
    return case
