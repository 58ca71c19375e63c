"""Periodic jobs (定时任务): yellow/red lights, escalation, early warnings, a domain's nightly scan…

Register from your AppConfig.ready():

    from gridgov.core.jobs import register_job
    register_job("cases.overdue", overdue_scan, every_seconds=300)

`gridgov worker` calls `run_due_jobs()` on every pass. Periods are aligned to the epoch (every 300 s →
:00, :05, …). Each (name, period) runs once however many workers there are: the worker inserts a
`JobRun` row with a unique (name, period_start) and only the one whose insert succeeds runs the job. A
job that fails is not retried in the same period, so it must be idempotent and catch up on its own in
the next one (scan for "what is due now", not "what changed in the last 5 minutes").
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from gridgov.core import clock
from gridgov.core.actions import job_run_claim, job_run_finish

log = logging.getLogger("gridgov.jobs")

NAME_MAX = 100


@dataclass(frozen=True)
class Job:
    name: str
    fn: Callable[[], object]
    every_seconds: int


_registry: dict[str, Job] = {}


def register_job(name: str, fn: Callable[[], object], every_seconds: int) -> None:
    """Run `fn()` once per `every_seconds` period inside the worker. Re-registering a name replaces it,
    so an AppConfig.ready() that runs twice (tests, reloaders) registers the job once."""
    if not name or len(name) > NAME_MAX:
        raise ValueError(f"job name must be 1–{NAME_MAX} characters")
    if every_seconds < 1:
        raise ValueError("every_seconds must be at least 1")
    _registry[name] = Job(name, fn, int(every_seconds))


def unregister_job(name: str) -> None:
    _registry.pop(name, None)


def registered_jobs() -> list[Job]:
    return sorted(_registry.values(), key=lambda j: j.name)


def period_start(every_seconds: int, now: datetime) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % every_seconds, tz=UTC)


def run_due_jobs(*, worker: str) -> int:
    """Run every registered job whose current period has not run yet anywhere. Returns how many ran."""
    ran = 0
    for job in registered_jobs():
        start = period_start(job.every_seconds, clock.now())
        run = job_run_claim(name=job.name, period_start=start, worker=worker)
        if run is None:
            continue
        log.info("job %s for period %s", job.name, start.isoformat())
        error = ""
        try:
            job.fn()
        except Exception:
            # One broken job must not stop the others, nor the deliveries of the same worker.
            error = traceback.format_exc()
            log.exception("job %s failed", job.name)
        job_run_finish(run=run, error=error)
        ran += 1
    return ran
