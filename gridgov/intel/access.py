"""Who may see and acknowledge which early warnings (研判预警)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.intel.models import Alert
from gridgov.people.models import Role, User
from gridgov.people.selectors import user_roles
from gridgov.territory.scope import within_any_q

# Warnings are for the people who run a region: its leaders, dispatchers and administrators.
ALERT_ROLES = (Role.LEADER, Role.DISPATCHER, Role.ADMIN)


def may_see_alerts(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or bool(user_roles(user).regions(*ALERT_ROLES)))


def alerts_visible_to(user: User) -> QuerySet[Alert]:
    if not user.is_authenticated:
        return Alert.objects.none()
    if user.is_superuser:
        return Alert.objects.all()
    regions = user_roles(user).regions(*ALERT_ROLES)
    if not regions:
        return Alert.objects.none()
    # An alert's key starts with the region path it was raised for (see intel.warnings).
    q = within_any_q(regions, "key") | within_any_q(regions, "region__path")
    if any(region.level == "county" for region in regions):
        q |= Q(kind="recurrence")
    return Alert.objects.filter(q)


def alert_for(user: User, alert_id: int) -> Alert:
    alert = alerts_visible_to(user).filter(pk=alert_id).first()
    if alert is None:
        raise NotFound(_("预警不存在"), code="alert_not_found")
    return alert
