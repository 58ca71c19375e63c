"""The tabular import runner: a county's spreadsheet (CSV or Excel) in, every row through a domain action.

A domain describes one import with an `ImportSpec` (its columns, its natural key, how a row is checked
and written) in its own `imports.py`, which registers it; this module reads the file, maps the county's
column labels to the spec's keys, parses every cell and runs the rows inside ONE transaction:

- all-or-nothing: if any row fails, nothing is written, and the report lists *every* bad row at once as
  (row number as seen in the spreadsheet, column label as in the file, Chinese message);
- per-row specs (`batch = False`) send each row through the domain's action in a savepoint, so one
  failing row does not hide the errors of the next; fine for hundreds of staff logins;
- batch specs (`batch = True`) check every row first without writing (`check_row`, against lookups
  loaded once in `prepare`) and then write everything in chunks through a batch action
  (`write_batch`); savepoints cost a round trip per row, which a 300,000-resident import cannot afford.

Whole-file problems (empty, wrong type, oversize, too many rows, missing required columns) are one
`InvalidInput` with a Chinese message; nothing here ever makes a 500 out of a user's file.
This module imports nothing from domain apps: specs find it, it finds them (`autodiscover_modules`).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any, ClassVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook

from gridgov.core import spreadsheet
from gridgov.core.errors import DomainError, InvalidInput, NotFound
from gridgov.core.progress import progress as progress_bar
from gridgov.core.text import is_bad_text

# Defaults sized for a county's household file (100,000 households, 300,000 residents); a deployment
# can lower them in settings.
MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 400_000
# An .xlsx is a zip: a small file can inflate to gigabytes (a zip bomb); refuse before openpyxl unpacks.
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
# Counties put a title row or two above the header ("XX社区居民花名册"); look this far for it.
HEADER_SEARCH_ROWS = 10
# The page and the API show this many errors; the downloadable report always has all of them.
ERROR_LIMIT = 1000

ERROR_COLUMN = "错误"
# Headers that are never data: our own error column (a fixed error report can be uploaded again) and
# the row number column most county spreadsheets start with.
IGNORED_HEADERS = {"错误", "错误说明", "序号", "编号", "行号", "error"}

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# -- specs ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of an import: the county's label, the key the spec reads, and how a cell is parsed."""

    key: str
    label: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    # Gets the stripped, non-empty cell text; returns the value the spec reads. Raises InvalidInput
    # (or CellError) with a Chinese message for a bad value.
    parse: Callable[[str], Any] | None = None
    max_length: int | None = None
    example: str = ""
    help: str = ""
    # Formatted as text in the template, so Excel keeps ID numbers and phone numbers as typed.
    text: bool = False


class CellError(Exception):
    """A spec's complaint about one row; `column` is a column key, or None for the row as a whole."""

    def __init__(self, message: str, *, column: str | None = None):
        self.message = str(message)
        self.column = column
        super().__init__(self.message)


@dataclass
class Row:
    """One data row of the file, parsed: `values` by column key (None where the cell is empty)."""

    number: int  # the row number the user sees in the spreadsheet
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values.get(key)


class ImportSpec:
    """What a domain provides for one import. Subclass, set the class attributes, register it."""

    kind: ClassVar[str]  # URL and CLI name: "households", "staff"
    title: ClassVar[str]  # Chinese title for pages and file names
    description: ClassVar[str] = ""
    columns: ClassVar[tuple[Column, ...]]
    # Column keys whose value may appear only once in a file (the natural key); repeats are reported.
    unique: ClassVar[tuple[str, ...]] = ()
    # Column keys (passwords) blanked in the error report, which is kept on the server for a day.
    secret: ClassVar[tuple[str, ...]] = ()
    max_rows: ClassVar[int | None] = None
    # False: `write_row` per row in a savepoint. True: `check_row` for all, then `write_batch`.
    batch: ClassVar[bool] = False
    # Extra counts a writer returns (e.g. households besides residents) and their Chinese labels.
    detail_labels: ClassVar[dict[str, str]] = {}

    def authorize(self, actor) -> None:
        """Raise PermissionDenied if this user may not use this import at all."""

    def prepare(self, rows: list[Row], *, actor) -> Any:
        """Load what checking needs once (codes, existing records); returned as `context`."""
        return None

    def check_row(self, row: Row, context: Any, *, actor) -> None:
        """Check one row without writing; raise CellError or a DomainError."""

    def finish(self, context: Any) -> Iterable[tuple[Row, str | None, str]]:
        """Problems visible only once every row was seen (e.g. a household with no head)."""
        return ()

    def write_row(self, row: Row, context: Any, *, actor) -> str:
        """Write one row through the domain's action; return CREATED, UPDATED or UNCHANGED."""
        raise NotImplementedError

    def write_batch(self, rows: list[Row], context: Any, *, actor, progress: bool) -> dict[str, int]:
        """Write every (checked) row in chunks through the domain's batch action; return the counts."""
        raise NotImplementedError

    def example_row(self) -> list[str]:
        return [c.example for c in self.columns]


_REGISTRY: dict[str, ImportSpec] = {}
_discovered = False


def register(spec_class: type[ImportSpec]) -> type[ImportSpec]:
    """Class decorator for a domain's `imports.py`."""
    _REGISTRY[spec_class.kind] = spec_class()
    return spec_class


def all_specs() -> list[ImportSpec]:
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("imports")
        _discovered = True
    return list(_REGISTRY.values())


def spec_for(kind: str) -> ImportSpec:
    for spec in all_specs():
        if spec.kind == kind:
            return spec
    raise NotFound(_("没有这种导入"), code="import_not_found")


# -- reading the file ----------------------------------------------------------------------------


def read_upload(upload: IO[bytes], *, size: int | None = None) -> bytes:
    """The bytes of an uploaded or opened file, refusing an oversize one before reading it."""
    limit = _limit("GRIDGOV_IMPORT_MAX_BYTES", MAX_BYTES)
    if size is not None and size > limit:
        raise _too_large(limit)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    return data


def _too_large(limit: int) -> InvalidInput:
    return InvalidInput(
        _("文件超过 %(mb)s MB，请分成几个文件导入") % {"mb": limit // (1024 * 1024)}, code="import_too_large"
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        # Integral floats are how Excel stores typed numbers; above 15 digits the value is already
        # rounded, and the scientific form lets the ID check say exactly that.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _rows_xlsx(data: bytes, max_rows: int) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise _unreadable() from exc
    if "xl/workbook.xml" not in names:
        raise InvalidInput(
            _("这是一个压缩文件，但不是 Excel（.xlsx）表格；请另存为 .xlsx 或 CSV"), code="import_wrong_type"
        )
    if unzipped > _limit("GRIDGOV_IMPORT_MAX_UNZIPPED_BYTES", MAX_UNZIPPED_BYTES):
        raise _too_large(_limit("GRIDGOV_IMPORT_MAX_BYTES", MAX_BYTES))
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types (KeyError, XML errors) for a bad file
        raise _unreadable() from exc
    try:
        sheet = book.worksheets[0]
        # Some programs write a wrong <dimension>; without it openpyxl reads every row there is.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        rows: list[list[str]] = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > max_rows + HEADER_SEARCH_ROWS:
                break
    except DomainError:
        raise
    except Exception as exc:  # a corrupt sheet part fails only when it is read
        raise _unreadable() from exc
    finally:
        book.close()
    return rows


def _unreadable() -> InvalidInput:
    return InvalidInput(_("Excel 文件已损坏或无法读取，请用 Excel 打开后重新保存"), code="import_unreadable")


def _decode(data: bytes) -> str:
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            # Excel's "Unicode text" is UTF-16 with a BOM.
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                break
    if b"\x00" in data[:4096]:
        raise _wrong_type()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Chinese Excel saves CSV in the system code page: GBK, of which GB 18030 is a superset.
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            _("无法识别文件的文字编码，请另存为“CSV UTF-8”或 Excel（.xlsx）"), code="import_encoding"
        ) from exc


def _wrong_type() -> InvalidInput:
    return InvalidInput(_("文件不是 CSV 或 Excel（.xlsx）表格"), code="import_wrong_type")


def _rows_csv(data: bytes, max_rows: int) -> list[list[str]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    rows: list[list[str]] = []
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(record)
            if len(rows) > max_rows + HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise InvalidInput(
            _("CSV 文件格式有误（第 %(n)s 行附近）：%(error)s") % {"n": len(rows) + 1, "error": exc},
            code="import_bad_csv",
        ) from exc
    return rows


def read_rows(data: bytes, *, max_rows: int) -> list[list[str]]:
    """Every row of the first sheet as text cells; index 0 is spreadsheet row 1 (blank rows kept, so
    row numbers stay the ones the user sees)."""
    if not data.strip():
        raise InvalidInput(_("文件是空的"), code="import_empty")
    if data.startswith(b"PK\x03\x04"):
        return _rows_xlsx(data, max_rows)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidInput(
            _("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"),
            code="import_wrong_type",
        )
    if data.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"Rar!", b"7z")):
        raise _wrong_type()
    return _rows_csv(data, max_rows)


# -- headers -------------------------------------------------------------------------------------

_LABEL_NOISE = re.compile(r"[\s\u3000*＊:：]|[(（]\s*(必填|选填|可选)\s*[)）]")


def _norm(label: str) -> str:
    return _LABEL_NOISE.sub("", label).lower()


def _label_index(spec: ImportSpec) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for column in spec.columns:
        for name in (column.label, column.key, *column.aliases):
            index.setdefault(_norm(name), column)
    return index


@dataclass
class _Header:
    row_index: int  # 0-based index into the rows
    columns: dict[int, Column]  # file column index → spec column
    labels: dict[str, str]  # spec key → the header text as written in the file
    unknown: list[str]


def _find_header(spec: ImportSpec, rows: list[list[str]]) -> _Header:
    index = _label_index(spec)
    best, best_count = -1, 0
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        count = sum(1 for cell in row if _norm(cell) in index)
        if count > best_count:
            best, best_count = i, count
    if best < 0:
        raise InvalidInput(
            _("没有找到表头。第一行应为列名，如：%(labels)s（可下载导入模板）")
            % {"labels": "、".join(c.label for c in spec.columns[:5])},
            code="import_no_header",
        )
    columns: dict[int, Column] = {}
    labels: dict[str, str] = {}
    unknown: list[str] = []
    for position, cell in enumerate(rows[best]):
        text = cell.strip()
        if not text:
            continue
        column = index.get(_norm(text))
        if column is None:
            if _norm(text) not in IGNORED_HEADERS:
                unknown.append(text)
            continue
        if column.key in labels:
            raise InvalidInput(
                _("“%(a)s”和“%(b)s”是同一列，请只保留一个") % {"a": labels[column.key], "b": text},
                code="import_duplicate_column",
            )
        columns[position] = column
        labels[column.key] = text
    missing = [c.label for c in spec.columns if c.required and c.key not in labels]
    if missing:
        raise InvalidInput(
            _("缺少必填列：%(missing)s") % {"missing": "、".join(missing)},
            code="import_missing_columns",
            fields={"missing": missing, "unknown": unknown},
        )
    return _Header(row_index=best, columns=columns, labels=labels, unknown=unknown)


# -- the report ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # the column's header as written in the file; "" for the row as a whole
    message: str


@dataclass
class ImportReport:
    """What an import did or would do; the same for page, API and CLI."""

    kind: str
    title: str
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    details: dict[str, int] = field(default_factory=dict)  # label → count, e.g. {"新增户": 12}
    # For the downloadable error report: the file as read, and where its header is.
    table: list[list[str]] = field(default_factory=list, repr=False)
    header_row: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def message(self) -> str:
        if not self.ok:
            return _("%(rows)s 行有错误（共 %(n)s 处），没有导入任何数据；请改正后重新导入整个文件") % {
                "rows": self.error_rows,
                "n": len(self.errors),
            }
        extra = "".join(f"；{label} {n}" for label, n in self.details.items())
        return self._counts_message() + extra

    def _counts_message(self) -> str:
        counts = {"rows": self.rows, "created": self.created, "updated": self.updated, "same": self.unchanged}
        if self.dry_run:
            return (
                _(
                    "检查通过（试导入，未写入）：共 %(rows)s 行，将新增 %(created)s、更新 %(updated)s、无变化 %(same)s"
                )
                % counts
            )
        return _("导入完成：共 %(rows)s 行，新增 %(created)s、更新 %(updated)s、无变化 %(same)s") % counts

    def as_dict(self, *, limit: int = ERROR_LIMIT) -> dict:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "message": self.message,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": len(self.errors),
            "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in self.errors[:limit]],
            "unknown_columns": self.unknown_columns,
            "details": self.details,
        }


# -- running ---------------------------------------------------------------------------------------


def _parse_cells(
    spec: ImportSpec, header: _Header, rows: list[list[str]], report: ImportReport, *, progress: bool
) -> Iterator[tuple[Row, bool]]:
    """Every non-blank data row with its parsed values, and whether any of its cells failed."""
    first = header.row_index + 1
    data = progress_bar(rows[first:], desc=_("读取"), unit="行", enabled=progress)
    for offset, cells in enumerate(data):
        number = first + offset + 1
        if not any(c.strip() for c in cells):
            continue
        report.rows += 1
        values: dict[str, Any] = {c.key: None for c in spec.columns}
        failed = False
        for position, column in header.columns.items():
            raw = cells[position].strip() if position < len(cells) else ""
            label = header.labels[column.key]
            problem = None
            if is_bad_text(raw):
                problem = _("含有不允许的字符")
            elif not raw:
                if column.required:
                    problem = _("不能为空")
            elif column.max_length and len(raw) > column.max_length:
                problem = _("不能超过 %(n)s 个字") % {"n": column.max_length}
            else:
                try:
                    values[column.key] = column.parse(raw) if column.parse else raw
                except (DomainError, CellError) as exc:
                    problem = exc.message
            if problem:
                report.errors.append(RowError(number, label, problem))
                failed = True
        yield Row(number=number, values=values), failed


def _blank_secrets(spec: ImportSpec, header: _Header, table: list[list[str]]) -> None:
    positions = [p for p, column in header.columns.items() if column.key in spec.secret]
    for cells in table[header.row_index + 1 :]:
        for position in positions:
            if position < len(cells):
                cells[position] = ""


def _duplicates(
    spec: ImportSpec, header: _Header, parsed: list[tuple[Row, bool]], report: ImportReport
) -> list[Row]:
    """The rows fit to check: every cell parsed and no natural key seen on an earlier row. Repeats are
    looked for among all rows, so a repeat is reported even when the other row has another error."""
    seen: dict[str, dict[Any, int]] = {key: {} for key in spec.unique}
    kept = []
    for row, failed in parsed:
        clash = False
        for key in spec.unique:
            value = row[key]
            if value in (None, ""):
                continue
            if value in seen[key]:
                report.errors.append(
                    RowError(
                        row.number,
                        header.labels.get(key, key),
                        _("与第 %(n)s 行重复") % {"n": seen[key][value]},
                    )
                )
                clash = True
            else:
                seen[key][value] = row.number
        if not (clash or failed):
            kept.append(row)
    return kept


def _error_for(header: _Header, row: Row, exc: DomainError | CellError) -> RowError:
    if isinstance(exc, CellError):
        key = exc.column
    else:
        key = next((k for k in exc.fields if k in header.labels), None)
    return RowError(row.number, header.labels.get(key, "") if key else "", exc.message)


def import_run(
    spec: ImportSpec,
    *,
    actor,
    data: bytes,
    file_name: str = "",
    dry_run: bool = False,
    progress: bool = False,
) -> ImportReport:
    """Read, check and (unless any row fails, or `dry_run`) write the whole file in one transaction."""
    spec.authorize(actor)
    max_rows = min(spec.max_rows or MAX_ROWS, _limit("GRIDGOV_IMPORT_MAX_ROWS", MAX_ROWS))
    table = read_rows(data, max_rows=max_rows)
    header = _find_header(spec, table)
    report = ImportReport(
        kind=spec.kind,
        title=spec.title,
        file_name=file_name,
        dry_run=dry_run,
        unknown_columns=header.unknown,
        table=table,
        header_row=header.row_index + 1,
    )
    if sum(1 for row in table[header.row_index + 1 :] if any(c.strip() for c in row)) > max_rows:
        raise InvalidInput(
            _("数据超过 %(n)s 行，请分成几个文件导入") % {"n": max_rows}, code="import_too_many_rows"
        )
    parsed = list(_parse_cells(spec, header, table, report, progress=progress))
    _blank_secrets(spec, header, table)
    if report.rows == 0:
        raise InvalidInput(_("文件只有表头，没有数据行"), code="import_empty")
    rows = _duplicates(spec, header, parsed, report)
    with transaction.atomic():
        context = spec.prepare(rows, actor=actor)
        checked: list[Row] = []
        for row in progress_bar(rows, desc=_("检查"), unit="行", enabled=progress):
            try:
                spec.check_row(row, context, actor=actor)
            except (DomainError, CellError) as exc:
                report.errors.append(_error_for(header, row, exc))
            else:
                checked.append(row)
        for row, key, message in spec.finish(context):
            report.errors.append(RowError(row.number, header.labels.get(key, "") if key else "", message))
        if spec.batch:
            if report.ok:
                counts = spec.write_batch(checked, context, actor=actor, progress=progress)
                report.created = counts.get(CREATED, 0)
                report.updated = counts.get(UPDATED, 0)
                report.unchanged = counts.get(UNCHANGED, 0)
                report.details = {label: counts.get(key, 0) for key, label in spec.detail_labels.items()}
        else:
            _write_rows(spec, header, checked, context, actor, report, progress)
        if not report.ok or dry_run:
            transaction.set_rollback(True)
    if not report.ok:
        # Nothing was written; counts of a rolled-back partial run would only mislead.
        report.created = report.updated = report.unchanged = 0
        report.details = {}
    report.errors.sort(key=lambda e: e.row)
    return report


def _write_rows(spec, header, rows, context, actor, report: ImportReport, progress: bool) -> None:
    counts = {CREATED: 0, UPDATED: 0, UNCHANGED: 0}
    for row in progress_bar(rows, desc=_("导入"), unit="行", enabled=progress):
        savepoint = transaction.savepoint()
        try:
            outcome = spec.write_row(row, context, actor=actor)
        except (DomainError, CellError) as exc:
            transaction.savepoint_rollback(savepoint)
            report.errors.append(_error_for(header, row, exc))
        except IntegrityError:
            # A constraint the action did not foresee (e.g. a concurrent insert): the row, not a 500.
            transaction.savepoint_rollback(savepoint)
            report.errors.append(RowError(row.number, "", _("与已有数据冲突，请核对后重试")))
        else:
            transaction.savepoint_commit(savepoint)
            counts[outcome] += 1
    report.created, report.updated, report.unchanged = counts[CREATED], counts[UPDATED], counts[UNCHANGED]


# -- spreadsheets out ------------------------------------------------------------------------------


def error_report_xlsx(report: ImportReport) -> bytes:
    """The file as uploaded with a 错误 column (bad cells coloured), and a sheet listing every error."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("数据")
    width = max((len(r) for r in report.table), default=0)
    by_row: dict[int, list[RowError]] = {}
    for error in report.errors:
        by_row.setdefault(error.row, []).append(error)
    header = report.table[report.header_row - 1] if report.table else []
    positions = {text.strip(): i for i, text in enumerate(header) if text.strip()}
    for number, cells in enumerate(report.table, start=1):
        cells = cells + [""] * (width - len(cells))
        if number == report.header_row:
            spreadsheet.append_row(sheet, [*cells, ERROR_COLUMN], font=spreadsheet.BOLD)
            continue
        errors = by_row.get(number, [])
        fills = {positions[e.column]: spreadsheet.ERROR_FILL for e in errors if e.column in positions}
        if errors:
            fills[width] = spreadsheet.ERROR_FILL
        note = "；".join(f"{e.column}：{e.message}" if e.column else e.message for e in errors)
        spreadsheet.append_row(sheet, [*cells, note], fills=fills)
    sheet.freeze_panes = sheet.cell(row=report.header_row + 1, column=1)
    summary = book.create_sheet(_("错误汇总"))
    spreadsheet.append_row(summary, [_("行号"), _("列"), _("错误说明")], font=spreadsheet.BOLD)
    for error in report.errors:
        spreadsheet.append_row(summary, [error.row, error.column, error.message])
    spreadsheet.set_widths(summary, [8, 16, 60])
    return spreadsheet.workbook_bytes(book)


def template_xlsx(spec: ImportSpec) -> bytes:
    """The header (required columns marked *) and one example row, plus a sheet explaining each column."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = spec.title[:31]
    spreadsheet.append_row(
        sheet, [f"{c.label}*" if c.required else c.label for c in spec.columns], font=spreadsheet.BOLD
    )
    spreadsheet.append_row(sheet, spec.example_row())
    spreadsheet.text_columns(sheet, [i for i, c in enumerate(spec.columns) if c.text])
    spreadsheet.set_widths(sheet, [max(12, len(c.label) * 2 + 4) for c in spec.columns])
    sheet.freeze_panes = "A2"
    notes = book.create_sheet(_("填写说明"))
    spreadsheet.append_row(notes, [_("列名"), _("是否必填"), _("其他写法"), _("说明")], font=spreadsheet.BOLD)
    for column in spec.columns:
        spreadsheet.append_row(
            notes,
            [
                column.label,
                _("必填") if column.required else _("选填"),
                "、".join(column.aliases),
                column.help,
            ],
        )
    if spec.description:
        spreadsheet.append_row(notes, [])
        spreadsheet.append_row(notes, [spec.description])
    spreadsheet.set_widths(notes, [16, 10, 28, 70])
    return spreadsheet.workbook_bytes(book)
