"""Leader measures (指标): received, completed, satisfaction, rework, handling time, by region and category.

A domain adds a measure through the registry (`registry.py`, docs/kpi.md "Adding a measure"); the
case ones are in `case_measures.py`. `figures_for` reads them into `KpiReport.figures`. The tables
below are the case breakdowns by sub-region and category and the whistle table by department.

To add a column to the case breakdown tables: add a field to `Measures`, its aggregate to `_aggregates()` (the one place that
says which cases and which timestamps count), a `Column` to `COLUMNS` if it is shown, and a line to
docs/kpi.md. Page, JSON, chart and Excel all read `COLUMNS` and `Measures`, so nothing else changes.

Most figures are over one cohort: the cases *submitted* in the period inside the region, merged
duplicates excluded (see `cohort`). The GB/T 30428 closure figures (应结案 / 结案 / 缓办) are over the
cases *due or closed* in the period instead; both populations are read in one grouped query
(`population`), each aggregate filtering the part it counts. Department whistle figures (吹哨报到) are
over the calls made in the period. docs/kpi.md has the exact formulas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Greatest, StrIndex, Substr
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from gridgov.cases.models import (
    CLOCK_STATUSES,
    DONE_STATUSES,
    PAUSED_STATUSES,
    Case,
    CaseEvent,
    CasePause,
    CaseStatus,
    PauseKind,
    Rating,
    RatingScore,
    TimelineEntry,
)
from gridgov.core import clock

# period_from is re-exported: the views and the API parse periods through selectors.
from gridgov.measures.period import Period
from gridgov.measures.period import period_from as period_from
from gridgov.measures.registry import DomainFigures, figures_for
from gridgov.supervision.models import WhistleCall
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.scope import covers_any, within_q

SATISFIED_SCORES = (RatingScore.SATISFIED, RatingScore.BASIC)


# -------------------------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class Measures:
    """The figures of one row (a region, a sub-region or a category). Counts are cases unless noted."""

    received: int = 0  # 受理: submitted in the period, merged duplicates excluded
    cancelled: int = 0  # 撤销: of those, withdrawn by the resident
    completed: int = 0  # 办结: of those, now resolved or closed
    on_time: int = 0  # 按期办结: of the completed, resolved_at <= deadline_at
    resolved_late: int = 0  # of the completed, resolved_at > deadline_at
    overdue_open: int = 0  # of the received, still open and past the deadline now
    rated: int = 0  # 已评价: of those, rated at least once
    satisfied: int = 0  # 满意: of the rated, latest rating 满意 or 基本满意
    rework: int = 0  # 返工次数: unsatisfied ratings that sent a case back (sum of rounds)
    resolutions: int = (
        0  # 办结次数: RESOLVE timeline entries of the received cases (a rework round resolves again)
    )
    dispatches: int = 0  # 派遣次数: DISPATCH timeline entries of the received cases
    returns: int = 0  # 退单次数: RETURN timeline entries of the received cases
    due: int = 0  # 应结案数: dispatched cases due (deadline_at) or closed in the period
    closed_due: int = 0  # 结案数: of those, closed by the end of the period
    postponed: int = 0  # 缓办数: of those not closed, postponed (缓办) at some time in the period
    response_hours: float | None = None  # 平均响应时长: dispatch → accept, calendar hours
    handling_hours: float | None = None  # 平均办理时长: dispatch → resolve, completed cases only

    @property
    def completion_rate(self) -> float | None:
        """办结率 = completed / (received − cancelled), in percent."""
        return _percent(self.completed, self.received - self.cancelled)

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率 = on_time / completed, in percent."""
        return _percent(self.on_time, self.completed)

    @property
    def overdue(self) -> int:
        """超期数 = open cases past the deadline now + cases resolved after their deadline."""
        return self.overdue_open + self.resolved_late

    @property
    def closure_rate(self) -> float | None:
        """结案率 (GB/T 30428) = 结案数 / (应结案数 − 缓办数), in percent."""
        return _percent(self.closed_due, self.due - self.postponed)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率 = (满意 + 基本满意) / rated, by each case's latest rating, in percent."""
        return _percent(self.satisfied, self.rated)

    @property
    def rework_rate(self) -> float | None:
        """返工率 = rework events / resolutions, in percent."""
        return _percent(self.rework, self.resolutions)

    @property
    def dispatch_accuracy(self) -> float | None:
        """准确派遣率 = (dispatches − returns) / dispatches, in percent."""
        return _percent(self.dispatches - self.returns, self.dispatches)

    def as_dict(self) -> dict:
        return {column.key: column.value(self) for column in COLUMNS}


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator > 0 else None


@dataclass(frozen=True)
class Column:
    key: str
    title: Promise  # gettext_lazy: read through `label` in the request's language
    unit_title: Promise | str = ""  # "%" or 小时 for display and the Excel header

    @property
    def label(self) -> str:
        return str(self.title)

    @property
    def unit(self) -> str:
        return str(self.unit_title)

    def value(self, measures: Measures):
        return getattr(measures, self.key)


HOURS = gettext_lazy("小时")

# The order of the table, the JSON keys and the Excel columns.
COLUMNS = (
    Column("received", gettext_lazy("受理数")),
    Column("cancelled", gettext_lazy("撤销数")),
    Column("completed", gettext_lazy("办结数")),
    Column("completion_rate", gettext_lazy("办结率"), "%"),
    Column("rated", gettext_lazy("评价数")),
    Column("satisfied", gettext_lazy("满意数")),
    Column("satisfaction_rate", gettext_lazy("满意率"), "%"),
    Column("rework", gettext_lazy("返工次数")),
    Column("handling_hours", gettext_lazy("平均办理时长"), HOURS),
    Column("on_time", gettext_lazy("按期办结数")),
    Column("on_time_rate", gettext_lazy("按期办结率"), "%"),
    Column("overdue", gettext_lazy("超期数")),
    Column("overdue_open", gettext_lazy("在办超期数")),
    Column("due", gettext_lazy("应结案数")),
    Column("postponed", gettext_lazy("缓办数")),
    Column("closed_due", gettext_lazy("结案数")),
    Column("closure_rate", gettext_lazy("结案率"), "%"),
    Column("resolutions", gettext_lazy("办结次数")),
    Column("rework_rate", gettext_lazy("返工率"), "%"),
    Column("dispatches", gettext_lazy("派遣次数")),
    Column("returns", gettext_lazy("退单次数")),
    Column("dispatch_accuracy", gettext_lazy("准确派遣率"), "%"),
    Column("response_hours", gettext_lazy("平均响应时长"), HOURS),
)


def _latest_score() -> Subquery:
    return Subquery(Rating.objects.filter(case=OuterRef("pk")).order_by("-round", "-id").values("score")[:1])


def _entry_count(event: str):
    """How many timeline entries of this event a case has (0 when none), as a per-row subquery."""
    counted = (
        TimelineEntry.objects.filter(case=OuterRef("pk"), event=event)
        .order_by()
        .values("case")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def _hours(start: str, end: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _in_cohort(period: Period) -> Q:
    return Q(created_at__gte=period.start_at, created_at__lt=period.end_before)


def _closure_qs(period: Period) -> tuple[Q, Q]:
    """(应结案, 结案 by the end of the period) as conditions on a case."""
    dispatched = Q(dispatched_at__isnull=False) & ~Q(status__in=[CaseStatus.CANCELLED, CaseStatus.MERGED])
    deadline_in = Q(deadline_at__gte=period.start_at, deadline_at__lt=period.end_before)
    closed_in = Q(status=CaseStatus.CLOSED, closed_at__gte=period.start_at, closed_at__lt=period.end_before)
    due = dispatched & (deadline_in | closed_in)
    closed_by_end = Q(status=CaseStatus.CLOSED, closed_at__lt=period.end_before)
    return due, closed_by_end


def _aggregates(period: Period, now: datetime) -> dict:
    """The one place that defines each measure. Keys are `Measures` fields (and `handling`, `response`).

    The rows are `population(...)`; cohort measures filter on `_in_cohort`, closure measures on `due`.
    """
    cohort_q = _in_cohort(period)
    done = cohort_q & Q(status__in=DONE_STATUSES)
    due, closed_by_end = _closure_qs(period)
    overdue_open = cohort_q & (
        Q(status__in=CLOCK_STATUSES, deadline_at__lt=now)
        # A paused clock is overdue if it stopped after the deadline (the stored deadline is the one in
        # force when it stopped; a pause started before the deadline keeps the case on time).
        | Q(status__in=PAUSED_STATUSES, paused_after_deadline=True)
    )
    return {
        "received": Count("pk", filter=cohort_q),
        "cancelled": Count("pk", filter=cohort_q & Q(status=CaseStatus.CANCELLED)),
        "completed": Count("pk", filter=done),
        "on_time": Count("pk", filter=done & Q(resolved_at__lte=F("deadline_at"))),
        "resolved_late": Count("pk", filter=done & Q(resolved_at__gt=F("deadline_at"))),
        "overdue_open": Count("pk", filter=overdue_open),
        "rated": Count("pk", filter=cohort_q & Q(latest_score__isnull=False)),
        "satisfied": Count("pk", filter=cohort_q & Q(latest_score__in=SATISFIED_SCORES)),
        "rework": Coalesce(Sum("rework_count", filter=cohort_q), Value(0)),
        "resolutions": Coalesce(Sum("n_resolve", filter=cohort_q), Value(0)),
        "dispatches": Coalesce(Sum("n_dispatch", filter=cohort_q), Value(0)),
        "returns": Coalesce(Sum("n_return", filter=cohort_q), Value(0)),
        "due": Count("pk", filter=due),
        "closed_due": Count("pk", filter=due & closed_by_end),
        "postponed": Count("pk", filter=due & ~closed_by_end & Q(postponed_in_period=True)),
        "handling": Avg(
            _hours("dispatched_at", "resolved_at"),
            filter=done & Q(dispatched_at__isnull=False, resolved_at__isnull=False),
        ),
        "response": Avg(
            _hours("dispatched_at", "accepted_at"),
            filter=cohort_q & Q(dispatched_at__isnull=False, accepted_at__isnull=False),
        ),
    }


def _round_hours(value) -> float | None:
    return round(value.total_seconds() / 3600, 1) if value is not None else None


def _measures(row: Mapping[str, Any]) -> Measures:
    """The `Measures` of one aggregate row; keys that are not measures (group keys) are ignored."""
    names = {f.name for f in fields(Measures)} - {"handling_hours", "response_hours"}
    return Measures(
        **{k: v for k, v in row.items() if k in names},
        handling_hours=_round_hours(row.get("handling")),
        response_hours=_round_hours(row.get("response")),
    )


def _region_q(region: Region) -> Q:
    q = within_q(region)
    if region.level == RegionLevel.COUNTY:
        # Cases not yet located in a grid belong to the county (as in cases.access).
        q |= Q(region_path="")
    return q


def cohort(region: Region, period: Period) -> QuerySet[Case]:
    """The cases the cohort measures are computed over: submitted in the period in the region, not merged."""
    return population(region, period).filter(_in_cohort(period))


def population(region: Region, period: Period) -> QuerySet[Case]:
    """Every case any measure of the period counts: the cohort, plus the cases due or closed in it."""
    due, _closed = _closure_qs(period)
    postponed_in_period = CasePause.objects.filter(
        case=OuterRef("pk"), kind=PauseKind.POSTPONED, started_at__lt=period.end_before
    ).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=period.start_at))
    paused_after_deadline = CasePause.objects.filter(
        case=OuterRef("pk"), ended_at__isnull=True, started_at__gt=OuterRef("deadline_at")
    )
    return (
        Case.objects.filter(_region_q(region))
        .filter(_in_cohort(period) | due)
        .exclude(status=CaseStatus.MERGED)
        .annotate(
            latest_score=_latest_score(),
            n_resolve=_entry_count(CaseEvent.RESOLVE),
            n_dispatch=_entry_count(CaseEvent.DISPATCH),
            n_return=_entry_count(CaseEvent.RETURN),
            postponed_in_period=Exists(postponed_in_period),
            paused_after_deadline=Exists(paused_after_deadline),
        )
        .order_by()
    )


# ------------------------------------------------------------------------------------- 吹哨报到 by department


@dataclass(frozen=True)
class WhistleMeasures:
    """One department's answers to whistles (吹哨报到) made in the period. Counts are calls."""

    calls: int = 0  # 被吹哨次数
    leads: int = 0  # 其中主办
    acknowledged: int = 0  # 已报到
    no_shows: int = 0  # 爽约: respond_by has passed and the call was not acknowledged by then
    results: int = 0  # 已报结
    response_total: float = 0.0  # hours, summed over acknowledged calls (for exact averages of sums)

    @property
    def response_hours(self) -> float | None:
        """平均报到时长 = mean of acknowledged_at − whistle.created_at over acknowledged calls, hours."""
        return round(self.response_total / self.acknowledged, 1) if self.acknowledged else None

    @property
    def no_show_rate(self) -> float | None:
        return _percent(self.no_shows, self.calls)

    def as_dict(self) -> dict:
        return {column.key: getattr(self, column.key) for column in WHISTLE_COLUMNS}

    def __add__(self, other: WhistleMeasures) -> WhistleMeasures:
        return WhistleMeasures(
            **{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)}
        )


WHISTLE_COLUMNS = (
    Column("calls", gettext_lazy("被吹哨次数")),
    Column("leads", gettext_lazy("主办次数")),
    Column("acknowledged", gettext_lazy("已报到")),
    Column("response_hours", gettext_lazy("平均报到时长"), HOURS),
    Column("no_shows", gettext_lazy("未按时报到")),
    Column("no_show_rate", gettext_lazy("未按时报到率"), "%"),
    Column("results", gettext_lazy("已报结")),
)


@dataclass(frozen=True)
class DepartmentRow:
    label: str
    measures: WhistleMeasures


def by_department(region: Region, period: Period, now: datetime) -> list[DepartmentRow]:
    """One grouped query over the calls of whistles blown in the period on cases in the region."""
    region_q = within_q(region, "case__region_path")
    if region.level == RegionLevel.COUNTY:
        region_q |= Q(case__region_path="")
    acknowledged = Q(acknowledged_at__isnull=False)
    rows = (
        WhistleCall.objects.filter(
            region_q, whistle__created_at__gte=period.start_at, whistle__created_at__lt=period.end_before
        )
        .order_by()
        .values("department_id", "department__name")
        .annotate(
            calls=Count("pk"),
            leads=Count("pk", filter=Q(role="lead")),
            acknowledged=Count("pk", filter=acknowledged),
            no_shows=Count(
                "pk",
                filter=Q(whistle__respond_by__lt=now)
                & (Q(acknowledged_at__isnull=True) | Q(acknowledged_at__gt=F("whistle__respond_by"))),
            ),
            results=Count("pk", filter=Q(resolved_at__isnull=False)),
            response=Sum(_hours("whistle__created_at", "acknowledged_at"), filter=acknowledged),
        )
    )
    found = []
    for row in rows:
        response = row["response"]
        measures = WhistleMeasures(
            calls=row["calls"],
            leads=row["leads"],
            acknowledged=row["acknowledged"],
            no_shows=row["no_shows"],
            results=row["results"],
            response_total=response.total_seconds() / 3600 if response else 0.0,
        )
        found.append(DepartmentRow(row["department__name"], measures))
    found.sort(key=lambda r: (-r.measures.calls, r.label))
    return found


# -------------------------------------------------------------------------------------------- report


@dataclass(frozen=True)
class Row:
    label: str
    measures: Measures
    code: str = ""  # a region's code, to drill down; empty for categories and the unlocated row


@dataclass(frozen=True)
class KpiReport:
    region: Region
    ancestors: list[Region]  # inside the user's scope, for the breadcrumb, top first
    period: Period
    total: Measures
    by_region: list[Row]
    by_category: list[Row]
    by_department: list[DepartmentRow]
    figures: list[DomainFigures]  # every registered domain's measures for the region (registry.py)

    @property
    def whistle_total(self) -> WhistleMeasures:
        """The departments' rows added up (every call belongs to exactly one department row)."""
        return sum((r.measures for r in self.by_department), WhistleMeasures())


UNLOCATED = gettext_lazy("未定位网格")
UNCATEGORISED = gettext_lazy("未分类")


def _child_code(parent: Region):
    """The code of the child of `parent` a region_path falls under: the path segment after parent.path."""
    rest = Substr("region_path", len(parent.path) + 1)
    # Greatest(…, 0) keeps the length non-negative for a path with no further segment (PostgreSQL
    # refuses a negative substring length).
    return Substr(rest, 1, Greatest(StrIndex(rest, Value("/")) - 1, Value(0), output_field=IntegerField()))


def _by_region(region: Region, period: Period, now: datetime) -> list[Row]:
    """One grouped query for every child region; children with no cases get zero rows."""
    children = list(Region.objects.filter(parent=region).defer("boundary").order_by("code"))
    if not children:
        return []
    grouped = {
        row["child"]: _measures(row)
        for row in population(region, period)
        .annotate(child=_child_code(region))
        .values("child")
        .annotate(**_aggregates(period, now))
    }
    rows = [Row(child.name, grouped.pop(child.code, Measures()), child.code) for child in children]
    if grouped.get(""):
        rows.append(Row(str(UNLOCATED), grouped.pop("")))
    return rows


def _by_category(region: Region, period: Period, now: datetime) -> list[Row]:
    rows = (
        population(region, period)
        .values("category_id", "category__name")
        .annotate(**_aggregates(period, now))
    )
    grouped = [
        (row["category_id"], row["category__name"] or str(UNCATEGORISED), _measures(row)) for row in rows
    ]
    # Largest first; cases not yet categorised (never dispatched) last.
    grouped.sort(key=lambda item: (item[0] is None, -item[2].received, item[1]))
    return [Row(name, measures) for _id, name, measures in grouped]


def kpi_report(region: Region, period: Period, *, scope: list[Region] | None = None) -> KpiReport:
    now = clock.now()
    total = _measures(population(region, period).aggregate(**_aggregates(period, now)))
    ancestors = _ancestors_in_scope(region, scope or [region])
    return KpiReport(
        region=region,
        ancestors=ancestors,
        period=period,
        total=total,
        by_region=_by_region(region, period, now),
        by_category=_by_category(region, period, now),
        by_department=by_department(region, period, now),
        figures=figures_for(region, period),
    )


def _ancestors_in_scope(region: Region, scope: list[Region]) -> list[Region]:
    codes = [c for c in region.path.strip("/").split("/") if c]
    by_code = (
        {r.code: r for r in Region.objects.filter(code__in=codes[:-1]).defer("boundary")}
        if len(codes) > 1
        else {}
    )
    chain = [by_code[c] for c in codes[:-1] if c in by_code] + [region]
    return [r for r in chain if covers_any(scope, r.path)]


def report_as_dict(report: KpiReport) -> dict:
    """The JSON twin's body and the chart's data: the same rows the table shows."""

    def row(r: Row) -> dict:
        return {"label": r.label, "code": r.code, **r.measures.as_dict()}

    return {
        "region": {"code": report.region.code, "name": report.region.name, "level": report.region.level},
        "period": {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()},
        "columns": [{"key": c.key, "label": c.label, "unit": c.unit} for c in COLUMNS],
        "total": report.total.as_dict(),
        "by_region": [row(r) for r in report.by_region],
        "by_category": [row(r) for r in report.by_category],
        "whistle_columns": [{"key": c.key, "label": c.label, "unit": c.unit} for c in WHISTLE_COLUMNS],
        "whistle_total": report.whistle_total.as_dict(),
        "by_department": [{"label": r.label, **r.measures.as_dict()} for r in report.by_department],
        "measures": [
            {
                "domain": group.domain.key,
                "label": str(group.domain.label),
                "measures": [
                    {
                        "code": f.code,
                        "label": str(f.measure.label),
                        "unit": f.measure.unit.value,
                        "value": f.value,
                        "description": str(f.measure.description),
                        "source": f.measure.source,
                        "drill": f.drill,
                    }
                    for f in group.figures
                ],
            }
            for group in report.figures
        ],
    }
