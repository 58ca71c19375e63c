"""The demo county's map: streets, communities and grids as polygons that tile their parent exactly.

Pure geometry, no database. The county is a convex polygon of about 20 × 15 km near 108.3°E 22.8°N
(south-west Guangxi). Each level is cut into Voronoi cells of seed points relaxed a few times (Lloyd), so
cells have even sizes, and every cell is clipped to its parent: children tile the parent with no gap and
no overlap. Because the county is convex and Voronoi cells are convex, every piece is a single convex
Polygon, never a MultiPolygon.
"""

from __future__ import annotations

import math
import random

import shapely
from shapely.geometry import MultiPoint, Point, Polygon, mapping

CENTRE = (108.30, 22.80)
# Half-extents in degrees: 10 km east-west, 7.5 km north-south at 22.8°N.
HALF_LON = 10.0 / 102.6
HALF_LAT = 7.5 / 110.9


def county_polygon(rng: random.Random) -> Polygon:
    points = []
    for i in range(24):
        angle = 2 * math.pi * i / 24 + rng.uniform(-0.08, 0.08)
        radius = rng.uniform(0.86, 1.0)
        points.append(
            (CENTRE[0] + HALF_LON * radius * math.cos(angle), CENTRE[1] + HALF_LAT * radius * math.sin(angle))
        )
    return MultiPoint(points).convex_hull


def random_point_in(polygon: Polygon, rng: random.Random) -> Point:
    minx, miny, maxx, maxy = polygon.bounds
    while True:
        point = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if polygon.contains(point):
            return point


def split(
    parent: Polygon,
    n: int,
    rng: random.Random,
    *,
    seeds: list[tuple[float, float]] | None = None,
    relax: int = 3,
) -> list[Polygon]:
    """Cut `parent` into `n` convex cells, ordered west→east then south→north by seed for stable naming."""
    if n == 1:
        return [parent]
    points = [Point(p) for p in seeds] if seeds else [random_point_in(parent, rng) for _ in range(n)]
    cells: list[Polygon] = []
    for round_ in range(relax + 1):
        diagram = shapely.voronoi_polygons(
            MultiPoint(points), extend_to=parent.envelope.buffer(0.05), ordered=True
        )
        cells = [cell.intersection(parent) for cell in diagram.geoms]
        if round_ < relax and not seeds:
            points = [cell.centroid for cell in cells]
    cells = [_polygon(cell) for cell in cells]
    # Reading order: north to south in bands, west to east within a band — how people number grids.
    band = (parent.bounds[3] - parent.bounds[1]) / max(1, round(math.sqrt(n)))
    return sorted(cells, key=lambda c: (-math.floor((c.centroid.y - parent.bounds[1]) / band), c.centroid.x))


def _polygon(geometry) -> Polygon:
    if geometry.geom_type == "Polygon":
        return geometry
    # Slivers from floating-point clipping: keep the main piece (never happens with convex parents).
    parts = [g for g in getattr(geometry, "geoms", []) if g.geom_type == "Polygon"]
    return max(parts, key=lambda g: g.area)


def geojson(polygon: Polygon) -> dict:
    data = mapping(polygon)
    return {
        "type": "Polygon",
        "coordinates": [[[round(x, 7), round(y, 7)] for x, y in ring] for ring in data["coordinates"]],
    }
