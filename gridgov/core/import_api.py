"""POST /api/imports/{kind}: the import runner as JSON, for county systems that push their rosters.

Answers the same report as the page: 200 when the file was imported (or passed a dry run), 400 with
`code: import_rejected` and every row error when nothing was written; an unreadable file, missing
columns and the like are the usual `{"code", "message"}` 400.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import File, Form, Router, Schema, Status, UploadedFile

from gridgov.core.imports import import_run, read_upload, spec_for, template_xlsx
from gridgov.core.spreadsheet import XLSX_TYPE

router = Router(tags=["imports"])


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class ImportReportOut(Schema):
    kind: str
    ok: bool
    dry_run: bool
    message: str
    rows: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    errors: list[RowErrorOut]
    unknown_columns: list[str]
    details: dict[str, int]
    code: str | None = None


def report_body(report) -> dict:
    body = report.as_dict()
    if not report.ok:
        body["code"] = "import_rejected"
    return body


@router.post(
    "/{kind}",
    response={200: ImportReportOut, 400: ImportReportOut},
    summary="导入表格（CSV 或 xlsx，multipart 字段 file；dry_run=true 只检查不写入）",
)
def import_upload(
    request: HttpRequest, kind: str, file: File[UploadedFile], dry_run: Form[bool] = False
) -> Status:
    spec = spec_for(kind)
    report = import_run(
        spec,
        actor=request.user,
        data=read_upload(file, size=file.size),
        file_name=file.name or "",
        dry_run=dry_run,
    )
    return Status(200 if report.ok else 400, report_body(report))


@router.get("/{kind}/template", summary="导入模板（xlsx：表头和一行示例）")
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    spec = spec_for(kind)
    spec.authorize(request.user)
    response = HttpResponse(template_xlsx(spec), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{spec.title}模板.xlsx"
    )
    return response
