import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The world fixture creates nine logins; the default PBKDF2 cost dominates these tests otherwise.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
