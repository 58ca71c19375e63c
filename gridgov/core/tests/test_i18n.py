"""The English catalogue: pages switch to English by Accept-Language, the language cookie or the
switcher in the top bar, and stay Chinese by default."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from conftest import PASSWORD
from gridgov.cases.tests import case_flow

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"

# (page, English strings it must show, Chinese strings it must not show in English)
PAGES = [
    (
        "/",
        [
            "Grid Governance",
            "Need help? Ask your grid",
            "Report a problem",
            "Track progress",
            "Public board",
            "Log in",
        ],
        ["网格治理", "有事找网格", "我要反映", "查询进度", "登录"],
    ),
    (
        "/login/",
        ["Grid Governance", "Username", "Password", "Log in", "track progress by tracking number"],
        ["用户名", "密码", "登录", "凭受理编号查询进度"],
    ),
    (
        "/board/",
        ["Public board: case results", "Satisfaction rate", "Filter", "Township/street"],
        ["晒单：办理结果公开", "满意率", "筛选", "乡镇/街道"],
    ),
]


@pytest.fixture(autouse=True)
def _restore_language():
    """LocaleMiddleware activates the request's language on this thread; don't leak English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_catalogue_is_complete_and_compiled():
    po = (LOCALE_DIR / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in po
    entries = [e for e in po.split("\n\n")[1:] if "msgid" in e]
    assert len(entries) > 400
    untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""')]
    assert untranslated == []
    # The committed .mo is built from this .po (CI machines may lack gettext to rebuild it).
    with (LOCALE_DIR / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    assert len([k for k in catalog if k]) == len(entries)
    with translation.override("en"):
        assert translation.gettext("网格治理") == "Grid Governance"
        assert translation.gettext("待派单") == "Awaiting dispatch"


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "english", "chinese"), PAGES)
def test_pages_render_english_with_accept_language(client, url, english, chinese):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    for text in english:
        assert text in html, text
    for text in chinese:
        assert text not in html, text


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "english", "chinese"), PAGES)
def test_pages_default_to_chinese(client, url, english, chinese):
    response = client.get(url)
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    for text in chinese:
        assert text in html, text
    assert "Grid Governance" not in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_language_cookie_selects_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/board/").content.decode()
    assert "Public board: case results" in html
    assert "晒单：办理结果公开" not in html


@pytest.mark.django_db
def test_switcher_posts_to_setlang_and_back(client):
    html = client.get("/board/?township=").content.decode()
    # The switcher sits in the top bar, offers the other language and comes back to this page.
    assert 'action="/i18n/setlang/"' in html
    assert 'name="language" value="en"' in html
    assert 'name="next" value="/board/?township="' in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/board/?township="})
    assert response.status_code == 302
    assert response["Location"] == "/board/?township="
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    html = client.get("/board/").content.decode()
    assert "Public board: case results" in html
    assert 'name="language" value="zh-hans"' in html

    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    html = client.get("/").content.decode()
    assert "有事找网格" in html
    assert "Need help? Ask your grid" not in html


def test_unknown_language_stays_chinese(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "有事找网格" in html


def test_signed_in_pages_translate_nav_and_choice_labels(client, world):
    case_flow.submitted(world)
    assert client.login(username=world.resident.username, password=PASSWORD)
    html = client.get("/my/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "My requests" in html
    assert "Report a problem" in html
    assert "Log out" in html
    # CaseStatus labels are gettext_lazy choices from the model.
    assert "Awaiting dispatch" in html
    assert "待派单" not in html
    assert "我的诉求" not in html


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (
            {"Accept-Language": "en"},
            "Invalid contact phone (an 11-digit mobile number, or a landline with area code)",
        ),
        ({}, "联系电话格式不正确（手机号11位，或带区号的座机）"),
    ],
)
def test_api_errors_follow_accept_language(client, world, headers, message):
    """DomainError messages are gettext at raise time: English on request, Chinese by default, same code."""
    client.force_login(world.resident)
    body = {"description": "小区门口路灯坏了三天，晚上很黑", "contact_phone": "12345"}
    response = client.post("/api/cases", body, content_type="application/json", headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_phone"
    assert response.json()["message"] == message
    assert response.json()["fields"] == {"contact_phone": "invalid"}


def test_api_field_labels_in_messages_are_translated(client, world):
    client.force_login(world.resident)
    body = {"description": "路灯", "contact_phone": "13812341234"}
    response = client.post("/api/cases", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "too_short"
    assert response.json()["message"] == "Description must be at least 5 characters"
