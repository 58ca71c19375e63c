"""The demo registry: each domain adds its part to `gridgov demo` without editing the demo app.

A domain writes `gridgov/<app>/demo.py` and registers its parts there at import time:

    from gridgov.core.demo import DemoContext, register_demo_part

    def build_points(ctx: DemoContext) -> None:
        people = ctx.built["people"]          # what an earlier part left for later ones
        ...                                   # create through the domain's actions
        ctx.log(f"  points: {n} entries")

    register_demo_part("points", build_points, after=("people", "history"))

`gridgov demo` imports every installed app's `demo` module (`discover_demo_parts`, as the admin finds
`admin.py`), so demo code is loaded only when a demo is built, never by the web server or the worker.
Parts run in one transaction, in dependency order; among the parts ready at the same time the one
registered first runs first. All parts draw from one random stream (`ctx.rng`, seeded by `--seed`), so
the same seed builds the same county; the demo app's own parts register first (it is listed before the
domains in INSTALLED_APPS), so a domain's part never changes what they build.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.module_loading import autodiscover_modules


@dataclass
class DemoContext:
    """What every part sees: the seed's random stream, the size, the clock, and earlier parts' results."""

    rng: random.Random
    scale: float  # 1 is the full county; 0.05 a tiny one for tests
    now: datetime
    log: Callable[[str], None]
    options: dict[str, Any] = field(default_factory=dict)  # e.g. "history": cases to replay
    built: dict[str, Any] = field(default_factory=dict)  # part name → what it returned
    counts: dict[str, int] = field(default_factory=dict)  # reported by `demo_build` at the end


@dataclass(frozen=True)
class DemoPart:
    name: str
    build: Callable[[DemoContext], object]
    after: tuple[str, ...] = ()


class DemoRegistryError(Exception):
    """A part names a part that is not registered, or the parts depend on each other in a circle."""


_registry: dict[str, DemoPart] = {}


def register_demo_part(
    name: str, build: Callable[[DemoContext], object], *, after: tuple[str, ...] = ()
) -> None:
    """Add a part; re-registering a name replaces it in place (a module imported twice is harmless)."""
    if not name:
        raise ValueError("a demo part needs a name")
    _registry[name] = DemoPart(name, build, tuple(after))


def discover_demo_parts() -> None:
    autodiscover_modules("demo")


def demo_parts() -> list[DemoPart]:
    """The registered parts in the order they run."""
    order = list(_registry)
    for part in _registry.values():
        missing = [d for d in part.after if d not in _registry]
        if missing:
            raise DemoRegistryError(f"demo part {part.name!r} runs after unknown part(s) {missing}")
    done: set[str] = set()
    result: list[DemoPart] = []
    while len(result) < len(order):
        ready = next((n for n in order if n not in done and all(d in done for d in _registry[n].after)), None)
        if ready is None:
            stuck = [n for n in order if n not in done]
            raise DemoRegistryError(f"demo parts depend on each other in a circle: {stuck}")
        done.add(ready)
        result.append(_registry[ready])
    return result


def demo_run(ctx: DemoContext) -> DemoContext:
    """Run every part in order; each part's return value is kept in `ctx.built` under its name."""
    for part in demo_parts():
        ctx.built[part.name] = part.build(ctx)
    return ctx
