"""The case gateway as the case actions use it, and what the other use cases share."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from gridgov.cases.models import (
    Attachment,
    Case,
    TimelineEntry,
)
from gridgov.cases.workflow import CASE_WORKFLOW
from gridgov.core.uploads import (
    CheckedPhoto,
    delete_on_rollback,
)
from gridgov.people.models import User

log = logging.getLogger("gridgov.cases")


NOTE_MAX = 2000


# Hooks other modules register to react to case events (notifications, escalation): the workflow's own
# list, kept under this name for the apps that register here. Each runs inside the event's transaction.
event_hooks = CASE_WORKFLOW.hooks


# Checks another domain adds before a case may be resolved (e.g. the lead department of a whistle must
# have reported its result). Each raises a DomainError to refuse.
resolve_guards: list[Callable[[Case], None]] = []


def store_photos(
    case: Case, entry: TimelineEntry, photos: Sequence[CheckedPhoto], kind: str, actor: User | None
) -> None:
    for photo in photos:
        attachment = Attachment(
            case=case,
            entry=entry,
            kind=kind,
            content_type=photo.content_type,
            size=photo.size,
            sha256=photo.sha256,
            uploaded_by=actor,
            created_at=entry.created_at,
        )
        ext = photo.content_type.split("/")[-1].replace("jpeg", "jpg")
        attachment.file.save(f"{case.tracking_no}-{photo.sha256[:12]}.{ext}", photo.upload, save=False)
        # If the transaction rolls back, the file must not linger without a row.
        name = attachment.file.name or ""
        storage = attachment.file.storage
        delete_on_rollback(storage, name)
        attachment.save()


def apply_event(
    *,
    actor: User | None,
    case_id: int,
    event: str,
    note: str = "",
    data: dict | None = None,
    change: Callable[[Case], None] | None = None,
) -> tuple[Case, TimelineEntry]:
    """The one gateway for case events (see `gridgov.core.workflow.Workflow.apply`).

    `actor=None` is the system (the worker's ticks, auto-dispatch); it may apply only the system events.
    """
    return CASE_WORKFLOW.apply(actor=actor, pk=case_id, event=event, note=note, data=data, change=change)
