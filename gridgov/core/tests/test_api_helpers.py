"""Shared API helpers: the paging window keeps client numbers inside what the database holds, and
`lookup` turns an unknown id in a body into a 400 naming the field, without a query when out of range."""

from __future__ import annotations

import pytest

from gridgov.core.api import lookup
from gridgov.core.errors import InvalidInput
from gridgov.core.paging import OFFSET_MAX, PAGE_MAX, PAGE_SIZE_MAX, Window, page_out
from gridgov.people.models import Department


@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [(0, 20, (0, 20)), (-5, 0, (0, 1)), (2**63, 10**6, (OFFSET_MAX, PAGE_SIZE_MAX))],
)
def test_an_offset_window_clamps_what_a_client_sends(offset, limit, expected):
    window = Window.of_offset(offset=offset, limit=limit)
    assert (window.offset, window.limit) == expected


def test_a_page_window_clamps_page_and_size_and_knows_its_page():
    assert Window.of_page(page=3, page_size=20) == Window(offset=40, limit=20)
    assert Window.of_page(page=3, page_size=20).page == 3
    assert Window.of_page(page=0, page_size=0) == Window(offset=0, limit=1)
    huge = Window.of_page(page=2**70, page_size=500, page_size_max=50)
    assert (huge.page, huge.limit) == (PAGE_MAX, 50) and huge.offset < 2**63


def test_page_out_reads_one_page_and_counts_all(world, db):
    qs = Department.objects.order_by("pk")
    out = page_out(qs, Window.of_page(page=1, page_size=1), lambda d: d.code)
    assert out == {"count": qs.count(), "page": 1, "page_size": 1, "items": [qs.first().code]}


def test_lookup_finds_the_row_or_refuses_naming_the_field(world, db, django_assert_num_queries):
    assert lookup(Department, None, code="invalid_department", message="x", field="lead_id") is None
    found = lookup(Department, world.water.pk, code="invalid_department", message="x", field="lead_id")
    assert found == world.water
    with pytest.raises(InvalidInput) as refused:
        lookup(Department, 10**9, code="invalid_department", message="所选部门不存在", field="lead_id")
    assert (refused.value.code, refused.value.fields) == ("invalid_department", {"lead_id": "not_found"})
    with django_assert_num_queries(0), pytest.raises(InvalidInput):
        lookup(Department, 2**63, code="invalid_department", message="x", field="lead_id")
