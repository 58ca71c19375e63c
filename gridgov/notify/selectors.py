"""Reads for the inbox, the nav badge and the dead-letter list."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from gridgov.notify import access
from gridgov.notify.models import Delivery, DeliveryStatus, Notification


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (each carries its subject's title: no join needed)."""
    qs = access.notifications_visible_to(user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user) -> int:
    return access.notifications_visible_to(user).filter(read_at__isnull=True).count()


def dead_letters() -> QuerySet[Delivery]:
    """Deliveries that ran out of attempts, newest first, for the admin's retry list."""
    return (
        Delivery.objects.filter(status=DeliveryStatus.DEAD)
        .select_related("notification__recipient", "endpoint")
        .order_by("-next_attempt_at", "-id")
    )


def outbox_summary() -> dict[str, int]:
    """Counts per status, for the dead-letter page header (is the worker keeping up?)."""
    counts = {status: 0 for status in DeliveryStatus.values}
    for row in Delivery.objects.values("status").order_by().annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    return counts
