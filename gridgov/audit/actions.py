"""Writing the audit log. Every action that changes configuration calls `audit_record` in its transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeAlias

from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, transaction

from gridgov.audit.models import AUDIT_CHAIN, AuditEntry, ChainHead
from gridgov.core import clock

SYSTEM_LABEL = "系统"

# Who did it: a user, or None for the system (demo builder, shipped calendar loader). Typed by Django's
# abstract user so kernel apps below `people` can name it without importing it.
Actor: TypeAlias = AbstractUser | None


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields of `obj` as JSON values, for an entry's before/after.

    A foreign key is recorded by its id under the field's own name ("region": 7), so a snapshot taken
    before a change and one taken after compare field by field.
    """
    values: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_one or field.one_to_one:
            values[name] = getattr(obj, field.attname)  # type: ignore[union-attr]
        else:
            values[name] = getattr(obj, name)
    return _json(values)


def _json(value: Any) -> Any:
    # What is hashed must be exactly what reads back from the JSON column (dates as strings, Decimal as
    # str), or `audit verify` would see every entry as tampered.
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False))


def actor_label(actor: Actor) -> str:
    if actor is None:
        return SYSTEM_LABEL
    name = getattr(actor, "display_name", "") or ""
    return f"{name}（{actor.username}）" if name and name != actor.username else actor.username


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: models.Model | None = None,
    before: dict | None = None,
    after: dict | None = None,
    note: str = "",
) -> AuditEntry | None:
    """Append one entry to the audit chain, inside the caller's transaction (so both commit or neither).

    `actor` is the user who did it, or None for the system. For an update pass snapshots of before and
    after; only the fields that differ are kept, and an update that changed nothing records nothing
    (returns None).
    """
    if not transaction.get_connection().in_atomic_block:
        # Outside a transaction the write could commit while its entry is lost (or the reverse).
        raise RuntimeError("audit_record must be called inside the writing action's transaction")
    if actor is not None and actor.pk is None:
        raise ValueError("the actor of an audit entry must be a saved user or None (the system)")
    before = _json(before) if before is not None else None
    after = _json(after) if after is not None else None
    if before is not None and after is not None:
        keys = [k for k in {**before, **after} if before.get(k) != after.get(k)]
        if not keys:
            return None
        before = {k: before.get(k) for k in keys}
        after = {k: after.get(k) for k in keys}
    head = _lock_head(AUDIT_CHAIN)
    entry = AuditEntry(
        seq=head.count + 1,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label(actor)[:150],
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        before=before,
        after=after,
        note=note[:500],
        created_at=clock.now(),
    )
    head.last_hash = entry.seal(head.last_hash)
    head.count = entry.seq
    entry.save()
    head.save(update_fields=["last_hash", "count"])
    return entry


def _lock_head(name: str) -> ChainHead:
    """The chain's head row, locked until the caller commits: concurrent appenders wait here in turn."""
    head = ChainHead.objects.select_for_update().filter(name=name).first()
    if head is None:
        try:
            with transaction.atomic():  # a savepoint: losing the race leaves the caller's transaction usable
                ChainHead.objects.create(name=name)
        except IntegrityError:
            pass  # another writer created it first; we wait for its lock below
        head = ChainHead.objects.select_for_update().get(name=name)
    return head
