"""What smart dispatch keeps in the database: early-warning alerts and the auto-dispatch policy."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertKind(models.TextChoices):
    SPIKE = "spike", _("诉求激增")
    RECURRENCE = "recurrence", _("办结后复发")


class Alert(models.Model):
    """研判预警: an unusual count of one category in one community on one day, or a problem that came back."""

    kind = models.CharField(max_length=16, choices=AlertKind.choices)
    key = models.CharField(max_length=200, help_text="region path + category, or case ids")
    day = models.DateField()
    region = models.ForeignKey(
        "territory.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    observed = models.PositiveIntegerField(default=0)
    expected = models.FloatField(default=0)
    p_value = models.FloatField(null=True, blank=True)
    summary = models.CharField(max_length=300)
    case_ids = models.JSONField(default=list)
    created_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "-id"]
        verbose_name = _("研判预警")
        verbose_name_plural = _("研判预警")
        constraints = [models.UniqueConstraint(fields=["kind", "key", "day"], name="one_alert_per_key_day")]


class DispatchPolicy(models.Model):
    """The county's switch for auto-dispatch of confident grid-level matters (off by default)."""

    auto_dispatch = models.BooleanField(_("自动派单"), default=False)
    min_confidence = models.FloatField(_("自动派单最低置信度"), default=0.9)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("派单策略")
        verbose_name_plural = _("派单策略")

    @classmethod
    def current(cls) -> DispatchPolicy:
        return cls.objects.order_by("pk").first() or cls(auto_dispatch=False)
