"""Branded error pages: Chinese, a way back, nothing internal (no path, no exception, no setting)."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import Client
from django.urls import path

from gridgov.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401

pytestmark = pytest.mark.django_db


def boom(request: HttpRequest):
    raise RuntimeError("secret-internal-detail /srv/gridgov/settings.py")


# This module is also the ROOT_URLCONF of the 500 test: the real pages plus one that fails.
urlpatterns = [path("boom/", boom), *urlpatterns]


def assert_branded(response, status: int, title: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert title in page and 'href="/"' in page and "返回首页" in page
    for internal in ("Traceback", "settings.py", "secret-internal-detail", "DEBUG", "urlpatterns"):
        assert internal not in page
    return page


def test_404(client):
    page = assert_branded(client.get("/no-such-page/zzz-marker/"), 404, "页面不存在")
    assert "zzz-marker" not in page


def test_500(settings):
    settings.ROOT_URLCONF = __name__
    assert_branded(Client(raise_request_exception=False).get("/boom/"), 500, "系统出错了")


def test_400_for_a_host_that_is_not_ours(client):
    assert_branded(client.get("/", HTTP_HOST="evil.example.com"), 400, "请求无效")


def test_403_for_a_csrf_failure(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "resident", "password": "x"})
    page = assert_branded(response, 403, "页面已过期")
    assert "CSRF" not in page and "Referer" not in page


def test_403():
    from gridgov.core.errorpages import permission_denied

    assert_branded(permission_denied(HttpRequest()), 403, "没有权限")


def test_the_error_pages_are_in_english_when_english_is_chosen(client):
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and "Page not found" in response.content.decode()
