"""The append-only timeline every workflow subject keeps: who did what, from which status to which.

A domain's timeline model subclasses `TimelineBase` and adds the foreign key to its subject (a case, a
dispute, a project …); the subject model subclasses `TimelineSubject` so it carries its chain head.
Entries are hash-chained per subject (`gridgov.core.chain`): the gateway in `gridgov.core.workflow` holds
the subject's row lock while it appends, so one subject's chain never forks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef

from gridgov.core.chain import Break, ChainedEntry, ChainedTable


class TimelineSubject(models.Model):
    """Abstract: a record that moves through a workflow and keeps the head of its timeline's chain."""

    timeline_head = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        abstract = True


class TimelineBase(ChainedEntry):
    """Abstract: one event in a subject's life. Append-only: corrections are new entries."""

    event = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=100, blank=True)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    # The subject's id is not hashed: the chain is per subject, and the subject keeps its head, so an
    # entry moved to another subject breaks both chains. Leaving it out lets an entry be sealed before
    # a new subject's row (and id) exists, saving an UPDATE on every submission.
    CHAIN_FIELDS = (
        "event",
        "actor_id",
        "actor_label",
        "from_status",
        "to_status",
        "note",
        "data",
        "created_at",
    )
    # The name of the foreign key to the subject; set by each concrete model.
    SUBJECT_FIELD = ""

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


def timeline_table(entry_model: type[TimelineBase], subject_model: type[TimelineSubject]) -> ChainedTable:
    """The chained-table registration for a timeline (see `gridgov.core.chain.register`)."""
    subject_field = entry_model.SUBJECT_FIELD
    subject_id = subject_field + "_id"
    label = entry_model._meta.label
    last_head: dict[Any, str] = {}

    def entries() -> Iterator[TimelineBase]:
        rows = (
            entry_model._default_manager.order_by(subject_id, "id")
            .annotate(_subject_head=models.F(f"{subject_field}__timeline_head"))
            .iterator(chunk_size=2000)
        )
        for entry in rows:
            # `heads(key)` is asked once the walk has moved on to the next subject, so the previous
            # subject's head is kept alongside the current one, and nothing older.
            key = getattr(entry, subject_id)
            if key not in last_head:
                for older in list(last_head)[:-1]:
                    del last_head[older]
            last_head[key] = entry._subject_head  # type: ignore[attr-defined]
            yield entry

    def orphans() -> Iterator[Break]:
        # A subject whose head names entries that are all gone: its whole timeline was deleted.
        missing = (
            subject_model._default_manager.exclude(timeline_head="")
            .filter(~Exists(entry_model._default_manager.filter(**{subject_field: OuterRef("pk")})))
            .values_list("pk", flat=True)[:1]
        )
        for pk in missing:
            yield Break(label, None, pk, "链头存在但时间线记录全部缺失（记录被删除）")

    return ChainedTable(
        label=label,
        entries=entries,
        key=lambda entry: getattr(entry, subject_id),
        heads=lambda key: last_head.get(key),
        extra_checks=orphans,
    )
