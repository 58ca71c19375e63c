"""A case's handling clock: the deadline, time left and traffic light, from its own records."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from gridgov.cases.models import DONE_STATUSES, OPEN_STATUSES, Case, CasePause
from gridgov.workcal.calendar import UNIT_LABELS, Unit, WorkCalendar
from gridgov.workcal.selectors import load_calendar
from gridgov.workcal.sla import DEFAULT_YELLOW_SHARE, LEVEL_LABELS, SlaClock, SlaSnapshot

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


# ── views of the clock for pages and the API (one query for the pauses of a whole list) ─────────────


def unit_label(unit: str) -> str:
    try:
        return str(UNIT_LABELS[Unit(unit)])
    except ValueError:
        return unit


@dataclass(frozen=True)
class SlaView:
    """One case's clock as shown on a page or returned by the API."""

    snapshot: SlaSnapshot
    unit: str
    stopped: bool  # resolved or closed: the clock stopped at resolution, figures are as of then

    @property
    def level(self) -> str:
        return str(self.snapshot.level)

    @property
    def level_label(self) -> str:
        return str(LEVEL_LABELS[self.snapshot.level])

    @property
    def unit_label(self) -> str:
        return unit_label(self.unit)

    @property
    def time_left_text(self) -> str:
        left = self.snapshot.time_left
        amount = f"{abs(left):.1f}".rstrip("0").rstrip(".")
        values = {"amount": amount, "unit": self.unit_label}
        if self.snapshot.paused:
            return _("暂停计时（剩余 %(amount)s %(unit)s）") % values
        if left < 0:
            return _("已超期 %(amount)s %(unit)s") % values
        return _("剩余 %(amount)s %(unit)s") % values


def _clock_instant(case: Case, now: datetime) -> datetime | None:
    """The instant a case's clock is read at: now while open, its resolution once resolved."""
    if case.status in OPEN_STATUSES:
        return now
    if case.status in DONE_STATUSES and case.resolved_at is not None:
        return case.resolved_at
    return None


def sla_view(
    case: Case, now: datetime, pauses: list[CasePause] | None = None, calendar: WorkCalendar | None = None
) -> SlaView | None:
    """None for a case whose clock never started (not dispatched) or that was withdrawn/merged."""
    instant = _clock_instant(case, now)
    if instant is None:
        return None
    clock = case_clock(case, pauses, calendar)
    if clock is None:
        return None
    return SlaView(
        snapshot=clock.snapshot(instant, yellow_share()),
        unit=case.time_unit,
        stopped=case.status in DONE_STATUSES,
    )


def sla_snapshots(cases: Sequence[Case], now: datetime) -> dict[int, SlaView | None]:
    """SLA views of many cases: one query for all their pauses, none per case."""
    started = [c for c in cases if c.dispatched_at is not None]
    pauses: dict[int, list[CasePause]] = defaultdict(list)
    if started:
        for pause in CasePause.objects.filter(case_id__in=[c.pk for c in started]).order_by(
            "started_at", "id"
        ):
            pauses[pause.case_id].append(pause)
    calendar = load_calendar() if started else None
    return {
        c.pk: sla_view(c, now, pauses.get(c.pk, []), calendar) if c.dispatched_at else None for c in cases
    }
