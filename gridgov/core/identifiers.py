"""Checks for the personal identifiers people type: resident ID numbers and Chinese phone numbers.

Used by imports and by any action that stores one, so a bad value is refused with the same Chinese
message wherever it comes from.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils.translation import gettext as _
from stdnum.cn import ric

from gridgov.core.errors import InvalidInput

# Separators people put in numbers; full-width digits and hyphens come from Chinese input methods.
_SEPARATORS = re.compile(r"[\s\-－—_.·()（）]")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９ｘＸ＋", "0123456789xX+")

# 11-digit mobiles (1[3-9]…), and landlines: area code 0xx/0xxx + 7–8 digits, optional extension.
_CANONICAL = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{9,11}")
_LOCAL = re.compile(r"[2-9]\d{6,7}")


def id_number_clean(value: str, *, today: date | None = None) -> str:
    """The 18-character resident ID number (GB 11643-1999): length, birth date, check digit.

    Returns the canonical form (upper-case X); raises InvalidInput with a Chinese message otherwise.
    The 6-digit area code is not looked up: codes change with every redrawing of districts and a
    person keeps the number they were given.
    """
    if _CANONICAL.fullmatch(value or ""):
        # The usual case (and every value already cleaned once): skip the normalising below, which
        # costs more than the check itself when a county file has 300,000 of them.
        number = value
        born = _birth_date(number)
        if born is None or born.year < 1900 or born > (today or date.today()):
            raise InvalidInput(_("身份证号中的出生日期无效"), code="id_number_birth_date")
        if ric.calc_check_digit(number) != number[17]:
            raise InvalidInput(_("身份证号校验位不正确，请核对"), code="id_number_checksum")
        return number
    typed = (value or "").translate(_FULL_WIDTH).strip().upper()
    number = _SEPARATORS.sub("", typed)
    if not number:
        raise InvalidInput(_("身份证号不能为空"), code="id_number_missing")
    if re.fullmatch(r"\d(\.\d+)?E\+?\d+", typed):
        raise InvalidInput(
            _("身份证号被 Excel 存成了数字（科学计数法），后几位已丢失；请把该列设为文本后重新填写"),
            code="id_number_as_number",
        )
    if len(number) != 18:
        raise InvalidInput(
            _("身份证号应为 18 位，这里是 %(n)s 位") % {"n": len(number)}, code="id_number_length"
        )
    if not (number[:17].isascii() and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise InvalidInput(_("身份证号只能由数字和末位 X 组成"), code="id_number_format")
    return id_number_clean(number, today=today)


def _birth_date(number: str) -> date | None:
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def phone_clean(value: str) -> str:
    """A mobile (11 digits) or landline (with area code, optional extension) number; "" stays "".

    Spaces, hyphens and a +86 prefix are removed from mobiles; a landline keeps one hyphen after its
    area code so it stays readable.
    """
    raw = (value or "").translate(_FULL_WIDTH).strip()
    if not raw:
        return ""
    extension = ""
    if match := re.search(r"(?:转|ext\.?|[#,，])\s*(\d{1,6})$", raw, re.IGNORECASE):
        extension, raw = match.group(1), raw[: match.start()]
    digits = _SEPARATORS.sub("", raw)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if _MOBILE.fullmatch(digits) and not extension:
        return digits
    if _LANDLINE.fullmatch(digits):
        # Three-digit area codes are 010 and 02x; every other area code has four digits.
        split = 3 if digits[1] in "12" else 4
        return f"{digits[:split]}-{digits[split:]}" + (f"转{extension}" if extension else "")
    if _LOCAL.fullmatch(digits):
        return digits + (f"转{extension}" if extension else "")
    raise InvalidInput(_("电话号码格式不正确（应为 11 位手机号或带区号的固定电话）"), code="invalid_phone")
