"""The public board (晒单): only closed, rated cases; personal data masked in the page and the JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gridgov.cases import actions
from gridgov.cases.models import Case, Channel, RatingScore
from gridgov.cases.tests import case_flow
from gridgov.territory.actions import region_create
from gridgov.territory.models import Region, RegionLevel

TZ = ZoneInfo("Asia/Shanghai")

# What the resident typed and must never be published in full.
ADDRESS = "幸福小区3栋2单元501室"
CONTACT = "张三丰"
PHONE = "13812341234"
TYPED_MOBILE = "13912345678"
TYPED_ID = "450101199001011234"
TYPED_LANDLINE = "0771-5612345"
COMMENT_MOBILE = "13700001111"
SECRETS = [
    ADDRESS,
    CONTACT,
    PHONE,
    TYPED_MOBILE,
    TYPED_ID,
    TYPED_LANDLINE,
    "5612345",
    COMMENT_MOBILE,
    "王网格",
]


def at(*args) -> datetime:
    return datetime(*args, tzinfo=TZ)


@dataclass
class Board:
    street2: Region
    village2: Region
    grid_c: Region
    pub_full: Case  # grid A, 满意, full of personal data
    pub_dept: Case  # grid C in another street, department, 基本满意
    pub_rework: Case  # grid A, 不满意 then rework, closed by the centre unrated
    hidden: dict[str, Case]


def _resolve(world, case: Case, result: str = "已清理完毕") -> Case:
    handler = world.water_handler if case.department_id else world.worker_a
    actions.case_accept(actor=handler, case_id=case.pk)
    return actions.case_resolve(actor=handler, case_id=case.pk, result=result)


@pytest.fixture
def board(world) -> Board:
    street2 = region_create(
        actor=None, code="450101002", name="城西街道", level=RegionLevel.TOWNSHIP, parent=world.county
    )
    village2 = region_create(
        actor=None, code="450101002001", name="和平村", level=RegionLevel.VILLAGE, parent=street2
    )
    grid_c = region_create(
        actor=None, code="450101002001001", name="和平村第一网格", level=RegionLevel.GRID, parent=village2
    )
    with time_machine.travel(at(2025, 3, 1, 9), tick=False) as clock:
        full, _ = actions.case_submit(
            actor=world.resident,
            channel=Channel.WEB,
            title="门口垃圾堆放",
            description=f"我是{CONTACT}，电话{TYPED_MOBILE}，身份证{TYPED_ID}，家住{ADDRESS}，门口垃圾三天没人清理",
            contact_name=CONTACT,
            contact_phone=PHONE,
            lon=108.305,
            lat=22.805,
            address=ADDRESS,
        )
        actions.case_dispatch(
            actor=world.dispatcher, case_id=full.pk, item=world.item_litter, to_worker=world.worker_a
        )
        _resolve(world, full, result=f"已清理，物业电话{TYPED_LANDLINE}")
        clock.move_to(at(2025, 3, 2, 9))
        actions.case_rate(
            actor=world.resident,
            case_id=full.pk,
            score=RatingScore.SATISFIED,
            comment=f"很好，有事打{COMMENT_MOBILE}",
        )

        clock.move_to(at(2025, 3, 3, 9))
        dept, _ = actions.case_submit(
            actor=world.resident,
            channel=Channel.WEB,
            title="自来水管爆裂",
            description="村口自来水管爆裂",
            contact_phone=PHONE,
            grid=grid_c,
        )
        dept = actions.case_dispatch(
            actor=world.dispatcher, case_id=dept.pk, item=world.item_pipe, to_department=world.water
        )
        _resolve(world, dept, result="已更换水管")
        clock.move_to(at(2025, 3, 4, 9))
        actions.case_rate(actor=world.resident, case_id=dept.pk, score=RatingScore.BASIC)

        clock.move_to(at(2025, 3, 5, 9))
        rework = case_flow.resolved(world, description="楼道垃圾没人清理，味道很大")
        actions.case_rate(
            actor=world.resident, case_id=rework.pk, score=RatingScore.UNSATISFIED, comment="根本没清理"
        )
        _resolve(world, rework, result="已再次清理并消毒")
        clock.move_to(at(2025, 3, 20, 9))
        actions.case_close(actor=world.dispatcher, case_id=rework.pk)

        hidden = {
            "open": case_flow.accepted(world, description="隐藏：办理中的诉求"),
            "resolved": case_flow.resolved(world, description="隐藏：待评价的诉求"),
            "closed_unrated": actions.case_close(
                actor=world.dispatcher, case_id=case_flow.resolved(world, description="隐藏：未评价结案").pk
            ),
            "cancelled": actions.case_cancel(
                actor=world.resident, case_id=case_flow.submitted(world, description="隐藏：已撤销的诉求").pk
            ),
        }
        original = case_flow.submitted(world, description="隐藏：合并的原诉求")
        duplicate = case_flow.submitted(world, description="隐藏：被合并的重复诉求")
        hidden["merged"] = actions.case_merge(
            actor=world.dispatcher, case_id=duplicate.pk, into_id=original.pk
        )
    return Board(street2, village2, grid_c, full, dept, rework, hidden)


def _titles(body: str, board: Board) -> set[str]:
    cases = {"full": board.pub_full, "dept": board.pub_dept, "rework": board.pub_rework, **board.hidden}
    return {name for name, case in cases.items() if Case.objects.get(pk=case.pk).title in body}


# ------------------------------------------------------------------------------------------ masking


def test_page_masks_personal_data_and_never_shows_address_or_coordinates(client, world, board):
    response = client.get("/board/")
    body = response.content.decode()
    assert response.status_code == 200
    for secret in SECRETS:
        assert secret not in body, secret
    assert "108.305" not in body and "22.805" not in body
    assert "张**" in body  # contact name
    assert "138****1234" in body  # contact phone
    assert "139****5678" in body and "450***********1234" in body  # typed into the description
    assert "077****2345" in body  # typed into the result
    assert "137****1111" in body  # typed into the comment
    assert "网格员 王**" in body  # grid worker: role + masked name
    assert "县水务局" in body  # department handler: the department's name
    assert "幸福社区" in body and "幸福社区第一网格" in body


def test_json_has_the_same_masking(client, world, board):
    response = client.get("/api/board")
    body = response.content.decode()
    assert response.status_code == 200
    for secret in SECRETS:
        assert secret not in body, secret
    assert "108.305" not in body and "22.805" not in body
    data = response.json()
    entry = next(e for e in data["results"] if e["id"] == board.pub_full.pk)
    assert entry["contact_name"] == "张**"
    assert entry["contact_phone"] == "138****1234"
    assert entry["handler"] == "网格员 王**"
    assert entry["community"] == "幸福社区" and entry["grid"] == "幸福社区第一网格"
    assert entry["rating"] == "satisfied" and entry["rating_label"] == "满意"
    assert entry["submitted_on"] == "2025-03-01" and entry["closed_on"] == "2025-03-02"
    assert "address" not in entry and "lon" not in entry and "tracking_no" not in entry


def test_json_needs_no_login(client, world, board):
    assert client.get("/api/board").status_code == 200


# ---------------------------------------------------------------------------------- what is published


def test_only_closed_and_rated_cases_appear_newest_first(client, world, board):
    data = client.get("/api/board").json()
    assert [e["id"] for e in data["results"]] == [board.pub_rework.pk, board.pub_dept.pk, board.pub_full.pk]
    assert _titles(client.get("/board/").content.decode(), board) == {"full", "dept", "rework"}


def test_a_case_closed_after_rework_shows_its_latest_rating(client, world, board):
    data = client.get("/api/board").json()
    entry = next(e for e in data["results"] if e["id"] == board.pub_rework.pk)
    assert entry["rating"] == "unsatisfied" and entry["rating_comment"] == "根本没清理"
    assert entry["rework_count"] == 1 and entry["rating_is_earlier_round"] is True
    assert entry["result"] == "已再次清理并消毒"


def test_summary_is_computed_over_the_filter(client, world, board):
    summary = client.get("/api/board").json()["summary"]
    assert summary == {
        "published": 3,
        "satisfied": 1,
        "basic": 1,
        "unsatisfied": 1,
        "satisfaction_rate": 66.7,
    }
    summary = client.get("/api/board", {"township": world.street.code}).json()["summary"]
    assert summary["published"] == 2 and summary["satisfaction_rate"] == 50.0
    body = client.get("/board/", {"township": world.street.code}).content.decode()
    assert '<strong id="fig-published">2</strong>' in body
    assert '<strong id="fig-satisfaction">50.0%</strong>' in body


# ------------------------------------------------------------------------------------------- filters


def test_township_village_and_category_filters(client, world, board):
    def ids(**params) -> list[int]:
        return [e["id"] for e in client.get("/api/board", params).json()["results"]]

    assert ids(township=board.street2.code) == [board.pub_dept.pk]
    assert ids(township=world.street.code) == [board.pub_rework.pk, board.pub_full.pk]
    assert ids(township=world.street.code, village=world.community.code) == [
        board.pub_rework.pk,
        board.pub_full.pk,
    ]
    assert ids(village=board.village2.code) == [board.pub_dept.pk]
    assert ids(category=str(world.roads.pk)) == [board.pub_dept.pk]
    assert ids(category=str(world.environment.pk), township=board.street2.code) == []
    page = client.get("/board/", {"township": board.street2.code}).content.decode()
    assert _titles(page, board) == {"dept"}
    assert "和平村" in page  # the village drop-down of the chosen township


def test_bad_filters_are_clear_errors(client, world, board):
    response = client.get("/api/board", {"township": "999"})
    assert response.status_code == 404 and response.json()["message"] == "未找到该乡镇/街道"
    response = client.get("/api/board", {"township": world.street.code, "village": board.village2.code})
    assert response.status_code == 404
    assert client.get("/api/board", {"category": "x"}).status_code == 400
    response = client.get("/board/", {"township": "999"})
    assert response.status_code == 404 and "未找到该乡镇/街道" in response.content.decode()
    assert client.get("/board/", {"page": "999"}).status_code == 200  # out of range: the last page


def test_pagination(client, world, board):
    first = client.get("/api/board", {"page_size": 2}).json()
    second = client.get("/api/board", {"page_size": 2, "page": 2}).json()
    assert (first["pages"], first["count"], len(first["results"]), len(second["results"])) == (2, 3, 2, 1)
    assert second["results"][0]["id"] == board.pub_full.pk
    # Numbers out of range are brought into range (core.paging), never a 400 or a 500 on a public page.
    last = client.get("/api/board", {"page_size": 2, "page": str(2**64)}).json()
    assert (last["page"], len(last["results"])) == (2, 1)
    assert client.get("/api/board", {"page_size": 2, "page": "-3"}).json()["page"] == 1
    assert len(client.get("/api/board", {"page_size": "100000"}).json()["results"]) == 3


# -------------------------------------------------------------------------------------- query counts


def test_query_counts_do_not_grow_with_the_board(client, world, board, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        assert (
            client.get(
                "/board/", {"township": world.street.code, "village": world.community.code}
            ).status_code
            == 200
        )
    with django_assert_max_num_queries(4):
        assert client.get("/api/board", {"category": str(world.environment.pk)}).status_code == 200
