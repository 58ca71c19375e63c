"""Leader measures from a known set of cases driven through the real actions, at frozen instants.

The cohort (community 幸福社区, 2025): c1–c4, c6, c8 received; c5 merged away; c7 submitted in 2024.

    case grid  category  dispatched → resolved         ratings                 now
    c1   A     环境保护  03-03 09:00 → 03-03 15:00 (6h)   满意                    closed
    c2   A     环境保护  03-04 09:00 → 03-06 09:00 (48h)  不满意, then 基本满意   closed, 1 rework
    c3   B     城乡建设  03-10 08:00 → 03-10 20:00 (12h)  —                       resolved
    c4   B     环境保护  03-11 09:00 → —                  —                       accepted
    c5   A     —         merged into c4                                           merged
    c6   A     —         cancelled by the resident                                cancelled
    c7   A     环境保护  2024-12-31 23:30 → 2025-01-02    满意                    closed (outside)
    c8   A     环境保护  03-15 09:00 → 03-16 09:00        不满意                  rework

Hand-computed: received 6, cancelled 1, completed 3 → 3 / (6 − 1) = 60.0%; rated 3 (c1, c2, c8), satisfied
2 (c1, c2) → 66.7%; rework 2 (c2, c8); handling (6 + 48 + 12) / 3 = 22.0 h.
"""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from gridgov.cases import actions
from gridgov.cases.models import Case, RatingScore
from gridgov.cases.tests import case_flow
from gridgov.people.actions import role_assign, user_create
from gridgov.people.models import Role
from gridgov.territory.actions import region_create
from gridgov.territory.models import RegionLevel

TZ = ZoneInfo("Asia/Shanghai")
POINT_B = (108.315, 22.805)
YEAR = {"start": "2025-01-01", "end": "2025-12-31"}

TOTAL = {
    "received": 6,
    "cancelled": 1,
    "completed": 3,
    "completion_rate": 60.0,
    "rated": 3,
    "satisfied": 2,
    "satisfaction_rate": 66.7,
    "rework": 2,
    "handling_hours": 22.0,
}
GRID_A = {
    "received": 4,
    "cancelled": 1,
    "completed": 2,
    "completion_rate": 66.7,
    "rated": 3,
    "satisfied": 2,
    "satisfaction_rate": 66.7,
    "rework": 2,
    "handling_hours": 27.0,
}
GRID_B = {
    "received": 2,
    "cancelled": 0,
    "completed": 1,
    "completion_rate": 50.0,
    "rated": 0,
    "satisfied": 0,
    "satisfaction_rate": None,
    "rework": 0,
    "handling_hours": 12.0,
}


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


def _handle(world, case: Case, result: str = "已处理完毕") -> Case:
    handler = world.water_handler if case.department_id else world.worker_a
    actions.case_accept(actor=handler, case_id=case.pk)
    return actions.case_resolve(actor=handler, case_id=case.pk, result=result)


def _rate(world, case: Case, score: str, comment: str = "") -> Case:
    return actions.case_rate(actor=world.resident, case_id=case.pk, score=score, comment=comment)


@pytest.fixture
def cases(world) -> dict[str, Case]:
    made: dict[str, Case] = {}
    with time_machine.travel(at(2024, 12, 31, 23, 30), tick=False) as clock:
        made["c7"] = case_flow.dispatched(world)
        clock.move_to(at(2025, 1, 2, 9))
        _rate(world, _handle(world, made["c7"]), RatingScore.SATISFIED)

        clock.move_to(at(2025, 3, 3, 9))
        made["c1"] = case_flow.dispatched(world)
        clock.move_to(at(2025, 3, 3, 15))
        _handle(world, made["c1"])
        clock.move_to(at(2025, 3, 4, 8))
        _rate(world, made["c1"], RatingScore.SATISFIED)

        clock.move_to(at(2025, 3, 4, 9))
        made["c2"] = case_flow.dispatched(world)
        clock.move_to(at(2025, 3, 5, 9))
        _handle(world, made["c2"])
        clock.move_to(at(2025, 3, 5, 12))
        _rate(world, made["c2"], RatingScore.UNSATISFIED, "还是很脏")
        clock.move_to(at(2025, 3, 6, 9))
        _handle(world, made["c2"], "已彻底清理")
        _rate(world, made["c2"], RatingScore.BASIC)

        clock.move_to(at(2025, 3, 10, 8))
        made["c3"] = case_flow.dispatched(world, to_department=True, point=POINT_B)
        clock.move_to(at(2025, 3, 10, 20))
        _handle(world, made["c3"])

        clock.move_to(at(2025, 3, 11, 9))
        made["c4"] = case_flow.accepted(world, point=POINT_B)
        clock.move_to(at(2025, 3, 11, 10))
        duplicate = case_flow.submitted(world, description="门口垃圾堆了好几天了")
        made["c5"] = actions.case_merge(actor=world.dispatcher, case_id=duplicate.pk, into_id=made["c4"].pk)

        clock.move_to(at(2025, 3, 12, 9))
        made["c6"] = actions.case_cancel(actor=world.resident, case_id=case_flow.submitted(world).pk)

        clock.move_to(at(2025, 3, 15, 9))
        made["c8"] = case_flow.dispatched(world)
        clock.move_to(at(2025, 3, 16, 9))
        _handle(world, made["c8"])
        clock.move_to(at(2025, 3, 16, 10))
        _rate(world, made["c8"], RatingScore.UNSATISFIED, "没有处理")
    return made


def _figures(row: dict) -> dict:
    return {k: row[k] for k in TOTAL}


# --------------------------------------------------------------------------------------- the figures


def test_api_figures_equal_the_hand_computed_ones(client, world, cases):
    client.force_login(world.leader)
    data = client.get("/api/kpi", {"region": world.community.code, **YEAR}).json()
    assert data["region"] == {"code": world.community.code, "name": "幸福社区", "level": "village"}
    assert data["period"] == {"start": "2025-01-01", "end": "2025-12-31"}
    assert _figures(data["total"]) == TOTAL
    assert [(r["label"], r["code"]) for r in data["by_region"]] == [
        ("幸福社区第一网格", world.grid_a.code),
        ("幸福社区第二网格", world.grid_b.code),
    ]
    assert _figures(data["by_region"][0]) == GRID_A
    assert _figures(data["by_region"][1]) == GRID_B
    by_category = {r["label"]: _figures(r) for r in data["by_category"]}
    assert list(by_category) == ["环境保护", "城乡建设", "未分类"]
    assert by_category["环境保护"] == {
        **GRID_A,
        "received": 4,
        "cancelled": 0,
        "completed": 2,
        "completion_rate": 50.0,
    }
    assert by_category["城乡建设"] == {**GRID_B, "received": 1, "completion_rate": 100.0}
    assert by_category["未分类"]["received"] == 1 and by_category["未分类"]["completion_rate"] is None


def test_registered_case_measures_equal_the_table_total(client, world, cases):
    """The registry's case figures (most from rollups) are the 合计 row computed from the case rows."""
    client.force_login(world.leader)
    for region in (world.county, world.community, world.grid_a, world.grid_b):
        data = client.get("/api/kpi", {"region": region.code, **YEAR}).json()
        groups = {g["domain"]: g for g in data["measures"]}
        assert list(groups) == ["cases", "supervision"] and groups["cases"]["label"] == "工单"
        cases_figures = {m["code"].removeprefix("cases."): m["value"] for m in groups["cases"]["measures"]}
        assert {k: cases_figures[k] for k in data["total"]} == data["total"]
        sources = {m["code"]: m["source"] for m in groups["cases"]["measures"]}
        assert sources["cases.received"] == "rollup" and sources["cases.overdue_open"] == "computed"
        assert sources["cases.completion_rate"] == "derived"


def test_higher_levels_roll_up_the_same_cases(client, world, cases):
    client.force_login(world.leader)
    county = client.get("/api/kpi", YEAR).json()  # default region: the leader's county
    assert county["region"]["code"] == world.county.code
    assert _figures(county["total"]) == TOTAL
    assert [(r["label"], _figures(r)) for r in county["by_region"]] == [("城东街道", TOTAL)]
    street = client.get("/api/kpi", {"region": world.street.code, **YEAR}).json()
    assert [(r["label"], _figures(r)) for r in street["by_region"]] == [("幸福社区", TOTAL)]
    grid = client.get("/api/kpi", {"region": world.grid_a.code, **YEAR}).json()
    assert _figures(grid["total"]) == GRID_A and grid["by_region"] == []


def test_period_uses_local_calendar_days_both_ends_included(client, world, cases):
    client.force_login(world.leader)
    day = client.get(
        "/api/kpi", {"region": world.community.code, "start": "2025-03-03", "end": "2025-03-03"}
    ).json()
    assert (day["total"]["received"], day["total"]["completion_rate"], day["total"]["handling_hours"]) == (
        1,
        100.0,
        6.0,
    )
    # c7 was submitted at 23:30 on 2024-12-31 Beijing time (15:30 UTC): it belongs to 2024.
    last_year = client.get(
        "/api/kpi", {"region": world.community.code, "start": "2024-12-31", "end": "2024-12-31"}
    )
    assert last_year.json()["total"]["received"] == 1


def test_default_period_is_this_year_to_date(client, world, cases):
    client.force_login(world.leader)
    with time_machine.travel(at(2025, 6, 30, 12), tick=False):
        data = client.get("/api/kpi", {"region": world.community.code}).json()
    assert data["period"] == {"start": "2025-01-01", "end": "2025-06-30"}
    assert _figures(data["total"]) == TOTAL


def test_page_shows_the_same_figures_and_chart_data(client, world, cases):
    client.force_login(world.leader)
    response = client.get("/kpi/", {"region": world.community.code, **YEAR})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<td>合计</td>" in body
    total_row = body.split('<tr class="total">')[1].split("</tr>")[0]
    cells = [c.split("</td>")[0] for c in total_row.split('<td class="num">')[1:]]
    assert cells[: len(TOTAL)] == ["6", "1", "3", "60.0%", "3", "2", "66.7%", "2", "22.0"]
    assert len(cells) == len(response.context["columns"])
    assert f'href="?region={world.grid_a.code}&amp;start=2025-01-01&amp;end=2025-12-31"' in body  # drill-down
    assert 'id="kpi-data"' in body and "echarts.min.js" in body
    received = body.split('data-code="cases.received"')[1].split("</tr>")[0]
    assert '<td class="num">6</td>' in received and "（汇总）" in received
    assert 'id="kpi-measures-supervision"' in body
    assert response.context["data"]["by_region"][1]["received"] == 2  # the chart reads the same rows


def test_export_is_a_workbook_with_the_same_figures(client, world, cases):
    client.force_login(world.leader)
    response = client.get("/kpi/export.xlsx", {"region": world.community.code, **YEAR})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["指标一览", "按区域", "按类别", "吹哨报到"]
    listed = {(r[0], r[1]): r[2] for r in book["指标一览"].iter_rows(min_row=3, values_only=True)}
    assert listed[("工单", "受理数")] == 6 and listed[("工单", "办结率")] == 60.0
    assert listed[("工单", "平均办理时长")] == 22.0 and ("吹哨报到", "被吹哨次数") in listed
    rows = list(book["按区域"].iter_rows(values_only=True))
    assert rows[1][:4] == ("区域", "受理数", "撤销数", "办结数")
    n = len(TOTAL) + 1
    assert rows[2][:n] == ("幸福社区第一网格", *GRID_A.values())
    assert rows[3][:n] == ("幸福社区第二网格", *GRID_B.values())
    assert rows[4][:n] == ("合计", *TOTAL.values())
    categories = list(book["按类别"].iter_rows(values_only=True))
    assert [r[0] for r in categories[2:]] == ["环境保护", "城乡建设", "未分类", "合计"]


# --------------------------------------------------------------------------------------------- scope


@pytest.fixture
def other_street_leader(world):
    street2 = region_create(
        actor=None, code="450101002", name="城西街道", level=RegionLevel.TOWNSHIP, parent=world.county
    )
    leader = user_create(
        actor=None, username="leader2", password="test-pass-123", display_name="郑街道", phone="13800000002"
    )
    role_assign(actor=None, user=leader, role=Role.LEADER, region=street2)
    return leader


def test_a_leader_of_another_street_cannot_see_this_region(client, world, cases, other_street_leader):
    client.force_login(other_street_leader)
    for url in ("/kpi/", "/kpi/export.xlsx"):
        response = client.get(url, {"region": world.community.code, **YEAR})
        assert response.status_code == 404
        assert "不在您的管辖范围内" in response.content.decode()
    response = client.get("/api/kpi", {"region": world.street.code, **YEAR})
    assert response.status_code == 404 and response.json()["code"] == "region_not_found"
    own = client.get("/api/kpi", YEAR).json()  # their own street: nothing of 城东街道 leaks in
    assert own["region"]["name"] == "城西街道" and own["total"]["received"] == 0


def test_dispatchers_and_admins_see_the_county(client, world, cases):
    for user in (world.dispatcher, world.admin):
        client.force_login(user)
        assert client.get("/api/kpi", YEAR).json()["total"]["received"] == 6


@pytest.mark.parametrize("persona", ["worker_a", "resident", "water_handler"])
def test_grid_workers_residents_and_departments_are_refused(client, world, persona):
    client.force_login(getattr(world, persona))
    response = client.get("/kpi/")
    assert response.status_code == 403 and "只有领导、派单员和管理员可以查看指标" in response.content.decode()
    assert client.get("/kpi/export.xlsx").status_code == 403
    assert client.get("/api/kpi").status_code == 403


def test_anonymous_visitors_must_log_in(client, world):
    assert client.get("/kpi/")["Location"].startswith("/login/")
    assert client.get("/api/kpi").status_code == 401


# ----------------------------------------------------------------------------------- bad parameters


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"region": "999999"}, 404, "未找到该区域"),
        ({"start": "2025-06-01", "end": "2025-05-31"}, 400, "结束日期不能早于开始日期"),
        ({"start": "2025-13-01"}, 400, "开始日期格式应为 YYYY-MM-DD"),
        ({"end": "yesterday"}, 400, "结束日期格式应为 YYYY-MM-DD"),
        ({"start": "0001-01-01"}, 400, "开始日期超出范围"),
        ({"start": "2025-02-30"}, 400, "开始日期格式应为"),
    ],
)
def test_bad_parameters_are_clear_errors_not_500(client, world, params, status, message):
    client.force_login(world.leader)
    api = client.get("/api/kpi", params)
    assert api.status_code == status and message in api.json()["message"]
    for url in ("/kpi/", "/kpi/export.xlsx"):
        page = client.get(url, params)
        assert page.status_code == status and message in page.content.decode()


# ------------------------------------------------------------------------------------- query counts


def test_query_counts_are_bounded(client, world, cases, django_assert_max_num_queries):
    client.force_login(world.leader)
    params = {"region": world.community.code, **YEAR}
    # session, user, roles, region, total, ancestors, children, by region, by category, by department;
    # the registry: case rollups (one query for every rollup measure), the case-row figures, whistles
    with django_assert_max_num_queries(13):
        assert client.get("/kpi/", params).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get("/kpi/export.xlsx", params).status_code == 200
    with django_assert_max_num_queries(13):
        assert client.get("/api/kpi", params).status_code == 200
