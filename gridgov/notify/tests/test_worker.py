"""The worker as a process: SIGTERM stops it cleanly, a killed worker's claim is taken over after its
lease, claims are leases not locks, and a pass runs the due periodic jobs."""

from __future__ import annotations

import signal
import subprocess
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from gridgov.core.models import JobRun
from gridgov.notify import actions
from gridgov.notify.models import Delivery, DeliveryStatus, Notification
from gridgov.notify.tests.conftest import shared_database, spawn_worker, worker_log

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def notify_many(user, n: int, prefix: str = "t") -> list[Notification]:
    return [
        actions.notification_create(
            recipient=user, kind="test.ping", title=f"消息 {i}", dedupe_key=f"{prefix}:{i}"
        )
        for i in range(n)
    ]


def wait_or_kill(proc: subprocess.Popen, timeout: float) -> int:
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


@pytest.mark.django_db(transaction=True)
def test_sigterm_finishes_the_item_in_flight_hands_back_the_rest_and_exits_0(
    world, endpoint, receiver, tmp_path
):
    notify_many(world.resident, 3)
    receiver.delay = 1.0  # the first send is still in flight when SIGTERM arrives
    with shared_database(tmp_path) as env:
        proc = spawn_worker(env, tmp_path, "--no-ticks", "--batch", "10", "--poll", "0.2")
        try:
            assert receiver.arrived.wait(60), worker_log(tmp_path)
            proc.send_signal(signal.SIGTERM)
            assert wait_or_kill(proc, 30) == 0, worker_log(tmp_path)
        finally:
            if proc.poll() is None:
                proc.kill()
    log = worker_log(tmp_path)
    assert "stopping after the current item" in log and "stopped" in log
    assert len(receiver.requests) == 1
    sent = Delivery.objects.get(status=DeliveryStatus.SENT)
    assert str(sent.pk) == receiver.requests[0].delivery_id
    rest = Delivery.objects.exclude(pk=sent.pk)
    # Handed back untouched: due at once for the next worker, no attempt spent.
    assert [(d.status, d.attempts, d.locked_by) for d in rest] == [(DeliveryStatus.PENDING, 0, "")] * 2


@pytest.mark.django_db(transaction=True)
def test_a_killed_workers_claim_is_retried_by_another_worker_after_the_lease(
    world, endpoint, receiver, tmp_path, run_worker
):
    import threading

    notify_many(world.resident, 1)
    receiver.hold = threading.Event()  # the receiver sits on the first request until the worker is dead
    with shared_database(tmp_path) as env:
        proc = spawn_worker(env, tmp_path, "--no-ticks", "--lease", "30")
        try:
            assert receiver.arrived.wait(60), worker_log(tmp_path)
        finally:
            proc.kill()  # SIGKILL: no handler, no clean-up, the claim stays behind
            proc.wait(10)
        receiver.hold.set()
    receiver.hold = None
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.locked_by) == (DeliveryStatus.PENDING, 1, "sub")

    assert run_worker(name="survivor").handled == 0  # the lease still holds: no double send meanwhile
    with time_machine.travel(delivery.locked_until + timedelta(seconds=1)):
        assert run_worker(name="survivor").sent == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.locked_by) == (DeliveryStatus.SENT, 2, "")
    # At-least-once: the receiver saw the first (unanswered) attempt too, under the same delivery id.
    assert [r.delivery_id for r in receiver.requests] == [str(delivery.pk)] * 2


def test_a_late_result_from_a_worker_that_lost_its_lease_is_not_recorded(
    world, endpoint, receiver, run_worker
):
    with time_machine.travel(T0, tick=False) as traveller:
        notify_many(world.resident, 1)
        slow = actions.deliveries_claim(worker="slow", limit=5, lease=timedelta(seconds=60)).deliveries
        assert len(slow) == 1
        assert actions.deliveries_claim(worker="other", limit=5, lease=timedelta(seconds=60)).deliveries == []
        traveller.shift(timedelta(seconds=61))
        assert run_worker(name="fast").sent == 1
        # The slow worker comes back with a failure: it must not overwrite the fast worker's success.
        assert (
            actions.delivery_mark_failed(delivery=slow[0], worker="slow", error="timeout")
            != DeliveryStatus.FAILED
        )
    assert Delivery.objects.get().status == DeliveryStatus.SENT


def test_a_message_that_kills_every_worker_ends_up_dead(world, endpoint, settings):
    settings.GRIDGOV_NOTIFY_BACKOFF_SECONDS = (30,)  # two attempts
    with time_machine.travel(T0, tick=False) as traveller:
        notify_many(world.resident, 1)
        for _ in range(2):  # claimed, then the worker dies before recording anything
            assert (
                len(
                    actions.deliveries_claim(worker="doomed", limit=5, lease=timedelta(seconds=60)).deliveries
                )
                == 1
            )
            traveller.shift(timedelta(seconds=61))
        claim = actions.deliveries_claim(worker="doomed", limit=5, lease=timedelta(seconds=60))
    assert (claim.deliveries, claim.buried) == ([], 1)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.DEAD, 2)
    assert "租约" in delivery.last_error


def test_worker_once_delivers_everything_due_in_small_batches(world, endpoint, receiver):
    notify_many(world.resident, 45)
    call_command("worker", "--once", "--no-ticks", "--batch", "7")
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 45
    assert len({r.delivery_id for r in receiver.requests}) == len(receiver.requests) == 45


# ---------------------------------------------------------------- periodic jobs (gridgov.core.jobs)


def test_a_worker_pass_runs_the_due_jobs_once_and_no_jobs_skips_them(db, monkeypatch, run_worker):
    from gridgov.core import jobs

    monkeypatch.setattr(jobs, "_registry", {})
    calls = []
    jobs.register_job("cases.overdue", lambda: calls.append(1), every_seconds=300)
    with time_machine.travel(T0, tick=False):
        assert run_worker(name="a", jobs=False).jobs == 0
        assert run_worker(name="a", jobs=True).jobs == 1
        assert run_worker(name="b", jobs=True).jobs == 0
    assert calls == [1]
    assert JobRun.objects.get().worker == "a"


def test_slow_sends_renew_the_lease_so_no_other_worker_takes_the_rest_of_the_batch(
    world, endpoint, monkeypatch, run_worker
):
    with time_machine.travel(T0, tick=False) as traveller:
        notify_many(world.resident, 3)
        stolen = []

        def slow_send(delivery):
            # Each send takes 50 s of a 60 s lease; meanwhile another worker keeps trying to claim.
            traveller.shift(timedelta(seconds=50))
            stolen.extend(
                actions.deliveries_claim(worker="other", limit=10, lease=timedelta(seconds=60)).deliveries
            )

        monkeypatch.setattr("gridgov.notify.worker.send", slow_send)
        assert run_worker(name="slow", lease_seconds=60).sent == 3
    assert stolen == []
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
