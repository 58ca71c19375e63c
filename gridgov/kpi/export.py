"""The KPI table as an Excel workbook: the same rows and columns as the page, one sheet per breakdown."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from gridgov.kpi.selectors import COLUMNS, WHISTLE_COLUMNS, KpiReport, Row

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _header(unit: str, label: str) -> str:
    return f"{label}({unit})" if unit else label


def _sheet(
    book: Workbook, title: str, first: str, report: KpiReport, rows: list[Row], *, total: bool
) -> None:
    sheet = book.create_sheet(title)
    sheet.append(
        [
            f"{report.region.name} {title}",
            f"{report.period.start.isoformat()} 至 {report.period.end.isoformat()}",
        ]
    )
    sheet.append([first, *(_header(c.unit, c.label) for c in COLUMNS)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    # Rates are stored as numbers (75.0 means 75.0%) so they can be summed and charted; empty = no base.
    for row in rows:
        sheet.append([row.label, *(c.value(row.measures) for c in COLUMNS)])
    if total:
        sheet.append(["合计", *(c.value(report.total) for c in COLUMNS)])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 22
    for index in range(2, len(COLUMNS) + 2):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "B3"


def _whistle_sheet(book: Workbook, report: KpiReport) -> None:
    title = "吹哨报到"
    sheet = book.create_sheet(title)
    sheet.append(
        [
            f"{report.region.name} {title}",
            f"{report.period.start.isoformat()} 至 {report.period.end.isoformat()}",
        ]
    )
    sheet.append(["部门", *(_header(c.unit, c.label) for c in WHISTLE_COLUMNS)])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in report.by_department:
        sheet.append([row.label, *(getattr(row.measures, c.key) for c in WHISTLE_COLUMNS)])
    sheet.append(["合计", *(getattr(report.whistle_total, c.key) for c in WHISTLE_COLUMNS)])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
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
