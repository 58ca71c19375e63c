"""Strip personal data typed into free text before it is shown publicly (board, track, Open311).

Structured fields (contact name, phone) are masked by `gridgov.core.masking`; this module handles what
slips into descriptions, handling results and rating comments: "我电话13812341234", an ID number, a
landline, or the resident's own address written out in full.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from gridgov.core.masking import mask_id_number, mask_phone

# Residents type on phone keyboards that produce full-width digits (１３８…); match them as ASCII.
_FULLWIDTH = str.maketrans("０１２３４５６７８９－（）＋", "0123456789-()+")

# Order matters: an ID number contains eleven-digit runs, so it is masked before mobiles are looked for.
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{6}\s?(?:\d{8}\s?\d{3}[\dXx]|\d{6}\s?\d{3})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[-\s]?)?1[3-9]\d(?:[-\s]?\d{4}){2}(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[-\s]?\d{7,8}(?:-\d{1,5})?(?!\d)")
# Anything else that is a long run of digits (a landline without area code, a bank card, a number we
# failed to classify) is not needed to understand a public result.
_LONG_DIGITS = re.compile(r"(?<!\d)\d{7,}(?!\d)")
# 3栋2单元501室, 12幢301: the room of a household identifies it; the compound name is enough publicly.
_ROOM = re.compile(r"(?:\d+\s*(?:栋|幢|号楼|单元|室)\s*)+\d*")

HIDDEN = "***"


def _mask_id(match: re.Match) -> str:
    return mask_id_number(re.sub(r"\s", "", match.group()))


def _mask_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return mask_phone(digits)


def _mask_digits(match: re.Match) -> str:
    text = match.group()
    return "*" * (len(text) - 2) + text[-2:]


def _mask_room(match: re.Match) -> str:
    return re.sub(r"\d+", "*", match.group())


def redact_text(text: str | None, *, known: Iterable[str] = ()) -> str:
    """Mask mobiles, ID numbers, landlines, long digit runs and room numbers in free text.

    `known` are personal strings of this case (its address, the contact's name) that are hidden
    wherever they appear verbatim.
    """
    value = (text or "").translate(_FULLWIDTH)
    # Longest first so "幸福小区3栋501" is removed before a shorter "幸福小区" could split it.
    for secret in sorted({s.strip() for s in known if s and len(s.strip()) >= 2}, key=len, reverse=True):
        value = value.replace(secret, HIDDEN)
    value = _ID_NUMBER.sub(_mask_id, value)
    value = _MOBILE.sub(_mask_phone, value)
    value = _LANDLINE.sub(_mask_phone, value)
    value = _LONG_DIGITS.sub(_mask_digits, value)
    value = _ROOM.sub(_mask_room, value)
    return value
