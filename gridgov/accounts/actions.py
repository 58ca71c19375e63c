"""Every write of login security: unlock a locked login, enrol / confirm / reset two-factor login."""

from __future__ import annotations

import logging

from axes.utils import reset as axes_reset
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.people.models import User

log = logging.getLogger("gridgov.accounts")

RECOVERY_CODES = 10
RECOVERY_DEVICE = "recovery"
TOTP_DEVICE = "authenticator"


def login_unlock(*, actor: User | None, username: str | None = None, ip: str | None = None) -> int:
    """Clear the failed-login counters of an account and/or a client; returns how many were cleared.

    `actor` is None from the command line (whoever runs manage.py already owns the server).
    """
    if not username and not ip:
        raise InvalidInput(_("请指定要解锁的用户名或 IP 地址"), code="unlock_target_required")
    cleared = 0
    if username:
        cleared += axes_reset(username=username)
    if ip:
        cleared += axes_reset(ip=ip)
    log.info(
        "login unlock by %s: username=%r ip=%r cleared=%d", actor or "command line", username, ip, cleared
    )
    return cleared


def twofactor_enrol_begin(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator the enrolment page shows (reused, so a reload keeps the same QR)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE, confirmed=False)
    return device


def _normalise_token(token: str) -> str:
    return "".join(str(token).split()).replace("-", "").lower()[:32]


@transaction.atomic
def twofactor_confirm(*, user: User, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the pending authenticator with a code from it; returns the device and fresh recovery codes.

    Until confirmed the device does not count, so a user who scanned nothing cannot lock themselves out.
    """
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        raise InvalidInput(_("请先打开两步验证页面扫描二维码"), code="no_pending_device")
    if not device.verify_token(_normalise_token(token)):
        raise InvalidInput(_("验证码不正确，请输入验证器应用中当前显示的 6 位数字"), code="invalid_otp")
    # One authenticator per user: confirming a new one replaces the old.
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _recovery_codes_issue(user)
    log.info("two-factor enrolled: user=%s", user.pk)
    return device, codes


def _recovery_codes_issue(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _i in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


@transaction.atomic
def twofactor_recovery_codes_renew(*, user: User) -> list[str]:
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise InvalidInput(_("尚未启用两步验证"), code="two_factor_not_enabled")
    return _recovery_codes_issue(user)


@transaction.atomic
def twofactor_reset(*, actor: User | None, user: User) -> int:
    """Remove a user's authenticator and recovery codes (lost phone); they log in with a password again.

    An administrator may reset anyone; a user may turn off their own unless administrators must use it.
    """
    from gridgov.accounts.twofactor import two_factor_required

    if actor is not None and actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDenied(_("只有系统管理员可以重置他人的两步验证"), code="forbidden")
    if actor is not None and actor.pk == user.pk and two_factor_required(user):
        raise PermissionDenied(_("管理员必须启用两步验证，不能关闭"), code="two_factor_required")
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    removed_static, _detail = StaticDevice.objects.filter(user=user).delete()
    log.info("two-factor reset: user=%s by %s", user.pk, actor.pk if actor else "command line")
    return removed + removed_static
