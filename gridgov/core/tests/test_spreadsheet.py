"""Every spreadsheet the platform writes keeps a formula-looking text as text (issue 8, point 7)."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from gridgov.core import spreadsheet

FORMULAS = ["=1+1", '=HYPERLINK("http://evil.example","点我")', "+86 138", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _roundtrip(values) -> list:
    book = Workbook()
    sheet = book.active
    spreadsheet.append_row(sheet, values)
    loaded = load_workbook(io.BytesIO(spreadsheet.workbook_bytes(book)))
    return [cell for cell in next(loaded.active.iter_rows())]


@pytest.mark.parametrize("value", FORMULAS)
def test_a_formula_looking_text_is_written_as_text_with_a_quote_prefix(value):
    [cell] = _roundtrip([value])
    assert cell.data_type == "s"
    assert cell.value == value.replace("\r", "\n") or cell.value == value  # XML normalises a lone CR
    assert cell.quotePrefix


def test_numbers_dates_and_plain_text_keep_their_type():
    cells = _roundtrip([-5, 2.5, "张三", None])
    assert [c.value for c in cells[:3]] == [-5, 2.5, "张三"]
    assert cells[0].data_type == "n" and not cells[2].quotePrefix


def test_csv_cells_get_an_apostrophe_but_numbers_do_not():
    buffer = io.StringIO()
    csv.writer(buffer).writerow(spreadsheet.csv_row(["=1+1", "@x", -5, "普通", None]))
    assert buffer.getvalue().strip() == "'=1+1,'@x,-5,普通,"
