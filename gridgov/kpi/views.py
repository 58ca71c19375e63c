"""The leader KPI page and its Excel export. Scope and parameters are checked as in the JSON twin."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET

from gridgov.core.errors import DomainError
from gridgov.kpi import selectors
from gridgov.kpi.export import XLSX_TYPE, report_xlsx
from gridgov.measures.access import kpi_region_for
from gridgov.measures.registry import UNIT_LABELS, Figure, Unit


def _report(request: HttpRequest) -> selectors.KpiReport:
    region, scope = kpi_region_for(request.user, request.GET.get("region"))
    period = selectors.period_from(request.GET.get("start", ""), request.GET.get("end", ""))
    return selectors.kpi_report(region, period, scope=scope)


def _cells(measures, columns=selectors.COLUMNS) -> list[str]:
    cells = []
    for column in columns:
        value = column.value(measures)
        cells.append("—" if value is None else f"{value}{'%' if column.unit == '%' else ''}")
    return cells


def _figure_text(figure: Figure) -> str:
    value = figure.value
    if value is None:
        return "—"
    if figure.measure.unit == Unit.PERCENT:
        return f"{value}%"
    if figure.measure.unit == Unit.HOURS:
        return f"{value} {UNIT_LABELS[Unit.HOURS]}"
    return str(value)


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(request, "kpi/error.html", {"error": exc.message}, status=exc.status)


@login_required
@require_GET
def kpi(request: HttpRequest) -> HttpResponse:
    try:
        report = _report(request)
    except DomainError as exc:
        return _error(request, exc)
    params = {"start": report.period.start.isoformat(), "end": report.period.end.isoformat()}
    context = {
        "report": report,
        "domain_groups": [
            (group.domain, [(figure, _figure_text(figure)) for figure in group.figures])
            for group in report.figures
        ],
        "columns": selectors.COLUMNS,
        "total_cells": _cells(report.total),
        "region_rows": [(row, _cells(row.measures)) for row in report.by_region],
        "category_rows": [(row, _cells(row.measures)) for row in report.by_category],
        "whistle_columns": selectors.WHISTLE_COLUMNS,
        "department_rows": [
            (row, _cells(row.measures, selectors.WHISTLE_COLUMNS)) for row in report.by_department
        ],
        "whistle_total_cells": _cells(report.whistle_total, selectors.WHISTLE_COLUMNS),
        "data": selectors.report_as_dict(report),
        "period_query": urlencode(params),
        "export_query": urlencode({"region": report.region.code, **params}),
    }
    return render(request, "kpi/kpi.html", context)


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        report = _report(request)
    except DomainError as exc:
        return _error(request, exc)
    filename = (
        f"指标_{report.region.name}_{report.period.start.isoformat()}_{report.period.end.isoformat()}.xlsx"
    )
    response = HttpResponse(report_xlsx(report), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
