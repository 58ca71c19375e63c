"""The case state machine: a table of (status, event) -> status. Anything absent is refused."""

from __future__ import annotations

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
}

# Events that are applied through the gateway (SUBMIT creates the case and has no "from").
GATEWAY_EVENTS = [e for e in E.values if e != E.SUBMIT]


def next_status(status: str, event: str) -> str | None:
    return TRANSITIONS.get((status, event))
