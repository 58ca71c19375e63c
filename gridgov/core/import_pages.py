"""Staff pages for every registered import: upload → result (counts or the per-row error table), the
template download and the error-report download. Mounted at /imports/ in `gridgov/urls.py`.

The error report is built when the upload fails and kept for a day under a random name in the default
storage, in a folder of the uploading user: the file holds the county's personal data, so only that
user can fetch it, and it is gone by the next day.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gridgov.core.errors import DomainError, InvalidInput
from gridgov.core.imports import (
    ImportReport,
    ImportSpec,
    all_specs,
    error_report_xlsx,
    import_run,
    read_upload,
    spec_for,
    template_xlsx,
)
from gridgov.core.spreadsheet import XLSX_TYPE

REPORT_DIR = "import-reports"
REPORT_KEEP = timedelta(days=1)
SHOWN_ERRORS = 500


def specs_for(user) -> list[ImportSpec]:
    """The imports this user may use (for the index page and the navigation)."""
    usable = []
    for spec in all_specs():
        try:
            spec.authorize(user)
        except DomainError:
            continue
        usable.append(spec)
    return usable


def _spec(request: HttpRequest, kind: str) -> ImportSpec:
    try:
        spec = spec_for(kind)
        spec.authorize(request.user)
    except DomainError as exc:
        # An import the user may not use looks the same as one that does not exist.
        raise Http404(exc.message) from exc
    return spec


def _user_id(request: HttpRequest) -> int:
    # Behind @login_required: the user is signed in and has a primary key.
    return int(request.user.pk or 0)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _report_store(user_id: int, report: ImportReport) -> str:
    folder = f"{REPORT_DIR}/{user_id}"
    cutoff = timezone.now() - REPORT_KEEP
    try:
        for name in default_storage.listdir(folder)[1]:
            if default_storage.get_modified_time(f"{folder}/{name}") < cutoff:
                default_storage.delete(f"{folder}/{name}")
    except FileNotFoundError:
        pass
    token = secrets.token_urlsafe(16)
    default_storage.save(f"{folder}/{token}.xlsx", ContentFile(error_report_xlsx(report)))
    return token


@login_required
def imports_index(request: HttpRequest) -> HttpResponse:
    return render(request, "core/imports/index.html", {"specs": specs_for(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _spec(request, kind)
    context: dict = {"spec": spec, "columns": spec.columns}
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        dry_run = bool(request.POST.get("dry_run"))
        context["dry_run"] = dry_run
        try:
            if upload is None:
                raise InvalidInput(_("请选择要导入的文件"), code="import_no_file")
            report = import_run(
                spec,
                actor=request.user,
                data=read_upload(upload, size=upload.size),
                file_name=upload.name or "",
                dry_run=dry_run,
            )
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status
        else:
            context["report"] = report
            context["errors"] = report.errors[:SHOWN_ERRORS]
            context["errors_hidden"] = max(0, len(report.errors) - SHOWN_ERRORS)
            if not report.ok:
                context["report_token"] = _report_store(_user_id(request), report)
                status = 400
    if request.method == "POST" and request.headers.get("HX-Request"):
        # htmx swaps only 2xx answers; the status is for clients that read it, the fragment for people.
        return render(request, "core/imports/_result.html", context)
    return render(request, "core/imports/upload.html", context, status=status)


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _spec(request, kind)
    return _xlsx(template_xlsx(spec), f"{spec.title}模板.xlsx")


@login_required
@require_GET
def import_error_report(request: HttpRequest, kind: str, token: str) -> HttpResponse:
    spec = _spec(request, kind)
    name = f"{REPORT_DIR}/{_user_id(request)}/{token}.xlsx"
    if not token.replace("-", "").replace("_", "").isalnum() or not default_storage.exists(name):
        raise Http404(_("错误报告不存在或已过期"))
    if default_storage.get_modified_time(name) < timezone.now() - REPORT_KEEP:
        default_storage.delete(name)
        raise Http404(_("错误报告不存在或已过期"))
    with default_storage.open(name, "rb") as handle:
        content = handle.read()
    return _xlsx(content, f"{spec.title}错误报告.xlsx")


app_name = "imports"
urlpatterns = [
    path("", imports_index, name="index"),
    path("<slug:kind>/", import_upload, name="upload"),
    path("<slug:kind>/template.xlsx", import_template, name="template"),
    path("<slug:kind>/errors/<str:token>.xlsx", import_error_report, name="errors"),
]
