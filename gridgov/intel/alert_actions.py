"""Writes to early warnings: a leader or dispatcher acknowledges one (确认预警)."""

from __future__ import annotations

from django.db import transaction

from gridgov.core import clock
from gridgov.intel import access
from gridgov.intel.models import Alert
from gridgov.people.models import User


@transaction.atomic
def alert_acknowledge(*, actor: User, alert_id: int) -> tuple[Alert, bool]:
    """Returns (alert, newly acknowledged); acknowledging twice keeps the first acknowledgement."""
    access.alert_for(actor, alert_id)
    alert = Alert.objects.select_for_update().get(pk=alert_id)
    if alert.acknowledged_at is not None:
        return alert, False
    alert.acknowledged_by, alert.acknowledged_at = actor, clock.now()
    alert.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return alert, True
