"""Periodic jobs run by `gridgov worker` (yellow/red lights, overdue checks, escalation…).

Register from your AppConfig.ready():

    from gridgov.notify.ticks import register_tick
    register_tick("cases.overdue", overdue_scan, every_seconds=300)

Periods are aligned to the epoch (every 300 s → :00, :05, …). Each (name, period) runs once however many
workers there are: the worker inserts a TickRun row with a unique (name, period_start) and only the one
whose insert succeeds runs the job. A job that fails is not retried in the same period, so it must be
idempotent and catch up on its own in the next one (scan for "what is due now", not "what changed in
the last 5 minutes").
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from gridgov.core import clock
from gridgov.notify import actions

log = logging.getLogger("gridgov.notify.ticks")


@dataclass(frozen=True)
class Tick:
    name: str
    fn: Callable[[], object]
    every_seconds: int


_registry: dict[str, Tick] = {}


def register_tick(name: str, fn: Callable[[], object], every_seconds: int) -> None:
    """Run `fn()` once per `every_seconds` period inside the worker. Re-registering a name replaces it."""
    if not name or len(name) > 100:
        raise ValueError("tick name must be 1–100 characters")
    if every_seconds < 1:
        raise ValueError("every_seconds must be at least 1")
    _registry[name] = Tick(name, fn, int(every_seconds))


def unregister_tick(name: str) -> None:
    _registry.pop(name, None)


def registered() -> list[Tick]:
    return sorted(_registry.values(), key=lambda t: t.name)


def period_start(every_seconds: int, now: datetime) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % every_seconds, tz=UTC)


def run_due_ticks(*, worker: str) -> int:
    """Run every registered tick whose current period has not run yet anywhere. Returns how many ran."""
    ran = 0
    for tick in registered():
        start = period_start(tick.every_seconds, clock.now())
        run = actions.tick_claim(name=tick.name, period_start=start, worker=worker)
        if run is None:
            continue
        log.info("tick %s for period %s", tick.name, start.isoformat())
        error = ""
        try:
            tick.fn()
        except Exception:
            error = traceback.format_exc()
            log.exception("tick %s failed", tick.name)
        actions.tick_finish(run=run, error=error)
        ran += 1
    return ran
