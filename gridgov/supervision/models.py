"""吹哨报到 (whistle and report) and 督办 (supervision orders) on cases."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Whistle(models.Model):
    """A handler or the centre calls one or more departments in on a case; one of them leads."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="whistles")
    blown_by = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("吹哨事由"))
    created_at = models.DateTimeField()
    respond_by = models.DateTimeField(_("报到时限"))

    class Meta:
        verbose_name = _("吹哨")
        verbose_name_plural = _("吹哨")


class CallRole(models.TextChoices):
    LEAD = "lead", _("主办")
    ASSIST = "assist", _("协办")


class WhistleCall(models.Model):
    """One department's part in a whistle: acknowledge (报到), then action taken, then result."""

    whistle = models.ForeignKey(Whistle, on_delete=models.PROTECT, related_name="calls")
    # Copied from the whistle so "cases a department was called into" is one join for scoping.
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="whistle_calls")
    department = models.ForeignKey(
        "people.Department", on_delete=models.PROTECT, related_name="whistle_calls"
    )
    role = models.CharField(max_length=8, choices=CallRole.choices)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.TextField(_("采取措施"), blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    result = models.TextField(_("办理结果"), blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    # Not fields: a case's supervision panel marks each call (see supervision.views._panel_context).
    stage: str
    stage_label: str
    late: bool

    class Meta:
        verbose_name = _("部门报到")
        verbose_name_plural = _("部门报到")
        constraints = [
            models.UniqueConstraint(fields=["whistle", "department"], name="one_call_per_department"),
            models.UniqueConstraint(
                fields=["whistle"], condition=Q(role="lead"), name="one_lead_per_whistle"
            ),
        ]


class SupervisionOrder(models.Model):
    """督办: a leader's order on a case with its own deadline; public ones are 挂牌督办 on the board."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="supervision_orders")
    issued_by = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")
    instructions = models.TextField(_("督办要求"))
    due_at = models.DateTimeField(_("督办时限"))
    public = models.BooleanField(_("挂牌督办"), default=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
