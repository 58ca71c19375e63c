"""redact_text: what residents type into free text never reaches the public board in full."""

from __future__ import annotations

import pytest

from gridgov.core.redaction import redact_text


@pytest.mark.parametrize(
    ("text", "secret", "shown"),
    [
        ("我的电话13812341234请回电", "13812341234", "138****1234"),
        ("电话 138-1234-5678", "138-1234-5678", "138****5678"),
        ("电话 138 1234 5678", "138 1234 5678", "138****5678"),
        ("+86 13812345678", "13812345678", "138****5678"),
        ("全角１３８１２３４１２３４", "１３８１２３４１２３４", "138****1234"),
        ("身份证450101199001011234", "450101199001011234", "450***********1234"),
        ("身份证45010119900101123X", "45010119900101123X", "123X"),
        ("老身份证450101900101123", "450101900101123", "1123"),
        ("座机0771-5612345", "5612345", "077****2345"),
        ("座机(0771)5612345", "5612345", "077****2345"),
        ("北京010-12345678", "12345678", "010****5678"),
        ("拨打5612345找物业", "5612345", "*****45"),
        ("住3栋2单元501室", "501", "*栋*单元*室"),
    ],
)
def test_personal_numbers_are_masked(text, secret, shown):
    redacted = redact_text(text)
    assert secret not in redacted
    assert shown in redacted


def test_an_id_number_is_not_mistaken_for_a_mobile():
    # 18 digits contain an 11-digit run starting with 1[3-9]; it must be masked as an ID, whole.
    assert redact_text("45013819900101123X") == "450***********123X"


def test_known_personal_strings_are_hidden_wherever_typed():
    text = "我是张三丰，住幸福小区北门，张三丰家门口路灯坏了"
    redacted = redact_text(text, known=["张三丰", "幸福小区北门", ""])
    assert "张三丰" not in redacted and "幸福小区北门" not in redacted
    assert "路灯坏了" in redacted


def test_ordinary_text_is_left_alone():
    text = "2024年3月5日下午3点，共5户反映路灯不亮，已于当日修复。"
    assert redact_text(text) == text
    assert redact_text(None) == ""
