"""Inputs that used to answer 500 (found by fuzzing the API with schemathesis and by hand, on SQLite and
PostgreSQL) now answer 4xx with a stable code, and nothing is written.

- NUL (U+0000) in any text: PostgreSQL refuses it in text columns (DataError). Refused centrally with
  400 `invalid_text`: the API's parser (JSON bodies, query strings, form fields) and, for pages,
  `core.middleware.RejectBadTextMiddleware`; `core.fields.clean_text` refuses it too for CLI and imports.
- A lone surrogate (`"\\ud800"` in JSON) cannot be encoded as UTF-8 by either database: same rule.
- Integers past 64 bits in a filter or a page number (OFFSET): bounded in the query schema.
- A multipart body without a boundary: Django's 400 for malformed requests, also inside Ninja.
- "²" passes `str.isdigit()` but not `int()`: ids in query strings and forms are checked with isdecimal.
- A 督办 deadline in year 9999 with a negative UTC offset cannot be stored: deadlines stop at 5 years.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gridgov.cases.models import Case
from gridgov.cases.tests import case_flow
from gridgov.cases.tests.test_bad_input import VALID, nothing_written, refused
from gridgov.notify.models import Notification
from gridgov.supervision.models import SupervisionOrder, Whistle

JSON = "application/json"
NUL = "\x00"
BIG = 2**63


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post_json(client: Client, path: str, body, **headers):
    return client.post(path, json.dumps(body), content_type=JSON, **headers)


def counts() -> tuple[int, int, int]:
    return SupervisionOrder.objects.count(), Whistle.objects.count(), Notification.objects.count()


# ---- NUL and lone surrogates ----


def _text_posts(world):
    """(user, path, body) for every write that takes free text, each with a NUL in one text field."""
    submitted = case_flow.submitted(world)
    dispatched = case_flow.dispatched(world, description="路口井盖松动，车辆经过有响声")
    accepted = case_flow.accepted(world, description="小区垃圾桶满了没人清运")
    resolved = case_flow.resolved(world, description="楼道的灯不亮了，晚上很黑")
    w = world
    return [
        (w.resident, "/api/cases", {**VALID, "description": f"路灯坏了{NUL}三天，晚上很黑"}),
        (w.resident, "/api/cases", {**VALID, "address": f"幸福{NUL}社区"}),
        (w.resident, "/api/cases", {**VALID, "idempotency_key": f"k{NUL}k"}),
        (w.dispatcher, f"/api/cases/{submitted.pk}/dispatch", {"department_id": w.water.pk, "note": NUL}),
        (w.dispatcher, f"/api/cases/{submitted.pk}/cancel", {"reason": f"重复{NUL}"}),
        (w.worker_a, f"/api/cases/{dispatched.pk}/return", {"reason": f"不归{NUL}我们"}),
        (w.worker_a, f"/api/cases/{accepted.pk}/progress", {"note": f"进展{NUL}"}),
        (w.worker_a, f"/api/cases/{accepted.pk}/resolve", {"result": f"已{NUL}办好"}),
        (w.resident, f"/api/cases/{resolved.pk}/rate", {"score": "unsatisfied", "comment": NUL}),
        (w.dispatcher, f"/api/cases/{accepted.pk}/postpone", {"reason": f"等待{NUL}"}),
        (w.worker_a, f"/api/cases/{accepted.pk}/extension", {"amount": 1, "reason": f"需要{NUL}时间"}),
        (
            w.leader,
            f"/api/cases/{accepted.pk}/supervise",
            {"instructions": f"尽{NUL}快", "due_at": "2099-01-01"},
        ),
        (w.leader, f"/api/cases/{accepted.pk}/own", {"note": NUL}),
        (
            w.worker_a,
            f"/api/cases/{accepted.pk}/whistle",
            {"lead_department_id": w.water.pk, "note": f"快{NUL}来"},
        ),
        # A NUL in a key or deep inside a list is refused too.
        (w.worker_a, f"/api/cases/{accepted.pk}/progress", {"note": "进展", f"x{NUL}": 1}),
        (
            w.worker_a,
            f"/api/cases/{accepted.pk}/whistle",
            {"lead_department_id": 1, "assist_department_ids": [NUL]},
        ),
    ]


def test_nul_in_any_json_text_is_refused_and_nothing_written(world):
    posts = _text_posts(world)
    before = counts()
    for user, path, body in posts:
        with nothing_written():
            body = refused(post_json(client_for(user), path, body), 400, "invalid_text")
        assert list(body["fields"].values()) == ["invalid_text"], (path, body)
    assert counts() == before


def test_lone_surrogate_in_json_is_refused(world):
    raw = '{"description": "\\ud800 路灯坏了三天，晚上很黑", "contact_phone": "13812341234", "address": "幸福社区"}'
    with nothing_written():
        body = refused(
            client_for(world.resident).post("/api/cases", raw, content_type=JSON), 400, "invalid_text"
        )
    assert body["fields"] == {"description": "invalid_text"}


@pytest.mark.parametrize(
    "user, path",
    [
        ("dispatcher", f"/api/dispatch/queue?q={NUL}"),
        ("dispatcher", f"/api/dispatch/queue?channel={NUL}"),
        ("dispatcher", f"/api/cases?status=x{NUL}"),
        ("leader", f"/api/kpi?region={NUL}"),
        (None, f"/api/board?township={NUL}"),
        (None, f"/api/track?tracking_no={NUL}&phone_last4=1234"),
    ],
)
def test_nul_in_a_query_string_is_refused(world, user, path):
    client = client_for(getattr(world, user)) if user else Client()
    refused(client.get(path), 400, "invalid_text")


def test_nul_in_a_multipart_field_is_refused_and_nothing_written(world):
    with nothing_written():
        refused(
            client_for(world.resident).post(
                "/api/cases/multipart", {**VALID, "description": f"路灯坏了{NUL}三天，晚上很黑"}
            ),
            400,
            "invalid_text",
        )


def test_nul_in_the_idempotency_key_header_is_refused(world):
    with nothing_written():
        response = post_json(client_for(world.resident), "/api/cases", VALID, HTTP_IDEMPOTENCY_KEY=f"a{NUL}b")
        refused(response, 400, "invalid_idempotency_key")


def test_the_actions_refuse_nul_for_callers_other_than_http(world):
    from gridgov.cases import actions
    from gridgov.core.errors import InvalidInput

    with nothing_written(), pytest.raises(InvalidInput) as caught:
        actions.case_submit(
            actor=world.resident, channel="web", description=f"路灯坏了{NUL}三天", contact_phone="13812341234"
        )
    assert caught.value.code == "invalid_text"


# ---- pages ----


@pytest.mark.parametrize(
    "user, path",
    [
        (None, f"/board/?township={NUL}"),
        ("leader", f"/kpi/?region={NUL}"),
        ("leader", f"/kpi/export.xlsx?start={NUL}"),
        ("dispatcher", f"/console/?q={NUL}"),
    ],
)
def test_nul_in_a_page_query_string_is_a_400(world, user, path):
    client = client_for(getattr(world, user)) if user else Client()
    response = client.get(path)
    assert response.status_code == 400
    assert "不允许的字符" in response.content.decode()


def test_nul_in_a_page_form_is_a_400_and_nothing_written(world):
    accepted = case_flow.accepted(world)
    leader = client_for(world.leader)
    before = counts()
    with nothing_written():
        for action, form in [
            ("own", {"note": NUL}),
            ("supervise", {"instructions": f"尽{NUL}快", "due_at": "2099-01-01T00:00"}),
        ]:
            assert leader.post(f"/supervision/cases/{accepted.pk}/{action}/", form).status_code == 400
        resident = client_for(world.resident)
        assert resident.post("/report/", {**VALID, "description": f"路灯坏了{NUL}三天"}).status_code == 400
    assert counts() == before


# ---- numbers ----


@pytest.mark.parametrize(
    "path",
    [
        f"/api/cases?category={BIG}",
        f"/api/dispatch/queue?category={BIG}",
        f"/api/cases?page={BIG}",
        f"/api/cases?page={2**62}&page_size=100",
        f"/api/dispatch/queue?page={BIG}",
        f"/api/inbox?page={2**62}",
    ],
)
def test_integers_past_64_bits_in_list_filters_are_400(world, path):
    case_flow.accepted(world)
    refused(client_for(world.dispatcher).get(path), 400, "invalid_input")


def test_pagination_beyond_the_end_is_an_empty_page(world):
    case_flow.submitted(world)
    client = client_for(world.dispatcher)
    page = client.get("/api/cases?page=1000000").json()
    assert page["count"] == 1 and page["items"] == []
    assert client.get(f"/api/notifications?offset={BIG}").json()["items"] == []


@pytest.mark.parametrize("category", ["²", "9" * 5000])
def test_board_category_that_is_a_digit_but_not_a_number_is_400(db, category):
    refused(Client().get("/api/board", {"category": category}), 400, "invalid_category")
    assert Client().get("/board/", {"category": category}).status_code == 400


def test_supervision_page_department_that_is_a_digit_but_not_a_number_is_400(world):
    accepted = case_flow.accepted(world)
    before = counts()
    with nothing_written():
        response = client_for(world.worker_a).post(
            f"/supervision/cases/{accepted.pk}/whistle/", {"lead_department_id": "²", "note": "需要协同处置"}
        )
    assert response.status_code == 400
    assert counts() == before


def test_malformed_multipart_is_400(world):
    client = client_for(world.resident)
    with nothing_written():
        response = client.generic(
            "POST", "/api/cases/multipart", b"garbage", content_type="multipart/form-data"
        )
        refused(response, 400, "invalid_input")


@pytest.mark.parametrize(
    "due_at", ["9999-12-31T23:59:59-12:00", "9999-12-31T23:59:59", "2200-01-01T00:00:00+08:00"]
)
def test_supervision_deadline_years_away_is_refused(world, due_at):
    accepted = case_flow.accepted(world)
    before = counts()
    with nothing_written():
        response = post_json(
            client_for(world.leader),
            f"/api/cases/{accepted.pk}/supervise",
            {"instructions": "尽快办理", "due_at": due_at},
        )
        refused(response, 400, "invalid_deadline")
    assert counts() == before


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_extension_amount_is_refused(world, amount):
    accepted = case_flow.accepted(world)
    raw = '{"amount": ' + amount + ', "reason": "需要协调"}'
    with nothing_written():
        response = client_for(world.worker_a).post(
            f"/api/cases/{accepted.pk}/extension", raw, content_type=JSON
        )
        refused(response, 400, "invalid_amount")


@pytest.mark.parametrize("lon, lat", [("NaN", "NaN"), ("Infinity", "1"), ("1e400", "22.8")])
def test_non_finite_coordinates_are_refused(world, lon, lat):
    raw = json.dumps({k: v for k, v in VALID.items() if k not in ("lon", "lat")})[:-1]
    raw += f', "lon": {lon}, "lat": {lat}}}'
    with nothing_written():
        response = client_for(world.resident).post("/api/cases", raw, content_type=JSON)
        refused(response, 400, "invalid_location")
    assert not Case.objects.exists()
