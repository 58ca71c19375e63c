"""The submit pages in fetch mode (offline-queue.js): JSON answers instead of a redirect or a page.

`X-Requested-With: fetch` on /report/, /patrol/ and /console/phone/ gets `{"ok": true, "tracking_no",
"url"}` (201 new, 200 for a repeated idempotency key) or `{"ok": false, "message", "errors"}` with the
refusal's status; a post without the header keeps the HTML behaviour.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from gridgov.cases.models import Case, Channel

pytestmark = pytest.mark.django_db

FETCH = {"HTTP_X_REQUESTED_WITH": "fetch"}
POINT_A = (108.305, 22.805)  # inside grid A of the `world` county


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def report_data(key: str, **overrides) -> dict:
    data = {
        "idempotency_key": key,
        "category": "",
        "description": "村口水渠堵塞，雨天积水漫到路面",
        "lon": str(POINT_A[0]),
        "lat": str(POINT_A[1]),
        "address": "",
        "contact_phone": "13812341234",
    }
    data.update(overrides)
    return data


def test_patrol_fetch_answers_201_with_the_tracking_number(world, client):
    client.force_login(world.worker_a)
    response = client.post(reverse("cases:patrol"), report_data("fetch-1"), **FETCH)
    assert response.status_code == 201
    body = response.json()
    case = Case.objects.get()
    assert body == {
        "ok": True,
        "tracking_no": case.tracking_no,
        "url": reverse("cases:detail", kwargs={"case_id": case.pk}),
    }
    assert case.channel == Channel.PATROL and case.idempotency_key == "fetch-1"


def test_report_fetch_points_to_the_received_page(world, client):
    client.force_login(world.resident)
    response = client.post(reverse("cases:report"), report_data("fetch-web"), **FETCH)
    assert response.status_code == 201
    case = Case.objects.get()
    assert response.json()["url"] == reverse("cases:received", kwargs={"case_id": case.pk})


def test_phone_entry_fetch_answers_json(world, client):
    client.force_login(world.dispatcher)
    data = report_data("fetch-phone", contact_name="李四")
    response = client.post(reverse("cases:console_phone"), data, **FETCH)
    assert response.status_code == 201
    assert Case.objects.get().channel == Channel.PHONE


def test_same_key_twice_gives_the_same_case(world, client):
    client.force_login(world.worker_a)
    first = client.post(reverse("cases:patrol"), report_data("fetch-twice"), **FETCH)
    second = client.post(reverse("cases:patrol"), report_data("fetch-twice"), **FETCH)
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["tracking_no"] == second.json()["tracking_no"]
    assert Case.objects.count() == 1


def test_invalid_submission_is_400_json_with_a_chinese_message(world, client):
    client.force_login(world.worker_a)
    response = client.post(reverse("cases:patrol"), report_data("fetch-bad", description=""), **FETCH)
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert "问题描述" in body["message"]
    assert body["errors"]["description"] == [body["message"]]
    assert not Case.objects.exists()


def test_bad_coordinates_are_a_form_error_in_json(world, client):
    client.force_login(world.worker_a)
    response = client.post(reverse("cases:patrol"), report_data("fetch-coords", lon="abc"), **FETCH)
    assert response.status_code == 400
    assert response.json()["message"] == "位置坐标无效，请在地图上重新选择"
    assert not Case.objects.exists()


def test_without_the_header_the_pages_stay_html(world, client):
    client.force_login(world.worker_a)
    response = client.post(reverse("cases:patrol"), report_data("html-1"))
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "cases:detail", kwargs={"case_id": case.pk}
    )
    bad = client.post(reverse("cases:patrol"), report_data("html-2", description=""))
    assert bad.status_code == 400 and bad["Content-Type"].startswith("text/html")
