"""Login pages: password (throttled by django-axes), then a code for users who enrolled in two-factor."""

from __future__ import annotations

import time
from base64 import b32encode
from urllib.parse import quote

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp import match_token, user_has_device

from gridgov.accounts import actions
from gridgov.accounts.twofactor import has_two_factor, two_factor_required
from gridgov.core.errors import DomainError
from gridgov.people.selectors import signed_in_user

PENDING = "accounts_2fa_pending"
# The code must follow the password soon: a half-finished login does not linger in the session.
PENDING_SECONDS = 300


def _safe_next(request: HttpRequest, value: str | None) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return settings.LOGIN_REDIRECT_URL


class LoginView(auth_views.LoginView):
    """Step one. A user with an authenticator is not logged in yet: the session remembers who gave the
    right password, and step two (`verify`) asks for the code."""

    template_name = "core/login.html"

    def form_valid(self, form):
        user = form.get_user()
        if user_has_device(user, confirmed=True):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "at": time.time(),
                "next": self.get_success_url(),
            }
            return HttpResponseRedirect("/login/verify/")
        return super().form_valid(form)


@sensitive_post_parameters("token")
@csrf_protect
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    """Step two: a code from the authenticator app, or one of the recovery codes."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        if request.method == "POST":
            messages.error(request, _("登录已超时，请重新输入用户名和密码"))
        return redirect(settings.LOGIN_URL)
    user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(PENDING, None)
        return redirect(settings.LOGIN_URL)
    error = ""
    if request.method == "POST":
        token = "".join(request.POST.get("token", "").split()).replace("-", "").lower()[:32]
        device = match_token(user, token) if token else None
        if device is not None:
            next_url = pending.get("next") or settings.LOGIN_REDIRECT_URL
            del request.session[PENDING]
            user.backend = pending["backend"]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(_safe_next(request, next_url))
        error = _("验证码不正确或已使用，请重试；频繁出错需等待片刻")
    return render(request, "accounts/verify.html", {"error": error}, status=400 if error else 200)


def admin_login(request: HttpRequest) -> HttpResponse:
    """/admin/login/ goes to the one login page, so the admin gets the same throttling and second step."""
    next_url = _safe_next(request, request.GET.get("next")) if request.GET.get("next") else "/admin/"
    return redirect(f"{settings.LOGIN_URL}?next={quote(next_url)}")


def _manual_key(device) -> str:
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@login_required
@sensitive_post_parameters("token")
@never_cache
def twofactor(request: HttpRequest) -> HttpResponse:
    """账号安全: enrol an authenticator (QR code or manual key, confirmed with a code), renew the
    recovery codes, or turn two-factor off (unless administrators must keep it)."""
    user = signed_in_user(request)
    context: dict = {
        "required": two_factor_required(user),
        "next": _safe_next(request, request.GET.get("next")),
    }
    if request.method == "POST":
        what = request.POST.get("action", "")
        try:
            if what == "confirm":
                device, codes = actions.twofactor_confirm(user=user, token=request.POST.get("token", ""))
                otp_login(request, device)
                context["recovery_codes"] = codes
                messages.success(request, _("两步验证已启用"))
            elif what == "renew":
                context["recovery_codes"] = actions.twofactor_recovery_codes_renew(user=user)
            elif what == "disable":
                token = "".join(request.POST.get("token", "").split()).lower()[:32]
                if not token or match_token(user, token) is None:
                    raise DomainError(_("验证码不正确"), code="invalid_otp")
                actions.twofactor_reset(actor=user, user=user)
                messages.success(request, _("两步验证已关闭"))
                return redirect(request.path)
        except DomainError as exc:
            context["error"] = exc.message
    context["enabled"] = has_two_factor(user)
    if not context["enabled"]:
        device = actions.twofactor_enrol_begin(user=user)
        context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(
            scale=5, dark="#222", light="#fff"
        )
        context["manual_key"] = _manual_key(device)
    status = 400 if context.get("error") else 200
    return render(request, "accounts/twofactor.html", context, status=status)
