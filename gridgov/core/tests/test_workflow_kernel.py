"""The workflow gateway's contract, shown on the case machine: order of checks, one transaction, hooks
inside it, and `allowed_events` agreeing with what the gateway accepts."""

from __future__ import annotations

import pytest

from gridgov.cases import actions
from gridgov.cases.models import Case, CaseEvent, TimelineEntry
from gridgov.cases.tests import case_flow
from gridgov.cases.workflow import CASE_WORKFLOW
from gridgov.core.errors import Conflict, NotFound, PermissionDenied
from gridgov.core.workflow import StateTable


def test_outsider_gets_404_before_state_or_permission_is_looked_at(world):
    case = case_flow.resolved(world)  # accept is no longer possible, and worker B may not accept anyway
    with pytest.raises(NotFound):
        CASE_WORKFLOW.apply(actor=world.worker_b, pk=case.pk, event=CaseEvent.ACCEPT)


def test_state_is_checked_before_permission(world):
    case = case_flow.resolved(world)
    with pytest.raises(Conflict) as refused:
        CASE_WORKFLOW.apply(actor=world.leader, pk=case.pk, event=CaseEvent.ACCEPT)
    assert refused.value.code == "invalid_transition"


def test_permission_refusal_writes_nothing(world):
    case = case_flow.dispatched(world)
    with pytest.raises(PermissionDenied):
        CASE_WORKFLOW.apply(actor=world.leader, pk=case.pk, event=CaseEvent.ACCEPT)
    assert Case.objects.get(pk=case.pk).status == "dispatched"


def test_the_system_may_apply_only_its_own_events(world):
    case = case_flow.dispatched(world)
    with pytest.raises(PermissionDenied):
        CASE_WORKFLOW.apply(actor=None, pk=case.pk, event=CaseEvent.ACCEPT)


def test_a_hook_that_fails_rolls_the_event_back(world):
    case = case_flow.dispatched(world)
    head = Case.objects.get(pk=case.pk).timeline_head

    def broken(subject, entry):
        raise RuntimeError("outbox is down")

    CASE_WORKFLOW.register_hook(broken)
    try:
        with pytest.raises(RuntimeError):
            actions.case_accept(actor=world.worker_a, case_id=case.pk)
    finally:
        CASE_WORKFLOW.unregister_hook(broken)
    after = Case.objects.get(pk=case.pk)
    assert (after.status, after.timeline_head) == ("dispatched", head)
    assert not TimelineEntry.objects.filter(case=case, event="accept").exists()


def test_hooks_see_the_entry_they_follow(world):
    seen = []
    hook = lambda subject, entry: seen.append((subject.pk, entry.event, entry.to_status))  # noqa: E731
    CASE_WORKFLOW.register_hook(hook)
    try:
        case = case_flow.accepted(world)
    finally:
        CASE_WORKFLOW.unregister_hook(hook)
    assert seen[-1] == (case.pk, "accept", "accepted")
    assert [event for _pk, event, _to in seen] == ["submit", "dispatch", "accept"]


@pytest.mark.parametrize("who", ["resident", "worker_a", "worker_b", "dispatcher", "leader", "water_handler"])
def test_allowed_events_are_exactly_what_the_gateway_accepts(world, who):
    """For each persona and each event on a dispatched case: offered ⇔ the gateway passes scope, table
    and permission (the event's own checks may still refuse it with a specific 409)."""
    user = getattr(world, who)
    case = case_flow.dispatched(world)
    visible = Case.objects.filter(pk=case.pk)
    from gridgov.cases.access import cases_visible_to

    if not cases_visible_to(user).filter(pk=case.pk).exists():
        return  # outsiders are refused with 404 before anything is offered (tested above)
    offered = CASE_WORKFLOW.allowed_events(user, visible.get())
    for event in CASE_WORKFLOW.events():
        table = CASE_WORKFLOW.next_status(case.status, event) is not None
        permitted = CASE_WORKFLOW.may(user, visible.get(), event)
        if event in offered:
            assert table and permitted, event
        elif table and permitted:
            assert CASE_WORKFLOW.offer is not None and not CASE_WORKFLOW.offer(user, visible.get(), event)


def test_a_state_table_answers_next_and_what_is_possible():
    table = StateTable({("called", "acknowledge"): "acknowledged", ("acknowledged", "resolve"): "resolved"})
    assert table.next("called", "acknowledge") == "acknowledged"
    assert table.next("called", "resolve") is None
    assert table.events_from("acknowledged") == ["resolve"]
