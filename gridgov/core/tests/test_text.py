"""Invisible control characters are refused in every text field, on pages and in the API."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from django.test import Client

from gridgov.core.text import BAD_TEXT, is_bad_text

REFUSED = {
    "NUL": "a\x00b",
    "lone surrogate": "a\ud800b",
    "escape (Cc)": "\x1b[31mred",
    "C1 control": "a\x85b",
    "right-to-left override": "exe.\u202egpj",
    "left-to-right isolate": "a\u2066b\u2069",
    "right-to-left mark": "138\u200f1234",
    "zero-width space in a phone number": "138\u200b1234\u200b5678",
    "zero-width joiner between digits": "138\u200d1234",
    "byte order mark": "\ufeff张三",
    "soft hyphen": "张\u00ad三",
    "word joiner": "a\u2060b",
    "tag characters (hidden ASCII)": "ok\U000e0068\U000e0069",
    "Hangul filler as a blank name": "\u3164",
}
ALLOWED = {
    "Chinese with tab and newlines": "小区3栋\t路灯坏了\r\n请尽快处理",
    "emoji with skin tone": "👍🏽 谢谢",
    "emoji ZWJ sequence": "👨\u200d⚕️ 医生上门",
    "rainbow flag": "🏳️\u200d🌈",
    "subdivision flag": "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "full-width punctuation": "（已处理）——好！",
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_refused(text):
    assert is_bad_text(text)


@pytest.mark.parametrize("text", ALLOWED.values(), ids=ALLOWED.keys())
def test_allowed(text):
    assert not is_bad_text(text)


def test_every_format_and_control_character_but_tab_lf_cr_is_refused():
    """If a Python upgrade brings a newer Unicode with new Cf characters, the list in text.py is updated."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) in ("Cc", "Cf", "Cs") and char not in "\t\n\r\u200d":
            assert BAD_TEXT.search(char), f"U+{code:04X} is not refused"


@pytest.mark.django_db
def test_a_page_form_with_a_bidi_override_is_refused(client, world):
    client.force_login(world.resident)
    response = client.post("/report/", {"description": "路灯坏了\u202e了坏灯路", "category": world.roads.pk})
    assert response.status_code == 400
    assert "文字方向控制符" in response.content.decode()


@pytest.mark.django_db
def test_the_api_refuses_a_zero_width_space_and_names_the_field(world, token_for):
    client = Client(headers={"Authorization": f"Bearer {token_for(world.resident)}"})
    response = client.post(
        "/api/cases",
        {"description": "路灯坏了三天了，晚上很黑", "contact_phone": "138\u200b1234\u200b5678"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_text" and body["fields"] == {"contact_phone": "invalid_text"}
