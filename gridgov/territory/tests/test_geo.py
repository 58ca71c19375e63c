"""Point → grid: lookups, shared-boundary determinism, outside points, neighbours."""

from __future__ import annotations

from gridgov.territory.geo import GridIndex, synthetic_grids

# Two unit squares sharing the edge x = 1, and a third touching only at the corner (2, 1).
SQUARES = [
    ("B", {"type": "Polygon", "coordinates": [[[1, 0], [2, 0], [2, 1], [1, 1], [1, 0]]]}),
    ("A", [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]),
    (
        "C",
        {
            "type": "Feature",
            "properties": {},
            "geometry": {"type": "Polygon", "coordinates": [[[2, 1], [3, 1], [3, 2], [2, 2], [2, 1]]]},
        },
    ),
]


def test_inside_points_resolve_to_their_grid():
    index = GridIndex.build(SQUARES)
    assert index.locate(0.5, 0.5) == "A"
    assert index.locate(1.5, 0.5) == "B"
    assert index.locate(2.5, 1.5) == "C"


def test_shared_boundary_goes_to_lowest_key_whatever_the_input_order():
    for items in (SQUARES, list(reversed(SQUARES))):
        index = GridIndex.build(items)
        assert index.locate(1.0, 0.5) == "A"  # edge A|B
        assert index.locate(1.0, 1.0) == "A"  # corner of A and B
        assert index.locate(2.0, 1.0) == "B"  # corner B|C
        assert index.locate(0.0, 0.0) == "A"  # outer boundary counts as inside


def test_outside_points_are_none():
    index = GridIndex.build(SQUARES)
    assert index.locate(0.5, 1.5) is None  # inside the bounding box, in no grid
    assert index.locate(-5, -5) is None
    assert index.locate(float("nan"), 0.5) is None
    assert GridIndex.build([]).locate(0, 0) is None


def test_neighbours_share_an_edge_or_corner():
    index = GridIndex.build(SQUARES)
    assert index.neighbours("A") == ["B"]
    assert index.neighbours("B") == ["A", "C"]
    assert index.neighbours("missing") == []


def test_agrees_with_brute_force_on_a_jittered_lattice():
    import random

    import shapely

    items = synthetic_grids(30, seed=3)
    index = GridIndex.build(items)
    geoms = {k: shapely.Polygon(r) for k, r in items}
    rng = random.Random(5)
    x0, y0, x1, y1 = index.bounds()
    for _ in range(300):
        x, y = rng.uniform(x0 - 0.001, x1 + 0.001), rng.uniform(y0 - 0.001, y1 + 0.001)
        covering = sorted(k for k, g in geoms.items() if g.covers(shapely.Point(x, y)))
        assert index.locate(x, y) == (covering[0] if covering else None)
    # Lattice vertices are shared by four grids: always the lowest key.
    k, ring = items[31 * 1 + 5]
    vx, vy = ring[2]
    covering = sorted(key for key, g in geoms.items() if g.covers(shapely.Point(vx, vy)))
    assert len(covering) >= 2 and index.locate(vx, vy) == covering[0]
