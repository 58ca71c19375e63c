"""The deadline tick: yellow and red warnings and automatic escalation of overdue cases.

Idempotent: a case's `sla_level` and `escalation_level` record what was already announced, and each
case is re-read under a row lock before it is changed, so two workers (or a re-run) never double it.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db import transaction

from gridgov.cases.actions import apply_event, case_escalate
from gridgov.cases.models import CLOCK_STATUSES, Case, CaseEvent
from gridgov.cases.sla import case_clock, yellow_share
from gridgov.core import clock
from gridgov.core.errors import Conflict
from gridgov.workcal.selectors import load_calendar
from gridgov.workcal.sla import Level

log = logging.getLogger("gridgov.supervision")

# Each further working day overdue moves the case one more level up, to the county centre at most.
ESCALATE_EVERY_WORKING_HOURS = 7.0


def _target_escalation(calendar, deadline: datetime, now: datetime) -> int:
    overdue_hours = calendar.working_time_between(deadline, now, "working_hours")
    return min(3, 1 + int(max(0.0, overdue_hours) // ESCALATE_EVERY_WORKING_HOURS))


def sla_tick(now: datetime | None = None) -> dict:
    """One pass over running clocks; returns counts of what it did."""
    now = now or clock.now()
    calendar = load_calendar()
    share = yellow_share()
    done = {"checked": 0, "yellow": 0, "red": 0, "escalated": 0}
    ids = list(
        Case.objects.filter(
            status__in=CLOCK_STATUSES, dispatched_at__isnull=False, time_limit__isnull=False
        ).values_list("pk", flat=True)
    )
    for case_id in ids:
        done["checked"] += 1
        with clock.at(now), transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=case_id, status__in=CLOCK_STATUSES).first()
            if case is None:
                continue
            sla = case_clock(case)
            if sla is None:
                continue
            snapshot = sla.snapshot(now, share)
            if snapshot.level == Level.YELLOW and case.sla_level == "":
                _mark(
                    case, CaseEvent.SLA_YELLOW, "yellow", f"已用时限 {snapshot.elapsed_share:.0%}，请抓紧办理"
                )
                done["yellow"] += 1
            elif snapshot.level == Level.RED:
                if case.sla_level != "red":
                    _mark(case, CaseEvent.SLA_RED, "red", "已超过办理时限")
                    done["red"] += 1
                target = _target_escalation(calendar, snapshot.deadline, now)
                if target > case.escalation_level:
                    try:
                        case_escalate(actor=None, case_id=case.pk, reason="overdue", level=target)
                        done["escalated"] += 1
                    except Conflict:
                        pass
    if done["yellow"] or done["red"] or done["escalated"]:
        log.info("sla tick: %s", done)
    return done


def _mark(case: Case, event: str, level: str, note: str) -> None:
    def change(c: Case) -> None:
        c.sla_level = level

    apply_event(actor=None, case_id=case.pk, event=event, change=change, note=note, data={"level": level})
