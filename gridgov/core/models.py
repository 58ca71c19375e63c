"""Kernel tables shared by every domain. Domain tables live in their own apps, never here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRun(models.Model):
    """One run of a periodic job for one period; the unique key makes it run once across workers."""

    name = models.CharField(_("任务"), max_length=100)
    period_start = models.DateTimeField(_("周期开始"))
    worker = models.CharField(_("工作进程"), max_length=100)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("定时任务记录")
        verbose_name_plural = _("定时任务记录")
        constraints = [models.UniqueConstraint(fields=["name", "period_start"], name="job_once_per_period")]

    def __str__(self) -> str:
        return f"{self.name} @ {self.period_start:%Y-%m-%d %H:%M:%S}"
