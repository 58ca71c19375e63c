"""Writes of smart dispatch: its configuration (each recorded in the audit log) and the acknowledgement of
an early warning (recorded on the alert itself: who and when)."""

from __future__ import annotations

import math

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.audit.actions import audit_record, snapshot
from gridgov.core import clock
from gridgov.core.errors import InvalidInput
from gridgov.intel import access
from gridgov.intel.models import Alert, DispatchPolicy
from gridgov.people.models import User

POLICY_FIELDS = ("auto_dispatch", "min_confidence")


@transaction.atomic
def dispatch_policy_update(
    *, actor: User | None, auto_dispatch: bool, min_confidence: float
) -> DispatchPolicy:
    """Turn auto-dispatch on or off and set the confidence it needs. There is one policy for the county."""
    if not isinstance(min_confidence, int | float) or isinstance(min_confidence, bool):
        raise InvalidInput(_("最低置信度须为 0.5 到 1 之间的数"), code="invalid_min_confidence")
    # Below 0.5 the classifier is more often wrong than right; auto-dispatch would route by guesswork.
    if not (math.isfinite(min_confidence) and 0.5 <= min_confidence <= 1):
        raise InvalidInput(_("最低置信度须为 0.5 到 1 之间的数"), code="invalid_min_confidence")
    policy = DispatchPolicy.objects.select_for_update().order_by("pk").first()
    if policy is None:
        before = None
        policy = DispatchPolicy(auto_dispatch=False)
    else:
        before = snapshot(policy, POLICY_FIELDS)
    policy.auto_dispatch = bool(auto_dispatch)
    policy.min_confidence = float(min_confidence)
    policy.save()
    audit_record(
        actor=actor,
        action="intel.dispatch_policy_update",
        obj=policy,
        before=before,
        after=snapshot(policy, POLICY_FIELDS),
    )
    return policy


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
