"""Notifications (消息): the in-app inbox row, its per-channel outbox rows and webhook endpoints.

A notification is written in the same transaction as the event it tells about; the worker then delivers
each outbox row (`Delivery`) outside any request. See docs/notifications.md for the guarantees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.notify.subjects import subject_label


class NotificationQuerySet(models.QuerySet):
    def about(self, obj: models.Model) -> NotificationQuerySet:
        """Notifications whose subject is this record."""
        return self.filter(subject_type=obj._meta.label_lower, subject_id=obj.pk)


class Notification(models.Model):
    """One message to one person; the row itself is the in-app inbox entry."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # A dotted slug ("case.dispatched", "case.yellow"); not a choices field, so other apps add kinds
    # without a migration here.
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # What the notification is about (see notify/subjects.py): a record of any domain, named by its model
    # label and id rather than a foreign key, so notify depends on no domain and a new one needs no
    # migration here. The title is kept as it was at event time.
    subject_type = models.CharField(_("对象类型"), max_length=100, blank=True)
    subject_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    subject_title = models.CharField(_("对象"), max_length=100, blank=True)
    link = models.CharField(_("链接"), max_length=200, blank=True)
    # What this notification is about, e.g. "case:12:entry:34"; one notification per event per person.
    dedupe_key = models.CharField(max_length=150)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key", "recipient"], name="notification_once_per_recipient"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            # The nav badge polls this every minute for every open page.
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"

    @property
    def subject_label(self) -> str:
        """The kind of record it is about ("工单"), from the subject's model; "" when there is none."""
        return subject_label(self.subject_type)


class WebhookEndpoint(models.Model):
    """A county gateway (SMS, WeChat work) that receives signed JSON for each notification."""

    name = models.CharField(_("名称"), max_length=100)
    url = models.URLField(_("地址"), max_length=500)
    secret = models.CharField(
        _("签名密钥"), max_length=200, help_text=_("HMAC-SHA256 签名密钥，接收方用它校验")
    )
    active = models.BooleanField(_("启用"), default=True)
    # Notification kinds to forward; empty means every kind.
    kinds = models.JSONField(_("消息类型"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推送接口")
        verbose_name_plural = _("推送接口")

    def __str__(self) -> str:
        return self.name

    def wants(self, kind: str) -> bool:
        return self.active and (not self.kinds or kind in self.kinds)


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("邮件")
    WEBHOOK = "webhook", _("推送接口")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("待发送")  # never tried yet; due at next_attempt_at
    FAILED = "failed", _("发送失败待重试")  # last attempt failed; retried at next_attempt_at
    SENT = "sent", _("已发送")
    DEAD = "dead", _("已放弃")  # out of attempts: on the dead-letter list until an admin retries it


DUE_STATUSES = (DeliveryStatus.PENDING, DeliveryStatus.FAILED)


class Delivery(models.Model):
    """The outbox row for one notification on one external channel, worked off by `gridgov worker`."""

    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(_("渠道"), max_length=16, choices=DeliveryChannel.choices)
    endpoint = models.ForeignKey(
        WebhookEndpoint, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    # The e-mail address as it was when the event happened.
    address = models.CharField(_("收件地址"), max_length=254, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"))
    last_error = models.TextField(_("最近错误"), blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    # A lease, not a lock held across the send: if the worker dies, the row is claimable again after it.
    locked_by = models.CharField(max_length=100, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("投递")
        verbose_name_plural = _("投递")
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], condition=Q(channel="email"), name="delivery_one_email"
            ),
            models.UniqueConstraint(
                fields=["notification", "endpoint"],
                condition=Q(channel="webhook"),
                name="delivery_one_per_endpoint",
            ),
            models.CheckConstraint(
                condition=~Q(channel="webhook") | Q(endpoint__isnull=False),
                name="delivery_webhook_has_endpoint",
            ),
        ]
        indexes = [
            # The worker's claim query: due rows only, oldest first.
            models.Index(
                fields=["next_attempt_at"], condition=Q(status__in=["pending", "failed"]), name="delivery_due"
            ),
            models.Index(fields=["status", "channel"], name="delivery_status"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_channel_display()} {self.get_status_display()}"
