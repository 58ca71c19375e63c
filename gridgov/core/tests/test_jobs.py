"""Periodic jobs: once per period across passes and workers, a failure is recorded and stops nothing,
and the run history moved from notify.TickRun to core.JobRun without losing a row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from gridgov.core import jobs
from gridgov.core.models import JobRun

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def registry(monkeypatch):
    registry: dict = {}
    monkeypatch.setattr(jobs, "_registry", registry)
    return registry


def test_a_job_runs_once_per_period_across_passes_and_workers(db, registry):
    calls = []
    jobs.register_job("cases.overdue", lambda: calls.append(1), every_seconds=300)
    with time_machine.travel(T0 + timedelta(seconds=10), tick=False) as traveller:
        assert jobs.run_due_jobs(worker="a") == 1
        assert jobs.run_due_jobs(worker="b") == 0
        assert jobs.run_due_jobs(worker="a") == 0
        assert len(calls) == 1
        traveller.shift(timedelta(seconds=290))  # the next five-minute period
        assert jobs.run_due_jobs(worker="b") == 1
        assert len(calls) == 2
    runs = JobRun.objects.order_by("period_start")
    assert [(r.period_start, r.worker) for r in runs] == [(T0, "a"), (T0 + timedelta(seconds=300), "b")]
    assert all(r.finished_at is not None and r.error == "" for r in runs)


def test_a_failing_job_is_recorded_and_does_not_stop_the_others(db, registry):
    calls = []

    def broken():
        raise ValueError("boom")

    jobs.register_job("a.broken", broken, every_seconds=60)
    jobs.register_job("b.fine", lambda: calls.append(1), every_seconds=60)
    with time_machine.travel(T0, tick=False):
        assert jobs.run_due_jobs(worker="w") == 2
        assert jobs.run_due_jobs(worker="w") == 0  # not retried in the same period
    assert calls == [1]
    assert "ValueError: boom" in JobRun.objects.get(name="a.broken").error


def test_register_job_refuses_nonsense_and_replaces_by_name(registry):
    with pytest.raises(ValueError):
        jobs.register_job("x", lambda: None, every_seconds=0)
    with pytest.raises(ValueError):
        jobs.register_job("", lambda: None, every_seconds=60)
    jobs.register_job("x", lambda: None, every_seconds=60)
    jobs.register_job("x", lambda: None, every_seconds=120)
    assert [(j.name, j.every_seconds) for j in jobs.registered_jobs()] == [("x", 120)]


def test_the_apps_register_their_jobs_through_core():
    names = {j.name for j in jobs.registered_jobs()}
    assert {"sla", "intel-warnings"} <= names


@pytest.mark.django_db(transaction=True)
def test_the_migration_copies_every_tick_run_into_job_runs():
    executor = MigrationExecutor(connection)
    before = [("notify", "0001_initial")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    TickRun = old_apps.get_model("notify", "TickRun")
    TickRun.objects.create(name="sla", period_start=T0, worker="w1", started_at=T0, finished_at=T0)
    TickRun.objects.create(
        name="intel-warnings", period_start=T0, worker="w2", started_at=T0, error="Traceback…"
    )
    JobRun.objects.all().delete()  # core 0001 stays applied; start from an empty new table

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    rows = list(JobRun.objects.order_by("name").values_list("name", "period_start", "worker", "error"))
    assert rows == [("intel-warnings", T0, "w2", "Traceback…"), ("sla", T0, "w1", "")]
    assert JobRun.objects.get(name="sla").finished_at == T0
    assert "notify_tickrun" not in connection.introspection.table_names()
