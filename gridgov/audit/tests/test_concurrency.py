"""Writers appending to the audit chain at the same instant queue on the head row (PostgreSQL)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from gridgov.audit.actions import audit_record
from gridgov.audit.models import AuditEntry, ChainHead
from gridgov.audit.selectors import audit_heads_verify
from gridgov.core.chain import verify_all
from gridgov.people.actions import user_create

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

APPENDS_PER_THREAD = 25


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: on SQLite one writer at a time, so two appenders never race")


@pytest.mark.postgres_only
def test_two_writers_appending_at_once_leave_one_valid_chain(postgres_only):
    # Given two admins and an empty chain with no head yet (the first appends also race to create it)
    actors = [
        user_create(actor=None, username=f"admin{n}", password="x-pass-123", display_name=f"管理员{n}")
        for n in (1, 2)
    ]
    AuditEntry.objects.all().delete()  # a bulk delete in SQL; the model refuses one-by-one deletes
    ChainHead.objects.all().delete()
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def append(actor) -> None:
        try:
            barrier.wait(timeout=30)
            for n in range(APPENDS_PER_THREAD):
                with transaction.atomic():
                    audit_record(actor=actor, action="test.append", note=f"{actor.username} {n}")
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    # When both append at the same time
    threads = [threading.Thread(target=append, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # Then every append landed, numbered without gaps, and the chain verifies
    assert not any(thread.is_alive() for thread in threads) and not errors, errors
    seqs = list(AuditEntry.objects.order_by("seq").values_list("seq", flat=True))
    assert len(seqs) == 2 * APPENDS_PER_THREAD
    assert seqs == list(range(1, len(seqs) + 1))
    assert list(verify_all()) == [] and list(audit_heads_verify()) == []
