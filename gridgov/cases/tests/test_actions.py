"""Rules of the case loop, through the actions: deadlines, returns, evidence, rework, merge, idempotency,
channels, routing suggestions and the append-only timeline."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from gridgov.cases import access, actions
from gridgov.cases.models import Attachment, Case, CaseStatus, Channel, Rating, RatingScore, TimelineEntry
from gridgov.cases.tests import case_flow
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _timeline(case: Case) -> list[str]:
    return list(TimelineEntry.objects.filter(case=case).order_by("id").values_list("event", flat=True))


def test_dispatch_sets_the_deadline_from_the_item_and_the_working_calendar(world):
    # given a case dispatched on Wednesday 30 Sep 2026, 10:00, the eve of the National Day holiday
    case = case_flow.submitted(world)
    with time_machine.travel(datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI), tick=False):
        # when the centre routes it as a 3-working-day matter
        case = actions.case_dispatch(
            actor=world.dispatcher, case_id=case.pk, item=world.item_lamp, to_worker=world.worker_a
        )
    # then 1–8 Oct are holidays, so the third working day is Saturday 10 Oct (a 调休 workday), end of day
    assert case.deadline_at.astimezone(SHANGHAI) == datetime(2026, 10, 10, 17, 30, tzinfo=SHANGHAI)
    assert case.dispatched_at.astimezone(SHANGHAI) == datetime(2026, 9, 30, 10, 0, tzinfo=SHANGHAI)


def test_dispatch_in_calendar_hours_for_a_department_item(world):
    case = case_flow.submitted(world)
    with time_machine.travel(datetime(2026, 10, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        case = actions.case_dispatch(
            actor=world.dispatcher, case_id=case.pk, item=world.item_pipe, to_department=world.water
        )
    # 24 calendar hours run through the holiday: a burst pipe does not wait for a working day.
    assert case.deadline_at.astimezone(SHANGHAI) == datetime(2026, 10, 2, 9, 0, tzinfo=SHANGHAI)


def test_return_needs_a_reason_and_counts(world):
    case = case_flow.dispatched(world)
    with pytest.raises(InvalidInput) as err:
        actions.case_return(actor=world.worker_a, case_id=case.pk, reason="  ")
    assert err.value.code == "missing_field"
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DISPATCHED and _timeline(case) == [
        "submit",
        "dispatch",
    ]

    case = actions.case_return(actor=world.worker_a, case_id=case.pk, reason="不属于本网格")
    assert case.status == CaseStatus.RETURNED and case.return_count == 1 and case.handler is None
    assert TimelineEntry.objects.filter(case=case).last().note == "不属于本网格"


def test_only_the_assignee_may_return_or_accept(world):
    case = case_flow.dispatched(world)
    with pytest.raises(PermissionDenied):
        actions.case_accept(actor=world.dispatcher, case_id=case.pk)


def test_resolve_refuses_without_evidence_when_the_item_requires_photos(world, photo):
    case = case_flow.submitted(world)
    actions.case_dispatch(
        actor=world.dispatcher, case_id=case.pk, item=world.item_lamp, to_worker=world.worker_a
    )
    actions.case_accept(actor=world.worker_a, case_id=case.pk)
    entries = TimelineEntry.objects.count()

    with pytest.raises(InvalidInput) as err:
        actions.case_resolve(actor=world.worker_a, case_id=case.pk, result="已更换灯泡")
    assert err.value.code == "evidence_required"
    row = Case.objects.get(pk=case.pk)
    assert (row.status, row.result, row.resolved_at) == (CaseStatus.ACCEPTED, "", None)
    assert TimelineEntry.objects.count() == entries and Attachment.objects.count() == 0

    case = actions.case_resolve(actor=world.worker_a, case_id=case.pk, result="已更换灯泡", photos=[photo()])
    assert case.status == CaseStatus.RESOLVED
    assert list(Attachment.objects.filter(case=case).values_list("kind", flat=True)) == ["evidence"]


def test_unsatisfied_rating_sends_back_for_rework_and_counts(world):
    case = case_flow.resolved(world)
    case = actions.case_rate(
        actor=world.resident, case_id=case.pk, score=RatingScore.UNSATISFIED, comment="灯还是不亮"
    )
    assert case.status == CaseStatus.REWORK and case.rework_count == 1 and case.resolved_at is None

    actions.case_accept(actor=world.worker_a, case_id=case.pk)
    actions.case_resolve(actor=world.worker_a, case_id=case.pk, result="更换了整套灯具")
    case = actions.case_rate(actor=world.resident, case_id=case.pk, score=RatingScore.SATISFIED)
    assert case.status == CaseStatus.CLOSED and case.rework_count == 1
    assert list(Rating.objects.filter(case=case).order_by("round").values_list("round", "score")) == [
        (0, "unsatisfied"),
        (1, "satisfied"),
    ]
    assert _timeline(case)[-5:] == ["resolve", "rework", "accept", "resolve", "rate"]


def test_only_the_submitter_rates(world):
    case = case_flow.resolved(world)
    with pytest.raises(PermissionDenied):
        actions.case_rate(actor=world.worker_a, case_id=case.pk, score=RatingScore.SATISFIED)


def test_merge_lets_the_duplicates_resident_see_the_original(world):
    original = case_flow.submitted(world)
    duplicate, _ = actions.case_submit(
        actor=world.other_resident,
        channel=Channel.WEB,
        description="门口路灯不亮好几天了",
        contact_phone="13999998888",
        lon=108.305,
        lat=22.805,
    )
    assert not access.cases_visible_to(world.other_resident).filter(pk=original.pk).exists()

    duplicate = actions.case_merge(actor=world.dispatcher, case_id=duplicate.pk, into_id=original.pk)

    assert duplicate.status == CaseStatus.MERGED and duplicate.merged_into_id == original.pk
    assert access.cases_visible_to(world.other_resident).filter(pk=original.pk).exists()
    assert _timeline(original) == ["submit", "merged_in"]
    assert Case.objects.get(pk=original.pk).status == CaseStatus.SUBMITTED


def test_idempotent_submit_returns_the_same_case(world):
    first = case_flow.submitted(world, key="form-7f3a")
    again = case_flow.submitted(world, key="form-7f3a", description="第二次提交，内容不同也一样")
    assert again.pk == first.pk and Case.objects.count() == 1 and TimelineEntry.objects.count() == 1


def test_someone_elses_idempotency_key_is_a_conflict(world):
    case_flow.submitted(world, key="shared-key")
    with pytest.raises(Conflict) as err:
        actions.case_submit(
            actor=world.other_resident,
            channel=Channel.WEB,
            description="我也想用这个键提交",
            contact_phone="13999998888",
            address="幸福路 2 号",
            idempotency_key="shared-key",
        )
    assert err.value.code == "idempotency_key_reused" and Case.objects.count() == 1


def test_patrol_submit_by_a_worker_lands_in_their_grid(world):
    case, created = actions.case_submit(
        actor=world.worker_b,
        channel=Channel.PATROL,
        description="巡查发现井盖缺失，有安全隐患",
        contact_phone="13800000000",
    )
    assert created and case.grid == world.grid_b and case.region_path == world.grid_b.path
    assert case.recorded_by == world.worker_b and case.submitter is None
    assert access.cases_visible_to(world.worker_b).filter(pk=case.pk).exists()
    assert not access.cases_visible_to(world.worker_a).filter(pk=case.pk).exists()
    with pytest.raises(PermissionDenied):
        actions.case_submit(
            actor=world.resident,
            channel=Channel.PATROL,
            description="居民冒充巡查上报",
            contact_phone="13812341234",
        )


def test_phone_entry_by_the_dispatcher(world):
    case, _ = actions.case_submit(
        actor=world.dispatcher,
        channel=Channel.PHONE,
        description="来电反映小区停水一整天",
        contact_phone="0771-5551234",
        contact_name="刘先生",
        address="幸福路 8 号",
    )
    assert (case.channel, case.recorded_by, case.submitter, case.contact_name) == (
        "phone",
        world.dispatcher,
        None,
        "刘先生",
    )
    assert case.grid is None  # no point given: the county centre sees it in its queue
    with pytest.raises(PermissionDenied):
        actions.case_submit(
            actor=world.worker_a,
            channel=Channel.PHONE,
            description="网格员不能代录电话",
            contact_phone="13812341234",
            address="x",
        )


def test_a_phone_case_is_rated_by_the_centre_on_the_follow_up_call(world):
    case, _ = actions.case_submit(
        actor=world.dispatcher,
        channel=Channel.PHONE,
        description="来电反映路边垃圾堆放",
        contact_phone="13712345678",
        lon=108.305,
        lat=22.805,
    )
    actions.case_dispatch(
        actor=world.dispatcher, case_id=case.pk, item=world.item_litter, to_worker=world.worker_a
    )
    actions.case_accept(actor=world.worker_a, case_id=case.pk)
    actions.case_resolve(actor=world.worker_a, case_id=case.pk, result="已清运")
    assert (
        actions.case_rate(actor=world.dispatcher, case_id=case.pk, score=RatingScore.BASIC).status
        == CaseStatus.CLOSED
    )


def test_suggest_assignee_for_grid_and_department_items(world):
    case = case_flow.submitted(world)
    assert actions.suggest_assignee(case) == {"kind": "worker", "department": None, "worker": world.worker_a}
    case.item = world.item_pipe
    assert actions.suggest_assignee(case) == {"kind": "department", "department": world.water, "worker": None}
    in_b = case_flow.submitted(world, point=(108.315, 22.805), description="第二网格的垃圾堆放问题")
    in_b.item = world.item_litter
    assert actions.suggest_assignee(in_b)["worker"] == world.worker_b


def test_the_timeline_is_append_only(world):
    case = case_flow.dispatched(world)
    entry = TimelineEntry.objects.filter(case=case).first()
    entry.note = "改写历史"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert TimelineEntry.objects.get(pk=entry.pk).note != "改写历史"
    assert _timeline(case) == ["submit", "dispatch"]


def test_cancel_after_accept_is_refused(world):
    case = case_flow.accepted(world)
    with pytest.raises(Conflict) as err:
        actions.case_cancel(actor=world.resident, case_id=case.pk, reason="不需要了")
    assert err.value.code == "invalid_transition"
