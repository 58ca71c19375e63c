"""The case state machine: a table of (status, event) -> status, and the gateway that applies it.

Anything absent from the table is refused. `CASE_WORKFLOW.apply` (public name `apply_event` in
`cases.actions`) is the one place that writes `Case.status`; see `gridgov.core.workflow`.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from gridgov.cases import access
from gridgov.cases.models import CLOCK_STATUSES, OPEN_STATUSES, Case, ExtensionStatus, TimelineEntry
from gridgov.cases.models import CaseEvent as E
from gridgov.cases.models import CaseStatus as S
from gridgov.core.chain import register
from gridgov.core.timeline import timeline_table
from gridgov.core.workflow import Workflow
from gridgov.people.selectors import actor_label

TRANSITIONS: dict[tuple[str, str], str] = {
    (S.SUBMITTED, E.DISPATCH): S.DISPATCHED,
    (S.DISPATCHED, E.DISPATCH): S.DISPATCHED,  # the centre re-routes before anyone accepted
    (S.RETURNED, E.DISPATCH): S.DISPATCHED,  # re-dispatch a returned case
    (S.REWORK, E.DISPATCH): S.DISPATCHED,  # rework given to someone else
    (S.DISPATCHED, E.ACCEPT): S.ACCEPTED,
    (S.REWORK, E.ACCEPT): S.ACCEPTED,
    (S.DISPATCHED, E.RETURN): S.RETURNED,
    (S.ACCEPTED, E.PROGRESS): S.ACCEPTED,
    (S.ACCEPTED, E.RESOLVE): S.RESOLVED,
    (S.RESOLVED, E.RATE): S.CLOSED,
    (S.RESOLVED, E.REWORK): S.REWORK,
    (S.RESOLVED, E.CLOSE): S.CLOSED,  # the centre closes a case nobody rated within the rating period
    (S.SUBMITTED, E.CANCEL): S.CANCELLED,
    (S.DISPATCHED, E.CANCEL): S.CANCELLED,
    (S.RETURNED, E.CANCEL): S.CANCELLED,
    (S.SUBMITTED, E.MERGE): S.MERGED,
    (S.RETURNED, E.MERGE): S.MERGED,
    # The original of a merge records the duplicate it absorbed and stays where it is.
    (S.SUBMITTED, E.MERGED_IN): S.SUBMITTED,
    (S.DISPATCHED, E.MERGED_IN): S.DISPATCHED,
    (S.RETURNED, E.MERGED_IN): S.RETURNED,
    (S.ACCEPTED, E.MERGED_IN): S.ACCEPTED,
    (S.REWORK, E.MERGED_IN): S.REWORK,
    (S.WAITING_INFO, E.MERGED_IN): S.WAITING_INFO,
    (S.POSTPONED, E.MERGED_IN): S.POSTPONED,
    # Pauses of the clock: waiting on the resident (补充材料) and an approved postponement (缓办).
    (S.ACCEPTED, E.REQUEST_INFO): S.WAITING_INFO,
    (S.WAITING_INFO, E.SUPPLY_INFO): S.ACCEPTED,
    (S.ACCEPTED, E.POSTPONE): S.POSTPONED,
    (S.POSTPONED, E.RESUME): S.ACCEPTED,
    (S.ACCEPTED, E.EXTENSION_REQUEST): S.ACCEPTED,
    (S.ACCEPTED, E.EXTENSION_DECIDE): S.ACCEPTED,
    (S.WAITING_INFO, E.EXTENSION_DECIDE): S.WAITING_INFO,
    (S.POSTPONED, E.EXTENSION_DECIDE): S.POSTPONED,
    # 吹哨报到: the handler calls departments in; they report while the case is being handled.
    (S.ACCEPTED, E.WHISTLE): S.ACCEPTED,
    (S.ACCEPTED, E.REPORT_IN): S.ACCEPTED,
    (S.WAITING_INFO, E.REPORT_IN): S.WAITING_INFO,
    (S.POSTPONED, E.REPORT_IN): S.POSTPONED,
    (S.REWORK, E.REPORT_IN): S.REWORK,  # the lead department reports again after an unsatisfied rating
}
# Deadline warnings and escalation happen while the clock runs; supervision on any open case.
for _status in CLOCK_STATUSES:
    TRANSITIONS[(_status, E.SLA_YELLOW)] = _status
    TRANSITIONS[(_status, E.SLA_RED)] = _status
    TRANSITIONS[(_status, E.ESCALATE)] = _status
for _status in OPEN_STATUSES:
    TRANSITIONS[(_status, E.SUPERVISE)] = _status
    TRANSITIONS[(_status, E.TAKE_OWNERSHIP)] = _status

# Events that are applied through the gateway (SUBMIT creates the case and has no "from").
GATEWAY_EVENTS = [e for e in E.values if e != E.SUBMIT]


def next_status(status: str, event: str) -> str | None:
    return TRANSITIONS.get((status, event))


def _offer(user, case: Case, event: str) -> bool:
    """Events the table and the permission allow but that make no sense for this case right now."""
    if event == E.ESCALATE:
        return case.escalation_level < 3
    if event == E.TAKE_OWNERSHIP:
        return case.owner_leader_id != user.pk
    if event in (E.EXTENSION_DECIDE, E.EXTENSION_REQUEST):
        # A list that shows many cases annotates `has_pending_extension` to save a query per row.
        pending = getattr(case, "has_pending_extension", None)
        if pending is None:
            pending = case.extension_requests.filter(status=ExtensionStatus.PENDING).exists()
        return pending if event == E.EXTENSION_DECIDE else not pending
    return True


CASE_WORKFLOW: Workflow[Case, TimelineEntry] = Workflow(
    name="cases",
    model=Case,
    timeline=TimelineEntry,
    transitions=TRANSITIONS,
    scope=lambda user, pk: access.case_for(user, pk),
    may=access.may_apply,
    system_events=frozenset(access.SYSTEM_EVENTS),
    status_label=lambda status: str(S(status).label),
    event_label=lambda event: str(E(event).label),
    actor_label=actor_label,
    offer=_offer,
    conflict_message=_("工单当前状态为「%(status)s」，不能%(event)s"),
    forbidden_message=_("您无权对该工单执行此操作"),
)

register(timeline_table(TimelineEntry, Case))
