"""The demo registry: parts run in dependency order, ties in registration order, and a domain's part
plugs in after the county's parts without moving them."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest

from gridgov.core import demo
from gridgov.core.demo import (
    DemoContext,
    DemoPart,
    DemoRegistryError,
    demo_parts,
    demo_run,
    register_demo_part,
)

COUNTY_PARTS = ["territory", "catalogue", "people", "ledger", "resident_logins", "party", "history"]


@pytest.fixture
def registry(monkeypatch):
    registry: dict = {}
    monkeypatch.setattr(demo, "_registry", registry)
    return registry


def _names() -> list[str]:
    return [p.name for p in demo_parts()]


def test_parts_run_after_what_they_need_and_ties_in_registration_order(registry):
    register_demo_part("points", lambda ctx: None, after=("people",))
    register_demo_part("territory", lambda ctx: None)
    register_demo_part("people", lambda ctx: None, after=("territory",))
    register_demo_part("ledger", lambda ctx: None, after=("territory",))
    # points was registered first, so once people is done it runs before ledger.
    assert _names() == ["territory", "people", "points", "ledger"]


def test_an_unknown_dependency_or_a_circle_is_refused(registry):
    register_demo_part("a", lambda ctx: None, after=("nope",))
    with pytest.raises(DemoRegistryError, match="unknown"):
        demo_parts()
    registry.clear()
    register_demo_part("a", lambda ctx: None, after=("b",))
    register_demo_part("b", lambda ctx: None, after=("a",))
    with pytest.raises(DemoRegistryError, match="circle"):
        demo_parts()


def test_each_part_sees_what_earlier_parts_returned(registry):
    register_demo_part("county", lambda ctx: ctx.rng.random())
    register_demo_part("people", lambda ctx: ("people of", ctx.built["county"]), after=("county",))
    ctx = DemoContext(rng=random.Random(1), scale=1, now=datetime(2026, 1, 1, tzinfo=UTC), log=print)
    built = demo_run(ctx).built
    assert built["people"] == ("people of", random.Random(1).random())


def test_the_demo_apps_parts_register_first_and_a_domain_part_runs_after_them(monkeypatch):
    demo.discover_demo_parts()
    assert _names() == COUNTY_PARTS
    monkeypatch.setitem(demo._registry, "points", DemoPart("points", lambda ctx: None, ("people",)))
    assert _names() == [*COUNTY_PARTS, "points"]
