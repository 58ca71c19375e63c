import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridgov.settings")
application = get_wsgi_application()

# A WSGI server runs no system checks: refuse here too rather than serve with the public key.
from gridgov.core.checks import BUILTIN_KEY_MESSAGE, builtin_secret_key_in_production  # noqa: E402

if builtin_secret_key_in_production():
    raise ImproperlyConfigured(BUILTIN_KEY_MESSAGE)
