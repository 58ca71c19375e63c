"""Point → grid lookup (智能派单: locate) and grid adjacency.

`GridIndex` is a uniform bucket grid laid over the bounding box of all polygons. Each bucket keeps
the polygons whose bounding box overlaps it, in ascending key order. A bucket lying wholly inside
its single candidate is marked *sure*, so most look-ups need no point-in-polygon test at all; the
rest test a handful of prepared shapely polygons. Measured p50 is a few microseconds at 100,000
grids (see docs/intel.md).

Boundary rule (deterministic): a point belongs to every polygon that *covers* it (interior or
boundary). When several do — a point on a shared edge or vertex, or inside an overlap caused by
sloppy digitising — the **lowest key** wins (keys are compared with `<`, so use one key type,
e.g. grid-code strings). A point covered by no polygon gives None.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

# A grid's key: hashable and ordered by `<`, since the lowest key wins on a shared boundary.
Key = TypeVar("Key", bound="SupportsRichComparison")


def to_geometry(value: Any) -> BaseGeometry:
    """A shapely (Multi)Polygon from a GeoJSON dict (geometry or Feature), a ring, or rings."""
    if isinstance(value, BaseGeometry):
        geom = value
    elif isinstance(value, dict):
        geom = shape(value.get("geometry", value) if value.get("type") == "Feature" else value)
    else:
        coords = list(value)
        if not coords:
            raise ValueError("empty polygon coordinates")
        first = coords[0]
        # [(x, y), ...] is one ring; [[(x, y), ...], ...] is shell + holes.
        if isinstance(first[0], (int, float)):
            geom = shapely.Polygon(coords)
        else:
            geom = shapely.Polygon(coords[0], coords[1:])
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        raise ValueError(f"grid boundary must be a Polygon or MultiPolygon, got {geom.geom_type}")
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    return geom


class GridIndex(Generic[Key]):
    """Spatial index answering `locate(lon, lat) -> key | None` and `neighbours(key)`."""

    def __init__(self) -> None:
        self.keys: list[Key] = []
        self.geoms: np.ndarray = np.empty(0, dtype=object)
        self._x0 = self._y0 = 0.0
        self._inv_w = self._inv_h = 1.0
        self._nx = self._ny = 0
        self._start: list[int] = []
        self._cand: list[int] = []
        self._sure: list[int] = []  # per bucket: polygon number covering the whole bucket, or -1
        self._tree: shapely.STRtree | None = None
        self._key_pos: dict[Key, int] = {}

    @classmethod
    def build(cls, items: Iterable[tuple[Key, Any]], *, buckets_per_polygon: float = 4.0) -> GridIndex[Key]:
        pairs = [(key, to_geometry(geom)) for key, geom in items]
        pairs.sort(key=lambda p: p[0])  # position order == key order, so "first hit" == lowest key
        index = cls()
        index.keys = [k for k, _ in pairs]
        if len(set(index.keys)) != len(index.keys):
            raise ValueError("duplicate grid keys")
        index._key_pos = {k: i for i, k in enumerate(index.keys)}
        index.geoms = np.array([g for _, g in pairs], dtype=object)
        if not pairs:
            return index
        shapely.prepare(index.geoms)
        bounds = shapely.bounds(index.geoms)  # (n, 4): minx, miny, maxx, maxy
        x0, y0 = float(bounds[:, 0].min()), float(bounds[:, 1].min())
        x1, y1 = float(bounds[:, 2].max()), float(bounds[:, 3].max())
        width, height = max(x1 - x0, 1e-12), max(y1 - y0, 1e-12)
        # Square-ish buckets, about `buckets_per_polygon` of them per polygon.
        n_buckets = max(1.0, buckets_per_polygon * len(pairs))
        side = math.sqrt(width * height / n_buckets)
        nx = max(1, min(4096, math.ceil(width / side)))
        ny = max(1, min(4096, math.ceil(height / side)))
        index._x0, index._y0, index._nx, index._ny = x0, y0, nx, ny
        index._inv_w, index._inv_h = nx / width, ny / height

        # Bucket ranges of each polygon's bounding box (closed, so edges land in both buckets).
        ix0 = np.clip(((bounds[:, 0] - x0) * index._inv_w).astype(np.int64), 0, nx - 1)
        ix1 = np.clip(((bounds[:, 2] - x0) * index._inv_w).astype(np.int64), 0, nx - 1)
        iy0 = np.clip(((bounds[:, 1] - y0) * index._inv_h).astype(np.int64), 0, ny - 1)
        iy1 = np.clip(((bounds[:, 3] - y0) * index._inv_h).astype(np.int64), 0, ny - 1)
        spans = (ix1 - ix0 + 1) * (iy1 - iy0 + 1)
        poly = np.repeat(np.arange(len(pairs)), spans)
        offs = np.arange(spans.sum()) - np.repeat(np.cumsum(spans) - spans, spans)
        wx = np.repeat(ix1 - ix0 + 1, spans)
        bx = np.repeat(ix0, spans) + offs % wx
        by = np.repeat(iy0, spans) + offs // wx
        bucket = by * nx + bx
        order = np.lexsort((poly, bucket))  # by bucket, then by polygon (= key) order
        bucket, poly = bucket[order], poly[order]
        counts = np.bincount(bucket, minlength=nx * ny)
        start = np.concatenate([[0], np.cumsum(counts)])

        # A bucket with exactly one candidate that contains the whole bucket needs no PIP test.
        sure = np.full(nx * ny, -1, dtype=np.int64)
        single = np.flatnonzero(counts == 1)
        if single.size:
            cand = poly[start[single]]
            bxs, bys = single % nx, single // nx
            boxes = shapely.box(
                x0 + bxs / index._inv_w,
                y0 + bys / index._inv_h,
                x0 + (bxs + 1) / index._inv_w,
                y0 + (bys + 1) / index._inv_h,
            )
            inside = shapely.contains(index.geoms[cand], boxes)
            sure[single[inside]] = cand[inside]
        index._start = start.tolist()
        index._cand = poly.tolist()
        index._sure = sure.tolist()
        return index

    def __len__(self) -> int:
        return len(self.keys)

    def locate(self, lon: float, lat: float) -> Key | None:
        """Key of the grid covering (lon, lat); lowest key on shared boundaries; None outside."""
        if not self.keys:
            return None
        fx = (lon - self._x0) * self._inv_w
        fy = (lat - self._y0) * self._inv_h
        # `not <=` also rejects NaN.
        if not (0.0 <= fx <= self._nx and 0.0 <= fy <= self._ny):
            return None
        ix = int(fx) if fx < self._nx else self._nx - 1
        iy = int(fy) if fy < self._ny else self._ny - 1
        b = iy * self._nx + ix
        sure = self._sure[b]
        if sure >= 0:
            return self.keys[sure]
        geoms = self.geoms
        covers = shapely.intersects_xy  # point ∩ polygon ≠ ∅  ⇔  polygon covers point
        for i in self._cand[self._start[b] : self._start[b + 1]]:
            if covers(geoms[i], lon, lat):
                return self.keys[i]
        return None

    def neighbours(self, key: Key) -> list[Key]:
        """Grids sharing a boundary or a corner with `key` (any contact), sorted; [] if unknown."""
        pos = self._key_pos.get(key)
        if pos is None:
            return []
        if self._tree is None:
            self._tree = shapely.STRtree(self.geoms)
        hits = self._tree.query(self.geoms[pos], predicate="intersects")
        return sorted(self.keys[i] for i in hits if i != pos)

    def bounds(self) -> tuple[float, float, float, float]:
        return (self._x0, self._y0, self._x0 + self._nx / self._inv_w, self._y0 + self._ny / self._inv_h)


def synthetic_grids(
    n_side: int, *, jitter: float = 0.3, seed: int = 0, origin=(108.0, 24.0), step=0.002
) -> Sequence[tuple[str, list]]:
    """`n_side`² quadrilateral grids on a jittered lattice, sharing edges exactly (for tests/bench).

    Keys are zero-padded codes "G000123" so string order equals numeric order.
    """
    rng = np.random.default_rng(seed)
    xs = np.arange(n_side + 1, dtype=float)
    gx, gy = np.meshgrid(xs, xs, indexing="ij")
    jx = rng.uniform(-jitter, jitter, gx.shape)
    jy = rng.uniform(-jitter, jitter, gy.shape)
    jx[[0, -1], :] = 0  # keep the outer frame straight so the union is a rectangle
    jy[:, [0, -1]] = 0
    vx = origin[0] + (gx + jx) * step
    vy = origin[1] + (gy + jy) * step
    out = []
    for i in range(n_side):
        for j in range(n_side):
            ring = [
                (vx[i, j], vy[i, j]),
                (vx[i + 1, j], vy[i + 1, j]),
                (vx[i + 1, j + 1], vy[i + 1, j + 1]),
                (vx[i, j + 1], vy[i, j + 1]),
                (vx[i, j], vy[i, j]),
            ]
            out.append((f"G{i * n_side + j:06d}", ring))
    return out
