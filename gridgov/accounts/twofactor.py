"""Two-factor login (TOTP) reads and the rule that administrators must use it when the setting says so."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_otp import user_has_device

from gridgov.people.models import Role
from gridgov.people.selectors import user_roles

ENROL_URL = "/account/2fa/"
# Paths an administrator who still has to enrol may reach: enrolment itself, logging out, the language
# switch and the files the pages need.
EXEMPT_PREFIXES = (ENROL_URL, "/login/", "/logout/", "/i18n/", settings.STATIC_URL)


def is_administrator(user) -> bool:
    """Who counts as an administrator for the 2FA rule: superusers, /admin/ staff, the 系统管理员 role."""
    if not user.is_authenticated:
        return False
    return bool(user.is_superuser or user.is_staff or user_roles(user).has(Role.ADMIN))


def two_factor_required(user) -> bool:
    return settings.GRIDGOV_REQUIRE_2FA_FOR_ADMINS and is_administrator(user)


def has_two_factor(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


class RequireTwoFactorMiddleware:
    """With GRIDGOV_REQUIRE_2FA_FOR_ADMINS, an administrator's session without a verified code reaches
    nothing but the enrolment page.

    The login view already asks every enrolled user for a code; this catches an administrator who has
    not enrolled yet (sent to enrol) and a session that was opened without the second step (logged out).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path_info.startswith(EXEMPT_PREFIXES)
            and two_factor_required(user)
            and not user.is_verified()  # type: ignore[union-attr,attr-defined]  # added by OTPMiddleware
        ):
            if request.path_info.startswith("/api/"):
                return JsonResponse(
                    {"code": "two_factor_required", "message": _("管理员须先启用两步验证")}, status=403
                )
            if has_two_factor(user):
                logout(request)
                return redirect(f"{settings.LOGIN_URL}?next={quote(request.get_full_path())}")
            return redirect(f"{ENROL_URL}?next={quote(request.get_full_path())}")
        return self.get_response(request)


def offer(request: HttpRequest) -> dict:
    """Template context: whether the navigation shows the 账号安全 link (every role but residents only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"offer_two_factor": False}
    names = set(user_roles(user).names)
    return {"offer_two_factor": bool(user.is_staff or user.is_superuser or (names - {Role.RESIDENT}))}
