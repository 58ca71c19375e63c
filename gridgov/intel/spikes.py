"""Early warning (研判预警): unusual daily counts and problems that come back after closure.

`detect_spikes` looks at counts per (key × day), where a key is any hashable such as
(region, category). Each key is judged against its *own* recent history:

    expected(day) = level × weekday_factor(weekday)
    level         = (sum of the baseline window + prior_count) / (days in window + prior_days)

The prior (a pseudo-observation of `prior_rate` per day) keeps a key with almost no history from
alerting on its first case. Weekday factors are pooled over all keys (most keys are too sparse to
estimate their own), shrunk towards 1. Counts are over-dispersed, so the tail probability uses a
negative binomial with mean `expected` and variance expected × (1 + expected / dispersion); an alert
needs P(X ≥ observed) < alpha and observed ≥ min_count. Days with no record count as zero.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from scipy.stats import nbinom

Key = TypeVar("Key", bound=Hashable)  # what counts are grouped by, e.g. (village path, category id)
Id = TypeVar("Id", bound=Hashable)  # a case's id


@dataclass(frozen=True)
class SpikeAlert(Generic[Key]):
    day: dt.date
    key: Key
    observed: int
    expected: float
    p_value: float


def weekday_factors(counts: Mapping[tuple[Key, dt.date], int], *, shrink: float = 50.0) -> list[float]:
    """Relative volume per weekday (Mon=0) pooled across keys, shrunk towards 1 by `shrink` pseudo-cases."""
    totals = [0.0] * 7
    for (_, day), n in counts.items():
        totals[day.weekday()] += n
    grand = sum(totals)
    if grand == 0:
        return [1.0] * 7
    mean = grand / 7
    return [(t + shrink) / (mean + shrink) for t in totals]


def detect_spikes(
    counts: Iterable[tuple[Key, dt.date, int]],
    *,
    days: Iterable[dt.date] | None = None,
    baseline_days: int = 28,
    alpha: float = 1e-4,
    min_count: int = 3,
    prior_rate: float = 0.2,
    prior_days: float = 7.0,
    dispersion: float = 5.0,
) -> list[SpikeAlert[Key]]:
    """Alerts for (key, day) counts that are improbably high for that key.

    counts: (key, day, count) rows; repeated rows for the same key/day are summed.
    days:   the days to judge (default: every day that has a count and a full baseline before it).
    The baseline is the `baseline_days` days before the judged day (the day itself excluded, so a
    spike does not hide itself).
    """
    table: dict[tuple[Key, dt.date], int] = defaultdict(int)
    by_key: dict[Key, dict[dt.date, int]] = defaultdict(dict)
    for key, day, n in counts:
        table[(key, day)] += int(n)
    for (key, day), n in table.items():
        by_key[key][day] = n
    if not table:
        return []
    factors = weekday_factors(table)
    first_day = min(day for _, day in table)
    if days is None:
        judge = sorted({day for _, day in table if (day - first_day).days >= baseline_days})
    else:
        judge = sorted(set(days))
    alerts: list[SpikeAlert[Key]] = []
    for key, series in by_key.items():
        for day in judge:
            observed = series.get(day, 0)
            if observed < min_count:
                continue
            window = [day - dt.timedelta(days=k) for k in range(1, baseline_days + 1)]
            history = [d for d in window if d >= first_day]
            # Remove the weekday effect from history before averaging.
            base = sum(series.get(d, 0) / factors[d.weekday()] for d in history)
            level = (base + prior_rate * prior_days) / (len(history) + prior_days)
            expected = level * factors[day.weekday()]
            # NB(r, p) with mean μ and variance μ + μ²/r: p = r / (r + μ).
            r = dispersion
            p = r / (r + expected)
            p_value = float(nbinom.sf(observed - 1, r, p))
            if p_value < alpha:
                alerts.append(SpikeAlert(day, key, observed, round(expected, 3), p_value))
    alerts.sort(key=lambda a: (a.day, a.p_value))
    return alerts


@dataclass(frozen=True)
class ClosedCase(Generic[Id]):
    id: Id
    address: str  # normalised address (same normalisation as for new cases)
    closed_at: dt.datetime
    category: str | None = None


@dataclass(frozen=True)
class NewCase(Generic[Id]):
    id: Id
    address: str
    reported_at: dt.datetime
    category: str | None = None


@dataclass(frozen=True)
class Recurrence(Generic[Id]):
    """A new case at the address of a case closed shortly before (问题反弹)."""

    new_id: Id
    closed_id: Id
    address: str
    days_after_closure: float


def _address_key(address: str) -> str:
    from gridgov.intel.textnorm import normalize

    return normalize(address)


def recurrences(
    closed: Iterable[ClosedCase[Id]],
    new_cases: Iterable[NewCase[Id]],
    *,
    within: dt.timedelta = dt.timedelta(days=30),
    same_category: bool = True,
) -> list[Recurrence[Id]]:
    """New cases reported at the address of a case closed within `within` before them.

    Addresses are compared after normalisation (width, case, punctuation, spaces). When both sides
    have a category and `same_category` is set, categories must agree: a leaking pipe after a
    fixed street light is not the problem coming back. Each new case is linked to the most recent
    earlier closure at its address.
    """
    by_address: dict[str, list[ClosedCase[Id]]] = defaultdict(list)
    for c in closed:
        key = _address_key(c.address)
        if key:
            by_address[key].append(c)
    for cases in by_address.values():
        cases.sort(key=lambda c: c.closed_at, reverse=True)
    found: list[Recurrence[Id]] = []
    for new in new_cases:
        key = _address_key(new.address)
        for c in by_address.get(key, ()):
            gap = new.reported_at - c.closed_at
            if gap < dt.timedelta(0) or gap > within:
                continue
            if same_category and c.category and new.category and c.category != new.category:
                continue
            found.append(Recurrence(new.id, c.id, key, round(gap.total_seconds() / 86400, 2)))
            break
    return found
