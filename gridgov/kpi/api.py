"""GET /api/kpi?region=CODE&start=YYYY-MM-DD&end=YYYY-MM-DD: the KPI page's figures as JSON."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from gridgov.core.api import ERRORS
from gridgov.kpi import selectors
from gridgov.measures.access import kpi_region_for

router = Router(tags=["kpi"])


@router.get(
    "", response={200: dict, **ERRORS}, summary="指标：受理、办结、满意、返工、办理时长，按下级区域和类别"
)
def kpi(request: HttpRequest, region: str = "", start: str = "", end: str = "") -> dict:
    chosen, scope = kpi_region_for(request.user, region)
    period = selectors.period_from(start, end)
    return selectors.report_as_dict(selectors.kpi_report(chosen, period, scope=scope))
