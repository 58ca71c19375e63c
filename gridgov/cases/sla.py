"""A case's handling clock: the deadline, time left and traffic light, from its own records."""

from __future__ import annotations

from datetime import datetime

from gridgov.cases.models import Case, CasePause
from gridgov.workcal.calendar import WorkCalendar
from gridgov.workcal.selectors import load_calendar
from gridgov.workcal.sla import DEFAULT_YELLOW_SHARE, SlaClock, SlaSnapshot

YELLOW_SHARE = DEFAULT_YELLOW_SHARE  # a county may change it in settings.GRIDGOV_YELLOW_SHARE


def yellow_share() -> float:
    from django.conf import settings

    return float(getattr(settings, "GRIDGOV_YELLOW_SHARE", YELLOW_SHARE))


def case_clock(
    case: Case, pauses: list[CasePause] | None = None, calendar: WorkCalendar | None = None
) -> SlaClock | None:
    """None until the case is dispatched (the clock starts at dispatch).

    A list page passes the pauses and the calendar it loaded once, so building many clocks costs no query.
    """
    if case.dispatched_at is None or not case.time_limit or not case.time_unit:
        return None
    if pauses is None:
        pauses = list(CasePause.objects.filter(case=case, started_at__gte=case.dispatched_at))
    extensions = [case.extension_amount] if case.extension_amount else []
    return SlaClock(
        calendar=calendar or load_calendar(),
        started_at=case.dispatched_at,
        amount=case.time_limit,
        unit=case.time_unit,
        pauses=[(p.started_at, p.ended_at) for p in pauses if p.started_at >= case.dispatched_at],
        extensions=extensions,
    )


def case_snapshot(case: Case, now: datetime) -> SlaSnapshot | None:
    clock = case_clock(case)
    return clock.snapshot(now, yellow_share()) if clock else None
