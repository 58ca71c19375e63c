"""The case loop through the JSON API, as the resident, the centre and the handlers use it."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from conftest import POINT_A
from gridgov.cases.models import Case, CaseStatus, TimelineEntry
from gridgov.people.actions import token_revoke
from gridgov.people.models import ApiToken


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' PBKDF2 hashes cost seconds per test; nothing here tests password strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Pinned so a missing select_related shows up as a failure, not as a slow page in production.
QUERIES_DETAIL = 8
QUERIES_LIST = 4


class Api:
    """A caller of /api: logged in by session (residents' browsers) or by token (apps, integrations)."""

    def __init__(self, user=None, *, token: str | None = None):
        self.client = Client(headers={"Authorization": f"Bearer {token}"} if token else {})
        if user is not None and token is None:
            self.client.force_login(user)

    def get(self, path: str, **params):
        return self.client.get(f"/api{path}", params)

    def post(self, path: str, body: dict | None = None, **headers):
        return self.client.post(
            f"/api{path}", json.dumps(body or {}), content_type="application/json", headers=headers
        )

    def multipart(self, path: str, data: dict):
        return self.client.post(f"/api{path}", data)


@pytest.fixture
def api(world, token_for):
    """api(user) → an Api for that persona; residents use a session, staff a token."""

    def make(user):
        if user in (world.resident, world.other_resident):
            return Api(user)
        return Api(token=token_for(user))

    return make


def submit(api_client, **body) -> dict:
    body = {
        "description": "小区门口路灯坏了三天，晚上很黑",
        "contact_phone": "13812341234",
        "lon": POINT_A[0],
        "lat": POINT_A[1],
        **body,
    }
    response = api_client.post("/cases", body)
    assert response.status_code == 201, response.content
    return response.json()


def events(case: dict) -> list[str]:
    return [e["event"] for e in case["timeline"]]


def test_full_loop_resident_to_grid_worker_and_back(world, api, photo):
    resident, dispatcher, worker = api(world.resident), api(world.dispatcher), api(world.worker_a)

    # 点单
    case = submit(resident, title="路灯不亮")
    assert case["status"] == CaseStatus.SUBMITTED and case["grid"]["id"] == world.grid_a.pk
    assert case["contact_phone"] == "13812341234" and case["tracking_no"].startswith("GG")
    case_id = case["id"]

    # 派单: the centre sees it in its queue and the suggestion points at grid A's worker.
    queue = dispatcher.get("/dispatch/queue").json()
    assert [c["id"] for c in queue["items"]] == [case_id]
    suggestion = dispatcher.get(f"/cases/{case_id}/suggestion").json()
    assert suggestion["assignee"] == {
        "kind": "worker",
        "worker": {"id": world.worker_a.pk, "name": "王网格"},
        "department": None,
    }
    response = dispatcher.post(
        f"/cases/{case_id}/dispatch",
        {"item_id": world.item_lamp.pk, "worker_id": world.worker_a.pk, "note": "请尽快处理"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == CaseStatus.DISPATCHED and response.json()["deadline_at"]

    # 接单, progress with a photo, 办结 with evidence.
    assert [c["id"] for c in worker.get("/inbox").json()["items"]] == [case_id]
    assert worker.get(f"/cases/{case_id}").json()["allowed_actions"] == ["accept", "return"]
    assert worker.post(f"/cases/{case_id}/accept").json()["status"] == CaseStatus.ACCEPTED
    response = worker.multipart(
        f"/cases/{case_id}/progress/multipart", {"note": "已联系供电所", "files": [photo("p1.png")]}
    )
    assert response.status_code == 200, response.content
    refused = worker.post(f"/cases/{case_id}/resolve", {"result": "已更换灯泡"})
    assert refused.status_code == 400 and refused.json()["code"] == "evidence_required"
    response = worker.multipart(
        f"/cases/{case_id}/resolve/multipart",
        {"result": "已更换灯泡，恢复照明", "files": [photo("done.png")]},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == CaseStatus.RESOLVED

    # 评单
    response = resident.post(f"/cases/{case_id}/rate", {"score": "satisfied", "comment": "很快"})
    assert response.status_code == 200, response.content
    case = resident.get(f"/cases/{case_id}").json()
    assert case["status"] == CaseStatus.CLOSED and case["closed_at"]
    assert events(case) == ["submit", "dispatch", "accept", "progress", "resolve", "rate"]
    assert [e["to_status"] for e in case["timeline"]] == [
        "submitted",
        "dispatched",
        "accepted",
        "accepted",
        "resolved",
        "closed",
    ]
    assert case["timeline"][1]["note"] == "请尽快处理"
    assert [a["kind"] for a in case["attachments"]] == ["progress", "evidence"]
    assert all(a["url"].startswith(f"/cases/{case_id}/photos/") for a in case["attachments"])
    assert case["timeline"][4]["attachments"][0]["kind"] == "evidence"
    assert [(r["score"], r["comment"]) for r in case["ratings"]] == [("satisfied", "很快")]
    assert resident.get(f"/cases/{case_id}/timeline").json() == case["timeline"]

    # 晒单-style public tracking: status and result, never the phone, the address or a private name.
    public = Client().get("/api/track", {"tracking_no": case["tracking_no"], "phone_last4": "1234"})
    assert public.status_code == 200
    body = public.json()
    assert body["status"] == CaseStatus.CLOSED and body["result"] == "已更换灯泡，恢复照明"
    assert [e["event"] for e in body["timeline"]] == events(case)
    text = public.content.decode()
    for secret in ("13812341234", "张三", "王网格", "陈派单", "请尽快处理"):
        assert secret not in text
    assert body["contact_name"] == "张*"


def test_department_path(world, api):
    resident, dispatcher, water = api(world.resident), api(world.dispatcher), api(world.water_handler)
    case_id = submit(resident, description="楼下供水管道破裂，水流满地")["id"]
    response = dispatcher.post(
        f"/cases/{case_id}/dispatch", {"item_id": world.item_pipe.pk, "department_id": world.water.pk}
    )
    assert response.status_code == 200, response.content
    assert response.json()["department"] == {"id": world.water.pk, "name": "县水务局"}
    assert [c["id"] for c in water.get("/inbox").json()["items"]] == [case_id]

    accepted = water.post(f"/cases/{case_id}/accept").json()
    assert accepted["handler"] == {"id": world.water_handler.pk, "name": "孙水务"}
    assert accepted["contact_phone"] == "13812341234"  # the handler calls the resident
    assert water.post(f"/cases/{case_id}/resolve", {"result": "已更换破裂管段"}).status_code == 200
    closed = resident.post(f"/cases/{case_id}/rate", {"score": "basic"}).json()
    assert closed["status"] == CaseStatus.CLOSED
    assert events(closed) == ["submit", "dispatch", "accept", "resolve", "rate"]


def test_unsatisfied_rating_sends_the_case_back_for_rework(world, api):
    resident, dispatcher, worker = api(world.resident), api(world.dispatcher), api(world.worker_a)
    case_id = submit(resident)["id"]
    dispatcher.post(
        f"/cases/{case_id}/dispatch", {"item_id": world.item_litter.pk, "worker_id": world.worker_a.pk}
    )
    worker.post(f"/cases/{case_id}/accept")
    worker.post(f"/cases/{case_id}/resolve", {"result": "已清理"})

    rework = resident.post(f"/cases/{case_id}/rate", {"score": "unsatisfied", "comment": "垃圾还在"}).json()
    assert rework["status"] == CaseStatus.REWORK and rework["rework_count"] == 1
    assert rework["timeline"][-1]["event"] == "rework" and rework["timeline"][-1]["note"] == "垃圾还在"

    worker.post(f"/cases/{case_id}/accept")
    worker.post(f"/cases/{case_id}/resolve", {"result": "已彻底清理并消毒"})
    closed = resident.post(f"/cases/{case_id}/rate", {"score": "satisfied"}).json()
    assert closed["status"] == CaseStatus.CLOSED and closed["rework_count"] == 1
    assert [(r["round"], r["score"]) for r in closed["ratings"]] == [(0, "unsatisfied"), (1, "satisfied")]


def test_unsatisfied_without_a_comment_is_refused(world, api):
    resident, dispatcher, worker = api(world.resident), api(world.dispatcher), api(world.worker_a)
    case_id = submit(resident)["id"]
    dispatcher.post(
        f"/cases/{case_id}/dispatch", {"item_id": world.item_litter.pk, "worker_id": world.worker_a.pk}
    )
    worker.post(f"/cases/{case_id}/accept")
    worker.post(f"/cases/{case_id}/resolve", {"result": "已清理"})
    response = resident.post(f"/cases/{case_id}/rate", {"score": "unsatisfied"})
    assert response.status_code == 400 and response.json()["code"] == "missing_field"


def test_return_then_redispatch(world, api):
    resident, dispatcher, worker = api(world.resident), api(world.dispatcher), api(world.worker_a)
    case_id = submit(resident)["id"]
    dispatcher.post(
        f"/cases/{case_id}/dispatch", {"item_id": world.item_litter.pk, "worker_id": world.worker_a.pk}
    )
    returned = worker.post(f"/cases/{case_id}/return", {"reason": "属于供水问题，应派水务局"}).json()
    assert returned["status"] == CaseStatus.RETURNED and returned["return_count"] == 1
    assert [c["id"] for c in dispatcher.get("/dispatch/queue").json()["items"]] == [case_id]
    response = dispatcher.post(
        f"/cases/{case_id}/dispatch", {"item_id": world.item_pipe.pk, "department_id": world.water.pk}
    )
    assert response.json()["status"] == CaseStatus.DISPATCHED


def test_merge_lets_the_duplicates_resident_follow_the_original(world, api):
    resident, neighbour, dispatcher = api(world.resident), api(world.other_resident), api(world.dispatcher)
    original_id = submit(resident)["id"]
    duplicate_id = submit(neighbour, description="门口路灯不亮好几天了", contact_phone="13999998888")["id"]
    assert neighbour.get(f"/cases/{original_id}").status_code == 404

    response = dispatcher.post(f"/cases/{duplicate_id}/merge", {"into_id": original_id})
    assert response.status_code == 200, response.content
    merged = response.json()
    assert merged["status"] == CaseStatus.MERGED and merged["merged_into"]["id"] == original_id

    original = neighbour.get(f"/cases/{original_id}")
    assert original.status_code == 200
    assert original.json()["timeline"][-1]["event"] == "merged_in"
    assert original.json()["contact_phone"] == "138****1234"  # someone else's number stays masked
    assert original_id in [c["id"] for c in neighbour.get("/cases").json()["items"]]


def test_cancel_before_accept_but_not_after(world, api):
    resident, dispatcher, worker = api(world.resident), api(world.dispatcher), api(world.worker_a)
    first = submit(resident)["id"]
    dispatcher.post(
        f"/cases/{first}/dispatch", {"item_id": world.item_litter.pk, "worker_id": world.worker_a.pk}
    )
    cancelled = resident.post(f"/cases/{first}/cancel", {"reason": "已自行解决"}).json()
    assert cancelled["status"] == CaseStatus.CANCELLED and cancelled["timeline"][-1]["note"] == "已自行解决"
    late = worker.post(f"/cases/{first}/accept")
    assert late.status_code == 409 and late.json()["code"] == "invalid_transition"

    second = submit(resident, description="垃圾堆在楼道里没人清理")["id"]
    dispatcher.post(
        f"/cases/{second}/dispatch", {"item_id": world.item_litter.pk, "worker_id": world.worker_a.pk}
    )
    worker.post(f"/cases/{second}/accept")
    refused = resident.post(f"/cases/{second}/cancel", {})
    assert refused.status_code == 409 and "办理中" in refused.json()["message"]


def test_close_by_the_centre_after_the_rating_period(world, api):
    resident, dispatcher, worker = api(world.resident), api(world.dispatcher), api(world.worker_a)
    case_id = submit(resident)["id"]
    dispatcher.post(
        f"/cases/{case_id}/dispatch", {"item_id": world.item_litter.pk, "worker_id": world.worker_a.pk}
    )
    worker.post(f"/cases/{case_id}/accept")
    worker.post(f"/cases/{case_id}/resolve", {"result": "已清理"})
    assert worker.post(f"/cases/{case_id}/close", {}).status_code == 403
    closed = dispatcher.post(f"/cases/{case_id}/close", {}).json()
    assert closed["status"] == CaseStatus.CLOSED and closed["ratings"] == []


def test_idempotency_key_header_replays_the_same_case(world, api):
    resident = api(world.resident)
    body = {"description": "小区门口路灯坏了三天", "contact_phone": "13812341234", "address": "幸福路 1 号"}
    first = resident.post("/cases", body, **{"Idempotency-Key": "app-1-42"})
    again = resident.post("/cases", body, **{"Idempotency-Key": "app-1-42"})
    in_body = resident.post("/cases", {**body, "idempotency_key": "app-1-42"})
    assert (first.status_code, again.status_code, in_body.status_code) == (201, 200, 200)
    assert first.json()["id"] == again.json()["id"] == in_body.json()["id"]
    assert Case.objects.count() == 1 and TimelineEntry.objects.count() == 1


def test_multipart_submit_with_photos(world, api, photo):
    response = api(world.resident).multipart(
        "/cases/multipart",
        {
            "description": "路边垃圾堆放很久了",
            "contact_phone": "13812341234",
            "lon": POINT_A[0],
            "lat": POINT_A[1],
            "files": [photo("a.png"), photo("b.png")],
        },
    )
    assert response.status_code == 201, response.content
    case = response.json()
    assert [a["kind"] for a in case["attachments"]] == ["report", "report"]
    assert case["timeline"][0]["attachments"][0]["content_type"] == "image/png"


def test_channels_phone_entry_and_patrol(world, api):
    by_phone = api(world.dispatcher).post(
        "/cases",
        {
            "channel": "phone",
            "description": "来电反映供水管道破裂",
            "contact_phone": "0771-5551234",
            "contact_name": "刘先生",
            "address": "幸福路 8 号",
        },
    )
    assert by_phone.status_code == 201 and by_phone.json()["channel"] == "phone"
    patrol = api(world.worker_a).post(
        "/cases", {"channel": "patrol", "description": "巡查发现井盖缺失", "contact_phone": "13800000000"}
    )
    assert patrol.status_code == 201 and patrol.json()["grid"]["id"] == world.grid_a.pk
    refused = api(world.resident).post(
        "/cases",
        {"channel": "phone", "description": "代录测试内容", "contact_phone": "13812341234", "address": "x"},
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_contact_phone_is_masked_for_leaders(world, api):
    case_id = submit(api(world.resident))["id"]
    api(world.dispatcher).post(
        f"/cases/{case_id}/dispatch", {"item_id": world.item_litter.pk, "worker_id": world.worker_a.pk}
    )
    seen = {
        name: api(getattr(world, name)).get(f"/cases/{case_id}").json()
        for name in ("resident", "dispatcher", "worker_a", "leader")
    }
    assert {name: body["contact_phone"] for name, body in seen.items()} == {
        "resident": "13812341234",
        "dispatcher": "13812341234",
        "worker_a": "13812341234",
        "leader": "138****1234",
    }
    assert seen["leader"]["contact_masked"] and seen["leader"]["contact_name"] == "张*"
    assert seen["leader"]["timeline"][0]["actor"] == "居民"
    assert seen["leader"]["allowed_actions"] == []


def test_lists_filter_and_paginate(world, api):
    resident, dispatcher = api(world.resident), api(world.dispatcher)
    ids = [submit(resident, description=f"第 {n} 条路灯诉求内容")["id"] for n in range(3)]
    dispatcher.post(
        f"/cases/{ids[0]}/dispatch", {"item_id": world.item_litter.pk, "worker_id": world.worker_a.pk}
    )
    page = resident.get("/cases", page_size=2).json()
    assert page["count"] == 3 and len(page["items"]) == 2 and page["items"][0]["id"] == ids[2]
    assert [c["id"] for c in resident.get("/cases", status="dispatched").json()["items"]] == [ids[0]]
    assert resident.get("/cases", category=world.environment.pk).json()["count"] == 1
    assert dispatcher.get("/cases", grid=world.grid_b.pk).json()["count"] == 0
    assert dispatcher.get("/dispatch/queue", grid=world.grid_a.pk).json()["count"] == 2
    assert api(world.worker_b).get("/cases").json()["count"] == 0
    bad = resident.get("/cases", status="nonsense")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_status"
    assert resident.get("/dispatch/queue").status_code == 403


def test_catalog_and_me(world, api):
    catalog = api(world.resident).get("/catalog").json()
    assert [c["name"] for c in catalog] == ["城乡建设", "环境保护"]
    assert catalog[0]["items"][1]["department"] == {"id": world.water.pk, "name": "县水务局"}
    me = api(world.worker_a).get("/me").json()
    assert me["username"] == "worker_a"
    assert [(r["role"], r["region"]["id"]) for r in me["roles"]] == [("grid_worker", world.grid_a.pk)]


def test_reads_run_a_fixed_number_of_queries(world, api, photo, django_assert_max_num_queries):
    resident, dispatcher = api(world.resident), api(world.dispatcher)
    ids = [submit(resident, description=f"第 {n} 条路灯诉求内容")["id"] for n in range(3)]
    resident.multipart(
        "/cases/multipart",
        {
            **{"description": "带照片的诉求内容", "contact_phone": "13812341234", "address": "幸福路 1 号"},
            "files": [photo(), photo("b.png")],
        },
    )
    for case_id in ids:
        dispatcher.post(
            f"/cases/{case_id}/dispatch", {"item_id": world.item_litter.pk, "worker_id": world.worker_a.pk}
        )
    dispatcher.get("/me")  # warm per-process caches (calendar, grid index) outside the count
    with django_assert_max_num_queries(QUERIES_DETAIL):
        assert dispatcher.get(f"/cases/{ids[0]}").status_code == 200
    with django_assert_max_num_queries(QUERIES_LIST):
        assert dispatcher.get("/cases").json()["count"] == 4
    with django_assert_max_num_queries(QUERIES_LIST):
        assert dispatcher.get("/dispatch/queue").json()["count"] == 1


def test_token_auth_and_its_refusals(world, token_for):
    token = token_for(world.water_handler)
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/me").json()["username"] == "water"
    assert Client(headers={"X-Api-Token": token}).get("/api/me").status_code == 200

    garbage = Client(headers={"Authorization": "Bearer ggt_not-a-token"}).get("/api/me")
    anonymous = Client().get("/api/cases")
    assert garbage.status_code == anonymous.status_code == 401
    assert garbage.json()["code"] == "not_authenticated" and garbage.json()["message"]

    token_revoke(actor=world.admin, token=ApiToken.objects.get(user=world.water_handler))
    assert Client(headers={"Authorization": f"Bearer {token}"}).get("/api/me").status_code == 401
    assert (
        Client(headers={"X-Api-Token": token})
        .post("/api/cases", "{}", content_type="application/json")
        .status_code
        == 401
    )


def test_openapi_lists_every_case_endpoint(db):
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/cases",
        "/api/cases/multipart",
        "/api/cases/{case_id}",
        "/api/cases/{case_id}/timeline",
        "/api/cases/{case_id}/suggestion",
        "/api/dispatch/queue",
        "/api/inbox",
        "/api/track",
        "/api/catalog",
        "/api/me",
        *(
            f"/api/cases/{{case_id}}/{step}"
            for step in (
                "dispatch",
                "accept",
                "return",
                "progress",
                "progress/multipart",
                "resolve",
                "resolve/multipart",
                "rate",
                "cancel",
                "merge",
                "close",
            )
        ),
    ):
        assert path in paths, path
    assert "multipart/form-data" in paths["/api/cases/multipart"]["post"]["requestBody"]["content"]
    assert Client().get("/api/docs").status_code == 200
