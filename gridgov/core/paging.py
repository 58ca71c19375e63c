"""Lists an API client pages through: the bounds every endpoint shares and the window it reads.

A number a client sends must stay inside what the database can hold: OFFSET (page × size) and ids are
64-bit signed integers, and 2**63 in a filter or an OFFSET used to answer 500. Two styles exist and both
live here: `page`/`page_size` (case lists, the board) and `limit`/`offset` (the inbox).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import QuerySet
from ninja import Field, Schema

T = TypeVar("T")

PAGE_SIZE_MAX = 100
PAGE_MAX = 1_000_000  # × PAGE_SIZE_MAX stays far inside a 64-bit OFFSET
OFFSET_MAX = 10**9  # past the end of any list a county has
ID_MAX = 2**63 - 1  # the largest primary key; `Query(None, ge=1, le=ID_MAX)` for an id filter


@dataclass(frozen=True)
class Window:
    """Which rows of a list to read: `offset` rows skipped, at most `limit` read."""

    offset: int
    limit: int

    @classmethod
    def of_offset(cls, *, offset: int, limit: int, limit_max: int = PAGE_SIZE_MAX) -> Window:
        """Clamp a client's `offset`/`limit` into range instead of refusing them (`?limit=1000` reads 100)."""
        return cls(offset=min(max(offset, 0), OFFSET_MAX), limit=min(max(limit, 1), limit_max))

    @classmethod
    def of_page(cls, *, page: int, page_size: int, page_size_max: int = PAGE_SIZE_MAX) -> Window:
        """Page `page` (from 1) of `page_size` rows, both clamped into range."""
        size = min(max(page_size, 1), page_size_max)
        return cls(offset=(min(max(page, 1), PAGE_MAX) - 1) * size, limit=size)

    @property
    def page(self) -> int:
        return self.offset // self.limit + 1

    def rows(self, qs: QuerySet[Any] | Sequence[T]) -> list:
        return list(qs[self.offset : self.offset + self.limit])


class PageIn(Schema):
    """`?page=&page_size=` for an endpoint: `paging: Query[PageIn]`. Out of range is 400, not clamped."""

    page: int = Field(1, ge=1, le=PAGE_MAX)
    page_size: int = Field(20, ge=1, le=PAGE_SIZE_MAX)


def page_out(qs: QuerySet[Any], window: Window, item: Callable[[Any], T]) -> dict[str, Any]:
    """`{"count", "page", "page_size", "items"}`: the page shape of the case lists."""
    return {
        "count": qs.count(),
        "page": window.page,
        "page_size": window.limit,
        "items": [item(row) for row in window.rows(qs)],
    }
