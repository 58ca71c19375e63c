"""Characters no text field may hold, checked where requests come in (API parser, page middleware).

A NUL (U+0000) cannot be stored in a PostgreSQL text column (the driver raises DataError → 500), and a
lone UTF-16 surrogate (U+D800–U+DFFF, reachable only through a JSON `\\ud800` escape) cannot be encoded
as UTF-8 by either database. Invisible control and format characters are refused too: bidirectional
overrides and isolates (U+202A–U+202E, U+2066–U+2069) and marks (U+200E/U+200F) make a published text
read differently from what it holds ("Trojan Source"), and zero-width characters hide inside phone
numbers and names to slip past redaction and duplicate checks. None is ever typed by a person for a
case, so the whole request is refused with 400 `invalid_text` before any action runs.

Allowed: tab, line feed and carriage return; the zero-width joiner inside an emoji sequence (👨‍⚕️,
🏳️‍🌈), and the tag characters of a subdivision flag (🏴 + tags), where they are part of a picture.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import InvalidInput

# Unicode category Cf (format characters) as of Unicode 14, less the zero-width joiner, which is judged by
# its neighbours below; `core/tests/test_text.py` fails if Python's Unicode tables add one.
FORMAT_CHARS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b\u200c\u200e\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
# Control characters (Cc) other than tab, LF, CR; lone surrogates (Cs).
CONTROL_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
# Other characters that draw nothing and have no use in this platform's texts: the combining grapheme
# joiner and the Hangul fillers (used to make "blank" names).
BLANK_CHARS = "\u034f\u115f\u1160\u3164\uffa0"
EMOJI = "\u2600-\u27bf\U0001f000-\U0001faff"
BAD_TEXT = re.compile(
    f"[{CONTROL_CHARS}{FORMAT_CHARS}{BLANK_CHARS}]"
    # A zero-width joiner is part of an emoji only between two pictures (or after a variation selector).
    f"|(?<![{EMOJI}\ufe0f])\u200d|\u200d(?![{EMOJI}])"
)
# A subdivision flag: black flag, tag letters, cancel tag. Removed before the check so its tags pass.
EMOJI_TAG_FLAG = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")
MESSAGE = _("提交的文字中含有不允许的字符（空字符、文字方向控制符、零宽字符等不可见字符），请删除后重试")


def is_bad_text(value: object) -> bool:
    if not isinstance(value, str):
        return False
    if "\U0001f3f4" in value:
        value = EMOJI_TAG_FLAG.sub("", value)
    return BAD_TEXT.search(value) is not None


def bad_text_field(data: object, path: str = "") -> str | None:
    """The first key path (e.g. `assist[0]`) whose key or string value holds a refused character."""
    if isinstance(data, str):
        return (path or "body") if is_bad_text(data) else None
    if isinstance(data, Mapping):
        for key, value in data.items():
            here = f"{path}.{key}" if path else str(key)
            if is_bad_text(key):
                return here
            found = bad_text_field(value, here)
            if found:
                return found
    elif isinstance(data, list | tuple):
        for i, value in enumerate(data):
            found = bad_text_field(value, f"{path}[{i}]")
            if found:
                return found
    return None


def bad_querydict_field(data) -> str | None:
    """Like `bad_text_field` for a Django QueryDict / MultiValueDict (every value of every key)."""
    for key in data:
        if is_bad_text(key):
            return key
        values: Iterable = data.getlist(key)
        if any(is_bad_text(v) for v in values):
            return key
    return None


def refuse_bad_text(field: str) -> InvalidInput:
    return InvalidInput(str(MESSAGE), code="invalid_text", fields={field: "invalid_text"})


# ── text compared for matching (duplicates, classification) ──────────────────────────────────────
_EXCEL_CR = re.compile(r"_x000[dDaA]_")
# \W keeps CJK ideographs, letters and digits; everything else (punctuation, spaces) is noise here.
_NOISE = re.compile(r"[\W_]+")


def normalize(text: str) -> str:
    """NFKC (full-width → half-width), lower case, strip whitespace and punctuation."""
    text = _EXCEL_CR.sub(" ", unicodedata.normalize("NFKC", text or ""))
    return _NOISE.sub("", text.lower())
