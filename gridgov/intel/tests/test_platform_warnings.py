"""Smart dispatch on the platform's own records: the warnings tick and auto-dispatch."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseStatus, Channel
from gridgov.core import clock
from gridgov.intel.actions import dispatch_policy_update
from gridgov.intel.models import Alert, AlertKind
from gridgov.intel.warnings import warnings_tick
from gridgov.notify.models import Notification

TODAY = timezone.make_aware(dt.datetime(2026, 11, 18, 15, 0))  # a Wednesday


def _report(world, when, category, text="路灯坏了晚上很黑", address=""):
    with clock.at(when):
        case, _ = actions.case_submit(
            actor=world.resident,
            channel=Channel.WEB,
            description=text,
            contact_phone="13812341234",
            lon=108.305,
            lat=22.805,
            category=category,
            address=address,
        )
    return case


def _quiet_history(world, days=28):
    # One report every fourth day: the pair's own baseline is about 0.25 a day.
    for back in range(days, 0, -4):
        _report(world, TODAY - dt.timedelta(days=back), world.roads)


def test_a_planted_spike_raises_one_alert_for_the_region_leaders(world):
    _quiet_history(world)
    for hour in range(7):
        _report(world, TODAY - dt.timedelta(hours=hour), world.roads, text=f"第{hour}处路灯不亮")
    made = warnings_tick(TODAY)
    assert made["spike"] == 1
    alert = Alert.objects.get(kind=AlertKind.SPIKE)
    assert alert.region == world.community and alert.category == world.roads
    assert alert.observed == 7 and alert.expected < 1
    assert len(alert.case_ids) == 7
    assert Notification.objects.filter(recipient=world.leader, kind="intel.alert").count() == 1
    assert warnings_tick(TODAY)["spike"] == 0  # idempotent
    assert Alert.objects.count() == 1


def test_a_quiet_month_raises_nothing(world):
    _quiet_history(world)
    _report(world, TODAY, world.roads)
    assert warnings_tick(TODAY) == {"spike": 0, "recurrence": 0}
    assert not Alert.objects.exists()


def test_the_same_address_after_closure_is_flagged(world):
    first = _report(world, TODAY - dt.timedelta(days=10), world.roads, address="幸福社区3栋门口")
    with clock.at(TODAY - dt.timedelta(days=9)):
        actions.case_dispatch(
            actor=world.dispatcher, case_id=first.pk, item=world.item_litter, to_worker=world.worker_a
        )
        actions.case_accept(actor=world.worker_a, case_id=first.pk)
        actions.case_resolve(actor=world.worker_a, case_id=first.pk, result="已修好")
        actions.case_rate(actor=world.resident, case_id=first.pk, score="satisfied")
    # Dispatch filed the first under 环境保护 (the litter item); the same problem comes back.
    _report(world, TODAY - dt.timedelta(hours=2), world.environment, address="幸福社区 3栋门口")
    assert warnings_tick(TODAY)["recurrence"] == 1
    alert = Alert.objects.get(kind=AlertKind.RECURRENCE)
    assert first.pk in alert.case_ids


@pytest.fixture
def confident_model(monkeypatch, world):
    from gridgov.intel import classifier

    def suggest(title, detail):
        return classifier.Suggestion(
            label=world.item_litter.code,
            confidence=0.97,
            model_version="v-items",
            uncertain=False,
            top=[(world.item_litter.code, 0.97)],
        )

    monkeypatch.setattr(classifier, "suggest", suggest)


def test_auto_dispatch_is_off_until_the_county_turns_it_on(world, confident_model):
    case = _report(world, timezone.now(), None)
    assert case.status == CaseStatus.SUBMITTED
    dispatch_policy_update(actor=world.admin, auto_dispatch=True, min_confidence=0.9)
    case = _report(world, timezone.now(), None, text="楼下垃圾堆了好几天")
    assert case.status == CaseStatus.DISPATCHED
    assert case.handler == world.worker_a and case.item == world.item_litter
    assert case.timeline.filter(event="dispatch", actor__isnull=True).exists()


def test_auto_dispatch_leaves_less_confident_cases_to_a_person(world, confident_model):
    dispatch_policy_update(actor=world.admin, auto_dispatch=True, min_confidence=0.99)
    case = _report(world, timezone.now(), None)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUBMITTED


def test_train_from_closed_cases_uses_the_dispatchers_item_as_label(world, tmp_path, capsys):
    import json

    from gridgov.cases.tests import case_flow
    from gridgov.core.tests.commands import exit_code

    for text in ("楼下垃圾没人清运", "垃圾桶满了臭气熏天", "小区门口堆满垃圾"):
        case = case_flow.resolved(world, description=text)
        assert case.item == world.item_litter
    for text in ("自来水管爆了水漫一地", "供水管道破裂停水"):
        case_flow.resolved(world, description=text, to_department=True)
    assert exit_code("dispatch", "train", "--from-cases", "--out", str(tmp_path)) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["n"] == 5
    assert summary["labels"] == sorted([world.item_litter.code, world.item_pipe.code])
    assert exit_code("dispatch", "train", "--out", str(tmp_path)) == 2
