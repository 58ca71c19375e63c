"""The measures registry: each domain contributes the figures leaders see for a region and a period.

A domain registers its measures once, from its AppConfig.ready():

    register_measures(
        Domain("cases", gettext_lazy("工单"), order=10, recompute=case_contributions),
        Measure("received", gettext_lazy("受理数"), Unit.COUNT, gettext_lazy("…"), rollup="received"),
        Measure("completion_rate", gettext_lazy("办结率"), Unit.PERCENT, gettext_lazy("…"), derive=...),
    )

and the leader page `/kpi/`, `GET /api/kpi` and the Excel export show every registered domain's figures
for the chosen region and period (`figures_for`). Nothing in `kpi` names a domain's measures. Each
measure has exactly one source:

- `rollup`: summed from maintained `Rollup` rows (`rollups.py`), never from the records — the way a
  measure should be served. COUNT sums `count`; HOURS is the mean `total / count` (milliseconds).
- `compute(region, period)`: a function reading the records, returning values by measure key; measures
  sharing a function get one call per request. For what cannot be a rollup yet (figures that depend on
  the time of the query, like "open and past the deadline now").
- `derive(values)`: from the domain's figures already computed (rates), registered after its inputs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from gridgov.measures.period import Period
from gridgov.measures.rollups import Recompute, rollup_sums
from gridgov.territory.models import Region

Value = int | float | None
MS_PER_HOUR = 3_600_000


class Unit(StrEnum):
    COUNT = "count"  # an integer count (件/次)
    PERCENT = "percent"  # one decimal, 75.0 means 75.0 %; None when the base is zero
    HOURS = "hours"  # one decimal; None when nothing was timed


UNIT_LABELS: dict[Unit, Promise] = {
    Unit.COUNT: gettext_lazy("件/次"),
    Unit.PERCENT: gettext_lazy("%"),
    Unit.HOURS: gettext_lazy("小时"),
}


@dataclass(frozen=True)
class Domain:
    """A group of measures and, if it keeps rollups, how to recompute them from its records."""

    key: str  # "cases"; also the `Rollup.domain` of its rows
    label: Promise  # 工单
    order: int = 100  # position on the page, smaller first
    recompute: Recompute | None = None  # every record's contribution, from the records alone


@dataclass(frozen=True)
class Measure:
    """One figure a domain reports for a region and a period."""

    key: str  # unique in its domain; the public code is "<domain>.<key>"
    label: Promise
    unit: Unit
    description: Promise  # the formula, in words a leader reads
    rollup: str | None = None  # the `Rollup.measure` it sums
    compute: Callable[[Region, Period], Mapping[str, Value]] | None = None
    derive: Callable[[Mapping[str, Value]], Value] | None = None
    # The URL of the records behind the figure, when a page can list exactly those; None otherwise.
    drill: Callable[[Region, Period], str | None] | None = None

    @property
    def source(self) -> str:
        return "rollup" if self.rollup else "computed" if self.compute else "derived"


_domains: dict[str, Domain] = {}
_measures: dict[str, list[Measure]] = {}


def register_measures(domain: Domain, *measures: Measure) -> None:
    """Add a domain's measures (call from AppConfig.ready). Registering the same measure again is a no-op."""
    if domain.key in _domains and _domains[domain.key] != domain:
        raise ImproperlyConfigured(f"KPI domain {domain.key!r} is registered twice with different settings")
    for measure in measures:
        sources = [measure.rollup is not None, measure.compute is not None, measure.derive is not None]
        if sum(sources) != 1:
            raise ImproperlyConfigured(
                f"measure {domain.key}.{measure.key} needs exactly one of rollup, compute, derive"
            )
        if measure.rollup is not None and measure.unit == Unit.PERCENT:
            raise ImproperlyConfigured(
                f"measure {domain.key}.{measure.key}: derive a rate from rollup counts"
            )
        if measure.rollup is not None and domain.recompute is None:
            raise ImproperlyConfigured(
                f"domain {domain.key!r} serves rollups but has no recompute (kpi_verify needs it)"
            )
    # Checked before anything is stored, so a refused registration leaves the registry as it was.
    known = list(_measures.get(domain.key, []))
    for measure in measures:
        existing = next((m for m in known if m.key == measure.key), None)
        if existing is None:
            known.append(measure)
        elif existing != measure:
            raise ImproperlyConfigured(f"measure {domain.key}.{measure.key} is registered twice")
    _domains[domain.key] = domain
    _measures[domain.key] = known


def unregister_domain(key: str) -> None:
    """Remove a domain (tests that register a domain of their own clean up with this)."""
    _domains.pop(key, None)
    _measures.pop(key, None)


def registered() -> list[tuple[Domain, list[Measure]]]:
    """Every domain with its measures, in page order."""
    domains = sorted(_domains.values(), key=lambda d: (d.order, d.key))
    return [(d, list(_measures.get(d.key, []))) for d in domains]


def rollup_sources() -> dict[str, Recompute]:
    """The domains that keep rollups, with the function that recomputes them (for rebuild and verify)."""
    return {d.key: d.recompute for d, _m in registered() if d.recompute is not None}


# ------------------------------------------------------------------------------------------ the figures


@dataclass(frozen=True)
class Figure:
    """One measure's value for the region and period, with the link to its records if there is one."""

    measure: Measure
    domain: str
    value: Value
    drill: str | None = None

    @property
    def code(self) -> str:
        return f"{self.domain}.{self.measure.key}"


@dataclass(frozen=True)
class DomainFigures:
    domain: Domain
    figures: list[Figure]


def _from_rollup(measure: Measure, sums: tuple[int, int]) -> Value:
    count, total = sums
    if measure.unit == Unit.HOURS:
        return round(total / count / MS_PER_HOUR, 1) if count else None
    return count


def figures_for(region: Region, period: Period) -> list[DomainFigures]:
    """Every registered measure for one region and period: one rollup query plus one call per compute."""
    domains = registered()
    sums = rollup_sums(
        region, period, [(d.key, m.rollup) for d, measures in domains for m in measures if m.rollup]
    )
    computed: dict[Callable, Mapping[str, Value]] = {}
    found = []
    for domain, measures in domains:
        values: dict[str, Value] = {}
        figures = []
        for measure in measures:
            value: Any
            if measure.rollup is not None:
                value = _from_rollup(measure, sums[(domain.key, measure.rollup)])
            elif measure.compute is not None:
                if measure.compute not in computed:
                    computed[measure.compute] = measure.compute(region, period)
                value = computed[measure.compute].get(measure.key)
            else:
                assert measure.derive is not None  # one source, checked at registration
                value = measure.derive(values)
            values[measure.key] = value
            drill = measure.drill(region, period) if measure.drill is not None else None
            figures.append(Figure(measure, domain.key, value, drill))
        found.append(DomainFigures(domain, figures))
    return found


def percent(numerator: Value, denominator: Value) -> float | None:
    """A rate in percent with one decimal; None when the base is zero (or a part is missing)."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return round(100 * numerator / denominator, 1)
