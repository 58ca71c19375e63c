"""批量派单 and the paged console: the Monday dispatcher with hundreds of new cases.

A batch is all or nothing: every row is tried, the failing ones are named by tracking number, and if any
fails nothing changes. The same rule holds on the console page and on POST /api/dispatch/batch.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent, CaseStatus, TimelineEntry
from gridgov.cases.tests import case_flow
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied
from gridgov.people.actions import role_assign, user_create
from gridgov.people.models import Role

pytestmark = pytest.mark.django_db

POINT_A = (108.305, 22.805)
POINT_B = (108.315, 22.805)


def some_cases(world, n: int, *, point=POINT_A) -> list[Case]:
    return [
        case_flow.submitted(
            world, description=f"第{i}号路灯不亮，晚上很黑", point=(point[0], point[1] + i * 1e-5)
        )
        for i in range(n)
    ]


def dispatches(case: Case) -> int:
    return TimelineEntry.objects.filter(case=case, event=CaseEvent.DISPATCH).count()


def statuses(cases: list[Case]) -> set[str]:
    return set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("status", flat=True))


@pytest.fixture
def grid_a_dispatcher(world):
    """A dispatcher whose region is grid A only: grid B's cases are outside their scope."""
    user = user_create(actor=None, username="dispatcher_a", password="x-pass-123", display_name="钱派单")
    role_assign(actor=None, user=user, role=Role.DISPATCHER, region=world.grid_a)
    return user


# ── the action ──────────────────────────────────────────────────────────────────────────────────────


def test_a_batch_of_three_dispatches_each_with_its_own_timeline_entry(world):
    cases = some_cases(world, 3)

    done = actions.cases_dispatch_batch(
        actor=world.dispatcher,
        case_ids=[c.pk for c in cases],
        item=world.item_litter,
        to_worker=world.worker_a,
        note="周一集中派单",
    )

    assert [c.pk for c in done] == [c.pk for c in cases]
    for case in cases:
        case.refresh_from_db()
        assert case.status == CaseStatus.DISPATCHED and case.handler == world.worker_a
        assert dispatches(case) == 1
        assert case.timeline.get(event=CaseEvent.DISPATCH).note == "周一集中派单"


def test_one_accepted_case_stops_the_whole_batch_and_is_named(world):
    fresh = some_cases(world, 2)
    taken = case_flow.accepted(world)

    with pytest.raises(Conflict) as refused:
        actions.cases_dispatch_batch(
            actor=world.dispatcher,
            case_ids=[fresh[0].pk, taken.pk, fresh[1].pk],
            item=world.item_pipe,
            to_department=world.water,
        )

    assert refused.value.code == "batch_failed"
    assert list(refused.value.fields["rows"]) == [taken.tracking_no]
    assert taken.tracking_no in refused.value.message and "办理中" in refused.value.message
    assert statuses(fresh) == {CaseStatus.SUBMITTED}
    assert all(dispatches(c) == 0 for c in fresh)
    taken.refresh_from_db()
    assert taken.status == CaseStatus.ACCEPTED and taken.department is None


def test_a_case_outside_the_dispatchers_scope_fails_the_batch_without_showing_its_number(
    world, grid_a_dispatcher
):
    mine = some_cases(world, 2)
    theirs = case_flow.submitted(world, point=POINT_B)

    with pytest.raises(Conflict) as refused:
        actions.cases_dispatch_batch(
            actor=grid_a_dispatcher,
            case_ids=[c.pk for c in mine] + [theirs.pk],
            item=world.item_litter,
            to_worker=world.worker_a,
        )

    # Out of scope looks like missing: named by the id the caller sent, never by its tracking number.
    assert refused.value.fields["rows"] == {f"#{theirs.pk}": "工单不存在"}
    assert theirs.tracking_no not in refused.value.message
    assert statuses([*mine, theirs]) == {CaseStatus.SUBMITTED}


def test_more_than_a_hundred_cases_are_refused_before_anything_is_done(world):
    case = case_flow.submitted(world)
    with pytest.raises(InvalidInput) as refused:
        actions.cases_dispatch_batch(
            actor=world.dispatcher,
            case_ids=[case.pk, *range(10**6, 10**6 + 100)],
            item=world.item_litter,
            to_worker=world.worker_a,
        )
    assert refused.value.code == "batch_too_large"
    assert "最多批量派单 100 件" in refused.value.message and "101" in refused.value.message
    assert statuses([case]) == {CaseStatus.SUBMITTED}


def test_to_grid_workers_sends_each_case_to_the_worker_of_its_grid(world):
    in_a = case_flow.submitted(world, point=POINT_A)
    in_b = case_flow.submitted(world, point=POINT_B)

    actions.cases_dispatch_batch(
        actor=world.dispatcher, case_ids=[in_a.pk, in_b.pk], item=world.item_litter, to_grid_workers=True
    )

    in_a.refresh_from_db()
    in_b.refresh_from_db()
    assert (in_a.handler, in_b.handler) == (world.worker_a, world.worker_b)
    assert in_a.status == in_b.status == CaseStatus.DISPATCHED


def test_to_grid_workers_refuses_a_case_without_a_grid(world):
    located = case_flow.submitted(world)
    unlocated, _created = actions.case_submit(
        actor=world.resident,
        channel="web",
        description="不知道在哪里的路灯坏了",
        contact_phone="13812341234",
        address="城外某处",
    )
    assert unlocated.grid is None

    with pytest.raises(Conflict) as refused:
        actions.cases_dispatch_batch(
            actor=world.dispatcher,
            case_ids=[located.pk, unlocated.pk],
            item=world.item_litter,
            to_grid_workers=True,
        )
    assert list(refused.value.fields["rows"]) == [unlocated.tracking_no]
    assert statuses([located, unlocated]) == {CaseStatus.SUBMITTED}


def test_the_assignee_is_one_of_three_and_only_dispatchers_batch(world):
    case = case_flow.submitted(world)
    with pytest.raises(InvalidInput):
        actions.cases_dispatch_batch(
            actor=world.dispatcher,
            case_ids=[case.pk],
            item=world.item_litter,
            to_worker=world.worker_a,
            to_grid_workers=True,
        )
    with pytest.raises(PermissionDenied):
        actions.cases_dispatch_batch(
            actor=world.worker_a, case_ids=[case.pk], item=world.item_litter, to_grid_workers=True
        )
    assert statuses([case]) == {CaseStatus.SUBMITTED}


# ── the console page ────────────────────────────────────────────────────────────────────────────────


def batch_post(world, cases, **overrides) -> dict:
    data = {
        "case_ids": [str(c.pk) for c in cases],
        "item": str(world.item_litter.pk),
        "assignee_kind": "grid_workers",
        "worker": "",
        "department": "",
        "note": "",
        "next": "/console/?status=submitted",
    }
    data.update(overrides)
    return data


def test_console_batch_dispatches_the_ticked_rows_and_says_how_many(world, client):
    cases = some_cases(world, 3)
    client.force_login(world.dispatcher)

    response = client.post(reverse("cases:console_batch"), batch_post(world, cases))

    assert response.status_code == 302 and response["Location"] == "/console/?status=submitted"
    assert "已批量派单 3 件" in client.get(response["Location"]).content.decode()
    assert statuses(cases) == {CaseStatus.DISPATCHED}


def test_console_batch_failure_lists_the_rows_and_changes_nothing(world, client):
    fresh = some_cases(world, 2)
    taken = case_flow.accepted(world)
    client.force_login(world.dispatcher)

    response = client.post(
        reverse("cases:console_batch"), batch_post(world, [*fresh, taken], next="/console/")
    )

    page = response.content.decode()
    assert response.status_code == 409
    assert "批量派单未执行" in page and taken.tracking_no in page
    # The ticked rows stay ticked, ready for the dispatcher to untick the bad one and resend.
    assert f'value="{fresh[0].pk}" form="batch-form" aria-label="选择 {fresh[0].tracking_no}" checked' in page
    assert statuses(fresh) == {CaseStatus.SUBMITTED}


def test_console_batch_over_the_limit_is_a_clear_400(world, client):
    client.force_login(world.dispatcher)
    data = batch_post(world, [], case_ids=[str(n) for n in range(1, 102)])
    response = client.post(reverse("cases:console_batch"), data)
    assert response.status_code == 400 and "一次最多批量派单 100 件" in response.content.decode()


@pytest.mark.parametrize("persona", ["worker_a", "resident", "water_handler", "leader"])
def test_non_dispatchers_may_not_batch_on_the_page(world, client, persona):
    case = case_flow.submitted(world)
    client.force_login(getattr(world, persona))
    response = client.post(reverse("cases:console_batch"), batch_post(world, [case]))
    assert response.status_code in (403, 404)
    assert statuses([case]) == {CaseStatus.SUBMITTED}


# ── paging ──────────────────────────────────────────────────────────────────────────────────────────


def test_console_page_two_has_the_next_rows_and_keeps_the_filters(
    world, client, django_assert_max_num_queries
):
    in_a = some_cases(world, 53)
    in_b = some_cases(world, 2, point=POINT_B)
    client.force_login(world.dispatcher)
    query = f"?grid={world.grid_a.pk}&page=2"

    with django_assert_max_num_queries(6):  # session, user, roles, the grid filter, the count, the page
        response = client.get(
            reverse("cases:console") + query, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue"
        )

    fragment = response.content.decode()
    assert "<html" not in fragment
    rows = [c for c in in_a + in_b if f'id="case-row-{c.pk}"' in fragment]
    assert rows == in_a[50:]  # oldest first: page 2 holds the 51st to 53rd
    assert "共 53 件" in fragment and "第 51–53 件" in fragment and "第 2 / 2 页" in fragment
    # The link back keeps the grid filter, and the batch form returns to this very page.
    assert f'hx-get="/console/?grid={world.grid_a.pk}&amp;page=1"' in fragment
    assert f'name="next" form="batch-form" value="/console/?grid={world.grid_a.pk}&amp;page=2"' in fragment


def test_console_full_page_query_count_does_not_grow_with_the_pages(
    world, client, django_assert_max_num_queries
):
    some_cases(world, 60)
    client.force_login(world.dispatcher)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:console"))
    page = response.content.decode()
    assert page.count('id="case-row-') == 50 and "共 60 件" in page and "第 1 / 2 页" in page


# ── the API twin ────────────────────────────────────────────────────────────────────────────────────


def api_post(token: str, body: dict):
    client = Client(headers={"Authorization": f"Bearer {token}"})
    return client.post("/api/dispatch/batch", json.dumps(body), content_type="application/json")


def test_api_batch_dispatch_all_or_nothing(world, token_for):
    cases = some_cases(world, 3)
    taken = case_flow.accepted(world)
    token = token_for(world.dispatcher)

    refused = api_post(
        token,
        {
            "case_ids": [c.pk for c in cases] + [taken.pk],
            "item_id": world.item_litter.pk,
            "to_grid_workers": True,
        },
    )
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "batch_failed" and taken.tracking_no in body["message"]
    assert list(body["fields"]["rows"]) == [taken.tracking_no]
    assert statuses(cases) == {CaseStatus.SUBMITTED}

    done = api_post(
        token,
        {"case_ids": [c.pk for c in cases], "item_id": world.item_pipe.pk, "department_id": world.water.pk},
    )
    assert done.status_code == 200
    assert done.json()["count"] == 3
    assert [c["tracking_no"] for c in done.json()["cases"]] == [c.tracking_no for c in cases]
    assert statuses(cases) == {CaseStatus.DISPATCHED}


def test_api_batch_limits_and_roles(world, token_for):
    case = case_flow.submitted(world)
    too_many = api_post(
        token_for(world.dispatcher),
        {"case_ids": list(range(1, 102)), "item_id": world.item_litter.pk, "to_grid_workers": True},
    )
    assert too_many.status_code == 400 and too_many.json()["code"] == "batch_too_large"

    for persona in (world.worker_a, world.water_handler, world.leader):
        response = api_post(
            token_for(persona),
            {"case_ids": [case.pk], "item_id": world.item_litter.pk, "to_grid_workers": True},
        )
        assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert statuses([case]) == {CaseStatus.SUBMITTED}
