"""Domain errors with stable codes.

Actions raise these; the API turns them into `{"code": ..., "message": ...}` with the status below and
pages show the (Chinese) message. A caller never sees a 500 for something a user did.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    default_code = "invalid"

    def __init__(self, message: str | None = None, *, code: str | None = None, fields: dict | None = None):
        self.code = code or self.default_code
        self.message = str(message) if message is not None else str(_("请求无效"))
        self.fields = fields or {}
        super().__init__(f"{self.code}: {self.message}")


class InvalidInput(DomainError):
    """400: the request itself is wrong (missing field, bad value, oversize upload)."""

    status = 400
    default_code = "invalid_input"


class NotAuthenticated(DomainError):
    status = 401
    default_code = "not_authenticated"


class PermissionDenied(DomainError):
    """403: the caller may see the object but not do this to it."""

    status = 403
    default_code = "forbidden"


class NotFound(DomainError):
    """404: missing, or not in the caller's scope; both look the same on purpose."""

    status = 404
    default_code = "not_found"


class Conflict(DomainError):
    """409: the object's state does not allow this (e.g. accept a closed case)."""

    status = 409
    default_code = "conflict"
