"""Races the database must settle: two handlers grabbing the same case, a client retrying a submission.

Threads need real commits, hence `transaction=True`. On SQLite the test database must be a file
(GRIDGOV_SQLITE_TEST_PATH): an in-memory database is shared between threads through SQLite's shared
cache, whose table locks fail at once ("database table is locked") instead of waiting on busy_timeout.
`serialized_rollback` puts back the rows migrations loaded (the working calendar) that the flush at the
end of a transactional test removes.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client

from conftest import POINT_A
from gridgov.cases.models import Case, CaseStatus, TimelineEntry
from gridgov.cases.tests import case_flow
from gridgov.people.actions import role_assign, user_create
from gridgov.people.models import Role

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _threads_share_one_database(transactional_db):
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "threads need a file SQLite test database: set GRIDGOV_SQLITE_TEST_PATH (scripts/test.sh does)"
        )


def run_together(calls: list[Callable[[], object]]) -> list:
    """Start every call at the same instant, each in its own thread with its own connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except BaseException as exc:  # reported by the test, not lost in the thread
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a request hung"
    return results


def test_two_handlers_accept_the_same_department_case(world, token_for):
    # given a case dispatched to the water department, which has two handlers
    second = user_create(actor=None, username="water2", password="test-pass-123", display_name="钱水务")
    role_assign(actor=None, user=second, role=Role.DEPARTMENT, department=world.water)
    case = case_flow.dispatched(world, to_department=True)
    handlers = {world.water_handler.pk: token_for(world.water_handler), second.pk: token_for(second)}
    clients = [Client(headers={"X-Api-Token": token}) for token in handlers.values()]

    # when both accept at once
    responses = run_together([lambda c=c: c.post(f"/api/cases/{case.pk}/accept") for c in clients])

    # then exactly one owns it and the other hears that it is already taken
    assert sorted(r.status_code for r in responses) == [200, 409], [
        getattr(r, "content", r) for r in responses
    ]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.json()["code"] == "invalid_transition"
    case.refresh_from_db()
    assert case.status == CaseStatus.ACCEPTED and case.handler_id in handlers
    winner = next(r for r in responses if r.status_code == 200)
    assert winner.json()["handler"]["id"] == case.handler_id
    assert TimelineEntry.objects.filter(case=case, event="accept").count() == 1


def test_the_same_idempotency_key_twenty_times_at_once_makes_one_case(world, token_for):
    token = token_for(world.resident)
    body = json.dumps(
        {
            "description": "小区门口路灯坏了三天，晚上很黑",
            "contact_phone": "13812341234",
            "lon": POINT_A[0],
            "lat": POINT_A[1],
        }
    )

    def submit():
        return Client(headers={"X-Api-Token": token}).post(
            "/api/cases",
            body,
            content_type="application/json",
            headers={"Idempotency-Key": "retry-storm-1"},
        )

    responses = run_together([submit] * 20)

    failures = [
        getattr(r, "content", r) for r in responses if getattr(r, "status_code", None) not in (200, 201)
    ]
    assert not failures, failures
    assert sorted(r.status_code for r in responses) == [200] * 19 + [201]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Case.objects.count() == 1 and TimelineEntry.objects.count() == 1
