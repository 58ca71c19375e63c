"""API plumbing: authentication (session or token) and the `{"code", "message"}` error shape."""

from __future__ import annotations

import logging

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from gridgov.core.errors import DomainError

log = logging.getLogger("gridgov.api")


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ggt_…` for integrations (hotline, sensors, county systems)."""

    def authenticate(self, request: HttpRequest, token: str):
        from gridgov.people.selectors import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    """`X-Api-Token: ggt_…` for gateways that cannot set Authorization."""

    param_name = "X-Api-Token"

    def authenticate(self, request: HttpRequest, key: str | None):
        if not key:
            return None
        return TokenAuth().authenticate(request, key)


AUTH = [TokenAuth(), TokenHeaderAuth(), django_auth]


def error_body(code: str, message: str, **extra) -> dict:
    return {"code": code, "message": message, **extra}


def build_api() -> NinjaAPI:
    api = NinjaAPI(
        title="gridgov API",
        version="1",
        description='网格治理平台接口。错误统一为 {"code": ..., "message": ...}。',
        auth=AUTH,
        urls_namespace="api",
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
            request, error_body("invalid_input", "请求数据不符合要求", errors=details), status=400
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request, exc):
        return api.create_response(
            request, error_body("not_authenticated", "请先登录或提供有效的接口令牌"), status=401
        )

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code = {
            400: "invalid_input",
            401: "not_authenticated",
            403: "forbidden",
            404: "not_found",
            405: "method_not_allowed",
        }
        message = "请求体不是有效的 JSON" if exc.status_code == 400 else str(exc)
        return api.create_response(
            request, error_body(code.get(exc.status_code, "error"), message), status=exc.status_code
        )

    @api.exception_handler(Exception)
    def unexpected(request, exc: Exception):
        log.exception("unhandled API error")
        return api.create_response(
            request, error_body("server_error", "服务器内部错误，请稍后重试"), status=500
        )

    from gridgov.board.api import router as board_router
    from gridgov.cases.api import router as cases_router
    from gridgov.kpi.api import router as kpi_router
    from gridgov.notify.api import router as notify_router
    from gridgov.supervision.api import router as supervision_router

    api.add_router("/", cases_router)
    api.add_router("/board", board_router)
    api.add_router("/kpi", kpi_router)
    api.add_router("/notifications", notify_router)
    api.add_router("/", supervision_router)
    return api
