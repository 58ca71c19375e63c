"""Branded error pages (400, 403, 404, 500, CSRF failure): Chinese, a way back, nothing internal.

The template stands alone (no base.html, no context processors): a 500 may come from a database that is
down, and the page must not need it. No page repeats the request path, the exception or a setting.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def _page(status: int, title: str, message: str) -> HttpResponse:
    body = render_to_string("errors/error.html", {"status": status, "title": title, "message": message})
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(400, _("请求无效"), _("提交的内容无法处理，请返回上一页检查后重试。"))


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(403, _("没有权限"), _("您没有权限查看这个页面。如需使用，请联系系统管理员开通。"))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(404, _("页面不存在"), _("您要找的页面不存在，或者您无权查看。请检查链接是否正确。"))


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(500, _("系统出错了"), _("服务器暂时无法处理您的请求，已记录此问题。请稍后再试。"))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _page(
        403,
        _("页面已过期"),
        _("页面停留时间过长或来自其他网站，为安全起见未能提交。请返回、刷新页面后重新提交。"),
    )
