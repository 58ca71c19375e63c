"""The inbox page, the nav badge fragment and the JSON API, through HTTP."""

from __future__ import annotations

import pytest

from gridgov.cases.tests.case_flow import dispatched
from gridgov.notify.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_for_worker_a(world):
    first, second = dispatched(world), dispatched(world)
    return [Notification.objects.about(c).get() for c in (first, second)]


def test_the_inbox_lists_my_notifications_newest_first(
    world, client, two_for_worker_a, django_assert_max_num_queries
):
    client.force_login(world.worker_a)
    with django_assert_max_num_queries(8):
        page = client.get("/notifications/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "2 条未读" in html
    older, newer = two_for_worker_a
    assert html.index(f'id="notification-{newer.pk}"') < html.index(f'id="notification-{older.pk}"')
    assert f"工单 {older.subject_title}" in html


def test_someone_elses_inbox_is_empty_and_their_notification_not_found(world, client, two_for_worker_a):
    client.force_login(world.worker_b)
    assert "还没有消息" in client.get("/notifications/").content.decode()
    assert client.post(f"/notifications/{two_for_worker_a[0].pk}/read/").status_code == 404
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_mark_one_then_all_read(world, client, two_for_worker_a):
    client.force_login(world.worker_a)
    first = two_for_worker_a[0]
    assert (
        client.post(f"/notifications/{first.pk}/read/", {"next": "/notifications/?unread=1"}).url
        == "/notifications/?unread=1"
    )
    first.refresh_from_db()
    assert first.read_at is not None
    # Never off-site: a foreign `next` falls back to the notification's own page (the case).
    assert (
        client.post(f"/notifications/{first.pk}/read/", {"next": "https://evil.example/"}).url
        == f"/cases/{first.subject_id}/"
    )
    assert client.post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(recipient=world.worker_a, read_at__isnull=True).exists()
    assert "没有未读消息" in client.get("/notifications/?unread=1").content.decode()


def test_the_inbox_needs_a_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_the_badge_fragment_polls_itself_and_shows_the_count(
    world, client, two_for_worker_a, django_assert_num_queries
):
    client.force_login(world.worker_a)
    with django_assert_num_queries(3):  # session, user, count
        fragment = client.get("/notifications/unread/").content.decode()
    assert fragment.startswith('<span id="unread-count"')
    assert 'hx-get="/notifications/unread/"' in fragment and 'hx-trigger="every 60s"' in fragment
    assert 'hx-swap="outerHTML"' in fragment and ">2</span>" in fragment
    client.post("/notifications/read-all/")
    assert "></span>" in client.get("/notifications/unread/").content.decode()


def test_the_badge_is_empty_for_a_visitor(client):
    assert "></span>" in client.get("/notifications/unread/").content.decode()


# ---------------------------------------------------------------- JSON API


def test_api_lists_own_notifications_only(world, client, two_for_worker_a, django_assert_max_num_queries):
    client.force_login(world.worker_a)
    with django_assert_max_num_queries(6):
        body = client.get("/api/notifications").json()
    assert (body["unread"], body["total"]) == (2, 2)
    assert [n["id"] for n in body["items"]] == [two_for_worker_a[1].pk, two_for_worker_a[0].pk]
    item = body["items"][0]
    assert item["kind"] == "case.dispatched" and item["read_at"] is None
    newer = two_for_worker_a[1]
    assert (item["case_id"], item["tracking_no"]) == (newer.subject_id, newer.subject_title)
    assert item["subject"] == {
        "type": "cases.case",
        "id": newer.subject_id,
        "title": newer.subject_title,
        "label": "工单",
        "link": f"/cases/{newer.subject_id}/",
    }

    client.force_login(world.worker_b)
    assert client.get("/api/notifications").json() == {"unread": 0, "total": 0, "items": []}


def test_api_marks_read_with_a_token_and_hides_others(world, client, two_for_worker_a, token_for):
    mine = {"HTTP_AUTHORIZATION": f"Bearer {token_for(world.worker_a)}"}
    theirs = {"HTTP_AUTHORIZATION": f"Bearer {token_for(world.worker_b)}"}
    target = two_for_worker_a[0]
    response = client.post(f"/api/notifications/{target.pk}/read", **theirs)
    assert response.status_code == 404 and response.json()["code"] == "notification_not_found"
    response = client.post(f"/api/notifications/{target.pk}/read", **mine)
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.get("/api/notifications/unread-count", **mine).json() == {"unread": 1}
    assert client.get("/api/notifications?unread=true", **mine).json()["total"] == 1
    assert client.post("/api/notifications/read-all", **mine).json() == {"marked": 1}


def test_api_needs_authentication(client):
    response = client.get("/api/notifications")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_the_inbox_and_api_show_a_notification_about_any_subject(world, client):
    from gridgov.notify.actions import notification_create
    from gridgov.notify.subjects import Subject

    notification_create(
        recipient=world.worker_a,
        kind="dept.changed",
        title="部门调整",
        subject=Subject.of(world.water, title="SW-007", link="/board/"),
        dedupe_key="dept:changed",
    )
    client.force_login(world.worker_a)
    html = client.get("/notifications/").content.decode()
    label = str(world.water._meta.verbose_name)
    assert f"{label} SW-007" in html and "查看" in html
    item = client.get("/api/notifications").json()["items"][0]
    assert (item["case_id"], item["tracking_no"]) == (None, None)
    assert item["subject"] == {
        "type": "people.department",
        "id": world.water.pk,
        "title": "SW-007",
        "label": label,
        "link": "/board/",
    }
    # "查看" marks it read and opens the subject's page.
    assert client.post(f"/notifications/{item['id']}/read/").url == "/board/"
