"""Notification endpoints: a person's own inbox (GET /api/notifications) and read marks."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema

from gridgov.core.api import ERRORS
from gridgov.core.paging import PAGE_SIZE_MAX, Window
from gridgov.notify import actions, selectors
from gridgov.notify.models import Notification

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    case_id: int | None
    tracking_no: str | None
    link: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_tracking_no(obj: Notification) -> str | None:
        return obj.case.tracking_no if obj.case is not None else None


class InboxOut(Schema):
    unread: int
    total: int
    items: list[NotificationOut]


class CountOut(Schema):
    unread: int


class MarkedOut(Schema):
    marked: int


@router.get("", response={200: InboxOut, **ERRORS}, summary="我的消息")
def list_notifications(request, unread: bool = False, limit: int = 20, offset: int = 0):
    # Clamped, not refused: `limit` above the maximum reads the maximum (PAGE_SIZE_MAX).
    window = Window.of_offset(offset=offset, limit=limit, limit_max=PAGE_SIZE_MAX)
    qs = selectors.inbox(request.user, unread_only=unread)
    return {
        "unread": selectors.unread_count(request.user),
        "total": qs.count(),
        "items": window.rows(qs),
    }


@router.get("/unread-count", response={200: CountOut, **ERRORS}, summary="未读消息数")
def unread_count(request):
    return {"unread": selectors.unread_count(request.user)}


@router.post("/read-all", response={200: MarkedOut, **ERRORS}, summary="全部标为已读")
def read_all(request):
    return {"marked": actions.notifications_mark_all_read(actor=request.user)}


@router.post("/{notification_id}/read", response={200: NotificationOut, **ERRORS}, summary="标为已读")
def read(request, notification_id: int):
    notification = actions.notification_mark_read(actor=request.user, notification_id=notification_id)
    return selectors.inbox(request.user).get(pk=notification.pk)
