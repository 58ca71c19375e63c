"""The case rollups stay equal to the case records through any history, and `kpi verify` says when not.

Random histories drive the real actions (submit, dispatch, re-dispatch, return, accept, info requests,
postponements, resolve, ratings with rework, centre closure, cancellation, merge) at frozen instants,
including the refused moves a random walk makes; afterwards the maintained rollups must equal the ones
recomputed from the records, and the registry's case figures (mostly from rollups) must equal the 合计
row the tables compute from the case rows, for every region and for short and long periods.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db.models import F

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseStatus, RatingScore
from gridgov.cases.tests import case_flow
from gridgov.core.errors import DomainError
from gridgov.kpi.selectors import kpi_report
from gridgov.measures.actions import rollups_rebuild
from gridgov.measures.models import Rollup
from gridgov.measures.period import Period
from gridgov.measures.rollups import kpi_verify
from gridgov.supervision.tests.flow import at

POINT_A, POINT_B = (108.305, 22.805), (108.315, 22.805)
DESCRIPTIONS = ["小区门口路灯坏了三天，晚上很黑", "楼下垃圾堆了一周没人清运", "绿化带里有大量生活垃圾"]


def _handler(world, case: Case):
    return world.water_handler if case.department_id else world.worker_a


DISPATCH = ["dispatch_worker", "dispatch_worker", "dispatch_department"]
FITTING = {
    CaseStatus.SUBMITTED: [*DISPATCH, *DISPATCH, "cancel", "merge"],
    CaseStatus.DISPATCHED: ["accept", "accept", "accept", "return", "cancel", "dispatch_worker"],
    CaseStatus.RETURNED: [*DISPATCH, "cancel", "merge"],
    CaseStatus.ACCEPTED: ["resolve", "resolve", "resolve", "request_info", "postpone"],
    CaseStatus.WAITING_INFO: ["supply_info"],
    CaseStatus.POSTPONED: ["resume"],
    CaseStatus.RESOLVED: ["rate", "rate", "rate", "close"],
    CaseStatus.REWORK: ["accept", "accept", "dispatch_department"],
}


def _step(world, rng: random.Random, made: list[int]) -> None:
    """One random move: a new case, or an event on a random case; refused moves write nothing."""
    w = world
    if not made or rng.random() < 0.15:
        point = rng.choice([POINT_A, POINT_B])
        made.append(case_flow.submitted(w, point=point, description=rng.choice(DESCRIPTIONS)).pk)
        return
    live = list(Case.objects.filter(pk__in=made, status__in=list(FITTING)).values_list("pk", flat=True))
    case = Case.objects.get(pk=rng.choice(live if live and rng.random() < 0.9 else made))
    moves = {
        "dispatch_worker": lambda: actions.case_dispatch(
            actor=w.dispatcher, case_id=case.pk, item=w.item_litter, to_worker=w.worker_a
        ),
        "dispatch_department": lambda: actions.case_dispatch(
            actor=w.dispatcher, case_id=case.pk, item=w.item_pipe, to_department=w.water
        ),
        "accept": lambda: actions.case_accept(actor=_handler(w, case), case_id=case.pk),
        "return": lambda: actions.case_return(
            actor=_handler(w, case), case_id=case.pk, reason="不属于本网格"
        ),
        "request_info": lambda: actions.case_request_info(
            actor=_handler(w, case), case_id=case.pk, note="请补充照片"
        ),
        "supply_info": lambda: actions.case_supply_info(actor=w.resident, case_id=case.pk, note="已补充说明"),
        "postpone": lambda: actions.case_postpone(actor=w.dispatcher, case_id=case.pk, reason="需等待施工"),
        "resume": lambda: actions.case_resume(actor=w.dispatcher, case_id=case.pk),
        "resolve": lambda: actions.case_resolve(
            actor=_handler(w, case), case_id=case.pk, result="已处理完毕"
        ),
        "rate": lambda: actions.case_rate(
            actor=w.resident,
            case_id=case.pk,
            score=(score := rng.choice(list(RatingScore.values))),
            comment="还是没有解决" if score == RatingScore.UNSATISFIED else "",
        ),
        "close": lambda: actions.case_close(actor=w.dispatcher, case_id=case.pk),
        "cancel": lambda: actions.case_cancel(actor=w.resident, case_id=case.pk),
        "merge": lambda: actions.case_merge(actor=w.dispatcher, case_id=case.pk, into_id=rng.choice(made)),
    }
    fitting = FITTING.get(case.status, [])
    # Mostly a move the case's status allows; sometimes any move, which the rules may refuse.
    name = rng.choice(fitting) if fitting and rng.random() < 0.9 else rng.choice(list(moves))
    try:
        moves[name]()
    except DomainError:
        pass  # a move the state machine or the rules refuse: it must leave the rollups as they were


def _history(world, seed: int, steps: int) -> list[int]:
    rng = random.Random(seed)
    made: list[int] = []
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False) as frozen:
        now = at(2025, 3, 3, 9, 0)
        for _i in range(steps):
            _step(world, rng, made)
            now += timedelta(minutes=rng.randint(10, 60 * 30))
            frozen.move_to(now)
    return made


def _table_total(region, period: Period) -> dict:
    report = kpi_report(region, period)
    figures = {f.measure.key: f.value for f in report.figures[0].figures}
    return {"table": report.total.as_dict(), "registry": {k: figures[k] for k in report.total.as_dict()}}


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_equal_the_records_after_a_random_history(world, seed):
    made = _history(world, seed, steps=120)
    statuses = set(Case.objects.filter(pk__in=made).values_list("status", flat=True))
    assert {CaseStatus.CLOSED, CaseStatus.REWORK, CaseStatus.MERGED} & statuses  # the walk went somewhere

    assert kpi_verify() == []

    periods = [Period(date(2025, 1, 1), date(2025, 12, 31)), Period(date(2025, 3, 5), date(2025, 3, 9))]
    with time_machine.travel(at(2025, 6, 1, 12, 0), tick=False):
        for region in (world.county, world.street, world.community, world.grid_a, world.grid_b):
            for period in periods:
                both = _table_total(region, period)
                assert both["registry"] == both["table"], (region.code, period)


def test_a_rebuild_gives_the_rows_the_events_maintained(world):
    _history(world, 3, steps=50)

    def rows():
        return sorted(
            Rollup.objects.exclude(count=0, total=0).values_list(
                "domain", "measure", "path", "day", "dims", "count", "total"
            )
        )

    maintained = rows()
    assert maintained
    rollups_rebuild()
    assert rows() == maintained
    assert kpi_verify() == []


def test_verify_names_a_tampered_row_and_rebuild_repairs_it(world):
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        case = case_flow.resolved(world)
    row = Rollup.objects.get(domain="cases", measure="completed", path=case.region_path)
    Rollup.objects.filter(pk=row.pk).update(count=F("count") + 1)  # e.g. an edit with raw SQL

    [difference] = kpi_verify()
    assert (difference.measure, difference.path, difference.expected, difference.maintained) == (
        "completed",
        case.region_path,
        (1, 0),
        (2, 0),
    )
    with pytest.raises(CommandError, match="1 rollup rows differ"):
        call_command("kpi", "verify")
    call_command("kpi", "rebuild")
    assert kpi_verify() == []
    call_command("kpi", "verify")  # no error: they match


def test_a_case_located_later_moves_its_counts_to_its_grid(world):
    """A typed address the matcher cannot place leaves the case unlocated until the dispatcher picks a grid."""
    with time_machine.travel(at(2025, 3, 3, 9, 0), tick=False):
        case, _created = actions.case_submit(
            actor=world.resident,
            channel="web",
            description="某个地方的路灯坏了很久了",
            contact_phone="13812341234",
            address="不知道在哪里",
        )
        assert case.region_path == ""
        assert Rollup.objects.get(domain="cases", measure="received").path == ""
        actions.case_dispatch(
            actor=world.dispatcher,
            case_id=case.pk,
            item=world.item_litter,
            to_worker=world.worker_a,
            grid=world.grid_a,
        )
    received = {r.path: r.count for r in Rollup.objects.filter(domain="cases", measure="received")}
    assert received == {"": 0, world.grid_a.path: 1}
    assert kpi_verify() == []


def test_unknown_domain_is_a_command_error(world):
    with pytest.raises(CommandError, match="no domain 'nope'"):
        call_command("kpi", "verify", "--domain", "nope")
