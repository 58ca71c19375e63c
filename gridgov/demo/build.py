"""Build the whole demo county from a seed: every registered demo part, in order, in one transaction."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime

from django.db import transaction

from gridgov.cases.models import Case
from gridgov.core import clock
from gridgov.core.demo import DemoContext, demo_run, discover_demo_parts
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.selectors import grid_reset_index


def demo_exists() -> bool:
    return Region.objects.filter(level=RegionLevel.COUNTY).exists()


def demo_build(
    *,
    seed: int = 1,
    scale: float = 1.0,
    cases: int | None = None,
    now: datetime | None = None,
    log: Callable[[str], None] = print,
) -> dict[str, int]:
    """Build the demo county. `scale` < 1 makes a small county for tests (0.05 → a few grids, ~50 cases).

    Deterministic for a seed: the same names, places, counts and case stories (tracking numbers, which
    the action draws at random, differ). `cases` overrides how many historical cases are replayed.
    """
    discover_demo_parts()
    started = time.perf_counter()
    ctx = DemoContext(
        rng=random.Random(seed),
        scale=scale,
        now=now or clock.now(),
        log=log,
        options={"history": cases, "started": started},
    )
    log(f"gridgov demo: building 示范县 (seed {seed}, scale {scale:g})")
    with transaction.atomic():
        demo_run(ctx)
    # The grid index is a process-wide cache: rebuilt after commit, from the grids that now exist.
    grid_reset_index()
    made = ctx.built.get("history", 0)
    log(f"  {made} cases; done in {time.perf_counter() - started:.1f} s")
    grids = len(ctx.built["territory"].grids) if "territory" in ctx.built else 0
    return {**ctx.counts, "grids": grids, "cases": Case.objects.count()}
