"""Who may look at the kernel's own records (job runs). Domains decide their own scope in theirs."""

from __future__ import annotations

from typing import Any


def may_see_job_runs(user: Any) -> bool:
    """The system's administrators: what the worker ran is operations data, not a county's records."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_superuser)
