"""The checks every action applies to a typed field, whoever called it (page, API, CLI, import).

Pages and the API already refuse unstorable characters for the whole request (`gridgov.core.text`);
these repeat that rule for callers that bypass both (the CLI, imports, the shell) and add the rules a
person can break: required, too short, too long, not a phone number.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from gridgov.core.errors import InvalidInput
from gridgov.core.text import is_bad_text, refuse_bad_text

# A mainland mobile (11 digits, 13x–19x) or a landline with its area code.
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")


def clean_text(
    value: str | None, *, field: str, label: str, max_len: int, min_len: int = 0, required: bool = True
) -> str:
    """The stripped text, or an `InvalidInput` naming the field in Chinese."""
    value = (value or "").strip()
    if is_bad_text(value):
        raise refuse_bad_text(field)
    if required and not value:
        raise InvalidInput(
            _("请填写%(label)s") % {"label": label}, code="missing_field", fields={field: "required"}
        )
    if value and len(value) < min_len:
        raise InvalidInput(
            _("%(label)s至少 %(min)d 个字") % {"label": label, "min": min_len},
            code="too_short",
            fields={field: "too_short"},
        )
    if len(value) > max_len:
        raise InvalidInput(
            _("%(label)s不能超过 %(max)d 个字（现为 %(len)d 个）")
            % {"label": label, "max": max_len, "len": len(value)},
            code="too_long",
            fields={field: "too_long"},
        )
    return value


def clean_phone(value: str | None, *, field: str = "contact_phone", required: bool = True) -> str:
    """A phone number with spaces (and a mobile's dashes) removed, or an `InvalidInput`."""
    phone = re.sub(r"\s", "", value or "")
    if re.fullmatch(r"1[\d-]{10,12}", phone):
        phone = phone.replace("-", "")  # 138-1234-5678 is a mobile number written with dashes
    if not phone:
        if not required:
            return ""
        raise InvalidInput(_("请填写联系电话"), code="missing_field", fields={field: "required"})
    if not PHONE_RE.match(phone):
        raise InvalidInput(
            _("联系电话格式不正确（手机号11位，或带区号的座机）"),
            code="invalid_phone",
            fields={field: "invalid"},
        )
    return phone
