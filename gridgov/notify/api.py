"""Notification endpoints: a person's own inbox (GET /api/notifications) and read marks."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Router, Schema

from gridgov.core.api import ERRORS
from gridgov.core.paging import PAGE_SIZE_MAX, Window
from gridgov.notify import actions, selectors
from gridgov.notify.models import Notification
from gridgov.notify.subjects import CASE_SUBJECT

router = Router(tags=["notifications"])


class SubjectOut(Schema):
    type: str = Field(description="对象的模型标签，如 cases.case")
    id: int
    title: str = Field(description="对象的编号或名称，如工单编号")
    label: str = Field(description="对象类别，如 工单")
    link: str


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    subject: SubjectOut | None = Field(description="消息涉及的对象（工单、纠纷、积分…）；无则为 null")
    case_id: int | None = Field(description="消息涉及工单时的工单 id（同 subject.id）")
    tracking_no: str | None = Field(description="消息涉及工单时的工单编号（同 subject.title）")
    link: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_subject(obj: Notification) -> dict | None:
        if not obj.subject_type or obj.subject_id is None:
            return None
        return {
            "type": obj.subject_type,
            "id": obj.subject_id,
            "title": obj.subject_title,
            "label": obj.subject_label,
            "link": obj.link,
        }

    @staticmethod
    def resolve_case_id(obj: Notification) -> int | None:
        return obj.subject_id if obj.subject_type == CASE_SUBJECT else None

    @staticmethod
    def resolve_tracking_no(obj: Notification) -> str | None:
        return obj.subject_title if obj.subject_type == CASE_SUBJECT else None


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
