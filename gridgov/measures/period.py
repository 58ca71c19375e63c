"""The reporting period every measure is asked for: calendar days in the county's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.core import clock
from gridgov.core.errors import InvalidInput

MIN_YEAR, MAX_YEAR = 2000, 2100


@dataclass(frozen=True)
class Period:
    """Calendar days in the county's time zone, both ends included."""

    start: date
    end: date

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_before(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


def _parse_date(value: str, label: str) -> date:
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            _("%(label)s格式应为 YYYY-MM-DD（如 2025-01-31）") % {"label": label}, code="invalid_date"
        ) from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise InvalidInput(
            _("%(label)s超出范围（%(min)s–%(max)s 年）") % {"label": label, "min": MIN_YEAR, "max": MAX_YEAR},
            code="invalid_date",
        )
    return parsed


def period_from(start: str | None = "", end: str | None = "") -> Period:
    """Parse YYYY-MM-DD parameters; default is this year up to today."""
    today = timezone.localdate(clock.now())
    start, end = (start or "").strip(), (end or "").strip()
    start_day = _parse_date(start, _("开始日期")) if start else date(today.year, 1, 1)
    end_day = _parse_date(end, _("结束日期")) if end else max(today, start_day)
    if end_day < start_day:
        raise InvalidInput(_("结束日期不能早于开始日期"), code="invalid_period")
    return Period(start_day, end_day)
