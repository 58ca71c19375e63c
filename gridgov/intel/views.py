"""The early-warning list for leaders and dispatchers: alerts in their region, with the cases behind them."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.cases.access import cases_visible_to
from gridgov.core.errors import NotFound
from gridgov.intel import actions
from gridgov.intel.access import alerts_visible_to, may_see_alerts


@login_required
def alert_list(request):
    alerts = list(alerts_visible_to(request.user).select_related("region", "category")[:200])
    if not alerts and not may_see_alerts(request.user):
        raise Http404
    case_ids = {i for a in alerts for i in a.case_ids}
    cases = {c.pk: c for c in cases_visible_to(request.user).filter(pk__in=case_ids)}
    rows = [(a, [cases[i] for i in a.case_ids if i in cases]) for a in alerts]
    return render(request, "intel/alerts.html", {"rows": rows})


@login_required
@require_POST
def alert_acknowledge(request, alert_id: int):
    try:
        _alert, newly = actions.alert_acknowledge(actor=request.user, alert_id=alert_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if newly:
        messages.success(request, _("已确认该预警"))
    return redirect("intel-alerts")
