"""The case state machine: a table of (status, event) -> status. Anything absent is refused."""

from __future__ import annotations

from gridgov.cases.models import CLOCK_STATUSES, OPEN_STATUSES
from gridgov.cases.models import CaseEvent as E
from gridgov.cases.models import CaseStatus as S

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
