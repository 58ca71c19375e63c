"""Reads over the territory tree."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from gridgov.territory.models import Region, RegionLevel


def region_subtree(region: Region) -> QuerySet[Region]:
    """The region and everything below it, by materialised path."""
    return Region.objects.filter(path__startswith=region.path)


def grids_under(region: Region) -> QuerySet[Region]:
    return region_subtree(region).filter(level=RegionLevel.GRID)


def region_ancestors(region: Region) -> list[Region]:
    """From the county down to the region itself."""
    codes = [c for c in region.path.strip("/").split("/") if c]
    by_code = {r.code: r for r in Region.objects.filter(code__in=codes)}
    return [by_code[c] for c in codes if c in by_code]


def region_children(region: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=region).order_by("code")


def county() -> Region | None:
    return Region.objects.filter(level=RegionLevel.COUNTY).order_by("code").first()


@dataclass(frozen=True)
class _IndexState:
    version: tuple
    index: object


_index_lock = threading.Lock()
_index_state: _IndexState | None = None


def _grid_index():
    """A point-in-grid index over every grid boundary, rebuilt when grids are added or changed."""
    global _index_state
    try:
        from gridgov.intel.geo import GridIndex
    except ImportError:  # TEMPORARY until the intel geo index lands
        GridIndex = _ShapelyIndex

    version = tuple(Region.objects.filter(level=RegionLevel.GRID).aggregate(n=Count("id"), m=Max("id")).values())
    state = _index_state
    if state is not None and state.version == version:
        return state.index
    with _index_lock:
        rows = Region.objects.filter(level=RegionLevel.GRID, boundary__isnull=False).values_list("code", "boundary")
        index = GridIndex.build((code, boundary) for code, boundary in rows)
        _index_state = _IndexState(version=version, index=index)
        return index


class _ShapelyIndex:
    def __init__(self, items):
        from shapely import STRtree
        from shapely.geometry import shape

        self.keys = [k for k, _ in items]
        self.geoms = [shape(g) for _, g in items]
        self.tree = STRtree(self.geoms)

    @classmethod
    def build(cls, items):
        return cls(list(items))

    def locate(self, lon, lat):
        from shapely.geometry import Point

        hits = sorted(self.keys[i] for i in self.tree.query(Point(lon, lat), predicate="intersects"))
        return hits[0] if hits else None


def grid_reset_index() -> None:
    """Forget the cached index (after a boundary is edited in place)."""
    global _index_state
    _index_state = None


def grid_at(lon: float, lat: float) -> Region | None:
    """The grid containing the point, or None when the point is outside every grid of the county."""
    code = _grid_index().locate(lon, lat)
    if code is None:
        return None
    return Region.objects.filter(code=code).first()
