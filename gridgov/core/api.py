"""API plumbing shared by every domain's router: the input guard,
the `{"code", "message"}` error shape and its schema, and small helpers every endpoint needs.

Routers are mounted in `gridgov/api.py`, not here: core imports no domain app.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.db.models import Model
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from gridgov.core.errors import DomainError, InvalidInput
from gridgov.core.paging import ID_MAX
from gridgov.core.text import bad_querydict_field, bad_text_field, refuse_bad_text

if TYPE_CHECKING:
    from gridgov.people.models import User

log = logging.getLogger("gridgov.api")

M = TypeVar("M", bound=Model)


class TextGuardParser(Parser):
    """Ninja's parser plus one rule for every input: no NUL or lone surrogate in any text.

    Covers JSON bodies (keys and values, at any depth), query strings and form fields, so no endpoint
    has to remember it; see `gridgov.core.text`. Pages get the same rule from `core.middleware`.
    """

    def parse_body(self, request: HttpRequest):
        data = super().parse_body(request)
        if field := bad_text_field(data):
            raise refuse_bad_text(field)
        return data

    def parse_querydict(self, data, list_fields, request: HttpRequest):
        if field := bad_querydict_field(data):
            raise refuse_bad_text(field)
        return super().parse_querydict(data, list_fields, request)


def error_body(code: str, message: str, **extra) -> dict:
    return {"code": code, "message": message, **extra}


class ErrorOut(Schema):
    """What every refusal looks like: `{"code", "message"}`, plus the fields at fault when there are any."""

    code: str = Field(description="稳定的错误代码，如 case_not_found、invalid_phone、invalid_transition")
    message: str = Field(description="给用户看的中文说明")
    fields: dict[str, str | dict[str, str]] | None = Field(None, description="出错的字段及原因")


# `response={200: CaseOut, **ERRORS}` documents every refusal an endpoint can answer with.
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def api_user(request: HttpRequest) -> User:
    """The caller, from a session or a token: every endpoint of the API requires one."""
    # TokenAuth and django_auth both hand back the user; ninja sets `auth`, which HttpRequest's stubs lack.
    return request.auth  # type: ignore[attr-defined]


def lookup(
    model: type[M], pk: int | None, *, code: str, message: str, field: str, **filters: Any
) -> M | None:
    """The row an id in the request body names; None for no id; 400 `code` naming `field` if it is unknown.

    An id outside the 64-bit range is unknown too, answered without asking the database.
    """
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk, **filters).first() if 0 < pk <= ID_MAX else None
    if found is None:
        raise InvalidInput(message, code=code, fields={field: "not_found"})
    return found


def build_api(auth: list) -> NinjaAPI:
    """The one API; `auth` comes from the composition root (people owns tokens: core imports no domain)."""
    api = NinjaAPI(
        title="gridgov API",
        version="1",
        description='网格治理平台接口。错误统一为 {"code": ..., "message": ...}。',
        auth=auth,
        urls_namespace="api",
        parser=TextGuardParser(),
    )

    @api.exception_handler(DomainError)
    def domain_error(request, exc: DomainError):
        return api.create_response(
            request, error_body(exc.code, exc.message, fields=exc.fields), status=exc.status
        )

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        details = [
            {"loc": [str(p) for p in e.get("loc", [])], "msg": str(e.get("msg", ""))} for e in exc.errors
        ]
        return api.create_response(
            request, error_body("invalid_input", _("请求数据不符合要求"), errors=details), status=400
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request, error_body("not_authenticated", _("请先登录或提供有效的接口令牌")), status=401
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, DomainError):
            # Ninja wraps whatever the body parser raises in HttpError(400); keep our code and message.
            return domain_error(request, exc.__cause__)
        code = {
            400: "invalid_input",
            401: "not_authenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
        }
        message = _("请求体不是有效的 JSON") if exc.status_code == 400 else str(exc)
        return api.create_response(
            request, error_body(code.get(exc.status_code, "error"), message), status=exc.status_code
        )

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(BadRequest)
    @api.exception_handler(SuspiciousOperation)
    def malformed_request(request, exc: Exception):
        # Django answers these with 400 on pages; inside Ninja they would reach the catch-all below.
        # A multipart body without a boundary, too many fields, a body over the size limit…
        return api.create_response(
            request, error_body("invalid_input", _("请求体格式不正确或过大")), status=400
        )

    @api.exception_handler(Exception)
    def unexpected(request, exc: Exception):
        log.exception("unhandled API error")
        return api.create_response(
            request, error_body("server_error", _("服务器内部错误，请稍后重试")), status=500
        )

    return api
