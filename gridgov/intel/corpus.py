"""Loading labelled messages from CSV or Excel files.

Accepted layouts (header row required, column names case-insensitive):
  - `text,label`
  - `title,detail,label` (title and detail are joined; either may be empty)
Other columns are ignored. Rows with an empty label or empty text are skipped.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterator
from pathlib import Path


class DataFormatError(ValueError):
    """A training/evaluation file is missing, unreadable or has the wrong columns."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _rows_from_csv(path: Path) -> Iterator[dict[str, str]]:
    raw = path.read_bytes()
    # Government exports are often GB18030; try UTF-8 (with or without BOM) first.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DataFormatError(f"无法识别文件编码（需要 UTF-8 或 GB18030）：{path}")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise DataFormatError(f"文件为空或缺少表头：{path}")
    for row in reader:
        yield {(k or "").strip().lower(): (v or "") for k, v in row.items()}


def _rows_from_xlsx(path: Path) -> Iterator[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for a bad file
        raise DataFormatError(f"无法读取 Excel 文件 {path}：{exc}") from exc
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if not header:
            raise DataFormatError(f"文件为空或缺少表头：{path}")
        names = [str(h or "").strip().lower() for h in header]
        for values in rows:
            yield {name: "" if v is None else str(v) for name, v in zip(names, values, strict=False)}
    finally:
        book.close()


def load_records(path: str | Path) -> list[tuple[str, str]]:
    """(text, label) pairs from one CSV or .xlsx file; raises DataFormatError with a Chinese message."""
    path = Path(path)
    if not path.is_file():
        raise DataFormatError(f"找不到数据文件：{path}")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _rows_from_xlsx(path)
    elif suffix in (".csv", ".txt", ""):
        rows = _rows_from_csv(path)
    else:
        raise DataFormatError(f"不支持的文件类型 {suffix}（支持 .csv 和 .xlsx）：{path}")

    records: list[tuple[str, str]] = []
    checked = False
    for row in rows:
        if not checked:
            keys = set(row)
            if "label" not in keys or not ({"text"} <= keys or {"title", "detail"} & keys):
                raise DataFormatError(
                    f"列名不正确：需要 text,label 或 title,detail,label，实际为 {sorted(keys)}（{path}）"
                )
            checked = True
        label = row.get("label", "").strip()
        if "text" in row:
            text = row["text"]
        else:
            text = f"{row.get('title', '')} {row.get('detail', '')}"
        if label and text.strip():
            records.append((text, label))
    if not checked:
        raise DataFormatError(f"文件没有数据行：{path}")
    return records
