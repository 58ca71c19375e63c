"""接单 to 办结: the handler accepts, returns, records progress, pauses the clock, asks for time, resolves."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.cases.actions.gateway import NOTE_MAX, apply_event, resolve_guards, store_photos
from gridgov.cases.models import (
    AssigneeKind,
    AttachmentKind,
    Case,
    CaseEvent,
    CasePause,
    ExtensionRequest,
    ExtensionStatus,
    PauseKind,
)
from gridgov.cases.sla import case_clock
from gridgov.core import clock
from gridgov.core.errors import Conflict, InvalidInput
from gridgov.core.fields import clean_text
from gridgov.core.uploads import (
    photos_check,
    with_files,
)
from gridgov.people.models import User


@transaction.atomic
def case_accept(*, actor: User, case_id: int) -> Case:
    now = clock.now()

    def change(case: Case) -> None:
        case.accepted_at = now
        if case.assignee_kind == AssigneeKind.DEPARTMENT:
            case.handler = actor

    case, _entry = apply_event(actor=actor, case_id=case_id, event=CaseEvent.ACCEPT, change=change)
    return case


@transaction.atomic
def case_return(*, actor: User, case_id: int, reason: str) -> Case:
    """退单: the handler says it is not theirs; the reason is required so the centre can re-route."""
    reason = clean_text(reason, field="reason", label=_("退单理由"), max_len=NOTE_MAX, min_len=2)

    def change(case: Case) -> None:
        case.return_count += 1
        case.handler = None if case.assignee_kind == AssigneeKind.GRID else case.handler

    case, _entry = apply_event(
        actor=actor, case_id=case_id, event=CaseEvent.RETURN, note=reason, change=change
    )
    return case


@with_files
def case_progress(*, actor: User, case_id: int, note: str, photos: Sequence[UploadedFile] = ()) -> Case:
    note = clean_text(note, field="note", label=_("进展说明"), max_len=NOTE_MAX, min_len=2)
    checked = photos_check(photos)
    case, entry = apply_event(actor=actor, case_id=case_id, event=CaseEvent.PROGRESS, note=note)
    store_photos(case, entry, checked, AttachmentKind.PROGRESS, actor)
    return case


@with_files
def case_resolve(*, actor: User, case_id: int, result: str, photos: Sequence[UploadedFile] = ()) -> Case:
    """办结: the result and, where the catalogue requires it, photo evidence."""
    result = clean_text(result, field="result", label=_("办理结果"), max_len=NOTE_MAX, min_len=2)
    checked = photos_check(photos)
    now = clock.now()

    def change(case: Case) -> None:
        if case.item is not None and case.item.photo_required and not checked:
            raise InvalidInput(
                _("该事项办结须上传现场照片作为佐证"), code="evidence_required", fields={"photos": "required"}
            )
        for guard in resolve_guards:
            guard(case)
        case.result = result
        case.resolved_at = now

    case, entry = apply_event(
        actor=actor, case_id=case_id, event=CaseEvent.RESOLVE, note=result, change=change
    )
    store_photos(case, entry, checked, AttachmentKind.EVIDENCE, actor)
    return case


def _open_pause(case: Case, kind: str, reason: str) -> None:
    CasePause.objects.create(case=case, kind=kind, started_at=clock.now(), reason=reason)


def _close_pause_and_move_deadline(case: Case) -> None:
    """Close the open pause and push the deadline out by the working time it covered."""
    now = clock.now()
    CasePause.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    sla_clock = case_clock(case)
    if sla_clock is not None:
        case.deadline_at = sla_clock.deadline(now)


@transaction.atomic
def case_request_info(*, actor: User, case_id: int, note: str) -> Case:
    """The handler needs more from the resident (补充材料); the clock stops until they answer."""
    note = clean_text(note, field="note", label=_("需补充的材料"), max_len=NOTE_MAX, min_len=2)
    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.REQUEST_INFO,
        note=note,
        change=lambda c: _open_pause(c, PauseKind.WAITING_INFO, note),
    )
    return case


@with_files
def case_supply_info(*, actor: User, case_id: int, note: str, photos: Sequence[UploadedFile] = ()) -> Case:
    """The resident (or the handler, for an answer given by phone) supplies it; the clock runs again."""
    note = clean_text(note, field="note", label=_("补充说明"), max_len=NOTE_MAX, min_len=2)
    checked = photos_check(photos)
    case, entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.SUPPLY_INFO,
        note=note,
        change=_close_pause_and_move_deadline,
    )
    store_photos(case, entry, checked, AttachmentKind.PROGRESS, actor)
    return case


@transaction.atomic
def case_postpone(*, actor: User, case_id: int, reason: str) -> Case:
    """缓办, approved by the centre: the clock stops, and the case leaves the 结案率 denominator."""
    reason = clean_text(reason, field="reason", label=_("缓办理由"), max_len=NOTE_MAX, min_len=2)
    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.POSTPONE,
        note=reason,
        change=lambda c: _open_pause(c, PauseKind.POSTPONED, reason),
    )
    return case


@transaction.atomic
def case_resume(*, actor: User, case_id: int, note: str = "") -> Case:
    note = clean_text(note, field="note", label=_("说明"), max_len=NOTE_MAX, required=False)
    case, _entry = apply_event(
        actor=actor, case_id=case_id, event=CaseEvent.RESUME, note=note, change=_close_pause_and_move_deadline
    )
    return case


@transaction.atomic
def case_extension_request(
    *, actor: User, case_id: int, amount: float | str, reason: str
) -> ExtensionRequest:
    """延期申请 by the handler; the dispatcher approves or rejects it."""
    reason = clean_text(reason, field="reason", label=_("延期理由"), max_len=NOTE_MAX, min_len=2)
    try:
        amount = float(amount)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("延期时长必须是数字"), code="invalid_amount") from exc
    if not (0 < amount <= 365):
        raise InvalidInput(_("延期时长必须大于 0"), code="invalid_amount")
    holder: dict = {}

    def change(case: Case) -> None:
        if case.time_unit == "working_days" and amount != int(amount):
            raise InvalidInput(_("按工作日计时的事项，延期须为整数天"), code="invalid_amount")
        if ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.PENDING).exists():
            raise Conflict(_("已有一条待审批的延期申请"), code="extension_pending")
        holder["request"] = ExtensionRequest.objects.create(
            case=case, amount=amount, reason=reason, requested_by=actor, requested_at=clock.now()
        )

    apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.EXTENSION_REQUEST,
        note=reason,
        data={"amount": amount},
        change=change,
    )
    return holder["request"]


@transaction.atomic
def case_extension_decide(*, actor: User, case_id: int, approve: bool, note: str = "") -> Case:
    note = clean_text(note, field="note", label=_("审批意见"), max_len=NOTE_MAX, required=not approve)
    now = clock.now()

    def change(case: Case) -> None:
        request = (
            ExtensionRequest.objects.select_for_update()
            .filter(case=case, status=ExtensionStatus.PENDING)
            .first()
        )
        if request is None:
            raise Conflict(_("没有待审批的延期申请"), code="no_pending_extension")
        request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        request.decided_by, request.decided_at, request.decision_note = actor, now, note
        request.save()
        if approve:
            case.extension_amount += request.amount
            sla_clock = case_clock(case)
            if sla_clock is not None:
                case.deadline_at = sla_clock.deadline(now)
            if case.deadline_at and case.deadline_at > now:
                case.sla_level = ""  # the tick re-evaluates yellow/red against the new deadline

    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.EXTENSION_DECIDE,
        note=note,
        data={"approved": approve},
        change=change,
    )
    return case
