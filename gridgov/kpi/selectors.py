"""Leader measures (指标): received, completed, satisfaction, rework, handling time, by region and category.

How to add a measure: add a field to `Measures`, its aggregate to `_aggregates()` (the one place that
says which cases and which timestamps count), a `Column` to `COLUMNS` if it is shown, and a line to
docs/kpi.md. Page, JSON, chart and Excel all read `COLUMNS` and `Measures`, so nothing else changes.

Every figure is over one cohort: the cases *submitted* in the period inside the region, merged
duplicates excluded (see `cohort`). docs/kpi.md has the exact formulas.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, time, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
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
from django.utils import timezone

from gridgov.cases.models import DONE_STATUSES, Case, CaseStatus, Rating, RatingScore
from gridgov.core import clock
from gridgov.core.errors import InvalidInput
from gridgov.territory.models import Region, RegionLevel

SATISFIED_SCORES = (RatingScore.SATISFIED, RatingScore.BASIC)
MIN_YEAR, MAX_YEAR = 2000, 2100


# ---------------------------------------------------------------------------------------------- period


@dataclass(frozen=True)
class Period:
    """Calendar days in the county's time zone, both ends included."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_before(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


def _parse_date(value: str, label: str) -> date:
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{label}格式应为 YYYY-MM-DD（如 2025-01-31）", code="invalid_date") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise InvalidInput(f"{label}超出范围（{MIN_YEAR}–{MAX_YEAR} 年）", code="invalid_date")
    return parsed


def period_from(start: str | None = "", end: str | None = "") -> Period:
    """Parse YYYY-MM-DD parameters; default is this year up to today."""
    today = timezone.localdate(clock.now())
    start_day = _parse_date(start.strip(), "开始日期") if (start or "").strip() else date(today.year, 1, 1)
    end_day = _parse_date(end.strip(), "结束日期") if (end or "").strip() else max(today, start_day)
    if end_day < start_day:
        raise InvalidInput("结束日期不能早于开始日期", code="invalid_period")
    return Period(start_day, end_day)


# -------------------------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class Measures:
    """The figures of one row (a region, a sub-region or a category). Counts are cases."""

    received: int = 0  # 受理: submitted in the period, merged duplicates excluded
    cancelled: int = 0  # 撤销: of those, withdrawn by the resident
    completed: int = 0  # 办结: of those, now resolved or closed
    rated: int = 0  # 已评价: of those, rated at least once
    satisfied: int = 0  # 满意: of the rated, latest rating 满意 or 基本满意
    rework: int = 0  # 返工次数: unsatisfied ratings that sent a case back (sum of rounds)
    handling_hours: float | None = None  # 平均办理时长: dispatch → resolve, completed cases only

    @property
    def completion_rate(self) -> float | None:
        """办结率 = completed / (received − cancelled), in percent."""
        return _percent(self.completed, self.received - self.cancelled)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率 = (满意 + 基本满意) / rated, by each case's latest rating, in percent."""
        return _percent(self.satisfied, self.rated)

    def as_dict(self) -> dict:
        return {column.key: column.value(self) for column in COLUMNS}


def _percent(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator > 0 else None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    unit: str = ""  # "%" or "小时" for display and the Excel header

    def value(self, measures: Measures):
        return getattr(measures, self.key)


# The order of the table, the JSON keys and the Excel columns.
COLUMNS = (
    Column("received", "受理数"),
    Column("cancelled", "撤销数"),
    Column("completed", "办结数"),
    Column("completion_rate", "办结率", "%"),
    Column("rated", "评价数"),
    Column("satisfied", "满意数"),
    Column("satisfaction_rate", "满意率", "%"),
    Column("rework", "返工次数"),
    Column("handling_hours", "平均办理时长", "小时"),
)


def _latest_score() -> Subquery:
    return Subquery(Rating.objects.filter(case=OuterRef("pk")).order_by("-round", "-id").values("score")[:1])


def _aggregates() -> dict:
    """The one place that defines each measure over the cohort. Keys are `Measures` fields."""
    done = Q(status__in=DONE_STATUSES)
    return {
        "received": Count("pk"),
        "cancelled": Count("pk", filter=Q(status=CaseStatus.CANCELLED)),
        "completed": Count("pk", filter=done),
        "rated": Count("pk", filter=Q(latest_score__isnull=False)),
        "satisfied": Count("pk", filter=Q(latest_score__in=SATISFIED_SCORES)),
        "rework": Coalesce(Sum("rework_count"), Value(0)),
        "handling": Avg(
            ExpressionWrapper(F("resolved_at") - F("dispatched_at"), output_field=DurationField()),
            filter=done & Q(dispatched_at__isnull=False, resolved_at__isnull=False),
        ),
    }


def _measures(row: dict) -> Measures:
    handling = row.get("handling")
    hours = round(handling.total_seconds() / 3600, 1) if handling is not None else None
    names = {f.name for f in fields(Measures)}
    return Measures(**{k: v for k, v in row.items() if k in names}, handling_hours=hours)


def _region_q(region: Region) -> Q:
    q = Q(region_path__startswith=region.path)
    if region.level == RegionLevel.COUNTY:
        # Cases not yet located in a grid belong to the county (as in cases.access).
        q |= Q(region_path="")
    return q


def cohort(region: Region, period: Period) -> QuerySet[Case]:
    """The cases every measure is computed over: submitted in the period in the region, not merged."""
    return (
        Case.objects.filter(
            _region_q(region), created_at__gte=period.start_at, created_at__lt=period.end_before
        )
        .exclude(status=CaseStatus.MERGED)
        .annotate(latest_score=_latest_score())
        .order_by()
    )


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


UNLOCATED = "未定位网格"
UNCATEGORISED = "未分类"


def _child_code(parent: Region):
    """The code of the child of `parent` a region_path falls under: the path segment after parent.path."""
    rest = Substr("region_path", len(parent.path) + 1)
    # Greatest(…, 0) keeps the length non-negative for a path with no further segment (PostgreSQL
    # refuses a negative substring length).
    return Substr(rest, 1, Greatest(StrIndex(rest, Value("/")) - 1, Value(0), output_field=IntegerField()))


def _by_region(region: Region, period: Period) -> list[Row]:
    """One grouped query for every child region; children with no cases get zero rows."""
    children = list(Region.objects.filter(parent=region).defer("boundary").order_by("code"))
    if not children:
        return []
    grouped = {
        row.pop("child"): _measures(row)
        for row in cohort(region, period)
        .annotate(child=_child_code(region))
        .values("child")
        .annotate(**_aggregates())
    }
    rows = [Row(child.name, grouped.pop(child.code, Measures()), child.code) for child in children]
    if grouped.get(""):
        rows.append(Row(UNLOCATED, grouped.pop("")))
    return rows


def _by_category(region: Region, period: Period) -> list[Row]:
    rows = cohort(region, period).values("category_id", "category__name").annotate(**_aggregates())
    grouped = [
        (row.pop("category_id"), row.pop("category__name") or UNCATEGORISED, _measures(row)) for row in rows
    ]
    # Largest first; cases not yet categorised (never dispatched) last.
    grouped.sort(key=lambda item: (item[0] is None, -item[2].received, item[1]))
    return [Row(name, measures) for _, name, measures in grouped]


def kpi_report(region: Region, period: Period, *, scope: list[Region] | None = None) -> KpiReport:
    total = _measures(cohort(region, period).aggregate(**_aggregates()))
    ancestors = _ancestors_in_scope(region, scope or [region])
    return KpiReport(
        region=region,
        ancestors=ancestors,
        period=period,
        total=total,
        by_region=_by_region(region, period),
        by_category=_by_category(region, period),
    )


def _ancestors_in_scope(region: Region, scope: list[Region]) -> list[Region]:
    codes = [c for c in region.path.strip("/").split("/") if c]
    by_code = (
        {r.code: r for r in Region.objects.filter(code__in=codes[:-1]).defer("boundary")}
        if len(codes) > 1
        else {}
    )
    chain = [by_code[c] for c in codes[:-1] if c in by_code] + [region]
    return [r for r in chain if any(r.path.startswith(top.path) for top in scope)]


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
    }
