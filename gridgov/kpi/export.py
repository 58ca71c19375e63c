"""The KPI table as an Excel workbook: the same rows and columns as the page, one sheet per breakdown."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from gridgov.core.spreadsheet import BOLD, append_row
from gridgov.kpi.selectors import COLUMNS, WHISTLE_COLUMNS, KpiReport, Row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(unit: str, label: str) -> str:
    return f"{label}({unit})" if unit else label


def _sheet(
    book: Workbook, title: str, first: str, report: KpiReport, rows: list[Row], *, total: bool
) -> None:
    sheet = book.create_sheet(title)
    append_row(
        sheet,
        [
            f"{report.region.name} {title}",
            f"{report.period.start.isoformat()} 至 {report.period.end.isoformat()}",
        ],
    )
    append_row(sheet, [first, *(_header(c.unit, c.label) for c in COLUMNS)], font=BOLD)
    # Rates are stored as numbers (75.0 means 75.0%) so they can be summed and charted; empty = no base.
    for row in rows:
        append_row(sheet, [row.label, *(c.value(row.measures) for c in COLUMNS)])
    if total:
        append_row(sheet, ["合计", *(c.value(report.total) for c in COLUMNS)], font=BOLD)
    sheet.column_dimensions["A"].width = 22
    for index in range(2, len(COLUMNS) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "B3"


def _whistle_sheet(book: Workbook, report: KpiReport) -> None:
    title = "吹哨报到"
    sheet = book.create_sheet(title)
    append_row(
        sheet,
        [
            f"{report.region.name} {title}",
            f"{report.period.start.isoformat()} 至 {report.period.end.isoformat()}",
        ],
    )
    append_row(sheet, ["部门", *(_header(c.unit, c.label) for c in WHISTLE_COLUMNS)], font=BOLD)
    for row in report.by_department:
        append_row(sheet, [row.label, *(getattr(row.measures, c.key) for c in WHISTLE_COLUMNS)])
    append_row(sheet, ["合计", *(getattr(report.whistle_total, c.key) for c in WHISTLE_COLUMNS)], font=BOLD)
    sheet.column_dimensions["A"].width = 22
    for index in range(2, len(WHISTLE_COLUMNS) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "B3"


def report_xlsx(report: KpiReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _sheet(book, "按区域", "区域", report, report.by_region, total=True)
    _sheet(book, "按类别", "类别", report, report.by_category, total=True)
    _whistle_sheet(book, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
