from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Login security: throttling and lockout (django-axes), two-factor login (django-otp)."""

    name = "gridgov.accounts"
    label = "accounts"
