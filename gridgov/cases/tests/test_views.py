"""The case loop through its pages: each persona sees their page, each button works, scope holds.

Rules live in the actions and are tested there; here we check that the pages call them, show their
Chinese messages with the right status, write nothing on error, and never leak a case out of scope.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from gridgov.cases.models import Case, CaseStatus, Channel, TimelineEntry
from gridgov.cases.tests import case_flow

pytestmark = pytest.mark.django_db

POINT_A = (108.305, 22.805)  # inside grid A of the `world` county
POINT_OUTSIDE = (110.0, 25.0)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The personas' passwords are hashed once per test; the production hasher makes that seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def url(name: str, case: Case | None = None, **kwargs) -> str:
    if case is not None:
        kwargs["case_id"] = case.pk
    return reverse(f"cases:{name}", kwargs=kwargs or None)


def report_data(key: str = "k-1", **overrides) -> dict:
    data = {
        "idempotency_key": key,
        "category": "",
        "description": "小区门口路灯坏了三天，晚上很黑",
        "lon": str(POINT_A[0]),
        "lat": str(POINT_A[1]),
        "address": "",
        "contact_phone": "13812341234",
    }
    data.update(overrides)
    return data


def timeline_count(case: Case) -> int:
    return TimelineEntry.objects.filter(case=case).count()


# ── pages render for their persona ─────────────────────────────────────────────────────────────────


def test_each_persona_gets_their_pages(world, client, as_user):
    case = case_flow.dispatched(world)
    for path in ("/", url("track"), "/login/", url("grids_geojson")):
        assert client.get(path).status_code == 200, path

    pages = {
        world.resident: [url("report"), url("my"), url("detail", case), url("received", case)],
        world.worker_a: [url("inbox"), url("patrol"), url("detail", case)],
        world.dispatcher: [
            url("console"),
            url("console_phone"),
            url("detail", case),
            url("console") + "?status=dispatched",
        ],
        world.water_handler: [url("inbox")],
    }
    for user, paths in pages.items():
        as_user(user)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (user, path)
            assert "网格治理" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "target"),
    [
        ("resident", "/my/"),
        ("worker_a", "/inbox/"),
        ("water_handler", "/inbox/"),
        ("dispatcher", "/console/"),
        ("leader", "/kpi/"),
        ("admin", "/console/"),
    ],
)
def test_home_routes_by_role(world, as_user, persona, target):
    response = as_user(getattr(world, persona)).get("/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_anonymous_home_is_a_landing_page_with_the_public_links(client, world):
    html = client.get("/").content.decode()
    for link in ('href="/board/"', 'href="/track/"', 'href="/login/"'):
        assert link in html


def test_grid_geojson_has_boundaries_and_names_only(client, world):
    data = client.get(url("grids_geojson")).json()
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["name"] for f in data["features"]] == ["幸福社区第一网格", "幸福社区第二网格"]
    assert data["features"][0]["geometry"]["type"] == "Polygon"
    assert set(data["features"][0]["properties"]) == {"code", "name", "community"}


def test_role_pages_refuse_other_roles(world, as_user):
    client = as_user(world.resident)
    assert client.get(url("patrol")).status_code == 403
    assert client.get(url("console")).status_code == 403
    assert client.get(url("console_phone")).status_code == 403
    assert client.get(url("inbox")).status_code == 403


def test_pages_need_a_login(client, world):
    for path in (url("report"), url("my"), url("inbox"), url("console")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


# ── 点单 ────────────────────────────────────────────────────────────────────────────────────────────


def test_report_form_prefills_phone_and_a_fresh_idempotency_key(world, as_user):
    client = as_user(world.resident)
    first = client.get(url("report")).context["form"]
    second = client.get(url("report")).context["form"]
    assert first["contact_phone"].value() == "13812341234"
    assert (
        first["idempotency_key"].value()
        and first["idempotency_key"].value() != second["idempotency_key"].value()
    )
    assert 'data-geojson="/geo/grids.json"' in client.get(url("report")).content.decode()


def test_report_creates_exactly_one_case_even_when_posted_twice(world, as_user, photo):
    client = as_user(world.resident)
    first = client.post(
        url("report"), {**report_data("double-tap"), "photos": [photo("a.png"), photo("b.png")]}
    )
    second = client.post(url("report"), {**report_data("double-tap"), "photos": [photo("a.png")]})
    assert Case.objects.count() == 1
    case = Case.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == url("received", case)
    assert case.grid == world.grid_a and case.channel == Channel.WEB and case.attachments.count() == 2

    page = client.get(first["Location"]).content.decode()
    assert case.tracking_no in page


def test_report_with_an_address_and_a_category(world, as_user):
    client = as_user(world.resident)
    data = report_data("addr", lon="", lat="", address="幸福社区3栋门口", category=str(world.environment.pk))
    assert client.post(url("report"), data).status_code == 302
    case = Case.objects.get()
    assert case.grid is None and case.address == "幸福社区3栋门口" and case.category == world.environment


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"description": "坏了"}, "问题描述至少 5 个字"),
        ({"contact_phone": "12345"}, "联系电话格式不正确"),
        ({"lon": str(POINT_OUTSIDE[0]), "lat": str(POINT_OUTSIDE[1])}, "所选位置不在本县网格范围内"),
        ({"lon": "", "lat": "", "address": ""}, "请在地图上选择位置或填写地址"),
        ({"lon": "abc"}, "位置坐标无效"),
    ],
)
def test_report_bad_input_shows_the_message_and_writes_nothing(world, as_user, overrides, message):
    response = as_user(world.resident).post(url("report"), report_data("bad", **overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Case.objects.count() == 0
    # The same key is kept so a corrected resubmission still cannot make two cases.
    assert response.context["form"]["idempotency_key"].value() == "bad"


def test_report_rejects_a_file_that_is_not_a_photo(world, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("lamp.jpg", b"not an image", content_type="image/jpeg")
    response = as_user(world.resident).post(url("report"), {**report_data("fake"), "photos": [fake]})
    assert response.status_code == 400
    assert "不是有效的图片" in response.content.decode()
    assert Case.objects.count() == 0


def test_patrol_report_is_the_workers_own_grid_by_default(world, as_user):
    client = as_user(world.worker_a)
    form = client.get(url("patrol")).context["form"]
    assert form["contact_phone"].value() == world.worker_a.phone
    response = client.post(url("patrol"), report_data("patrol", lon="", lat="", contact_phone="13800000000"))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", case)
    assert case.channel == Channel.PATROL and case.grid == world.grid_a and case.recorded_by == world.worker_a


def test_dispatcher_enters_a_phone_case_for_a_resident(world, as_user):
    client = as_user(world.dispatcher)
    data = report_data("phone", contact_name="刘大爷", contact_phone="0771-5551234")
    response = client.post(url("console_phone"), data)
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.channel == Channel.PHONE and case.contact_name == "刘大爷" and case.submitter is None


# ── the loop, button by button ─────────────────────────────────────────────────────────────────────


def test_dispatch_accept_progress_resolve_rate(world, as_user, photo):
    case = case_flow.submitted(world)

    client = as_user(world.dispatcher)
    page = client.get(url("detail", case)).content.decode()
    assert url("dispatch", case) in page and url("accept", case) not in page
    response = client.post(
        url("dispatch", case),
        {
            "item": world.item_lamp.pk,
            "assignee_kind": "worker",
            "worker": world.worker_a.pk,
            "note": "请尽快",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED and case.handler == world.worker_a and case.deadline_at

    client = as_user(world.worker_a)
    inbox = client.get(url("inbox")).content.decode()
    assert case.tracking_no in inbox and "剩余" in inbox
    page = client.get(url("detail", case)).content.decode()
    assert url("accept", case) in page and url("resolve", case) not in page
    assert client.post(url("accept", case)).status_code == 302
    page = client.get(url("detail", case)).content.decode()
    assert url("accept", case) not in page and url("resolve", case) in page and url("progress", case) in page

    assert client.post(url("progress", case), {"note": "已联系电工", "photos": [photo()]}).status_code == 302

    # The lamp item needs photo evidence: refused with the action's message, nothing written.
    before = timeline_count(case)
    response = client.post(url("resolve", case), {"result": "已更换灯泡"})
    assert response.status_code == 400
    assert "该事项办结须上传现场照片作为佐证" in response.content.decode()
    assert timeline_count(case) == before
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED

    response = client.post(url("resolve", case), {"result": "已更换灯泡", "photos": [photo("evidence.png")]})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and case.attachments.filter(kind="evidence").count() == 1

    client = as_user(world.resident)
    page = client.get(url("detail", case)).content.decode()
    assert url("rate", case) in page and "基本满意" in page and url("cancel", case) not in page
    assert "网格员 王网格" in page  # who did what, on the timeline
    assert client.post(url("rate", case), {"score": "satisfied", "comment": "很及时"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.ratings.get().score == "satisfied"
    assert url("rate", case) not in client.get(url("detail", case)).content.decode()


def test_return_needs_a_reason_and_the_centre_redispatches_to_a_department(world, as_user):
    case = case_flow.dispatched(world)
    client = as_user(world.worker_a)
    response = client.post(url("return", case), {"reason": ""})
    assert response.status_code == 400 and "请填写退单理由" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED

    assert client.post(url("return", case), {"reason": "这是供水管道问题"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.RETURNED

    client = as_user(world.dispatcher)
    assert case.tracking_no in client.get(url("console")).content.decode()
    response = client.post(
        url("dispatch", case),
        {
            "item": world.item_pipe.pk,
            "assignee_kind": "department",
            "department": world.water.pk,
            "next": "/console/",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/console/"

    client = as_user(world.water_handler)
    assert case.tracking_no in client.get(url("inbox")).content.decode()
    assert client.post(url("accept", case)).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.handler == world.water_handler


def test_dispatch_without_an_assignee_says_so(world, as_user):
    case = case_flow.submitted(world)
    response = as_user(world.dispatcher).post(
        url("dispatch", case), {"item": world.item_lamp.pk, "assignee_kind": "worker"}
    )
    assert response.status_code == 400
    assert "请选择一名网格员或一个部门" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


def test_resident_cancels_before_acceptance_but_not_after(world, as_user):
    case = case_flow.dispatched(world)
    client = as_user(world.resident)
    assert url("cancel", case) in client.get(url("detail", case)).content.decode()
    assert client.post(url("cancel", case), {"reason": "已自行解决"}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED

    accepted = case_flow.accepted(world)
    assert url("cancel", accepted) not in client.get(url("detail", accepted)).content.decode()
    before = timeline_count(accepted)
    response = client.post(url("cancel", accepted))
    assert response.status_code == 409
    assert "不能撤销" in response.content.decode()
    assert timeline_count(accepted) == before


def test_unsatisfied_needs_a_comment_and_sends_the_case_back(world, as_user):
    case = case_flow.resolved(world)
    client = as_user(world.resident)
    response = client.post(url("rate", case), {"score": "unsatisfied", "comment": ""})
    assert response.status_code == 400 and "请填写评价意见" in response.content.decode()
    response = client.post(url("rate", case), {"score": "so-so"})
    assert response.status_code == 400 and "请选择 满意 / 基本满意 / 不满意" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.RESOLVED and not case.ratings.exists()

    assert (
        client.post(url("rate", case), {"score": "unsatisfied", "comment": "灯还是不亮"}).status_code == 302
    )
    case.refresh_from_db()
    assert case.status == CaseStatus.REWORK
    # Rework is back in the worker's inbox and can be accepted again.
    client = as_user(world.worker_a)
    assert case.tracking_no in client.get(url("inbox")).content.decode()
    assert url("accept", case) in client.get(url("detail", case)).content.decode()


def test_dispatcher_closes_a_resolved_unrated_case(world, as_user):
    case = case_flow.resolved(world)
    client = as_user(world.dispatcher)
    assert case.tracking_no in client.get(url("console") + "?status=resolved").content.decode()
    assert url("close", case) in client.get(url("detail", case)).content.decode()
    assert client.post(url("close", case), {"note": ""}).status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_merge_a_duplicate_by_tracking_number(world, as_user):
    original = case_flow.submitted(world, description="3栋门口路灯不亮了")
    duplicate = case_flow.submitted(world, description="3栋路灯晚上不亮，很黑")
    client = as_user(world.dispatcher)
    page = client.get(url("detail", duplicate)).content.decode()
    assert url("merge", duplicate) in page and "合并到…" in page
    # The probable original is offered as a one-tap candidate (selectors.similar_open_cases).
    assert f'name="into" value="{original.tracking_no}"' in page

    response = client.post(url("merge", duplicate), {"into": "GGNOSUCH"})
    assert response.status_code == 400 and "未找到受理编号为 GGNOSUCH 的工单" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.SUBMITTED

    response = client.post(url("merge", duplicate), {"into": original.tracking_no.lower()})
    assert response.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.status == CaseStatus.MERGED and duplicate.merged_into == original
    # The resident now follows the original.
    assert original.tracking_no in as_user(world.resident).get(url("my")).content.decode()


def test_a_second_handler_racing_for_the_same_case_hears_it_is_taken(world, as_user):
    case = case_flow.accepted(world)
    response = as_user(world.worker_a).post(url("accept", case))
    assert response.status_code == 409
    assert "不能接单" in response.content.decode()


def test_a_resident_may_not_dispatch_their_own_case(world, as_user):
    case = case_flow.submitted(world)
    response = as_user(world.resident).post(
        url("dispatch", case),
        {"item": world.item_pipe.pk, "assignee_kind": "department", "department": world.water.pk},
    )
    assert response.status_code == 403
    assert "您无权对该工单执行此操作" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.SUBMITTED


# ── scope: out of scope is the same 404 as missing ─────────────────────────────────────────────────

POST_ACTIONS = ["accept", "return", "progress", "resolve", "rate", "cancel", "close", "dispatch", "merge"]


@pytest.mark.parametrize("outsider", ["worker_b", "other_resident", "housing_handler"])
def test_outsiders_get_404_on_the_page_and_on_every_action(world, as_user, outsider):
    case = case_flow.dispatched(world)
    client = as_user(getattr(world, outsider))
    missing = client.get(url("detail", case_id=999999))
    assert client.get(url("detail", case)).status_code == missing.status_code == 404
    assert client.get(url("received", case)).status_code == 404
    for action in POST_ACTIONS:
        response = client.post(
            url(action, case), {"reason": "x", "note": "x", "result": "x", "score": "satisfied"}
        )
        assert response.status_code == 404, action
    assert client.get(url("console_panel", case), HTTP_HX_REQUEST="true").status_code == 404
    case.refresh_from_db()
    assert case.status == CaseStatus.DISPATCHED and timeline_count(case) == 2


def test_photos_are_served_only_within_scope(world, as_user, photo):
    client = as_user(world.resident)
    client.post(url("report"), {**report_data("pic"), "photos": [photo()]})
    case = Case.objects.get()
    attachment = case.attachments.get()
    photo_url = url("photo", case, attachment_id=attachment.pk)
    response = client.get(photo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert as_user(world.worker_b).get(photo_url).status_code == 404


# ── dispatcher console ─────────────────────────────────────────────────────────────────────────────


def test_console_shows_grid_and_classifier_suggestion_and_filters_by_htmx(world, as_user, monkeypatch):
    from gridgov.intel.classifier import Suggestion

    monkeypatch.setattr(
        "gridgov.intel.classifier.suggest",
        lambda title, detail: Suggestion("城乡建设", 0.87, "test-model", False),
    )
    lamp = case_flow.submitted(world)
    other = case_flow.submitted(world, description="河边有人倾倒垃圾，气味很大", point=(108.315, 22.805))
    client = as_user(world.dispatcher)

    page = client.get(url("console")).content.decode()
    assert "幸福社区第一网格" in page and "城乡建设" in page and "87%" in page

    response = client.get(
        url("console") + f"?grid={world.grid_b.pk}", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue"
    )
    fragment = response.content.decode()
    assert response.status_code == 200 and "<html" not in fragment
    assert other.tracking_no in fragment and lamp.tracking_no not in fragment

    fragment = client.get(
        url("console") + "?q=垃圾", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue"
    ).content.decode()
    assert other.tracking_no in fragment and lamp.tracking_no not in fragment


def test_console_panel_and_assignee_suggestion_follow_the_chosen_item(world, as_user):
    case = case_flow.submitted(world)
    client = as_user(world.dispatcher)
    panel = client.get(url("console_panel", case), HTTP_HX_REQUEST="true").content.decode()
    assert url("dispatch", case) in panel and 'value="/console/"' in panel

    by_grid = client.get(url("console_suggest", case) + f"?item={world.item_lamp.pk}").content.decode()
    assert "建议派给" in by_grid and "网格员 王网格" in by_grid
    assert f'value="{world.worker_a.pk}" selected' in by_grid

    by_department = client.get(url("console_suggest", case) + f"?item={world.item_pipe.pk}").content.decode()
    assert "县水务局" in by_department and 'data-kind="department"' in by_department

    # A grid override points the suggestion at that grid's worker.
    moved = client.get(
        url("console_suggest", case) + f"?item={world.item_lamp.pk}&grid={world.grid_b.pk}"
    ).content.decode()
    assert "网格员 赵网格" in moved


def test_console_query_count_does_not_grow_with_the_queue(world, as_user, django_assert_max_num_queries):
    for n in range(12):
        case_flow.submitted(
            world, description=f"第{n}号路灯不亮，晚上很黑", point=(108.305 + n * 0.001, 22.805)
        )
    client = as_user(world.dispatcher)
    # Session, user, roles; the queue's count and page; the filters' categories and grids; the batch
    # bar's items, workers (with their grids) and departments.
    with django_assert_max_num_queries(12):
        response = client.get(url("console"))
    assert response.content.decode().count('id="case-row-') == 12


def test_inbox_query_count_does_not_grow_with_the_cases(world, as_user, django_assert_max_num_queries):
    for _ in range(8):
        case_flow.dispatched(world)
    client = as_user(world.worker_a)
    with django_assert_max_num_queries(6):
        response = client.get(url("inbox"))
    assert response.content.decode().count('class="card case-card') == 8


def test_case_page_query_count_is_bounded(world, as_user, photo, django_assert_max_num_queries):
    case = case_flow.accepted(world)
    client = as_user(world.worker_a)
    for n in range(4):
        client.post(url("progress", case), {"note": f"第{n}次进展", "photos": [photo()]})
    with django_assert_max_num_queries(8):
        assert client.get(url("detail", case)).status_code == 200


# ── anonymous tracking ─────────────────────────────────────────────────────────────────────────────


def test_tracking_needs_the_right_last_four_digits_and_shows_a_masked_view(world, client):
    from django.core.cache import cache

    cache.clear()
    case = case_flow.resolved(world)
    wrong = client.post(url("track"), {"tracking_no": case.tracking_no, "phone_last4": "0000"})
    assert wrong.status_code == 404
    assert "未找到该编号的诉求" in wrong.content.decode() and case.title not in wrong.content.decode()

    bad = client.post(url("track"), {"tracking_no": case.tracking_no, "phone_last4": "12"})
    assert bad.status_code == 400 and "请输入受理编号和联系电话后四位" in bad.content.decode()

    found = client.post(url("track"), {"tracking_no": case.tracking_no.lower(), "phone_last4": "1234"})
    html = found.content.decode()
    assert found.status_code == 200 and case.title in html and "待评价" in html
    assert "138****1234" in html and "张*" in html
    assert "13812341234" not in html and "张三" not in html and "王网格" not in html


def test_tracking_is_throttled_after_many_misses(world, client):
    from django.core.cache import cache

    cache.clear()
    case = case_flow.submitted(world)
    for _ in range(20):
        client.post(url("track"), {"tracking_no": case.tracking_no, "phone_last4": "0000"})
    response = client.post(url("track"), {"tracking_no": case.tracking_no, "phone_last4": "1234"})
    assert response.status_code == 429 and "查询过于频繁" in response.content.decode()
    cache.clear()
