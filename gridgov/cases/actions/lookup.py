"""The anonymous look-up of one case by tracking number and the last four digits of the phone."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from gridgov.cases.models import (
    Case,
)
from gridgov.core.errors import InvalidInput, NotFound


def case_lookup(*, tracking_no: str, phone_last4: str) -> Case:
    """Anonymous look-up by tracking number + last 4 digits of the contact phone; a miss says nothing more."""
    tracking_no = (tracking_no or "").strip().upper()
    phone_last4 = (phone_last4 or "").strip()
    if not re.fullmatch(r"\d{4}", phone_last4) or not re.fullmatch(r"[A-Z0-9]{6,20}", tracking_no):
        raise InvalidInput(_("请输入受理编号和联系电话后四位"), code="invalid_lookup")
    case = Case.objects.filter(tracking_no=tracking_no).first()
    if case is None or not case.contact_phone.endswith(phone_last4):
        raise NotFound(_("未找到该编号的诉求，请核对受理编号和电话后四位"), code="case_not_found")
    return case
