"""The one rule for "this region covers that one", in Python and as a query.

Regions carry a materialised path ("/county/township/village/grid/"), and so does every record placed in
the territory (a case's `region_path`, a household's grid …). A region covers a path when the path
starts with the region's own path: its whole subtree, itself included. Every access rule, filter and
notice that scopes by region says it through these functions, so the rule cannot drift between copies.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from django.db.models import Q


class HasPath(Protocol):
    path: str


def covers(region: HasPath, path: str | None) -> bool:
    """Whether `region` covers the record or region at `path` (an empty path is covered by no region)."""
    return bool(path) and bool(region.path) and str(path).startswith(region.path)


def covers_any(regions: Iterable[HasPath], path: str | None) -> bool:
    return any(covers(region, path) for region in regions)


def within_q(region: HasPath, field: str = "region_path") -> Q:
    """Records whose `field` (a materialised path, possibly across a join) lies in `region`'s subtree."""
    if not region.path:
        return Q(pk__in=[])
    return Q(**{f"{field}__startswith": region.path})


def within_any_q(regions: Iterable[HasPath], field: str = "region_path") -> Q:
    """Records in any of `regions`' subtrees (none when `regions` is empty)."""
    q = Q(pk__in=[])
    for region in regions:
        q |= within_q(region, field)
    return q
