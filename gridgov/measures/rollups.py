"""The rollup contract: how a domain keeps its measures summed, and how the sums are read and checked.

A domain that serves measures from rollups does three things (docs/kpi.md, "Adding a measure"):

1. Inside the transaction of every write that changes what a record counts, while holding the record's
   lock, it calls `rollup_record(domain, record_id, contribute)`. `contribute(previous)` returns what the
   record contributes *now* (`Contribution(path, day, dims, values)`, or None when it counts nothing);
   the difference from the stored contribution is added to `Rollup` rows, so nothing is counted twice or
   missed even when a record moves to another grid, day or category.
2. It registers its measures with `rollup="<measure>"` (`registry.Measure`); the leader page reads them
   with `rollup_sums`, one grouped query over the rows under the region's path, never the records.
3. It registers `recompute`, every record's contribution computed from the records alone, which
   `rollups_rebuild` writes and `kpi_verify` compares against the maintained rows.

These writes are bookkeeping inside a domain action (whose actor the domain's timeline records), not
writes of their own, so they take no actor.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, Sum

from gridgov.measures.models import Contribution as ContributionRow
from gridgov.measures.models import Rollup
from gridgov.measures.period import Period
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.scope import within_q

# measure -> (count, total); total is in the measure's integer base unit (milliseconds for durations).
Values = Mapping[str, tuple[int, int]]


Key = tuple[str, date, str, str]  # (path, day, dims, measure)


@dataclass(frozen=True)
class Contribution:
    """What one record adds to its domain's rollups: where it is filed and its amounts per measure."""

    path: str
    day: date
    dims: str = ""
    values: Values = field(default_factory=dict)


def dims_key(**values: object) -> str:
    """The canonical dimension string: sorted `name=value` pairs, None and "" left out."""
    return ";".join(f"{k}={v}" for k, v in sorted(values.items()) if v is not None and v != "")


def _rows(contribution: Contribution | None, sign: int) -> dict[Key, tuple[int, int]]:
    if contribution is None:
        return {}
    c = contribution
    return {
        (c.path, c.day, c.dims, measure): (sign * count, sign * total)
        for measure, (count, total) in c.values.items()
        if count or total
    }


def contribution_difference(old: Contribution | None, new: Contribution | None) -> dict[Key, tuple[int, int]]:
    delta: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    for rows in (_rows(old, -1), _rows(new, 1)):
        for key, (count, total) in rows.items():
            delta[key][0] += count
            delta[key][1] += total
    return {key: (count, total) for key, (count, total) in delta.items() if count or total}


def stored_contribution(row: ContributionRow | None) -> Contribution | None:
    if row is None:
        return None
    values = {measure: (int(count), int(total)) for measure, (count, total) in row.values.items()}
    return Contribution(row.path, row.day, row.dims, values)


def covers_path(region: Region, field_name: str = "path") -> Q:
    """The rows under a region: the path starts with the region's path; the county also has "" (unlocated)."""
    q = within_q(region, field_name)
    if region.level == RegionLevel.COUNTY:
        q |= Q(**{field_name: ""})
    return q


def rollup_sums(
    region: Region, period: Period, wanted: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, int]]:
    """(count, total) per (domain, measure) over the region's paths and the period's days: one query."""
    wanted = set(wanted)
    if not wanted:
        return {}
    domains = {d for d, _m in wanted}
    measures = {m for _d, m in wanted}
    rows = (
        Rollup.objects.filter(covers_path(region), day__gte=period.start, day__lte=period.end)
        .filter(domain__in=domains, measure__in=measures)
        .order_by()
        .values("domain", "measure")
        .annotate(count=Sum("count"), total=Sum("total"))
    )
    sums = {(d, m): (0, 0) for d, m in wanted}
    for row in rows:
        if (row["domain"], row["measure"]) in sums:
            sums[(row["domain"], row["measure"])] = (row["count"] or 0, row["total"] or 0)
    return sums


Recompute = Callable[[], Iterable[tuple[int, Contribution]]]


def expected_rollups(recompute: Recompute) -> tuple[dict[Key, tuple[int, int]], dict[int, Contribution]]:
    sums: dict[Key, list[int]] = defaultdict(lambda: [0, 0])
    records = {}
    for record_id, contribution in recompute():
        records[record_id] = contribution
        for key, (count, total) in _rows(contribution, 1).items():
            sums[key][0] += count
            sums[key][1] += total
    return {key: (c, t) for key, (c, t) in sums.items() if c or t}, records


def maintained_rollups(domain: str) -> dict[Key, tuple[int, int]]:
    rows = Rollup.objects.filter(domain=domain).exclude(count=0, total=0)
    return {(r.path, r.day, r.dims, r.measure): (r.count, r.total) for r in rows.iterator(chunk_size=5000)}


@dataclass(frozen=True)
class Difference:
    """One rollup row whose maintained sums differ from the sums recomputed from the records."""

    domain: str
    measure: str
    path: str
    day: date
    dims: str
    expected: tuple[int, int]  # (count, total) from the records
    maintained: tuple[int, int]  # (count, total) in the rollup table

    def __str__(self) -> str:
        return (
            f"{self.domain}.{self.measure} path={self.path or '(unlocated)'} day={self.day} dims={self.dims}: "
            f"records {self.expected[0]}/{self.expected[1]}, rollup {self.maintained[0]}/{self.maintained[1]}"
        )


def kpi_verify(domain: str | None = None) -> list[Difference]:
    """Recompute each domain's rollups from its records and list every row that differs (empty = exact)."""
    from gridgov.measures.registry import rollup_sources

    found = []
    for name, recompute in rollup_sources().items():
        if domain is not None and name != domain:
            continue
        expected, _records = expected_rollups(recompute)
        maintained = maintained_rollups(name)
        for key in sorted(expected.keys() | maintained.keys()):
            want, have = expected.get(key, (0, 0)), maintained.get(key, (0, 0))
            if want != have:
                path, day, dims, measure = key
                found.append(Difference(name, measure, path, day, dims, want, have))
    return found
