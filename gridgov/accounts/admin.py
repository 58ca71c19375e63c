"""Admin for login security: unlock locked logins, reset a user's two-factor login.

The models are django-axes' and django-otp's; their admins are kept and given the two actions an
administrator needs, both going through `accounts.actions`.
"""

from __future__ import annotations

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.accounts import actions


class LockoutAdmin(AccessAttemptAdmin):
    actions = ["unlock"]

    @admin.action(description=_("解锁所选的账号和 IP"))
    def unlock(self, request, queryset):
        cleared = 0
        for attempt in list(queryset):
            cleared += actions.login_unlock(
                actor=request.user, username=attempt.username or None, ip=attempt.ip_address or None
            )
        self.message_user(request, _("已解锁，清除 %(n)d 条失败记录") % {"n": cleared}, messages.SUCCESS)


class AuthenticatorAdmin(TOTPDeviceAdmin):
    actions = ["reset_two_factor"]

    @admin.action(description=_("重置所选用户的两步验证（手机丢失时）"))
    def reset_two_factor(self, request, queryset):
        users = {device.user for device in queryset.select_related("user")}
        for user in users:
            actions.twofactor_reset(actor=request.user, user=user)
        self.message_user(
            request, _("已重置 %(n)d 名用户的两步验证，他们下次用密码登录后可重新绑定") % {"n": len(users)}
        )


for model, model_admin in ((AccessAttempt, LockoutAdmin), (TOTPDevice, AuthenticatorAdmin)):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, model_admin)
