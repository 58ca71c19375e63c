"""Reads over the territory tree, and the cached spatial and address indexes built from it."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from gridgov.territory.address import AddressEntry, AddressMatch, AddressMatcher
from gridgov.territory.geo import GridIndex
from gridgov.territory.models import Compound, Region, RegionLevel
from gridgov.territory.scope import within_q


def region_subtree(region: Region) -> QuerySet[Region]:
    """The region and everything below it, by materialised path."""
    return Region.objects.filter(within_q(region, "path"))


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
class _Cached:
    version: tuple
    value: object


_lock = threading.Lock()
_cache: dict[str, _Cached] = {}


def _territory_version() -> tuple:
    """Changes whenever a grid or compound is added or removed (boundary edits: call grid_reset_index)."""
    grids = Region.objects.filter(level=RegionLevel.GRID).aggregate(n=Count("id"), m=Max("id"))
    compounds = Compound.objects.aggregate(n=Count("id"), m=Max("id"))
    return (grids["n"], grids["m"], compounds["n"], compounds["m"])


def _cached(name: str, build):
    version = _territory_version()
    hit = _cache.get(name)
    if hit is not None and hit.version == version:
        return hit.value
    with _lock:
        value = build()
        _cache[name] = _Cached(version=version, value=value)
        return value


def _build_grid_index() -> GridIndex[str]:
    rows = Region.objects.filter(level=RegionLevel.GRID, boundary__isnull=False).values_list(
        "code", "boundary"
    )
    return GridIndex.build((code, boundary) for code, boundary in rows)


def _build_address_matcher() -> AddressMatcher:
    grids = {
        r.pk: r
        for r in Region.objects.filter(level=RegionLevel.GRID).select_related("parent", "parent__parent")
    }
    entries = []
    for grid in grids.values():
        village, township = grid.parent, grid.parent.parent if grid.parent else None
        entries.append(
            AddressEntry(grid.code, township.name if township else "", village.name if village else "")
        )
    for compound in Compound.objects.all():
        compound_grid = grids.get(compound.grid_id)
        if compound_grid is None:
            continue
        parent = compound_grid.parent
        township_name = parent.parent.name if parent and parent.parent else ""
        village_name = parent.name if parent else ""
        entries.append(AddressEntry(compound_grid.code, township_name, village_name, compound.name))
        for building in compound.buildings or []:
            entries.append(
                AddressEntry(compound_grid.code, township_name, village_name, compound.name, str(building))
            )
    return AddressMatcher(entries)


def grid_reset_index() -> None:
    """Forget the cached indexes (after a boundary or a name is edited in place)."""
    _cache.clear()


def grid_index() -> GridIndex[str]:
    return _cached("grids", _build_grid_index)


def grid_at(lon: float, lat: float) -> Region | None:
    """The grid containing the point, or None when the point is outside every grid of the county.

    A point on a boundary shared by two grids goes to the lower grid code (see docs/intel.md).
    """
    code = grid_index().locate(lon, lat)
    if code is None:
        return None
    return Region.objects.filter(code=code).first()


def grid_for_address(text: str) -> tuple[Region | None, AddressMatch]:
    """Match township, village, compound and building names in free text against the territory."""
    match = _cached("addresses", _build_address_matcher).match(text or "")
    grid = Region.objects.filter(code=match.grid_key).first() if match.grid_key else None
    return grid, match


def grid_neighbours(code: str) -> list[str]:
    return list(grid_index().neighbours(code))
