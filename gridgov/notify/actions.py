"""Every write to notifications: create (the outbox), read marks, the worker's claim/record, admin retry."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from gridgov.audit.actions import audit_record, snapshot
from gridgov.core import clock
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.notify import access
from gridgov.notify.models import (
    DUE_STATUSES,
    Delivery,
    DeliveryChannel,
    DeliveryStatus,
    Notification,
    WebhookEndpoint,
)
from gridgov.notify.subjects import LINK_MAX, Subject
from gridgov.people.models import User

log = logging.getLogger("gridgov.notify")

KIND_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$")
TITLE_MAX = 200
DEDUPE_KEY_MAX = 150

# Waits after the 1st, 2nd, … failed attempt; one more failure after the last wait → dead.
DEFAULT_BACKOFF_SECONDS = (30, 120, 600, 3600, 6 * 3600)


def backoff_seconds() -> tuple[int, ...]:
    return tuple(getattr(settings, "GRIDGOV_NOTIFY_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS))


def max_attempts() -> int:
    return len(backoff_seconds()) + 1


# ---------------------------------------------------------------- creating (inside the event's transaction)


def notification_create(
    *,
    recipient: User,
    kind: str,
    title: str,
    body: str = "",
    subject: Subject | None = None,
    dedupe_key: str,
    link: str = "",
) -> Notification:
    """Write the inbox row and its outbox rows (e-mail, webhooks) in the caller's transaction.

    Call it from inside the transaction of the event it tells about, so both commit or neither does.
    Idempotent on (dedupe_key, recipient): a second call for the same event returns the first row and
    adds no deliveries, so each event reaches each person once per channel. `subject` names the record
    it is about (any domain's, see notify/subjects.py); `link` defaults to the subject's page.
    """
    return _create(
        recipient,
        kind=kind,
        title=title,
        body=body,
        subject=subject,
        dedupe_key=dedupe_key,
        link=link,
        endpoints=None,
    )


def notifications_create(
    *,
    recipients: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    subject: Subject | None = None,
    dedupe_key: str,
    link: str = "",
) -> list[Notification]:
    """`notification_create` for several people (each once, whatever the iterable repeats)."""
    subject = subject.checked() if subject is not None else None  # refused before any row is written
    seen: set[int] = set()
    endpoints = list(WebhookEndpoint.objects.filter(active=True))
    made = []
    for recipient in recipients:
        if recipient is None or recipient.pk in seen:
            continue
        seen.add(recipient.pk)
        made.append(
            _create(
                recipient,
                kind=kind,
                title=title,
                body=body,
                subject=subject,
                dedupe_key=dedupe_key,
                link=link,
                endpoints=endpoints,
            )
        )
    return made


def _create(
    recipient: User, *, kind, title, body, subject: Subject | None, dedupe_key, link, endpoints
) -> Notification:
    if not KIND_RE.match(kind or "") or len(kind) > 40:
        raise InvalidInput(_("消息类型格式不正确"), code="invalid_notification_kind")
    dedupe_key = (dedupe_key or "").strip()
    if not dedupe_key or len(dedupe_key) > DEDUPE_KEY_MAX:
        raise InvalidInput(_("消息去重键不能为空，且不超过 150 个字符"), code="invalid_dedupe_key")
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("消息标题不能为空"), code="invalid_notification_title")
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1] + "…"
    subject = subject.checked() if subject is not None else None
    link = link or (subject.link if subject is not None else "")
    if len(link) > LINK_MAX or (link and not link.startswith("/")):
        raise InvalidInput(_("消息链接须为站内地址"), code="invalid_notification_link")
    now = clock.now()
    # get_or_create runs its INSERT in a savepoint: a duplicate (even a concurrent one) leaves the
    # caller's transaction usable and returns the existing row.
    notification, created = Notification.objects.get_or_create(
        dedupe_key=dedupe_key,
        recipient=recipient,
        defaults={
            "kind": kind,
            "title": title,
            "body": body or "",
            "subject_type": subject.type if subject is not None else "",
            "subject_id": subject.id if subject is not None else None,
            "subject_title": subject.title if subject is not None else "",
            "link": link,
            "created_at": now,
        },
    )
    if not created:
        return notification
    deliveries = []
    if recipient.email and recipient.is_active:
        deliveries.append(
            Delivery(
                notification=notification,
                channel=DeliveryChannel.EMAIL,
                address=recipient.email,
                next_attempt_at=now,
                created_at=now,
            )
        )
    if endpoints is None:
        endpoints = WebhookEndpoint.objects.filter(active=True)
    for endpoint in endpoints:
        if endpoint.wants(kind):
            deliveries.append(
                Delivery(
                    notification=notification,
                    channel=DeliveryChannel.WEBHOOK,
                    endpoint=endpoint,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    Delivery.objects.bulk_create(deliveries)
    return notification


# ---------------------------------------------------------------- the inbox


def notification_mark_read(*, actor: User, notification_id: int) -> Notification:
    notification = access.notification_for(actor, notification_id)
    if notification.read_at is None:
        now = clock.now()
        # Conditional update: two tabs marking at once keep the first read time.
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notifications_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    return access.notifications_visible_to(actor).filter(read_at__isnull=True).update(read_at=clock.now())


# ---------------------------------------------------------------- the worker's side of the outbox


@dataclass(frozen=True)
class Claim:
    """Deliveries one worker leased in one claim, and those given up because their last lease expired."""

    deliveries: list[Delivery]
    buried: int = 0


def deliveries_claim(*, worker: str, limit: int, lease: timedelta) -> Claim:
    """Lease up to `limit` due deliveries to `worker` until now + lease, counting the attempt now.

    On PostgreSQL `FOR UPDATE SKIP LOCKED` lets several workers claim side by side without waiting on
    or double-claiming a row; on SQLite the IMMEDIATE transaction serialises claims. The attempt is
    counted at claim time so a message that kills the worker still runs out of attempts.
    """
    now = clock.now()
    limit_attempts = max_attempts()
    with transaction.atomic():
        rows = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .filter(status__in=DUE_STATUSES, next_attempt_at__lte=now)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
            .order_by("next_attempt_at", "id")
            .values_list("id", "attempts")[:limit]
        )
        if not rows:
            return Claim([])
        # A row already at its last attempt whose lease ran out: the worker died mid-send every time.
        spent = [pk for pk, attempts in rows if attempts >= limit_attempts]
        ids = [pk for pk, attempts in rows if attempts < limit_attempts]
        if spent:
            Delivery.objects.filter(pk__in=spent).update(
                status=DeliveryStatus.DEAD,
                locked_by="",
                locked_until=None,
                last_error="工作进程在最后一次发送中途中断（租约过期）",
            )
            log.warning("deliveries %s dead: lease expired on the last attempt", spent)
        if ids:
            Delivery.objects.filter(pk__in=ids).update(
                locked_by=worker,
                locked_until=now + lease,
                attempts=F("attempts") + 1,
            )
    claimed = list(
        Delivery.objects.filter(pk__in=ids, locked_by=worker)
        .select_related("notification__recipient", "endpoint")
        .order_by("next_attempt_at", "id")
    )
    return Claim(claimed, buried=len(spent))


def _without_waiting_for_disk() -> None:
    """On PostgreSQL, commit this transaction without waiting for its WAL flush.

    Used for the worker's result marks only. If the database crashes in the next few hundred
    milliseconds, the mark is lost and the delivery is sent again after its lease: the same
    at-least-once outcome as a worker crash, which receivers already handle. In return a mark costs a
    round trip instead of a disk flush, which is what bounds a worker's rate on ordinary disks.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def deliveries_renew(*, ids: list[int], worker: str, lease: timedelta) -> set[int]:
    """Extend this worker's lease on claimed deliveries; returns the ids it still holds."""
    now = clock.now()
    with transaction.atomic():
        _without_waiting_for_disk()
        Delivery.objects.filter(pk__in=ids, locked_by=worker, status__in=DUE_STATUSES).update(
            locked_until=now + lease
        )
        return set(
            Delivery.objects.filter(pk__in=ids, locked_by=worker, status__in=DUE_STATUSES).values_list(
                "pk", flat=True
            )
        )


def delivery_mark_sent(*, delivery: Delivery, worker: str) -> bool:
    """Record a successful send. False if the lease was lost to another worker (who will send again)."""
    now = clock.now()
    with transaction.atomic():
        _without_waiting_for_disk()
        changed = Delivery.objects.filter(pk=delivery.pk, locked_by=worker).update(
            status=DeliveryStatus.SENT,
            sent_at=now,
            last_error="",
            locked_by="",
            locked_until=None,
        )
    if changed:
        delivery.status, delivery.sent_at = DeliveryStatus.SENT, now
    return bool(changed)


def delivery_mark_failed(*, delivery: Delivery, worker: str, error: str) -> str:
    """Record a failed send: retry later with back-off, or dead after the last attempt. Returns the status."""
    now = clock.now()
    waits = backoff_seconds()
    if delivery.attempts >= len(waits) + 1:
        status, next_at = DeliveryStatus.DEAD, delivery.next_attempt_at
    else:
        status, next_at = DeliveryStatus.FAILED, now + timedelta(seconds=waits[delivery.attempts - 1])
    with transaction.atomic():
        _without_waiting_for_disk()
        changed = Delivery.objects.filter(pk=delivery.pk, locked_by=worker).update(
            status=status,
            next_attempt_at=next_at,
            last_error=error[:2000],
            locked_by="",
            locked_until=None,
        )
    if not changed:
        return delivery.status
    delivery.status, delivery.next_attempt_at, delivery.last_error = status, next_at, error[:2000]
    return status


def deliveries_release(*, ids: list[int], worker: str) -> int:
    """Hand back claimed but untried deliveries (the worker is stopping) so others need not wait out the lease."""
    if not ids:
        return 0
    return Delivery.objects.filter(pk__in=ids, locked_by=worker).update(
        locked_by="",
        locked_until=None,
        attempts=F("attempts") - 1,
    )


@transaction.atomic
def delivery_retry(*, actor: User, delivery_id: int) -> Delivery:
    """Put a dead (or failing) delivery back in the queue with a fresh set of attempts."""
    if not access.may_manage_deliveries(actor):
        raise NotFound(_("投递记录不存在"), code="delivery_not_found")
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if delivery is None:
        raise NotFound(_("投递记录不存在"), code="delivery_not_found")
    if delivery.status not in (DeliveryStatus.DEAD, DeliveryStatus.FAILED):
        raise Conflict(_("只有发送失败的投递可以重试"), code="delivery_not_retryable")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = clock.now()
    delivery.locked_by, delivery.locked_until = "", None
    delivery.save(update_fields=["status", "attempts", "next_attempt_at", "locked_by", "locked_until"])
    log.info("delivery %s re-queued by %s (was: %s)", delivery.pk, actor.pk, delivery.last_error[:200])
    return delivery


# ---------------------------------------------------------------- webhook endpoints (admin)

WEBHOOK_FIELDS = ("name", "url", "active", "kinds")


def _webhook_check(*, actor: User, name: str, url: str, secret: str, kinds: list) -> tuple[str, str]:
    if not access.may_manage_deliveries(actor):
        raise PermissionDenied(_("只有管理员可以配置推送接口"), code="forbidden")
    name, url = (name or "").strip(), (url or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("名称须为 1 到 100 个字"), code="invalid_webhook_name")
    if not url.startswith(("https://", "http://")) or len(url) > 500:
        raise InvalidInput(
            _("推送地址须以 http:// 或 https:// 开头，不超过 500 个字符"), code="invalid_webhook_url"
        )
    if not 16 <= len(secret or "") <= 200:
        raise InvalidInput(_("签名密钥须为 16 到 200 个字符"), code="weak_webhook_secret")
    if not isinstance(kinds, list) or not all(isinstance(k, str) and KIND_RE.match(k) for k in kinds):
        raise InvalidInput(
            _('消息类型须为类型代码的列表，如 ["case.dispatched"]'), code="invalid_webhook_kinds"
        )
    return name, url


@transaction.atomic
def webhook_endpoint_create(
    *, actor: User, name: str, url: str, secret: str, kinds: list | None = None, active: bool = True
) -> WebhookEndpoint:
    kinds = [] if kinds is None else kinds
    name, url = _webhook_check(actor=actor, name=name, url=url, secret=secret, kinds=kinds)
    endpoint = WebhookEndpoint.objects.create(name=name, url=url, secret=secret, kinds=kinds, active=active)
    # The secret is never written to the log, only that one was set.
    audit_record(
        actor=actor,
        action="notify.webhook_endpoint_create",
        obj=endpoint,
        after=snapshot(endpoint, WEBHOOK_FIELDS),
    )
    return endpoint


@transaction.atomic
def webhook_endpoint_update(
    *,
    actor: User,
    endpoint: WebhookEndpoint,
    name: str,
    url: str,
    secret: str,
    kinds: list | None = None,
    active: bool = True,
) -> WebhookEndpoint:
    kinds = [] if kinds is None else kinds
    name, url = _webhook_check(actor=actor, name=name, url=url, secret=secret, kinds=kinds)
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    before = snapshot(locked, WEBHOOK_FIELDS)
    if locked.secret != secret:  # the log says that the secret changed, never what it is
        before["secret"] = "（旧密钥）"
    locked.name, locked.url, locked.secret, locked.kinds, locked.active = name, url, secret, kinds, active
    locked.save()
    after = snapshot(locked, WEBHOOK_FIELDS)
    if "secret" in before:
        after["secret"] = "（新密钥）"
    audit_record(actor=actor, action="notify.webhook_endpoint_update", obj=locked, before=before, after=after)
    log.info("webhook endpoint %s (%s) saved by %s", locked.pk, locked.url, actor.pk)
    return locked


@transaction.atomic
def webhook_endpoint_deactivate(*, actor: User, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop forwarding to an endpoint. Endpoints are not deleted: their deliveries keep pointing at them."""
    if not access.may_manage_deliveries(actor):
        raise PermissionDenied(_("只有管理员可以配置推送接口"), code="forbidden")
    locked = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if locked.active:
        locked.active = False
        locked.save(update_fields=["active"])
        audit_record(
            actor=actor,
            action="notify.webhook_endpoint_deactivate",
            obj=locked,
            before={"active": True},
            after={"active": False},
        )
    endpoint.active = False
    return locked
