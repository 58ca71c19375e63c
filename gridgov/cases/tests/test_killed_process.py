"""Nothing acknowledged is lost when the process dies: a submitter killed with SIGKILL mid-stream.

A child process submits cases with idempotency keys and prints each acknowledgement. We kill it while it
writes, then check that every acknowledged case is there with its timeline, that no half-written case
exists, and that retrying the key that was in flight never makes a second case.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.db import connection

from gridgov.cases import actions
from gridgov.cases.models import Case, Channel, TimelineEntry

CHILD = r"""
import os, sys
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "gridgov.settings"
django.setup()
from gridgov.cases import actions
from gridgov.cases.models import Channel
from gridgov.people.models import User
resident = User.objects.get(username="resident")
for i in range(100000):
    key = f"kill-test-{i}"
    print("SEND", key, flush=True)
    case, _ = actions.case_submit(actor=resident, channel=Channel.WEB, description=f"第{i}次反映路灯不亮",
                                  contact_phone="13812341234", lon=108.305, lat=22.805, idempotency_key=key)
    print("ACK", key, case.tracking_no, flush=True)
"""


def _child_env() -> dict:
    env = dict(os.environ)
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        if settings["NAME"].startswith("file:") or ":memory:" in settings["NAME"]:
            pytest.skip("needs a file SQLite test database (scripts/test.sh sets GRIDGOV_SQLITE_TEST_PATH)")
        env["GRIDGOV_SQLITE_PATH"] = settings["NAME"]
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}:{settings['PASSWORD']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
        )
    return env


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_killed_submitter_loses_nothing_it_acknowledged(world):
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        env=_child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    acked: dict[str, str] = {}
    in_flight = None
    deadline = time.monotonic() + 60
    try:
        while len(acked) < 25 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            word, key, *rest = line.split()
            if word == "SEND":
                in_flight = key
            else:
                acked[key] = rest[0]
        # Kill right after a SEND: the child is inside (or just before) the submission transaction.
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if line.startswith("SEND"):
                in_flight = line.split()[1]
                time.sleep(0.003)
                break
            if line.startswith("ACK"):
                _, key, tracking = line.split()
                acked[key] = tracking
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert len(acked) >= 25, proc.stderr.read()

    for key, tracking in acked.items():
        case = Case.objects.get(idempotency_key=key)
        assert case.tracking_no == tracking
    # No half-written case: every case has its submit entry.
    for case in Case.objects.all():
        assert TimelineEntry.objects.filter(case=case, event="submit").count() == 1
    # The client retries the request it never heard back about: at most one case for that key.
    before = Case.objects.count()
    retried, created = actions.case_submit(
        actor=world.resident,
        channel=Channel.WEB,
        description="重试的请求",
        contact_phone="13812341234",
        lon=108.305,
        lat=22.805,
        idempotency_key=in_flight,
    )
    assert Case.objects.filter(idempotency_key=in_flight).count() == 1
    assert Case.objects.count() == before + (1 if created else 0)
