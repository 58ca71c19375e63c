"""The case domain's measures (工单), registered with the KPI registry, and the case rollups behind them.

Lives in kpi for now because cases is not to change in this step; it uses only the registry's public
contract (`register_measures`, `rollup_record`), so it can move to `gridgov/cases/measures.py` as is.

Served from rollups (maintained on every case event, in the event's transaction): the cohort counts and
sums — 受理, 撤销, 办结, 按期办结, 超期办结, 评价, 满意, 返工, 办结/派遣/退单次数, and the办理/响应 time sums.
A case is filed under the local day it was submitted, its grid path and its category, and contributes
what it counts *now* (its status now), exactly the cohort rule of docs/kpi.md; when its status, grid or
category changes, the change moves its counts.

Still computed from case rows (until the county-scale issue): 在办超期 (open and past the deadline at the
time of the query: it changes with the clock, not with an event) and the GB/T 30428 closure figures
应结案 / 结案 / 缓办 (filed by deadline or closing day and by pauses overlapping the period).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy

from gridgov.cases.models import DONE_STATUSES, Case, CaseEvent, CaseStatus, RatingScore, TimelineEntry
from gridgov.core import clock
from gridgov.measures.actions import rollup_record
from gridgov.measures.period import Period
from gridgov.measures.registry import Domain, Measure, Unit, Value, percent, register_measures
from gridgov.measures.rollups import Contribution, dims_key
from gridgov.territory.models import Region

DOMAIN = "cases"
SATISFIED = (RatingScore.SATISFIED, RatingScore.BASIC)
_MS = timedelta(milliseconds=1)


@dataclass(frozen=True)
class CaseFacts:
    """What the case measures need to know about one case, from its row or from its events."""

    status: str
    created_at: datetime
    region_path: str
    category_id: int | None
    dispatched_at: datetime | None
    accepted_at: datetime | None
    resolved_at: datetime | None
    deadline_at: datetime | None
    rework_count: int
    rated: bool  # rated at least once
    satisfied: bool  # the latest rating (highest round) is 满意 or 基本满意
    resolutions: int  # RESOLVE timeline entries
    dispatches: int  # DISPATCH timeline entries
    returns: int  # RETURN timeline entries


# The facts read straight from the case row (the rest come from its timeline and ratings).
ROW_FIELDS = (
    "status",
    "created_at",
    "region_path",
    "category_id",
    "dispatched_at",
    "accepted_at",
    "resolved_at",
    "deadline_at",
    "rework_count",
)


def contribution(facts: CaseFacts) -> Contribution | None:
    """What one case adds to the rollups now. The one definition; rebuild and the event hook share it."""
    if facts.status == CaseStatus.MERGED:
        return None  # the duplicate's resident follows the original: counted once, there
    done = facts.status in DONE_STATUSES
    on_time = late = False
    if done and facts.resolved_at is not None and facts.deadline_at is not None:
        on_time, late = facts.resolved_at <= facts.deadline_at, facts.resolved_at > facts.deadline_at
    values: dict[str, tuple[int, int]] = {
        "received": (1, 0),
        "cancelled": (int(facts.status == CaseStatus.CANCELLED), 0),
        "completed": (int(done), 0),
        "on_time": (int(on_time), 0),
        "resolved_late": (int(late), 0),
        "rated": (int(facts.rated), 0),
        "satisfied": (int(facts.satisfied), 0),
        "rework": (facts.rework_count, 0),
        "resolutions": (facts.resolutions, 0),
        "dispatches": (facts.dispatches, 0),
        "returns": (facts.returns, 0),
    }
    if facts.dispatched_at is not None:
        if done and facts.resolved_at is not None:
            values["handling"] = (1, (facts.resolved_at - facts.dispatched_at) // _MS)
        if facts.accepted_at is not None:
            values["response"] = (1, (facts.accepted_at - facts.dispatched_at) // _MS)
    return Contribution(
        path=facts.region_path,
        day=timezone.localdate(facts.created_at),
        dims=dims_key(category=facts.category_id),
        values=values,
    )


def _count(previous: Contribution | None, measure: str) -> int:
    return previous.values.get(measure, (0, 0))[0] if previous is not None else 0


def on_case_event(case: Case, entry: TimelineEntry) -> None:
    """The `cases.actions.event_hooks` entry: move the case's counts, in the event's transaction."""

    def contribute(previous: Contribution | None) -> Contribution | None:
        # Entry counts and the latest rating are not on the case row: carry them from the last
        # contribution (the case row is locked by the event, so no other event interleaves). A rating
        # event's entry holds the score of the rating it created, which is the latest round.
        if entry.event in (CaseEvent.RATE, CaseEvent.REWORK):
            rated, satisfied = True, entry.data.get("score") in SATISFIED
        else:
            rated, satisfied = bool(_count(previous, "rated")), bool(_count(previous, "satisfied"))
        return contribution(
            CaseFacts(
                status=case.status,
                created_at=case.created_at,
                region_path=case.region_path,
                category_id=case.category_id,
                dispatched_at=case.dispatched_at,
                accepted_at=case.accepted_at,
                resolved_at=case.resolved_at,
                deadline_at=case.deadline_at,
                rework_count=case.rework_count,
                rated=rated,
                satisfied=satisfied,
                resolutions=_count(previous, "resolutions") + (entry.event == CaseEvent.RESOLVE),
                dispatches=_count(previous, "dispatches") + (entry.event == CaseEvent.DISPATCH),
                returns=_count(previous, "returns") + (entry.event == CaseEvent.RETURN),
            )
        )

    rollup_record(DOMAIN, case.pk, contribute)


def case_contributions() -> Iterable[tuple[int, Contribution]]:
    """Every case's contribution from the case, timeline and rating rows alone (rebuild and verify)."""
    from gridgov.kpi.selectors import _entry_count, _latest_score

    rows = (
        Case.objects.exclude(status=CaseStatus.MERGED)
        .annotate(
            latest_score=_latest_score(),
            n_resolve=_entry_count(CaseEvent.RESOLVE),
            n_dispatch=_entry_count(CaseEvent.DISPATCH),
            n_return=_entry_count(CaseEvent.RETURN),
        )
        .order_by("pk")
        .values(*ROW_FIELDS, "pk", "latest_score", "n_resolve", "n_dispatch", "n_return")
    )
    for row in rows.iterator(chunk_size=2000):
        found = contribution(
            CaseFacts(
                **{name: row[name] for name in ROW_FIELDS},
                rated=row["latest_score"] is not None,
                satisfied=row["latest_score"] in SATISFIED,
                resolutions=row["n_resolve"],
                dispatches=row["n_dispatch"],
                returns=row["n_return"],
            )
        )
        if found is not None:
            yield row["pk"], found


# -------------------------------------------------------------------------------- computed from rows


def _row_figures(region: Region, period: Period) -> Mapping[str, Value]:
    """在办超期 and the closure figures, from the case rows (one aggregate; see the module docstring)."""
    from gridgov.kpi.selectors import _aggregates, population

    keys = ("overdue_open", "due", "closed_due", "postponed")
    aggregates = _aggregates(period, clock.now())
    return population(region, period).aggregate(**{k: aggregates[k] for k in keys})


def _minus(a: Value, b: Value) -> Value:
    return None if a is None or b is None else a - b


def _completion_rate(v: Mapping[str, Value]) -> Value:
    return percent(v["completed"], _minus(v["received"], v["cancelled"]))


def _satisfaction_rate(v: Mapping[str, Value]) -> Value:
    return percent(v["satisfied"], v["rated"])


def _on_time_rate(v: Mapping[str, Value]) -> Value:
    return percent(v["on_time"], v["completed"])


def _overdue(v: Mapping[str, Value]) -> Value:
    open_late, late = v["overdue_open"], v["resolved_late"]
    return None if open_late is None or late is None else open_late + late


def _closure_rate(v: Mapping[str, Value]) -> Value:
    return percent(v["closed_due"], _minus(v["due"], v["postponed"]))


def _rework_rate(v: Mapping[str, Value]) -> Value:
    return percent(v["rework"], v["resolutions"])


def _dispatch_accuracy(v: Mapping[str, Value]) -> Value:
    """A return always undoes one earlier dispatch, so dispatches − returns is the dispatches that stuck."""
    return percent(_minus(v["dispatches"], v["returns"]), v["dispatches"])


_ = gettext_lazy
MEASURES = (
    Measure(
        "received", _("受理数"), Unit.COUNT, _("期间内提交的工单（不含被合并的重复诉求）"), rollup="received"
    ),
    Measure("cancelled", _("撤销数"), Unit.COUNT, _("受理工单中居民撤销的"), rollup="cancelled"),
    Measure("completed", _("办结数"), Unit.COUNT, _("受理工单中现已办结或结案的"), rollup="completed"),
    Measure(
        "completion_rate",
        _("办结率"),
        Unit.PERCENT,
        _("办结数 ÷（受理数 − 撤销数）"),
        derive=_completion_rate,
    ),
    Measure("rated", _("评价数"), Unit.COUNT, _("受理工单中至少评价过一次的"), rollup="rated"),
    Measure("satisfied", _("满意数"), Unit.COUNT, _("最近一次评价为满意或基本满意的"), rollup="satisfied"),
    Measure("satisfaction_rate", _("满意率"), Unit.PERCENT, _("满意数 ÷ 评价数"), derive=_satisfaction_rate),
    Measure("rework", _("返工次数"), Unit.COUNT, _("不满意评价退回返工的次数"), rollup="rework"),
    Measure(
        "handling_hours",
        _("平均办理时长"),
        Unit.HOURS,
        _("办结工单自派单至办结的平均小时数"),
        rollup="handling",
    ),
    Measure("on_time", _("按期办结数"), Unit.COUNT, _("办结时间不晚于办理时限的办结工单"), rollup="on_time"),
    Measure("on_time_rate", _("按期办结率"), Unit.PERCENT, _("按期办结数 ÷ 办结数"), derive=_on_time_rate),
    Measure(
        "resolved_late",
        _("超期办结数"),
        Unit.COUNT,
        _("办结时间晚于办理时限的办结工单"),
        rollup="resolved_late",
    ),
    Measure(
        "overdue_open",
        _("在办超期数"),
        Unit.COUNT,
        _("受理工单中现仍在办且已过办理时限的（按查询时刻计算）"),
        compute=_row_figures,
    ),
    Measure("overdue", _("超期数"), Unit.COUNT, _("在办超期数 + 超期办结数"), derive=_overdue),
    Measure(
        "due",
        _("应结案数"),
        Unit.COUNT,
        _("期间内到期或结案的已派单工单（GB/T 30428）"),
        compute=_row_figures,
    ),
    Measure(
        "postponed", _("缓办数"), Unit.COUNT, _("应结案工单中期间内批准缓办且未结案的"), compute=_row_figures
    ),
    Measure("closed_due", _("结案数"), Unit.COUNT, _("应结案工单中期末前已结案的"), compute=_row_figures),
    Measure(
        "closure_rate",
        _("结案率"),
        Unit.PERCENT,
        _("结案数 ÷（应结案数 − 缓办数）"),
        derive=_closure_rate,
    ),
    Measure(
        "resolutions",
        _("办结次数"),
        Unit.COUNT,
        _("受理工单的办结记录数（返工后再次办结另计）"),
        rollup="resolutions",
    ),
    Measure("rework_rate", _("返工率"), Unit.PERCENT, _("返工次数 ÷ 办结次数"), derive=_rework_rate),
    Measure(
        "dispatches",
        _("派遣次数"),
        Unit.COUNT,
        _("受理工单的派单记录数（含退单后再派）"),
        rollup="dispatches",
    ),
    Measure("returns", _("退单次数"), Unit.COUNT, _("受理工单的退单记录数"), rollup="returns"),
    Measure(
        "dispatch_accuracy",
        _("准确派遣率"),
        Unit.PERCENT,
        _("（派遣次数 − 退单次数）÷ 派遣次数"),
        derive=_dispatch_accuracy,
    ),
    Measure(
        "response_hours", _("平均响应时长"), Unit.HOURS, _("自派单至接单的平均小时数"), rollup="response"
    ),
)


def register() -> None:
    """Register the case measures and the rollup hook (KpiConfig.ready)."""
    from gridgov.cases import actions as case_actions

    register_measures(Domain(DOMAIN, gettext_lazy("工单"), order=10, recompute=case_contributions), *MEASURES)
    if on_case_event not in case_actions.event_hooks:
        case_actions.event_hooks.append(on_case_event)
