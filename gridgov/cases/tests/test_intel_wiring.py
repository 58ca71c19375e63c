"""The smart-dispatch library as the case loop uses it: address → grid, duplicates, suggestion kept."""

from __future__ import annotations

from gridgov.cases import actions, selectors
from gridgov.cases.models import Channel, TimelineEntry
from gridgov.cases.tests import case_flow
from gridgov.territory.models import Compound
from gridgov.territory.selectors import grid_reset_index


def test_typed_address_places_the_case_in_its_grid(world):
    Compound.objects.create(grid=world.grid_b, name="阳光小区", buildings=["1栋", "2栋", "3栋"])
    grid_reset_index()
    case, _ = actions.case_submit(
        actor=world.resident,
        channel=Channel.WEB,
        description="阳光小区三栋楼下垃圾堆了一周没人清理",
        contact_phone="13812341234",
        address="城东街道幸福社区阳光小区3号楼",
    )
    assert case.grid == world.grid_b
    assert case.region_path == world.grid_b.path
    entry = TimelineEntry.objects.get(case=case, event="submit")
    assert entry.data["located_by"].startswith("address")


def test_unknown_address_leaves_the_case_for_the_dispatcher(world):
    case, _ = actions.case_submit(
        actor=world.resident,
        channel=Channel.WEB,
        description="路边有一棵树倒了挡住了路",
        contact_phone="13812341234",
        address="不知道在哪条路上",
    )
    assert case.grid is None
    assert case in selectors.dispatcher_queue(world.dispatcher)


def test_reworded_report_of_the_same_lamp_is_offered_for_merge(world):
    first = case_flow.submitted(world, description="幸福社区3栋门口的路灯坏了，晚上一片漆黑")
    again = case_flow.submitted(world, description="3栋门口路灯不亮好几天了，晚上走路很黑")
    other = case_flow.submitted(world, description="3栋楼下垃圾桶满了没人清运，臭味很大")
    offered = [c for c, _ in selectors.similar_open_cases(again)]
    assert first in offered
    assert other not in offered


def test_dispatch_keeps_the_models_suggestion_beside_the_dispatchers_choice(world):
    case = case_flow.submitted(world)
    case.suggested_label, case.suggested_confidence, case.suggestion_model = "环境保护", 0.91, "v-test"
    case.save(update_fields=["suggested_label", "suggested_confidence", "suggestion_model"])
    actions.case_dispatch(
        actor=world.dispatcher, case_id=case.pk, item=world.item_lamp, to_worker=world.worker_a
    )
    entry = TimelineEntry.objects.get(case=case, event="dispatch")
    assert entry.data["suggested"]["suggested_label"] == "环境保护"
    assert entry.data["item"] == world.item_lamp.code
    case.refresh_from_db()
    assert (case.suggested_label, case.category) == ("环境保护", world.roads)
