"""Tamper evidence for append-only records: every entry carries the hash of the one before it.

An entry's `hash` is SHA-256 over the previous entry's hash and a canonical JSON of the entry's content
(`ChainedEntry.chain_payload`). A chain is the entries that share a key: one chain per case for a
timeline (the gateway holds the case's row lock, so appends to one chain never race), one global chain
for the audit log. The subject keeps the head (`chain_head`) so that deleting the newest entries is seen
too, not only an edit or a gap in the middle.

`verify_chain` walks a table in chain order and names the first entry that no longer matches; `gridgov
audit verify` runs it over every registered chained table (`register`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.db import models

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """The JSON form of a field value, identical whether it was just written or read back."""
    if isinstance(value, datetime):
        # Read back from the database a datetime is UTC; written, it may carry another zone.
        return value.astimezone(UTC).isoformat(timespec="microseconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def canonical(payload: dict) -> str:
    return json.dumps(
        {k: _plain(v) for k, v in payload.items()},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
        default=str,
    )


def digest(prev_hash: str, payload: dict) -> str:
    return hashlib.sha256((prev_hash + "\n" + canonical(payload)).encode()).hexdigest()


class ChainedEntry(models.Model):
    """Abstract: an append-only row sealed into a hash chain. Subclasses name the hashed fields."""

    prev_hash = models.CharField(max_length=64, editable=False, default="")
    hash = models.CharField(max_length=64, editable=False, default="")

    # The fields whose values are hashed (attnames, e.g. "actor_id"); set by each concrete model.
    CHAIN_FIELDS: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # A guard, not business logic: an entry is written once and never rewritten.
        if not self._state.adding:
            raise RuntimeError(f"{type(self).__name__} entries are append-only")
        if not self.hash:
            raise RuntimeError(f"{type(self).__name__} entry saved without being sealed into its chain")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(f"{type(self).__name__} entries are append-only")

    def chain_payload(self) -> dict:
        return {name: getattr(self, name) for name in self.CHAIN_FIELDS}

    def seal(self, prev_hash: str) -> str:
        """Link this (unsaved) entry after `prev_hash`; returns its own hash, the chain's new head."""
        self.prev_hash = prev_hash or GENESIS
        self.hash = digest(self.prev_hash, self.chain_payload())
        return self.hash


@dataclass(frozen=True)
class Break:
    """Where a chain stops matching: the table, the entry (or the head) and what is wrong."""

    table: str
    entry_id: int | None
    chain_key: Any
    reason: str

    def __str__(self) -> str:
        where = f"entry {self.entry_id}" if self.entry_id is not None else "head"
        return f"{self.table} {where} (chain {self.chain_key}): {self.reason}"


def verify_chain(
    entries: Iterable[ChainedEntry],
    *,
    table: str,
    key: Callable[[ChainedEntry], Any],
    heads: Callable[[Any], str | None] | None = None,
) -> Iterator[Break]:
    """Yield every break. `entries` must come ordered by (chain key, insertion order).

    `heads(chain_key)` returns the head the subject recorded (None: not recorded); a head that is not
    the last entry's hash means entries were deleted from the end of that chain.
    """
    current_key: Any = object()
    last = GENESIS
    started = False

    def head_break(chain_key: Any, last_hash: str) -> Break | None:
        if heads is None:
            return None
        recorded = heads(chain_key)
        if recorded is not None and recorded != last_hash:
            return Break(table, None, chain_key, "链头与最后一条记录不符（末尾记录被删除或改动）")
        return None

    for entry in entries:
        entry_key = key(entry)
        if not started or entry_key != current_key:
            if started and (found := head_break(current_key, last)):
                yield found
            current_key, last, started = entry_key, GENESIS, True
        if entry.prev_hash != last:
            yield Break(table, entry.pk, entry_key, "前一条记录的哈希不符（中间记录被删除、插入或改动）")
        elif digest(entry.prev_hash, entry.chain_payload()) != entry.hash:
            yield Break(table, entry.pk, entry_key, "记录内容与其哈希不符（记录被改动）")
        last = entry.hash
    if started and (found := head_break(current_key, last)):
        yield found


@dataclass(frozen=True)
class ChainedTable:
    """A registered chained table: how to read it in chain order and where its heads are kept."""

    label: str
    entries: Callable[[], Iterable[ChainedEntry]]
    key: Callable[[ChainedEntry], Any]
    heads: Callable[[Any], str | None] | None = None
    # Checks the walk over entries cannot make (e.g. a subject whose whole chain was deleted).
    extra_checks: Callable[[], Iterable[Break]] | None = None


_tables: dict[str, ChainedTable] = {}


def register(table: ChainedTable) -> None:
    """Called from an AppConfig.ready(); `gridgov audit verify` checks every registered table."""
    _tables[table.label] = table


def registered() -> list[ChainedTable]:
    return [_tables[label] for label in sorted(_tables)]


def verify_all() -> Iterator[Break]:
    for table in registered():
        yield from verify_chain(table.entries(), table=table.label, key=table.key, heads=table.heads)
        if table.extra_checks is not None:
            yield from table.extra_checks()
