"""The one way the platform writes spreadsheet cells (Excel and CSV exports, import templates and reports).

A text cell that begins with `=`, `+`, `-` or `@` (or a tab or carriage return, which Excel strips
before looking) is a formula to a spreadsheet program: a resident could type `=HYPERLINK(...)` into a
case title and have it run on a leader's machine when the KPI export is opened (CSV/formula injection,
issue 8 point 7). Every export goes through `append_row` / `csv_row`, so such a value is always text:

- in `.xlsx` the cell is stored as a string with Excel's "quote prefix" flag, which is what Excel does
  itself when a person types `'=1+1`: the value is kept exactly, shown as typed and never evaluated,
  even after the cell is edited;
- in CSV there is no cell type, so the value gets a leading apostrophe (the OWASP advice).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

# Characters that make a spreadsheet program read a cell as a formula; tab and CR because Excel and
# LibreOffice drop them before deciding.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

BOLD = Font(bold=True)
ERROR_FILL = PatternFill("solid", fgColor="FFC7CE")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def cell(
    sheet: Worksheet, value: object, *, font: Font | None = None, fill: PatternFill | None = None
) -> Cell:
    """A cell for `sheet.append`: numbers, dates and booleans keep their type; text is always text."""
    made = Cell(sheet)
    made.value = value
    if isinstance(value, str):
        # openpyxl itself turns any string starting with "=" into a formula; undo that for every text.
        made.data_type = "s"
        if looks_like_formula(value):
            made.quotePrefix = True
    if font is not None:
        made.font = font
    if fill is not None:
        made.fill = fill
    return made


def append_row(
    sheet: Worksheet,
    values: Iterable[object],
    *,
    font: Font | None = None,
    fills: dict[int, PatternFill] | None = None,
) -> None:
    """Append one row of safe cells; `fills` colours cells by 0-based column index."""
    fills = fills or {}
    sheet.append([cell(sheet, v, font=font, fill=fills.get(i)) for i, v in enumerate(values)])


def set_widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def text_columns(sheet: Worksheet, indexes: Iterable[int]) -> None:
    """Format whole columns (0-based) as text, so ID numbers and phones typed later are not turned into
    numbers by Excel (an 18-digit ID number loses its last digits as a number)."""
    for index in indexes:
        sheet.column_dimensions[get_column_letter(index + 1)].number_format = "@"


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_value(value: object) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        return str(value)  # a number such as -5 is data, not a formula
    return "'" + value if looks_like_formula(value) else value


def csv_row(values: Iterable[object]) -> list[str]:
    """One CSV record of safe cells, for `csv.writer(...).writerow`."""
    return [csv_value(v) for v in values]
