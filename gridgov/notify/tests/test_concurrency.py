"""Two real `gridgov worker` processes against one PostgreSQL: a burst of due events, each sent once."""

from __future__ import annotations

import re
import time

import pytest
from django.db import connection

from gridgov.core import clock
from gridgov.notify.models import Delivery, DeliveryChannel, DeliveryStatus, Notification
from gridgov.notify.tests.conftest import shared_database, spawn_worker, worker_log
from gridgov.people.models import User

BURST = 10_000


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: on SQLite one writer at a time, so two workers never race for a row")


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_workers_share_a_burst_and_send_every_event_exactly_once(
    postgres_only, endpoint, receiver, tmp_path
):
    person = User.objects.create_user(username="burst", password="x" * 12, phone="13800000000")
    now = clock.now()
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=person,
                kind="test.burst",
                title=f"消息 {i}",
                dedupe_key=f"burst:{i}",
                created_at=now,
            )
            for i in range(BURST)
        ],
        batch_size=2000,
    )
    Delivery.objects.bulk_create(
        [
            Delivery(
                notification=n,
                channel=DeliveryChannel.WEBHOOK,
                endpoint=endpoint,
                next_attempt_at=now,
                created_at=now,
            )
            for n in notifications
        ],
        batch_size=2000,
    )

    started = time.monotonic()
    with shared_database(tmp_path) as env:
        env["GRIDGOV_LOG_LEVEL"] = "INFO"
        workers = [
            spawn_worker(env, tmp_path, "--once", "--no-ticks", "--batch", "50", name=n) for n in ("w1", "w2")
        ]
        try:
            codes = [w.wait(timeout=120) for w in workers]
        finally:
            for w in workers:
                if w.poll() is None:
                    w.kill()
    elapsed = time.monotonic() - started
    assert codes == [0, 0], worker_log(tmp_path, "w1")[-2000:] + worker_log(tmp_path, "w2")[-2000:]

    ids = [r.delivery_id for r in receiver.requests]
    assert len(ids) == BURST, f"{len(ids)} requests for {BURST} deliveries"
    assert len(set(ids)) == BURST  # no delivery sent twice, none missed
    rows = Delivery.objects.values_list("status", "attempts")
    assert set(rows) == {(DeliveryStatus.SENT, 1)}
    # Both workers did real work (SKIP LOCKED let them proceed side by side, not one after the other).
    sent_by = {
        name: int(re.search(r"one pass: (\d+) sent", worker_log(tmp_path, name)).group(1))
        for name in ("w1", "w2")
    }
    assert sum(sent_by.values()) == BURST
    assert min(sent_by.values()) > BURST // 10, sent_by
    print(f"burst of {BURST}: {elapsed:.1f}s, {sent_by}")
