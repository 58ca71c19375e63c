"""Real receivers for the worker to talk to: an SMTP server (aiosmtpd) and an HTTP webhook receiver.

Both listen on 127.0.0.1 on a free port, inside the test process, so a test sees exactly what arrived.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from gridgov.notify.models import WebhookEndpoint
from gridgov.notify.worker import Worker

PROJECT_DIR = Path(django_settings.BASE_DIR).parent
WEBHOOK_SECRET = "test-secret-0123456789abcdef"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- SMTP


@dataclass
class Mailbox:
    messages: list[Message] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd handler hook
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        message["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[Message]:
        return [m for m in self.messages if m["X-Envelope-To"] == address]


@pytest.fixture
def smtp_server(settings) -> Iterator[Mailbox]:
    from aiosmtpd.controller import Controller

    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    try:
        yield mailbox
    finally:
        controller.stop()


# ---------------------------------------------------------------- webhook receiver


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def delivery_id(self) -> str:
        return self.headers["X-Gridgov-Delivery"]

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    """An HTTP server recording every POST; `statuses` are answered in order, then 200."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self.statuses: list[int] = []
        self.delay = 0.0
        self.hold: threading.Event | None = None  # when set, requests wait for it before answering
        self.arrived = threading.Event()
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver._lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.requests.append(Received(dict(self.headers.items()), body, status))
                receiver.arrived.set()
                if receiver.hold is not None:
                    receiver.hold.wait(30)
                if receiver.delay:
                    time.sleep(receiver.delay)
                with contextlib.suppress(OSError):  # the worker may have been killed meanwhile
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def accepted(self) -> list[Received]:
        return [r for r in self.requests if r.status == 200]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    r.thread.start()
    try:
        yield r
    finally:
        if r.hold is not None:
            r.hold.set()
        r.server.shutdown()
        r.server.server_close()


@pytest.fixture
def endpoint(db, receiver) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(name="县短信网关", url=receiver.url, secret=WEBHOOK_SECRET)


# ---------------------------------------------------------------- running workers


@pytest.fixture
def run_worker() -> Callable[..., object]:
    """One in-process pass of a worker (no periodic jobs unless asked)."""

    def run(name: str = "test-worker", jobs: bool = False, **kwargs):
        return Worker(name=name, jobs=jobs, **kwargs).run_pass()

    return run


@contextlib.contextmanager
def shared_database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Environment for a worker subprocess that uses this test's (committed) database.

    PostgreSQL: the test database itself. SQLite in memory (the default test set-up): copied to a file
    for the subprocess and copied back afterwards, so the test then reads what the worker wrote.
    """
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gridgov.settings", "PYTHONUNBUFFERED": "1"}
    env.pop("DATABASE_URL", None)
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        env["DATABASE_URL"] = (
            f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
        yield env
        return
    assert connection.vendor == "sqlite"
    connection.ensure_connection()
    if not connection.is_in_memory_db():
        env["GRIDGOV_SQLITE_PATH"] = str(db["NAME"])
        yield env
        return
    path = tmp_path / "worker.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    env["GRIDGOV_SQLITE_PATH"] = str(path)
    try:
        yield env
    finally:
        source = sqlite3.connect(path)
        source.backup(connection.connection)
        source.close()


def spawn_worker(env: dict[str, str], tmp_path: Path, *args: str, name: str = "sub") -> subprocess.Popen:
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process by the caller
    return subprocess.Popen(
        [sys.executable, "-m", "gridgov.cli", "worker", "--name", name, *args],
        cwd=PROJECT_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def worker_log(tmp_path: Path, name: str = "sub") -> str:
    return (tmp_path / f"{name}.log").read_text(errors="replace")
