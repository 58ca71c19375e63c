"""Characters no text field may hold, checked where requests come in (API parser, page middleware).

A NUL (U+0000) cannot be stored in a PostgreSQL text column (the driver raises DataError → 500), and a
lone UTF-16 surrogate (U+D800–U+DFFF, reachable only through a JSON `\\ud800` escape) cannot be encoded
as UTF-8 by either database. Neither is ever typed by a person, so the whole request is refused with
400 `invalid_text` before any action runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from django.utils.translation import gettext_lazy as _

from gridgov.core.errors import InvalidInput

BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
MESSAGE = _("提交的文字中含有不允许的字符（如空字符），请删除后重试")


def is_bad_text(value: object) -> bool:
    return isinstance(value, str) and BAD_TEXT.search(value) is not None


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
