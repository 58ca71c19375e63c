"""The county's working calendar: dates that differ from the default Monday–Friday week.

Office hours are not a table: they are `calendar.DEFAULT_HOURS` (09:00–12:00, 13:30–17:30 Beijing
time, 7 working hours a day), one constant the whole county shares.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DaySource(models.TextChoices):
    SHIPPED = "shipped", _("随系统发布")  # loaded from data/calendar_<year>.json
    ADMIN = "admin", _("管理员维护")  # entered or changed by a county admin; reloads never overwrite it


class CalendarDay(models.Model):
    """One date whose working status overrides the default week (法定节假日, 调休上班, 县里临时安排)."""

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是否工作日"))
    name = models.CharField(_("名称"), max_length=40, blank=True, help_text=_("如：国庆节、调休上班"))
    note = models.CharField(_("备注"), max_length=300, blank=True)
    # Computed rather than published (e.g. next year's schedule before the State Council notice);
    # shown in the admin so someone confirms it against the official notice.
    provisional = models.BooleanField(_("待核实"), default=False)
    source = models.CharField(_("来源"), max_length=16, choices=DaySource.choices, default=DaySource.SHIPPED)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    # Bumped by every action that changes the row; with the row count and the highest id it keys the
    # selectors' cache without trusting the wall clock (frozen or backfilled clocks would fool
    # max(updated_at)).
    revision = models.PositiveIntegerField(_("修订号"), default=1, editable=False)

    class Meta:
        ordering = ["date"]
        verbose_name = _("工作日历")
        verbose_name_plural = _("工作日历")

    def __str__(self) -> str:
        kind = _("上班") if self.is_workday else _("休息")
        return f"{self.date:%Y-%m-%d} {self.name or ''} ({kind})"
