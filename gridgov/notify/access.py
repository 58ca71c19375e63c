"""Who may see which notifications and who may manage deliveries. Pages, API and admin all use these."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.notify.models import Notification
from gridgov.people.selectors import Viewer


def notifications_visible_to(user: Viewer) -> QuerySet[Notification]:
    """A person's own notifications, nobody else's (not even an admin's view of the inbox)."""
    if user is None or not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notification_for(user: Viewer, notification_id: int) -> Notification:
    notification = notifications_visible_to(user).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(_("消息不存在"), code="notification_not_found")
    return notification


def may_manage_deliveries(user: Viewer) -> bool:
    """The dead-letter list and webhook endpoints: staff of the county's system administration."""
    return bool(
        user is not None and user.is_authenticated and user.is_active and (user.is_superuser or user.is_staff)
    )
