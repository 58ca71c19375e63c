"""`gridgov worker`: delivers the notification outbox and runs the due periodic jobs, in the foreground.

One loop: claim a small batch of due deliveries (a lease, committed at once), send each outside any
transaction, record the outcome, repeat until nothing is due; run the jobs whose period has come (the
job registry and its once-per-period bookkeeping are `gridgov.core.jobs`; this loop only calls it);
sleep `--poll` seconds. SIGTERM / SIGINT finish the item being sent, hand the rest of the batch back and
exit 0. Several workers may run against PostgreSQL; see docs/notifications.md for the guarantees.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import DatabaseError, close_old_connections

from gridgov.core import clock
from gridgov.core.jobs import run_due_jobs
from gridgov.notify import actions
from gridgov.notify.delivery import SEND_TIMEOUT_SECONDS, SendError, send
from gridgov.notify.models import Delivery, DeliveryStatus

log = logging.getLogger("gridgov.notify.worker")

DEFAULT_BATCH = 20
DEFAULT_LEASE_SECONDS = 60
DEFAULT_POLL_SECONDS = 2.0
# Renew the lease when less than this is left before a send: one send's timeout plus slack.
RENEW_MARGIN = timedelta(seconds=SEND_TIMEOUT_SECONDS + 5)


@dataclass
class PassStats:
    sent: int = 0
    failed: int = 0
    dead: int = 0
    lost: int = 0  # results not recorded because another worker took over the lease
    jobs: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.dead + self.lost


class Worker:
    """The delivery loop; `run_pass()` is one pass (what `--once` and the tests call)."""

    def __init__(
        self,
        *,
        name: str | None = None,
        batch: int = DEFAULT_BATCH,
        lease_seconds: float = DEFAULT_LEASE_SECONDS,
        poll_seconds: float = DEFAULT_POLL_SECONDS,
        jobs: bool = True,
    ):
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.batch = max(1, batch)
        self.lease = timedelta(seconds=lease_seconds)
        self.poll_seconds = poll_seconds
        self.jobs = jobs
        self.stopping = threading.Event()

    def stop(self, *_args) -> None:
        if not self.stopping.is_set():
            log.info("worker %s stopping after the current item", self.name)
        self.stopping.set()

    def run_pass(self) -> PassStats:
        """Deliver everything due now (batch after batch), then run the due jobs."""
        stats = PassStats()
        while not self.stopping.is_set():
            claim = actions.deliveries_claim(worker=self.name, limit=self.batch, lease=self.lease)
            stats.dead += claim.buried
            if not claim.deliveries:
                break
            for index, delivery in enumerate(claim.deliveries):
                rest = claim.deliveries[index:]
                if self.stopping.is_set():
                    actions.deliveries_release(ids=[d.pk for d in rest], worker=self.name)
                    log.info("handed back %d claimed deliveries", len(rest))
                    break
                if not self._hold_lease(rest):
                    stats.lost += 1
                    log.warning(
                        "delivery %s: lease expired before its turn; left to the worker that took it",
                        delivery.pk,
                    )
                    continue
                self._deliver(delivery, stats)
        if self.jobs and not self.stopping.is_set():
            stats.jobs = run_due_jobs(worker=self.name)
        return stats

    def _hold_lease(self, rest: list[Delivery]) -> bool:
        """Make sure the next send ends inside our lease; renew it for the rest of the batch if needed.

        Without this, slow receivers early in a batch could push later items past the lease, and a
        second worker would claim and send them while this one still holds them in memory.
        """
        head = rest[0]
        if head.locked_until is not None and head.locked_until - clock.now() > RENEW_MARGIN:
            return True
        held = actions.deliveries_renew(ids=[d.pk for d in rest], worker=self.name, lease=self.lease)
        until = clock.now() + self.lease
        for d in rest:
            d.locked_until = until
        return head.pk in held

    def _deliver(self, delivery: Delivery, stats: PassStats) -> None:
        started = time.monotonic()
        try:
            send(delivery)
        except Exception as exc:
            if isinstance(exc, SendError):
                error = str(exc)
            else:  # a bug in a sender must cost one attempt, not the worker
                log.exception("delivery %s: unexpected error while sending", delivery.pk)
                error = f"{type(exc).__name__}: {exc}"
            status = actions.delivery_mark_failed(delivery=delivery, worker=self.name, error=error)
            if status == DeliveryStatus.DEAD:
                stats.dead += 1
                log.error(
                    "delivery %s (%s) dead after %d attempts: %s",
                    delivery.pk,
                    delivery.channel,
                    delivery.attempts,
                    error,
                )
            elif status == DeliveryStatus.FAILED:
                stats.failed += 1
                log.warning(
                    "delivery %s (%s) attempt %d failed, retry at %s: %s",
                    delivery.pk,
                    delivery.channel,
                    delivery.attempts,
                    delivery.next_attempt_at.isoformat(),
                    error,
                )
            else:
                stats.lost += 1
                log.warning("delivery %s: lease lost before the failure was recorded", delivery.pk)
            return
        if actions.delivery_mark_sent(delivery=delivery, worker=self.name):
            stats.sent += 1
            log.info(
                "delivery %s (%s, notification %s) sent in %.0f ms, attempt %d",
                delivery.pk,
                delivery.channel,
                delivery.notification_id,
                (time.monotonic() - started) * 1000,
                delivery.attempts,
            )
        else:
            stats.lost += 1
            log.warning(
                "delivery %s sent but its lease had passed to another worker; it may be sent twice",
                delivery.pk,
            )

    def run_forever(self) -> None:
        log.info(
            "worker %s started (batch %d, lease %ss, poll %ss)",
            self.name,
            self.batch,
            int(self.lease.total_seconds()),
            self.poll_seconds,
        )
        failures = 0
        while not self.stopping.is_set():
            close_old_connections()
            try:
                stats = self.run_pass()
                failures = 0
            except DatabaseError:
                # The database restarted or a connection dropped: back off and reconnect, don't exit.
                failures += 1
                log.exception("worker pass failed (database); retrying")
                close_old_connections()
                self.stopping.wait(min(60.0, self.poll_seconds * 2**failures))
                continue
            if stats.handled or stats.jobs:
                log.info(
                    "pass: %d sent, %d failed, %d dead, %d lost, %d jobs",
                    stats.sent,
                    stats.failed,
                    stats.dead,
                    stats.lost,
                    stats.jobs,
                )
            if not stats.handled:
                self.stopping.wait(self.poll_seconds)
        log.info("worker %s stopped", self.name)
