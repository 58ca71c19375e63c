"""The matter catalogue (事项清单): categories → items, each with who handles it, a deadline and evidence."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A first-level category of matters (e.g. 城乡建设)."""

    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=50, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("事项类别")
        verbose_name_plural = _("事项类别")

    def __str__(self) -> str:
        return self.name


class ResponsibleLevel(models.TextChoices):
    GRID = "grid", _("网格")
    COMMUNITY = "community", _("村/社区")
    DEPARTMENT = "department", _("职能部门")


class TimeUnit(models.TextChoices):
    WORKING_HOURS = "working_hours", _("工作小时")
    WORKING_DAYS = "working_days", _("工作日")
    CALENDAR_HOURS = "calendar_hours", _("自然小时")


class MatterItem(models.Model):
    """One matter of the catalogue: who handles it, in how long, and whether photos must prove it."""

    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("代码"), max_length=16, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    responsible_level = models.CharField(_("责任层级"), max_length=16, choices=ResponsibleLevel.choices)
    department = models.ForeignKey(
        "people.Department",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="matter_items",
        verbose_name=_("责任部门"),
    )
    time_limit = models.PositiveIntegerField(_("办理时限"), default=3)
    time_unit = models.CharField(
        _("时限单位"), max_length=16, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    photo_required = models.BooleanField(_("办结须上传照片"), default=False)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["category__order", "code"]
        verbose_name = _("事项")
        verbose_name_plural = _("事项")
        constraints = [
            models.CheckConstraint(
                condition=~Q(responsible_level="department") | Q(department__isnull=False),
                name="department_item_names_department",
            ),
            models.CheckConstraint(condition=Q(time_limit__gt=0), name="time_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category.name} / {self.name}"
