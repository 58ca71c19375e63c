"""The KPI workbook writes names that look like formulas as text (issue 8, point 7)."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from gridgov.catalog.models import Category
from gridgov.people.models import Department
from gridgov.territory.models import Region

EVIL = '=HYPERLINK("http://evil.example","点我")'


def test_region_category_and_department_names_never_become_formulas(client, world):
    Region.objects.filter(pk=world.grid_a.pk).update(name=EVIL)
    Category.objects.filter(pk=world.roads.pk).update(name="@SUM(1+1)")
    Department.objects.filter(pk=world.water.pk).update(name="+1+2")
    client.force_login(world.leader)

    response = client.get("/kpi/export.xlsx", {"region": world.community.code})

    book = load_workbook(io.BytesIO(response.content))
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    assert texts[EVIL].quotePrefix
