"""Shortcuts for supervision tests: instants in Beijing time and cases at a frozen moment."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent, TimelineEntry
from gridgov.cases.tests import case_flow

TZ = ZoneInfo("Asia/Shanghai")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def accepted_litter(world, **kwargs) -> Case:
    """A grid case (垃圾堆放, 2 working days) dispatched to worker A and accepted, at the current frozen time."""
    case = case_flow.dispatched(world, **kwargs)
    return actions.case_accept(actor=world.worker_a, case_id=case.pk)


def events(case: Case, event: str) -> list[TimelineEntry]:
    return list(TimelineEntry.objects.filter(case=case, event=event).order_by("id"))


def escalations(case: Case) -> list[int]:
    return [e.data["level"] for e in events(case, CaseEvent.ESCALATE)]


def fresh(case: Case) -> Case:
    return Case.objects.get(pk=case.pk)
