"""Bad requests are refused with a Chinese message and a stable code, and nothing is written: no case, no
timeline entry, no attachment, no rating, no file left in MEDIA_ROOT."""

from __future__ import annotations

import contextlib
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from conftest import POINT_A, POINT_OUTSIDE
from gridgov.cases import actions
from gridgov.cases.models import Attachment, Case, CaseStatus, Rating, RatingScore, TimelineEntry
from gridgov.cases.tests import case_flow

CHINESE = re.compile(r"[\u4e00-\u9fff]")
VALID = {
    "description": "小区门口路灯坏了三天，晚上很黑",
    "contact_phone": "13812341234",
    "lon": POINT_A[0],
    "lat": POINT_A[1],
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _files_in_media() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _snapshot() -> tuple:
    return (
        list(Case.objects.order_by("id").values()),
        TimelineEntry.objects.count(),
        Attachment.objects.count(),
        Rating.objects.count(),
        _files_in_media(),
    )


@contextlib.contextmanager
def nothing_written():
    before = _snapshot()
    yield
    assert _snapshot() == before


def refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert CHINESE.search(body["message"]), body
    return body


@pytest.fixture
def resident(world):
    client = Client()
    client.force_login(world.resident)
    return client


def post_json(client: Client, path: str, body: dict):
    return client.post(path, json.dumps(body), content_type="application/json")


def not_an_image(name: str = "evil.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"MZ\x90\x00 this is an executable, not a photo" * 20, content_type="image/jpeg"
    )


@pytest.mark.parametrize(
    ("change", "code", "words"),
    [
        ({"description": None}, "missing_field", "问题描述"),
        ({"contact_phone": None}, "missing_field", "联系电话"),
        ({"contact_phone": "12345"}, "invalid_phone", "联系电话"),
        ({"contact_phone": "138-1234-567a"}, "invalid_phone", "联系电话"),
        ({"description": "路灯" * 5000}, "too_long", "10000"),
        ({"description": "坏了"}, "too_short", "问题描述"),
        ({"lon": POINT_OUTSIDE[0], "lat": POINT_OUTSIDE[1]}, "location_outside_county", "网格范围"),
        ({"lat": None}, "invalid_location", "经度和纬度"),
        ({"lon": 500.0}, "invalid_location", "经纬度"),
        ({"lon": None, "lat": None}, "missing_location", "地址"),
        ({"channel": "fax"}, "invalid_channel", "渠道"),
        ({"item_id": 987654}, "invalid_item", "事项"),
        ({"category_id": 987654}, "invalid_category", "类别"),
        ({"idempotency_key": "k" * 81}, "invalid_idempotency_key", "80"),
    ],
)
def test_submit_refuses_bad_fields(world, resident, change, code, words):
    body = {k: v for k, v in {**VALID, **change}.items() if v is not None}
    with nothing_written():
        message = refused(post_json(resident, "/api/cases", body), 400, code)["message"]
    assert words in message


def test_a_value_of_the_wrong_type_is_a_bad_request(world, resident):
    with nothing_written():
        body = refused(post_json(resident, "/api/cases", {**VALID, "lon": "东经108度"}), 400, "invalid_input")
    assert body["errors"][0]["loc"][-1] == "lon"


def test_malformed_json(world, resident):
    with nothing_written():
        body = refused(
            resident.post("/api/cases", '{"description": "路灯坏了", ', content_type="application/json"),
            400,
            "invalid_input",
        )
    assert "JSON" in body["message"]


def test_multipart_submit_refuses_bad_photos(world, resident, photo):
    oversize = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024), content_type="image/jpeg"
    )
    cases = [
        ([photo("ok.png"), oversize], "photo_too_large", "5MB"),
        ([photo("ok.png"), not_an_image("holiday.jpg")], "photo_not_image", "holiday.jpg"),
        ([photo(f"p{n}.png") for n in range(7)], "too_many_photos", "6"),
        ([SimpleUploadedFile("empty.png", b"", content_type="image/png")], "photo_not_image", "empty.png"),
    ]
    for files, code, words in cases:
        with nothing_written():
            body = refused(resident.post("/api/cases/multipart", {**VALID, "files": files}), 400, code)
        assert words in body["message"]


def test_bad_photo_on_resolve_writes_nothing(world, token_for, photo):
    case = case_flow.accepted(world)
    client = Client(headers={"X-Api-Token": token_for(world.worker_a)})
    with nothing_written():
        refused(
            client.post(
                f"/api/cases/{case.pk}/resolve/multipart",
                {"result": "已处理", "files": [photo(), not_an_image()]},
            ),
            400,
            "photo_not_image",
        )
        refused(
            client.post(
                f"/api/cases/{case.pk}/progress/multipart",
                {"note": "进展", "files": [photo() for _ in range(7)]},
            ),
            400,
            "too_many_photos",
        )
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACCEPTED


def test_resolve_without_the_required_evidence_photo_writes_nothing(world, token_for):
    case = case_flow.submitted(world)
    actions.case_dispatch(
        actor=world.dispatcher, case_id=case.pk, item=world.item_lamp, to_worker=world.worker_a
    )
    actions.case_accept(actor=world.worker_a, case_id=case.pk)
    client = Client(headers={"X-Api-Token": token_for(world.worker_a)})
    with nothing_written():
        refused(
            post_json(client, f"/api/cases/{case.pk}/resolve", {"result": "已更换灯泡"}),
            400,
            "evidence_required",
        )
        refused(
            client.post(f"/api/cases/{case.pk}/resolve/multipart", {"result": "已更换灯泡"}),
            400,
            "evidence_required",
        )


def test_step_bodies_are_checked(world, token_for):
    case = case_flow.dispatched(world)
    worker = Client(headers={"X-Api-Token": token_for(world.worker_a)})
    dispatcher = Client(headers={"X-Api-Token": token_for(world.dispatcher)})
    with nothing_written():
        refused(post_json(worker, f"/api/cases/{case.pk}/return", {}), 400, "missing_field")
        refused(post_json(worker, f"/api/cases/{case.pk}/return", {"reason": "x" * 2001}), 400, "too_long")
        refused(
            post_json(
                dispatcher,
                f"/api/cases/{case.pk}/dispatch",
                {"item_id": 987654, "worker_id": world.worker_a.pk},
            ),
            400,
            "invalid_item",
        )
        refused(
            post_json(
                dispatcher,
                f"/api/cases/{case.pk}/dispatch",
                {"item_id": world.item_litter.pk, "worker_id": 987654},
            ),
            400,
            "invalid_worker",
        )
        refused(
            post_json(
                dispatcher,
                f"/api/cases/{case.pk}/dispatch",
                {"item_id": world.item_litter.pk, "department_id": 987654},
            ),
            400,
            "invalid_department",
        )
        refused(
            post_json(dispatcher, f"/api/cases/{case.pk}/dispatch", {"item_id": world.item_litter.pk}),
            400,
            "invalid_assignee",
        )
        refused(
            post_json(
                dispatcher,
                f"/api/cases/{case.pk}/dispatch",
                {"item_id": world.item_litter.pk, "worker_id": world.resident.pk},
            ),
            400,
            "invalid_assignee",
        )
        refused(
            post_json(
                dispatcher,
                f"/api/cases/{case.pk}/dispatch",
                {
                    "item_id": world.item_litter.pk,
                    "worker_id": world.worker_a.pk,
                    "grid_id": world.community.pk,
                },
            ),
            400,
            "invalid_grid",
        )


@pytest.mark.parametrize("score", ["", "great", "5", "SATISFIED"])
def test_wrong_score(world, resident, score):
    case = case_flow.resolved(world)
    with nothing_written():
        refused(post_json(resident, f"/api/cases/{case.pk}/rate", {"score": score}), 400, "invalid_score")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.RESOLVED


def test_rating_twice_is_a_conflict(world, resident):
    case = case_flow.resolved(world)
    actions.case_rate(actor=world.resident, case_id=case.pk, score=RatingScore.SATISFIED)
    with nothing_written():
        refused(
            post_json(resident, f"/api/cases/{case.pk}/rate", {"score": "satisfied"}),
            409,
            "invalid_transition",
        )


def test_tracking_lookup_misses(world):
    case = case_flow.submitted(world)
    anonymous = Client()
    with nothing_written():
        wrong_code = refused(
            anonymous.get("/api/track", {"tracking_no": "GG000000ZZZZZZ", "phone_last4": "1234"}),
            404,
            "case_not_found",
        )
        wrong_phone = refused(
            anonymous.get("/api/track", {"tracking_no": case.tracking_no, "phone_last4": "9999"}),
            404,
            "case_not_found",
        )
        refused(
            anonymous.get("/api/track", {"tracking_no": case.tracking_no, "phone_last4": "12a4"}),
            400,
            "invalid_lookup",
        )
        refused(anonymous.get("/api/track"), 400, "invalid_lookup")
    # A wrong phone and a wrong number look the same, so the lookup cannot confirm a tracking number.
    assert wrong_code == wrong_phone
    assert (
        anonymous.get(
            "/api/track", {"tracking_no": case.tracking_no.lower(), "phone_last4": "1234"}
        ).status_code
        == 200
    )
