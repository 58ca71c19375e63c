"""`gridgov audit verify` finds a row edited or deleted behind the application's back (both databases)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from gridgov.audit.models import AuditEntry, ChainHead
from gridgov.catalog.actions import category_create, category_update
from gridgov.core.chain import digest


def verify() -> tuple[int, str]:
    """Run the command as an operator would; return its exit status and everything it printed."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit", "verify", stdout=out, stderr=err)
    except CommandError as exc:
        return exc.returncode, out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def sql(statement: str, *params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


@pytest.fixture
def history(world):
    """The county as built (system entries) plus a few edits by the admin: a chain of some length."""
    category = category_create(actor=world.admin, code="C9", name="其他事项", order=9)
    for order in (10, 11, 12):
        category_update(actor=world.admin, category=category, name="其他事项", order=order)
    return list(AuditEntry.objects.order_by("seq"))


def test_a_clean_chain_passes(history):
    status, printed = verify()
    assert status == 0
    assert f"共 {len(history)} 条记录全部相符" in printed


def test_an_entry_edited_with_raw_sql_is_named(history):
    target = history[len(history) // 2]
    sql("UPDATE audit_auditentry SET object_repr = %s WHERE id = %s", "篡改后的对象", target.pk)
    status, printed = verify()
    assert status == 1
    assert f"第 {target.pk} 号记录" in printed and "audit.AuditEntry" in printed
    assert "记录内容与其哈希不符" in printed


def test_an_edited_json_change_is_detected_too(history):
    target = history[-1]
    sql("UPDATE audit_auditentry SET after = %s WHERE id = %s", '{"order": 99}', target.pk)
    status, printed = verify()
    assert status == 1 and f"第 {target.pk} 号记录" in printed


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(history):
    # Someone who knows the scheme rewrites an entry and its hash; the next entry still names the old one.
    target, following = history[-3], history[-2]
    target.note = "改过"
    forged = digest(target.prev_hash, target.chain_payload())
    sql("UPDATE audit_auditentry SET note = %s, hash = %s WHERE id = %s", "改过", forged, target.pk)
    status, printed = verify()
    assert status == 1
    assert f"第 {following.pk} 号记录" in printed and "前一条记录的哈希不符" in printed


def test_a_middle_entry_deleted_with_raw_sql_is_detected(history):
    gone, following = history[len(history) // 2], history[len(history) // 2 + 1]
    sql("DELETE FROM audit_auditentry WHERE id = %s", gone.pk)
    status, printed = verify()
    assert status == 1
    assert f"第 {following.pk} 号记录" in printed and "中间记录被删除" in printed


def test_the_newest_entry_deleted_is_seen_by_the_head(history):
    sql("DELETE FROM audit_auditentry WHERE id = %s", history[-1].pk)
    status, printed = verify()
    assert status == 1
    assert "链头" in printed and "末尾记录被删除" in printed


def test_every_entry_deleted_is_seen_by_the_head(history):
    sql("DELETE FROM audit_auditentry")
    status, printed = verify()
    assert status == 1
    assert f"链头记录 {len(history)} 条，表中实有 0 条" in printed


def test_the_head_deleted_is_detected(history):
    sql("DELETE FROM audit_chainhead")
    status, printed = verify()
    assert status == 1 and "链头缺失" in printed


def test_the_application_cannot_rewrite_or_delete_an_entry(history):
    entry = AuditEntry.objects.order_by("seq").first()
    assert entry is not None
    entry.note = "改"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    assert verify()[0] == 0


def test_the_chain_is_numbered_in_order_and_the_head_holds_the_newest_hash(history):
    assert [e.seq for e in history] == list(range(1, len(history) + 1))
    assert all(b.prev_hash == a.hash for a, b in zip(history, history[1:], strict=False))
    head = ChainHead.objects.get(name="audit")
    assert (head.count, head.last_hash) == (len(history), history[-1].hash)
