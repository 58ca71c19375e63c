"""Django settings for gridgov.

SQLite in WAL mode is the embedded default so `make run` needs no server. Set DATABASE_URL
(postgres://user:pass@host:port/name) to run on PostgreSQL, the production database.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("GRIDGOV_VAR_DIR", PROJECT_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# The built-in key is public (it is in this file): `core.checks` refuses to start the server with it unless
# DEBUG is explicitly on, so a deployment that forgot GRIDGOV_SECRET_KEY fails loudly instead of signing
# sessions with a key anyone can read.
BUILTIN_SECRET_KEY = "dev-only-not-secret-change-me-in-production"
SECRET_KEY = os.environ.get("GRIDGOV_SECRET_KEY", BUILTIN_SECRET_KEY)
# Off unless explicitly on: a forgotten variable must not publish tracebacks and settings.
DEBUG = os.environ.get("GRIDGOV_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("GRIDGOV_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "gridgov.core",
    "gridgov.audit",
    # Before the domains: its demo parts register first, and among parts ready at the same time the
    # earlier-registered runs first, so a domain's demo part never shifts the county's random draws.
    "gridgov.demo",
    "gridgov.accounts",
    "gridgov.territory",
    "gridgov.people",
    "gridgov.measures",
    "gridgov.catalog",
    "gridgov.cases",
    "gridgov.workcal",
    "gridgov.notify",
    "gridgov.intel",
    "gridgov.board",
    "gridgov.kpi",
    "gridgov.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gridgov.accounts.twofactor.RequireTwoFactorMiddleware",
    "gridgov.core.middleware.RejectBadTextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout flagged during the view into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "gridgov.people.context.roles",
                "gridgov.accounts.twofactor.offer",
            ]
        },
    }
]


def _database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ValueError(f"DATABASE_URL must be postgres://..., got {parsed.scheme!r}")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": parsed.path.lstrip("/"),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": 0,
    }


if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": _database_from_url(os.environ["DATABASE_URL"])}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("GRIDGOV_SQLITE_PATH", str(VAR_DIR / "gridgov.sqlite3")),
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so
            # two writers queue on busy_timeout instead of deadlocking on a lock upgrade.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            "TEST": {"NAME": os.environ.get("GRIDGOV_SQLITE_TEST_PATH") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# django-axes first: it refuses a locked-out account or client before any password is checked.
AUTHENTICATION_BACKENDS = [
    "gridgov.accounts.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("GRIDGOV_MEDIA_ROOT", VAR_DIR / "media"))

# Uploads: photos only, checked by content, not by name.
GRIDGOV_MAX_PHOTOS = 6
GRIDGOV_MAX_PHOTO_BYTES = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 40 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

# Where trained dispatch models live; the newest version is picked up without a restart.
GRIDGOV_MODEL_DIR = Path(os.environ.get("GRIDGOV_MODEL_DIR", VAR_DIR / "models"))

# Notifications (issue 3): SMTP and webhook settings are read by the worker.
EMAIL_HOST = os.environ.get("GRIDGOV_SMTP_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("GRIDGOV_SMTP_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("GRIDGOV_MAIL_FROM", "gridgov@localhost")

# Login throttling (django-axes): an account, or a client, is locked after GRIDGOV_LOGIN_FAILURE_LIMIT
# wrong passwords in a row for GRIDGOV_LOGIN_COOLOFF_MINUTES; an administrator can unlock earlier
# (admin → Access attempts → 解锁, or `manage.py unlock`). Either key alone locks: a password sprayer rotating
# usernames is stopped by the client key, a botnet guessing one password by the account key.
AXES_FAILURE_LIMIT = int(os.environ.get("GRIDGOV_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GRIDGOV_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful login does not clear the counters: it would clear the client's too, so anyone holding one
# valid account could reset their address's count between guesses at other accounts.
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "gridgov.core.network.client_ip"
AXES_LOCKOUT_CALLABLE = "gridgov.accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "gridgov.accounts.lockout.username_of"
# Failed logins are kept in axes' tables; successful ones need not be.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Reverse proxies (IPs or networks, comma-separated) whose X-Forwarded-For is believed. From any other
# peer the header is ignored: the client is REMOTE_ADDR, so a forged header cannot change who is throttled.
GRIDGOV_TRUSTED_PROXIES = [
    p.strip() for p in os.environ.get("GRIDGOV_TRUSTED_PROXIES", "").split(",") if p.strip()
]

# Two-factor login (TOTP, django-otp). When on, administrators (superusers, staff, the 系统管理员 role)
# must enrol before they can use anything else, and always log in with a code.
GRIDGOV_REQUIRE_2FA_FOR_ADMINS = os.environ.get("GRIDGOV_REQUIRE_2FA_FOR_ADMINS", "0") == "1"
OTP_TOTP_ISSUER = "网格治理"
# The admin lists devices but never shows another user's secret or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# HTTPS: behind TLS, cookies are sent only over HTTPS and browsers are told (HSTS) never to use HTTP.
GRIDGOV_HTTPS = os.environ.get("GRIDGOV_HTTPS", "0") == "1"
if GRIDGOV_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("GRIDGOV_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = os.environ.get("GRIDGOV_HSTS_PRELOAD", "1") == "1"
    if GRIDGOV_TRUSTED_PROXIES:
        # TLS ends at the proxy; it must set this header (and strip it from clients), see docs/deploy.md.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "gridgov.core.errorpages.csrf_failure"

# Content-Security-Policy (django-csp): no inline script or style anywhere, so an injected <script> or
# onerror= does nothing. The maps draw grid polygons without a tile server today; a deployment that adds a
# base map names its tile URL template in GRIDGOV_MAP_TILES and only that origin is allowed for images.
GRIDGOV_MAP_TILES = os.environ.get("GRIDGOV_MAP_TILES", "")


def _tile_origins(template: str) -> list[str]:
    if not template:
        return []
    parsed = urlparse(template)
    # Leaflet's {s} picks a subdomain (a., b., c.): allow them all.
    return [f"{parsed.scheme}://{parsed.netloc.replace('{s}', '*')}"]


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", *_tile_origins(GRIDGOV_MAP_TILES)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"gridgov": {"handlers": ["console"], "level": os.environ.get("GRIDGOV_LOG_LEVEL", "INFO")}},
}
