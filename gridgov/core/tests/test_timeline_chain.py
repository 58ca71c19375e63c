"""Tamper evidence of timelines: an entry edited, removed or moved with raw SQL is found and named.

Runs on both databases: the hashes must match what each database gives back (datetimes, JSON).
"""

from __future__ import annotations

from django.db import connection

from gridgov.cases.models import Case, TimelineEntry
from gridgov.cases.tests import case_flow
from gridgov.core import chain


def _breaks() -> list[chain.Break]:
    return [b for b in chain.verify_all() if b.table == "cases.TimelineEntry"]


def _sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_a_worked_case_has_an_intact_chain_and_its_head_on_the_case(world):
    case = case_flow.resolved(world)
    entries = list(TimelineEntry.objects.filter(case=case).order_by("id"))
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]
    assert entries[0].prev_hash == chain.GENESIS
    assert Case.objects.get(pk=case.pk).timeline_head == entries[-1].hash
    assert _breaks() == []


def test_an_entry_edited_with_raw_sql_is_named(world):
    case = case_flow.resolved(world)
    accept = TimelineEntry.objects.get(case=case, event="accept")
    _sql("UPDATE cases_timelineentry SET note = %s WHERE id = %s", "改过的记录", accept.pk)
    found = _breaks()
    assert found and found[0].entry_id == accept.pk and "改动" in found[0].reason


def test_an_entry_deleted_from_the_middle_is_found_at_the_next_one(world):
    case = case_flow.resolved(world)
    entries = list(TimelineEntry.objects.filter(case=case).order_by("id"))
    _sql("DELETE FROM cases_timelineentry WHERE id = %s", entries[1].pk)
    found = _breaks()
    assert found and found[0].entry_id == entries[2].pk


def test_the_newest_entry_deleted_is_found_through_the_head(world):
    case = case_flow.resolved(world)
    last = TimelineEntry.objects.filter(case=case).order_by("-id").first()
    _sql("DELETE FROM cases_timelineentry WHERE id = %s", last.pk)
    found = _breaks()
    assert found and found[0].entry_id is None and found[0].chain_key == case.pk


def test_a_whole_timeline_deleted_is_found(world):
    kept = case_flow.submitted(world)
    gone = case_flow.dispatched(world)
    _sql("DELETE FROM cases_timelineentry WHERE case_id = %s", gone.pk)
    found = _breaks()
    assert [b.chain_key for b in found] == [gone.pk]
    assert kept.pk != gone.pk


def test_an_entry_moved_to_another_case_breaks_both_chains(world):
    one = case_flow.dispatched(world)
    two = case_flow.dispatched(world)
    moved = TimelineEntry.objects.filter(case=one, event="dispatch").get()
    _sql("UPDATE cases_timelineentry SET case_id = %s WHERE id = %s", two.pk, moved.pk)
    assert {b.chain_key for b in _breaks()} == {one.pk, two.pk}


def test_timeline_entries_refuse_update_and_delete_through_the_orm(world):
    import pytest

    entry = TimelineEntry.objects.filter(case=case_flow.submitted(world)).get()
    entry.note = "x"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
