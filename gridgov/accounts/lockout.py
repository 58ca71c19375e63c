"""Login throttling and lockout, on django-axes.

Axes counts wrong passwords per account and per client (`settings.AXES_LOCKOUT_PARAMETERS`); the client
is `core.network.client_ip`, so a forged X-Forwarded-For from an untrusted peer changes nothing.
This module holds the three hooks axes calls and the "is this still locked" read the pages use.
"""

from __future__ import annotations

import math

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

# AccessAttempt.username is 255 characters; a longer "username" posted by a client would make
# PostgreSQL refuse the insert (500). No real username is longer than the User field's 150.
USERNAME_MAX = 150


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out account or client before any password is checked.

    Without a request there is no client to throttle: that is `authenticate()` called by code (the
    shell, Django's test client), never by an HTTP login, which always passes its request.
    """

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):  # type: ignore[override]
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def username_of(request: HttpRequest, credentials: dict | None) -> str:
    raw = (credentials or {}).get("username")
    if raw is None:
        raw = request.POST.get("username", "") if request.method == "POST" else ""
    return str(raw)[:USERNAME_MAX]


def cooloff_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """The page a locked-out login gets instead of the login form: 429 with a Chinese explanation."""
    body = render_to_string(
        "accounts/locked.html",
        {"minutes": cooloff_minutes(), "limit": settings.AXES_FAILURE_LIMIT},
        request=request,
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(cooloff_minutes() * 60)
    return response
