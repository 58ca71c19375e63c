"""`gridgov worker [--once] [--batch N] [--lease S] [--poll S] [--no-ticks] [--name NAME]`.

Delivers the notification outbox and runs the due periodic jobs (`gridgov.core.jobs`); see
docs/notifications.md for the flags, the guarantees and how to run it in production.
"""

from __future__ import annotations

import logging
import signal
import sys

from django.core.management.base import BaseCommand

from gridgov.notify.worker import (
    DEFAULT_BATCH,
    DEFAULT_LEASE_SECONDS,
    DEFAULT_POLL_SECONDS,
    RENEW_MARGIN,
    Worker,
)

log = logging.getLogger("gridgov.notify.worker")


class Command(BaseCommand):
    help = "[--once] notifications (e-mail, webhooks) and periodic jobs; 发送消息并运行定时任务"

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="one pass: deliver everything due now, run due jobs, exit"
        )
        parser.add_argument(
            "--batch", type=int, default=DEFAULT_BATCH, help="deliveries claimed at a time (default 20)"
        )
        parser.add_argument(
            "--lease",
            type=float,
            default=DEFAULT_LEASE_SECONDS,
            help="seconds a claim lasts before another worker may take it over (default 60)",
        )
        parser.add_argument(
            "--poll",
            type=float,
            default=DEFAULT_POLL_SECONDS,
            help="seconds to sleep when nothing is due (default 2)",
        )
        parser.add_argument(
            "--no-ticks",
            "--no-jobs",
            dest="no_jobs",
            action="store_true",
            help="deliver only; do not run periodic jobs",
        )
        parser.add_argument(
            "--name", default=None, help="worker name in logs and leases (default host:pid:random)"
        )

    def handle(self, *args, once, batch, lease, poll, no_jobs, name, **options):
        if lease <= RENEW_MARGIN.total_seconds():
            log.error(
                "--lease must be longer than %ds (one send's timeout plus slack)",
                RENEW_MARGIN.total_seconds(),
            )
            sys.exit(2)  # as Django's own commands do (makemigrations --check): the message is logged
        worker = Worker(name=name, batch=batch, lease_seconds=lease, poll_seconds=poll, jobs=not no_jobs)
        signal.signal(signal.SIGTERM, worker.stop)
        signal.signal(signal.SIGINT, worker.stop)
        if once:
            stats = worker.run_pass()
            log.info(
                "one pass: %d sent, %d failed, %d dead, %d lost, %d jobs",
                stats.sent,
                stats.failed,
                stats.dead,
                stats.lost,
                stats.jobs,
            )
            return
        worker.run_forever()
