"""The KPI page as an Excel workbook: the registered measures, then one sheet per breakdown.

Every cell is written by `_append`, the one place that turns a value into a cell: when
`gridgov/core/spreadsheet.py` (formula-safe cells) lands, it is swapped in there and nothing else changes.
Region, category and department names come from the admin, so they must not be able to start a formula.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gridgov.core.spreadsheet import BOLD, append_row
from gridgov.kpi.selectors import COLUMNS, WHISTLE_COLUMNS, Column, KpiReport, Row
from gridgov.measures.registry import UNIT_LABELS

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _append(sheet: Worksheet, values: Sequence[object], *, bold: bool = False) -> None:
    """Write one row through the platform's formula-safe writer. Rates stay numbers (75.0 means 75.0 %)
    so they can be summed and charted; None is an empty cell (no base)."""
    append_row(sheet, values, font=BOLD if bold else None)


def _new_sheet(
    book: Workbook, title: str, report: KpiReport, header: Sequence[str], widths: int
) -> Worksheet:
    sheet = book.create_sheet(title)
    _append(
        sheet,
        [
            f"{report.region.name} {title}",
            f"{report.period.start.isoformat()} 至 {report.period.end.isoformat()}",
        ],
    )
    _append(sheet, header, bold=True)
    sheet.column_dimensions["A"].width = 22
    for index in range(2, widths + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    sheet.freeze_panes = "B3"
    return sheet


def _header(column: Column) -> str:
    return f"{column.label}({column.unit})" if column.unit else column.label


def _measures_sheet(book: Workbook, report: KpiReport) -> None:
    sheet = _new_sheet(book, "指标一览", report, ["领域", "指标", "数值", "单位", "口径"], 4)
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["E"].width = 50
    for group in report.figures:
        for figure in group.figures:
            unit = figure.measure.unit
            _append(
                sheet,
                [
                    str(group.domain.label),
                    str(figure.measure.label),
                    figure.value,
                    str(UNIT_LABELS[unit]),
                    str(figure.measure.description),
                ],
            )


def _table_sheet(
    book: Workbook, title: str, first: str, report: KpiReport, rows: list[Row], *, total: bool
) -> None:
    sheet = _new_sheet(book, title, report, [first, *(_header(c) for c in COLUMNS)], len(COLUMNS) + 1)
    for row in rows:
        _append(sheet, [row.label, *(c.value(row.measures) for c in COLUMNS)])
    if total:
        _append(sheet, ["合计", *(c.value(report.total) for c in COLUMNS)], bold=True)


def _whistle_sheet(book: Workbook, report: KpiReport) -> None:
    header = ["部门", *(_header(c) for c in WHISTLE_COLUMNS)]
    sheet = _new_sheet(book, "吹哨报到", report, header, len(WHISTLE_COLUMNS) + 1)
    for row in report.by_department:
        _append(sheet, [row.label, *(getattr(row.measures, c.key) for c in WHISTLE_COLUMNS)])
    _append(sheet, ["合计", *(getattr(report.whistle_total, c.key) for c in WHISTLE_COLUMNS)], bold=True)


def report_xlsx(report: KpiReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    _measures_sheet(book, report)
    _table_sheet(book, "按区域", "区域", report, report.by_region, total=True)
    _table_sheet(book, "按类别", "类别", report, report.by_category, total=True)
    _whistle_sheet(book, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
