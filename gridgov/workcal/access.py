"""Who may change the working calendar. Everyone's deadlines are counted on it, so one county-wide
rule: its system administrator. Reading it is open (deadlines shown on every page come from it)."""

from __future__ import annotations

from typing import Any

from gridgov.people.access import is_county_admin


def may_edit_calendar(user: Any) -> bool:
    return is_county_admin(user)
