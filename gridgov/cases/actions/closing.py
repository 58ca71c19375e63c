"""评单 and the end of a case: rating (or rework), 结案 by the centre, withdrawal, 提级."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.cases.actions.gateway import NOTE_MAX, apply_event
from gridgov.cases.models import (
    Case,
    CaseEvent,
    Rating,
    RatingScore,
)
from gridgov.core import clock
from gridgov.core.errors import Conflict, InvalidInput
from gridgov.core.fields import clean_text
from gridgov.people.models import User


@transaction.atomic
def case_rate(*, actor: User, case_id: int, score: str, comment: str = "") -> Case:
    """评单. Unsatisfied sends the case back for rework (返工) with the comment as the reason."""
    if score not in RatingScore.values:
        raise InvalidInput(
            _("请选择 满意 / 基本满意 / 不满意"), code="invalid_score", fields={"score": "invalid"}
        )
    comment = clean_text(
        comment,
        field="comment",
        label=_("评价意见"),
        max_len=NOTE_MAX,
        required=score == RatingScore.UNSATISFIED,
    )
    now = clock.now()
    event = CaseEvent.REWORK if score == RatingScore.UNSATISFIED else CaseEvent.RATE

    def change(case: Case) -> None:
        Rating.objects.create(
            case=case, round=case.rework_count, score=score, comment=comment, rated_by=actor, created_at=now
        )
        if event == CaseEvent.REWORK:
            case.rework_count += 1
            case.resolved_at = None
            case.accepted_at = None
        else:
            case.closed_at = now

    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=event,
        note=comment,
        data={"score": score},
        change=change,
    )
    if event == CaseEvent.REWORK and case.rework_count >= 2:
        # A second unsatisfied rating goes to a leader (提级), in the same transaction as the rating.
        case = case_escalate(actor=None, case_id=case.pk, reason="second_unsatisfied")
    return case


ESCALATION_LEVELS = {1: "村/社区", 2: "乡镇/街道", 3: "县中心"}


def case_escalate(
    *, actor: User | None, case_id: int, reason: str, level: int | None = None, note: str = ""
) -> Case:
    """提级: one level up the territory (grid → community → street → county centre), or to a set level."""
    note = clean_text(note, field="note", label=_("提级说明"), max_len=NOTE_MAX, required=False)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case_id)
        target = min(3, level if level is not None else current.escalation_level + 1)
        if reason == "second_unsatisfied":
            target = max(target, 2)
        if target <= current.escalation_level and reason != "second_unsatisfied":
            raise Conflict(_("工单已提级到该层级"), code="already_escalated")
        codes = [c for c in current.region_path.strip("/").split("/") if c]
        region_code = codes[3 - target] if len(codes) == 4 else (codes[0] if codes else "")

        def change(case: Case) -> None:
            case.escalation_level = max(case.escalation_level, target)

        case, _entry = apply_event(
            actor=actor,
            case_id=case_id,
            event=CaseEvent.ESCALATE,
            change=change,
            note=f"提级至{ESCALATION_LEVELS[target]}" + (f"：{note}" if note else ""),
            data={"level": target, "region": region_code, "reason": reason},
        )
        return case


@transaction.atomic
def case_close(*, actor: User, case_id: int, note: str = "") -> Case:
    """结案 without a rating, by the centre, when the resident did not rate within the rating period."""
    note = (
        clean_text(note, field="note", label=_("结案说明"), max_len=NOTE_MAX, required=False)
        or "超过评价期未评价，由中心结案"
    )
    now = clock.now()

    def change(case: Case) -> None:
        case.closed_at = now

    case, _entry = apply_event(actor=actor, case_id=case_id, event=CaseEvent.CLOSE, note=note, change=change)
    return case


@transaction.atomic
def case_cancel(*, actor: User, case_id: int, reason: str = "") -> Case:
    reason = clean_text(reason, field="reason", label=_("撤销原因"), max_len=NOTE_MAX, required=False)
    now = clock.now()

    def change(case: Case) -> None:
        case.closed_at = now

    case, _entry = apply_event(
        actor=actor, case_id=case_id, event=CaseEvent.CANCEL, note=reason, change=change
    )
    return case
