"""The early-warning list for leaders and dispatchers: alerts in their region, with the cases behind them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.cases.access import cases_visible_to
from gridgov.core import clock
from gridgov.intel.models import Alert
from gridgov.people.models import Role
from gridgov.people.selectors import user_roles


def alerts_visible_to(user):
    if user.is_superuser:
        return Alert.objects.all()
    regions = user_roles(user).regions(Role.LEADER, Role.DISPATCHER, Role.ADMIN)
    if not regions:
        return Alert.objects.none()
    q = Q(pk__in=[])
    for region in regions:
        q |= Q(key__startswith=region.path) | Q(region__path__startswith=region.path)
        if region.level == "county":
            q |= Q(kind="recurrence")
    return Alert.objects.filter(q)


@login_required
def alert_list(request):
    alerts = list(alerts_visible_to(request.user).select_related("region", "category")[:200])
    if (
        not alerts
        and not user_roles(request.user).regions(Role.LEADER, Role.DISPATCHER, Role.ADMIN)
        and not request.user.is_superuser
    ):
        raise Http404
    case_ids = {i for a in alerts for i in a.case_ids}
    cases = {c.pk: c for c in cases_visible_to(request.user).filter(pk__in=case_ids)}
    rows = [(a, [cases[i] for i in a.case_ids if i in cases]) for a in alerts]
    return render(request, "intel/alerts.html", {"rows": rows})


@login_required
@require_POST
def alert_acknowledge(request, alert_id: int):
    alert = alerts_visible_to(request.user).filter(pk=alert_id).first()
    if alert is None:
        raise Http404
    if alert.acknowledged_at is None:
        Alert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=request.user, acknowledged_at=clock.now()
        )
        messages.success(request, _("已确认该预警"))
    return redirect("intel-alerts")
