"""Masking of personal data for public pages (晒单) and lists shown to people who need less."""

from __future__ import annotations


def mask_name(name: str | None) -> str:
    """张三 -> 张*, 欧阳娜娜 -> 欧***; the surname stays so the resident recognises their case."""
    name = (name or "").strip()
    if not name:
        return "匿名"
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str:
    """13812341234 -> 138****1234; anything shorter keeps only its last two digits."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) >= 3:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "***"


def mask_id_number(id_number: str | None) -> str:
    value = (id_number or "").strip()
    if len(value) < 8:
        return "****"
    return value[:3] + "*" * (len(value) - 7) + value[-4:]
