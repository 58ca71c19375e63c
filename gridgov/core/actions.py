"""Writes to the kernel's own table: the record of which periodic job ran in which period."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from gridgov.core import clock
from gridgov.core.models import JobRun

ERROR_MAX = 4000  # the traceback kept of a failed run; the log has the rest


def job_run_claim(*, name: str, period_start: datetime, worker: str) -> JobRun | None:
    """Insert-or-skip the run of `name` for this period; None when some worker already has it.

    The unique (name, period_start) is the lock: whichever worker inserts first runs the job, on any
    database, without a lock held while the job runs. The savepoint keeps a lost race from spoiling an
    outer transaction.
    """
    try:
        with transaction.atomic():
            return JobRun.objects.create(
                name=name, period_start=period_start, worker=worker, started_at=clock.now()
            )
    except IntegrityError:
        return None


def job_run_finish(*, run: JobRun, error: str = "") -> None:
    JobRun.objects.filter(pk=run.pk).update(finished_at=clock.now(), error=error[:ERROR_MAX])
