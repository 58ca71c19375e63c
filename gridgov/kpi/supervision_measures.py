"""Supervision's measures (吹哨报到) for the KPI registry: the departments' answers to whistles, in total.

Computed from the whistle calls (one grouped query, the same one as the page's by-department table, so
the totals are that table's 合计 row); calls are few next to cases. Rollups for them come with the
county-scale issue.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _

from gridgov.measures.period import Period
from gridgov.measures.registry import Domain, Measure, Unit, Value, percent, register_measures
from gridgov.territory.models import Region


def _whistle_figures(region: Region, period: Period) -> Mapping[str, Value]:
    from gridgov.core import clock
    from gridgov.kpi.selectors import WhistleMeasures, by_department

    total = sum((row.measures for row in by_department(region, period, clock.now())), WhistleMeasures())
    return {
        "calls": total.calls,
        "leads": total.leads,
        "acknowledged": total.acknowledged,
        "response_hours": total.response_hours,
        "no_shows": total.no_shows,
        "results": total.results,
    }


def _no_show_rate(values: Mapping[str, Value]) -> Value:
    return percent(values["no_shows"], values["calls"])


MEASURES = (
    Measure("calls", _("被吹哨次数"), Unit.COUNT, _("期间内吹哨召集部门的次数"), compute=_whistle_figures),
    Measure("leads", _("主办次数"), Unit.COUNT, _("其中作为主办部门的"), compute=_whistle_figures),
    Measure("acknowledged", _("已报到"), Unit.COUNT, _("部门已报到的召集"), compute=_whistle_figures),
    Measure(
        "response_hours",
        _("平均报到时长"),
        Unit.HOURS,
        _("自吹哨至报到的平均小时数（已报到的召集）"),
        compute=_whistle_figures,
    ),
    Measure(
        "no_shows",
        _("未按时报到"),
        Unit.COUNT,
        _("报到时限已过而未在时限内报到的召集（含逾期后才报到）"),
        compute=_whistle_figures,
    ),
    Measure(
        "no_show_rate", _("未按时报到率"), Unit.PERCENT, _("未按时报到 ÷ 被吹哨次数"), derive=_no_show_rate
    ),
    Measure("results", _("已报结"), Unit.COUNT, _("部门已报告结果的召集"), compute=_whistle_figures),
)


def register() -> None:
    register_measures(Domain("supervision", _("吹哨报到"), order=20), *MEASURES)
