"""The three faults found when the project was tried as a new user (issue 7), pinned.

- A requester's contact is shown in full only to the requester, the recorder, the dispatcher and the
  current handler: on the case page, the console panel and the API alike (a county leader sees it masked).
- Which workers and departments a dispatcher may dispatch to is checked in the action, so the API cannot
  reach further than the page.
- One public projection serves the track page, its API and the board: the same fields, the same masking.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from gridgov.cases import actions
from gridgov.cases.models import Case, Channel, TimelineEntry
from gridgov.cases.public import public_case
from gridgov.cases.tests import case_flow
from gridgov.core.errors import PermissionDenied
from gridgov.core.testing import chains_intact, nothing_written
from gridgov.people.actions import department_create, role_assign, user_create
from gridgov.people.models import Role
from gridgov.territory.actions import region_create
from gridgov.territory.models import RegionLevel

FULL_PHONE = "13812341234"
MASKED_PHONE = "138****1234"


def _page(client: Client, name: str, case: Case, **headers) -> str:
    response = client.get(reverse(f"cases:{name}", args=[case.pk]), **headers)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def logged_in(client):
    def login(user) -> Client:
        c = Client()
        c.force_login(user)
        return c

    return login


# ── who sees the requester's contact ───────────────────────────────────────────────────────────────


def test_a_county_leader_sees_the_contact_masked_on_page_panel_and_api(world, logged_in, token_for):
    case = case_flow.submitted(world)
    leader = logged_in(world.leader)

    page = _page(leader, "detail", case)
    panel = _page(leader, "console_panel", case, HTTP_HX_REQUEST="true")
    api = Client().get(f"/api/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {token_for(world.leader)}").json()

    for html in (page, panel):
        assert FULL_PHONE not in html and "张三" not in html
        assert MASKED_PHONE in html and "张*" in html
    assert (api["contact_phone"], api["contact_name"], api["contact_masked"]) == (MASKED_PHONE, "张*", True)


@pytest.mark.parametrize("who", ["dispatcher", "handler", "requester"])
def test_the_people_who_call_back_see_the_contact_in_full(world, logged_in, token_for, who):
    case = case_flow.dispatched(world)
    user = {"dispatcher": world.dispatcher, "handler": world.worker_a, "requester": world.resident}[who]
    api = Client().get(f"/api/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {token_for(user)}").json()
    assert (api["contact_phone"], api["contact_masked"]) == (FULL_PHONE, False)
    if who != "requester":  # a resident's own page does not repeat their own contact
        assert FULL_PHONE in _page(logged_in(user), "detail", case)


def test_the_worker_of_the_grid_who_is_not_the_handler_sees_it_masked(world, logged_in):
    case = case_flow.submitted(world)  # located in grid A, not yet dispatched to anyone
    html = _page(logged_in(world.worker_a), "detail", case)
    assert FULL_PHONE not in html and MASKED_PHONE in html


def test_whoever_recorded_a_phone_case_sees_the_contact(world, logged_in):
    case, _ = actions.case_submit(
        actor=world.dispatcher,
        channel=Channel.PHONE,
        description="电话反映小区门口积水严重",
        contact_phone="13912345678",
        contact_name="钱五",
        lon=108.305,
        lat=22.805,
    )
    assert "13912345678" in _page(logged_in(world.dispatcher), "detail", case)
    assert "13912345678" not in _page(logged_in(world.leader), "detail", case)


# ── dispatch scope in the action ───────────────────────────────────────────────────────────────────


@pytest.fixture
def west(world):
    """A second street with its own grid, worker, dispatcher and street office."""
    street = region_create(
        actor=None,
        code="450101002",
        name="城西街道",
        level=RegionLevel.TOWNSHIP,
        parent=world.county,
        kind="街道",
    )
    village = region_create(
        actor=None,
        code="450101002001",
        name="和平社区",
        level=RegionLevel.VILLAGE,
        parent=street,
        kind="社区",
    )
    grid = region_create(
        actor=None, code="450101002001001", name="和平社区第一网格", level=RegionLevel.GRID, parent=village
    )
    worker = user_create(actor=None, username="worker_w", password="x", display_name="钱网格")
    role_assign(actor=None, user=worker, role=Role.GRID_WORKER, region=grid)
    dispatcher = user_create(actor=None, username="dispatcher_w", password="x", display_name="孙派单")
    role_assign(actor=None, user=dispatcher, role=Role.DISPATCHER, region=street)
    office = department_create(actor=None, code="CXJD", name="城西街道城管办", region=street)
    east_dispatcher = user_create(actor=None, username="dispatcher_e", password="x", display_name="李派单")
    role_assign(actor=None, user=east_dispatcher, role=Role.DISPATCHER, region=world.street)
    return type(
        "West", (), {"worker": worker, "dispatcher": dispatcher, "office": office, "east": east_dispatcher}
    )


def test_a_street_dispatcher_cannot_dispatch_to_another_streets_worker_through_the_api(
    world, west, token_for
):
    case = case_flow.submitted(world)  # in the east street
    token = token_for(west.east)
    with nothing_written(Case, TimelineEntry):
        response = Client().post(
            f"/api/cases/{case.pk}/dispatch",
            {"item_id": world.item_litter.pk, "worker_id": west.worker.pk},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    assert response.status_code == 403
    assert response.json()["code"] == "assignee_out_of_scope"
    case.refresh_from_db()
    assert case.status == "submitted" and case.handler is None


def test_the_action_refuses_what_the_page_does_not_list(world, west):
    case = case_flow.submitted(world)
    with pytest.raises(PermissionDenied) as refused:
        actions.case_dispatch(
            actor=west.east, case_id=case.pk, item=world.item_pipe, to_department=west.office
        )
    assert refused.value.code == "assignee_out_of_scope"
    # Their own grid's worker and a county bureau are both fine.
    actions.case_dispatch(actor=west.east, case_id=case.pk, item=world.item_litter, to_worker=world.worker_a)
    actions.case_dispatch(actor=west.east, case_id=case.pk, item=world.item_pipe, to_department=world.water)


def test_the_console_lists_only_the_dispatchers_own_workers_and_departments(world, west, logged_in):
    case = case_flow.submitted(world)
    html = _page(logged_in(west.east), "console_panel", case, HTTP_HX_REQUEST="true")
    assert "王网格" in html and "县水务局" in html
    assert "钱网格" not in html and "城西街道城管办" not in html


# ── one public projection ──────────────────────────────────────────────────────────────────────────


def _published(world) -> Case:
    case, _ = actions.case_submit(
        actor=world.resident,
        channel=Channel.WEB,
        title="张三家门口路灯坏了，电话13812341234",
        description="幸福小区3栋2单元501门口路灯坏了，请联系张三 13812341234",
        contact_phone=FULL_PHONE,
        address="幸福小区3栋2单元501",
        lon=108.305,
        lat=22.805,
    )
    actions.case_dispatch(
        actor=world.dispatcher, case_id=case.pk, item=world.item_litter, to_worker=world.worker_a
    )
    actions.case_accept(actor=world.worker_a, case_id=case.pk)
    actions.case_progress(actor=world.worker_a, case_id=case.pk, note="王网格已到现场，联系了13812341234")
    actions.case_resolve(actor=world.worker_a, case_id=case.pk, result="王网格已更换灯泡，回访13812341234")
    return actions.case_rate(actor=world.resident, case_id=case.pk, score="satisfied")


def test_track_page_track_api_and_board_show_the_same_redacted_case(world):
    cache.clear()
    case = _published(world)
    expected = public_case(case, with_timeline=True)
    for secret in (FULL_PHONE, "张三", "王网格", "3栋2单元501"):
        assert secret not in expected.title + expected.description + expected.result
        assert all(secret not in e.note for e in expected.timeline)
    assert expected.result and any(e.note for e in expected.timeline)

    api = Client().get("/api/track", {"tracking_no": case.tracking_no, "phone_last4": "1234"}).json()
    page = Client().post(reverse("cases:track"), {"tracking_no": case.tracking_no, "phone_last4": "1234"})
    board = Client().get("/api/board").json()["results"]
    html = page.content.decode()

    assert (api["title"], api["result"], api["handler"]) == (
        expected.title,
        expected.result,
        expected.handler,
    )
    assert [e["note"] for e in api["timeline"]] == [e.note for e in expected.timeline]
    assert [(b["title"], b["result"], b["handler"]) for b in board] == [
        (expected.title, expected.result, expected.handler)
    ]
    for text in (page.content.decode(), str(api), str(board)):
        for secret in (FULL_PHONE, "张三", "王网格", "3栋2单元501"):
            assert secret not in text
    assert expected.title in html and expected.result in html
    chains_intact()


def test_the_page_and_the_api_share_one_lookup_guard(world):
    cache.clear()
    case = case_flow.submitted(world)
    for attempt in range(20):
        if attempt % 2:
            Client().get("/api/track", {"tracking_no": case.tracking_no, "phone_last4": "0000"})
        else:
            Client().post(reverse("cases:track"), {"tracking_no": case.tracking_no, "phone_last4": "0000"})
    api = Client().get("/api/track", {"tracking_no": case.tracking_no, "phone_last4": "1234"})
    page = Client().post(reverse("cases:track"), {"tracking_no": case.tracking_no, "phone_last4": "1234"})
    assert api.status_code == page.status_code == 429
    assert api.json()["code"] == "too_many_lookups"
    cache.clear()
