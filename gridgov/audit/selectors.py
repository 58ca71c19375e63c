"""Reading and checking the audit chain."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridgov.audit.models import AUDIT_CHAIN, AuditEntry, ChainHead
from gridgov.core import chain

TABLE = AuditEntry._meta.label  # "audit.AuditEntry"


def audit_entries() -> QuerySet[AuditEntry]:
    """The chain in sealing order, as `verify_chain` walks it."""
    return AuditEntry.objects.order_by("seq")


def _head_hash(name: str) -> str | None:
    return ChainHead.objects.filter(name=name).values_list("last_hash", flat=True).first()


def register_audit_chain() -> None:
    chain.register(
        chain.ChainedTable(
            label=TABLE, entries=audit_entries, key=lambda entry: AUDIT_CHAIN, heads=_head_hash
        )
    )


def audit_heads_verify() -> Iterator[chain.Break]:
    """What the walk cannot see: every entry deleted, or the head row itself deleted or rewound."""
    head = ChainHead.objects.filter(name=AUDIT_CHAIN).first()
    entries = AuditEntry.objects.count()
    if head is None:
        if entries:
            yield chain.Break(TABLE, None, AUDIT_CHAIN, _("链头缺失（链头记录被删除）"))
        return
    if head.count != entries:
        yield chain.Break(
            TABLE,
            None,
            AUDIT_CHAIN,
            _("链头记录 %(head)d 条，表中实有 %(rows)d 条（记录被删除或插入）")
            % {"head": head.count, "rows": entries},
        )


def entry_count(table: chain.ChainedTable) -> int:
    entries = table.entries()
    return entries.count() if isinstance(entries, QuerySet) else sum(1 for _ in entries)
