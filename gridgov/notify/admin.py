"""Admin: the inbox and outbox are read-only records; dead deliveries are retried through the action,
and webhook endpoints are created, changed and deactivated through theirs (validation, audit entry)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from gridgov.core.admin import ActionAdmin, ReadOnlyMixin
from gridgov.core.errors import DomainError
from gridgov.notify import actions
from gridgov.notify.models import Delivery, DeliveryStatus, Notification, WebhookEndpoint


class DeliveryInline(ReadOnlyMixin, admin.TabularInline):
    model = Delivery
    fields = (
        "channel",
        "endpoint",
        "address",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    readonly_fields = fields
    extra = 0


@admin.register(Notification)
class NotificationAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("created_at", "recipient", "kind", "title", "subject_type", "subject_title", "read_at")
    list_filter = ("kind", "subject_type")
    search_fields = (
        "title",
        "subject_title",
        "recipient__username",
        "recipient__display_name",
        "dedupe_key",
    )
    list_select_related = ("recipient",)
    raw_id_fields = ("recipient",)
    inlines = [DeliveryInline]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "short_error",
        "notification",
    )
    list_filter = ("status", "channel", "endpoint")
    search_fields = ("id", "address", "notification__title")
    list_select_related = ("notification", "notification__recipient")
    raw_id_fields = ("notification",)
    actions = ["retry_selected"]

    @admin.display(description=_("最近错误"))
    def short_error(self, obj: Delivery) -> str:
        return obj.last_error[:80]

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def get_actions(self, request):
        # Actions normally need change permission; the retry goes through its own action and check.
        found = super().get_actions(request)
        found.pop("delete_selected", None)
        return found

    @admin.action(description=_("重新投递所选（失败/已放弃）"), permissions=["view"])
    def retry_selected(self, request, queryset):
        retried, skipped = 0, 0
        for pk in queryset.filter(status__in=[DeliveryStatus.DEAD, DeliveryStatus.FAILED]).values_list(
            "pk", flat=True
        ):
            try:
                actions.delivery_retry(actor=request.user, delivery_id=pk)
                retried += 1
            except DomainError:
                skipped += 1
        skipped += queryset.exclude(status__in=[DeliveryStatus.DEAD, DeliveryStatus.FAILED]).count()
        self.message_user(
            request,
            _("已重新加入队列 %(n)d 条，跳过 %(s)d 条") % {"n": retried, "s": skipped},
            messages.SUCCESS,
        )


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label=_("地址"), max_length=500, assume_scheme="https")

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "url", "secret", "active", "kinds")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ActionAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "url", "active", "kinds", "created_at")
    list_filter = ("active",)
    actions = ["deactivate_selected"]
    delete_refusal = _("推送接口有投递记录引用，不能删除；请改为停用。")

    def write(self, request, existing, data):
        fields = {
            "name": data["name"],
            "url": data["url"],
            "secret": data["secret"],
            "kinds": data.get("kinds"),
            "active": data.get("active", True),
        }
        if existing is None:
            return actions.webhook_endpoint_create(actor=request.user, **fields)
        return actions.webhook_endpoint_update(actor=request.user, endpoint=existing, **fields)

    @admin.action(description=_("停用所选推送接口"), permissions=["change"])
    def deactivate_selected(self, request, queryset):
        endpoints = list(queryset.filter(active=True))
        for endpoint in endpoints:
            actions.webhook_endpoint_deactivate(actor=request.user, endpoint=endpoint)
        self.message_user(request, _("已停用 %(n)d 个推送接口") % {"n": len(endpoints)}, messages.SUCCESS)
