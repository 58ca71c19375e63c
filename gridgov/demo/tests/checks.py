"""Invariants the demo data must satisfy, shared by the demo tests."""

from __future__ import annotations

from itertools import groupby

from gridgov.cases.models import CaseEvent, TimelineEntry
from gridgov.cases.workflow import next_status


def timeline_problems(cases) -> list[str]:
    """Every case's timeline replays through the state machine and ends in the case's status."""
    status = dict(cases.values_list("id", "status"))
    entries = (
        TimelineEntry.objects.filter(case_id__in=list(status))
        .order_by("case_id", "created_at", "id")
        .values_list("case_id", "event", "from_status", "to_status", "created_at")
    )
    problems = []
    seen = set()
    for case_id, rows in groupby(entries, key=lambda r: r[0]):
        seen.add(case_id)
        rows = list(rows)
        if rows[0][1] != CaseEvent.SUBMIT:
            problems.append(f"case {case_id}: first event {rows[0][1]}")
        current = rows[0][3]
        for _, event, from_status, to_status, _ in rows[1:]:
            if from_status != current or next_status(from_status, event) != to_status:
                problems.append(f"case {case_id}: {from_status} --{event}--> {to_status} after {current}")
            current = to_status
        if current != status[case_id]:
            problems.append(f"case {case_id}: timeline ends in {current}, case is {status[case_id]}")
    problems += [f"case {case_id}: no timeline" for case_id in set(status) - seen]
    return problems
