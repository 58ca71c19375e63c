"""A new domain adds measures without editing kpi: registered here, they appear on the page, API and Excel.

The 停车 (parking) domain below is made up for the test: one measure from rollups it maintains itself,
one computed, one derived, the first with a drill link to its records.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from gridgov.measures.actions import rollup_record
from gridgov.measures.registry import Domain, Measure, Unit, percent, register_measures, unregister_domain
from gridgov.measures.rollups import Contribution, kpi_verify

MARCH = {"start": "2025-03-01", "end": "2025-03-31"}
_ = gettext_lazy
SPOTS: dict[int, Contribution] = {}  # the made-up domain's "records": parking spots by id


def _free(region, period):
    return {"free": 2}


def _occupancy(values):
    return percent(values["spaces"] - values["free"], values["spaces"])


PARKING = Domain("parking", _("停车"), order=5, recompute=lambda: SPOTS.items())
MEASURES = (
    Measure(
        "spaces",
        _("车位数"),
        Unit.COUNT,
        _("登记的车位"),
        rollup="spaces",
        drill=lambda region, period: f"/parking/?region={region.code}&start={period.start}",
    ),
    Measure("free", _("空闲车位"), Unit.COUNT, _("当前空闲"), compute=_free),
    Measure("occupancy", _("占用率"), Unit.PERCENT, _("（车位数 − 空闲）÷ 车位数"), derive=_occupancy),
)


@pytest.fixture
def parking(world):
    register_measures(PARKING, *MEASURES)
    SPOTS.clear()
    yield
    unregister_domain("parking")
    SPOTS.clear()


def _add_spots(spot_id: int, path: str, n: int) -> None:
    """What the domain's action does inside its transaction: say what the record counts now."""
    SPOTS[spot_id] = Contribution(path, date(2025, 3, 10), "", {"spaces": (n, 0)})
    with transaction.atomic():
        rollup_record("parking", spot_id, lambda previous: SPOTS[spot_id])


def test_a_registered_domain_is_on_the_api_page_and_export(client, world, parking):
    _add_spots(1, world.grid_a.path, 8)
    _add_spots(2, world.grid_b.path, 2)
    client.force_login(world.leader)

    data = client.get("/api/kpi", {"region": world.community.code, **MARCH}).json()
    first = data["measures"][0]  # order 5: before cases (10) and supervision (20)
    assert (first["domain"], first["label"]) == ("parking", "停车")
    assert [(m["code"], m["value"], m["unit"], m["source"]) for m in first["measures"]] == [
        ("parking.spaces", 10, "count", "rollup"),
        ("parking.free", 2, "count", "computed"),
        ("parking.occupancy", 80.0, "percent", "derived"),
    ]
    assert first["measures"][0]["drill"] == f"/parking/?region={world.community.code}&start=2025-03-01"
    grid_b = client.get("/api/kpi", {"region": world.grid_b.code, **MARCH}).json()
    assert grid_b["measures"][0]["measures"][0]["value"] == 2  # by path prefix: only grid B's spots
    april = client.get(
        "/api/kpi", {"region": world.community.code, "start": "2025-04-01", "end": "2025-04-30"}
    )
    assert april.json()["measures"][0]["measures"][0]["value"] == 0  # filed on 10 March

    body = client.get("/kpi/", {"region": world.community.code, **MARCH}).content.decode()
    table = body.split('id="kpi-measures-parking"')[1].split("</table>")[0]
    assert "<caption>停车</caption>" in table
    assert f'<a href="/parking/?region={world.community.code}&amp;start=2025-03-01">10</a>' in table
    assert "80.0%" in table

    book = load_workbook(
        io.BytesIO(client.get("/kpi/export.xlsx", {"region": world.community.code, **MARCH}).content)
    )
    rows = list(book["指标一览"].iter_rows(min_row=3, values_only=True))
    assert rows[:3] == [
        ("停车", "车位数", 10, "件/次", "登记的车位"),
        ("停车", "空闲车位", 2, "件/次", "当前空闲"),
        ("停车", "占用率", 80.0, "%", "（车位数 − 空闲）÷ 车位数"),
    ]


def test_a_record_that_changes_moves_its_counts_and_verify_covers_the_domain(world, parking):
    _add_spots(1, world.grid_a.path, 8)
    _add_spots(1, world.grid_b.path, 5)  # the same record, now in grid B with 5 spaces
    assert kpi_verify("parking") == []
    SPOTS[1] = Contribution(world.grid_b.path, date(2025, 3, 10), "", {"spaces": (6, 0)})  # records changed
    [difference] = kpi_verify("parking")
    assert (difference.path, difference.expected, difference.maintained) == (
        world.grid_b.path,
        (6, 0),
        (5, 0),
    )


@pytest.mark.parametrize(
    ("measure", "domain", "message"),
    [
        (Measure("x", _("x"), Unit.COUNT, _("x")), PARKING, "exactly one of rollup, compute, derive"),
        (
            Measure("x", _("x"), Unit.COUNT, _("x"), rollup="x", compute=_free),
            PARKING,
            "exactly one of rollup, compute, derive",
        ),
        (Measure("x", _("x"), Unit.PERCENT, _("x"), rollup="x"), PARKING, "derive a rate"),
        (Measure("x", _("x"), Unit.COUNT, _("x"), rollup="x"), Domain("parking", _("停车")), "no recompute"),
    ],
)
def test_a_badly_declared_measure_is_refused_at_startup(world, measure, domain, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        register_measures(domain, measure)
    unregister_domain("parking")


def test_the_same_key_twice_with_another_meaning_is_refused(world, parking):
    register_measures(PARKING, *MEASURES)  # the same registration again (ready() twice) is harmless
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        register_measures(PARKING, Measure("spaces", _("车位"), Unit.COUNT, _("别的"), compute=_free))
