"""Start-up checks: the server refuses to run in production with the public built-in secret key."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

BUILTIN_KEY_MESSAGE = (
    "GRIDGOV_SECRET_KEY is not set: DEBUG is off and the built-in secret key is public, so sessions, "
    "password-reset links and CSRF tokens could be forged. Set GRIDGOV_SECRET_KEY to a long random value "
    '(python -c "import secrets; print(secrets.token_urlsafe(50))"), or GRIDGOV_DEBUG=1 on a development machine.'
)


def builtin_secret_key_in_production() -> bool:
    return not settings.DEBUG and settings.SECRET_KEY == settings.BUILTIN_SECRET_KEY


@register()
def secret_key_check(app_configs, **kwargs):
    if builtin_secret_key_in_production():
        return [Error(BUILTIN_KEY_MESSAGE, id="gridgov.E001")]
    return []
