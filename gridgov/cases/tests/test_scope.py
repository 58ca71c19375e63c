"""Outsiders learn nothing about a case: every endpoint answers them exactly as it answers a missing id.

The case sits in grid A, was submitted by the resident and is dispatched to the water department. The
outsiders are the worker of grid B, another resident and the housing department's handler.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gridgov.cases import actions
from gridgov.cases.models import Case, Channel, TimelineEntry
from gridgov.cases.tests import case_flow

MISSING_ID = 987654

OUTSIDERS = ["worker_b", "other_resident", "housing_handler"]


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _endpoints(world, other_case_id: int) -> list[tuple[str, str, dict | None]]:
    """(method, path template, body): every read and write that takes a case id. Bodies are valid."""
    return [
        ("get", "/api/cases/{id}", None),
        ("get", "/api/cases/{id}/timeline", None),
        ("get", "/api/cases/{id}/suggestion", None),
        (
            "post",
            "/api/cases/{id}/dispatch",
            {"item_id": world.item_litter.pk, "worker_id": world.worker_b.pk},
        ),
        ("post", "/api/cases/{id}/accept", {}),
        ("post", "/api/cases/{id}/return", {"reason": "不属于我们"}),
        ("post", "/api/cases/{id}/progress", {"note": "已到现场查看"}),
        ("multipart", "/api/cases/{id}/progress/multipart", {"note": "已到现场查看"}),
        ("post", "/api/cases/{id}/resolve", {"result": "已经处理好了"}),
        ("multipart", "/api/cases/{id}/resolve/multipart", {"result": "已经处理好了"}),
        ("post", "/api/cases/{id}/rate", {"score": "satisfied"}),
        ("post", "/api/cases/{id}/cancel", {"reason": "不需要了"}),
        ("post", "/api/cases/{id}/merge", {"into_id": other_case_id}),
        ("post", "/api/cases/{id}/close", {}),
    ]


def _call(client: Client, method: str, path: str, body: dict | None):
    if method == "get":
        return client.get(path)
    if method == "multipart":
        return client.post(path, body)
    return client.post(path, json.dumps(body), content_type="application/json")


def _state() -> list:
    return [list(Case.objects.order_by("id").values()), TimelineEntry.objects.count()]


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_an_outsider_gets_the_missing_case_answer_everywhere(world, token_for, outsider):
    # given a department case in grid A, and a case in grid B by the other resident (the merge target)
    case = case_flow.dispatched(world, to_department=True)
    own, _ = actions.case_submit(
        actor=world.other_resident,
        channel=Channel.WEB,
        description="另一条诉求，网格B或提交人可见",
        contact_phone="13999998888",
        lon=108.315,
        lat=22.805,
    )
    client = Client(headers={"X-Api-Token": token_for(getattr(world, outsider))})
    before = _state()

    for method, template, body in _endpoints(world, own.pk):
        # when the outsider calls it on the case, and on an id that does not exist
        hidden = _call(client, method, template.format(id=case.pk), body)
        missing = _call(client, method, template.format(id=MISSING_ID), body)
        # then both answers are the same 404, byte for byte
        assert hidden.status_code == missing.status_code == 404, (template, hidden.content)
        assert hidden.content == missing.content, template
        assert hidden.json() == {"code": "case_not_found", "message": "工单不存在", "fields": {}}

    assert _state() == before
    assert case.pk not in [c["id"] for c in client.get("/api/cases").json()["items"]]
    assert case.pk not in [c["id"] for c in client.get("/api/inbox").json()["items"]]


def test_merging_into_an_unknown_case_is_a_bad_request(world, token_for):
    case = case_flow.submitted(world)
    client = Client(headers={"X-Api-Token": token_for(world.dispatcher)})
    unknown = client.post(
        f"/api/cases/{case.pk}/merge", json.dumps({"into_id": MISSING_ID}), content_type="application/json"
    )
    itself = client.post(
        f"/api/cases/{case.pk}/merge", json.dumps({"into_id": case.pk}), content_type="application/json"
    )
    assert (unknown.status_code, unknown.json()["code"]) == (400, "invalid_merge_target")
    assert (itself.status_code, itself.json()["code"]) == (400, "merge_into_self")
    assert Case.objects.get(pk=case.pk).status == "submitted"


def test_the_grid_worker_of_the_grid_sees_but_may_not_act_for_the_department(world, token_for):
    # The worker of grid A sees the case (it is in their grid) but the department owns it: 403, not 404.
    case = case_flow.dispatched(world, to_department=True)
    client = Client(headers={"X-Api-Token": token_for(world.worker_a)})
    assert client.get(f"/api/cases/{case.pk}").status_code == 200
    response = client.post(f"/api/cases/{case.pk}/accept")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
