"""Build the whole demo county from a seed: territory, ledger, people, catalogue, a year of cases."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from gridgov.cases.models import Case
from gridgov.core import clock
from gridgov.demo.county import build_county
from gridgov.demo.history import HISTORY_CASES, make_history
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
    the action draws at random, differ).
    """
    rng = random.Random(seed)
    now = now or clock.now()
    total = cases if cases is not None else max(45, round(HISTORY_CASES * scale))
    started = time.perf_counter()
    log(f"gridgov demo: building 示范县 (seed {seed}, scale {scale:g})")
    with transaction.atomic():
        demo = build_county(rng, scale=scale, today=timezone.localdate(now), log=log)
        log(
            f"  county built in {time.perf_counter() - started:.1f} s; replaying {total} cases through the actions…"
        )
        made = make_history(demo, rng, total=total, now=now)
    grid_reset_index()
    log(f"  {made} cases; done in {time.perf_counter() - started:.1f} s")
    return {**demo.counts, "grids": len(demo.grids), "cases": Case.objects.count()}
