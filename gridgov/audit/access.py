"""Who may read the audit log: the system's administrators (superusers). The log names every
configuration change and who made it; it is not a page for region staff. Nobody may write it except
`audit_record`, and nobody may change it (the admin is read-only, the chain shows tampering)."""

from __future__ import annotations

from typing import Any


def may_read_audit_log(user: Any) -> bool:
    # Typed loosely on purpose: audit sits below people in the layers and cannot name its User model.
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)
