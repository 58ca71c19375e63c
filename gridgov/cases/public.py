"""The one public projection of a case: what anyone without a login may read about it.

The track page, its API twin, the public board (晒单) and, later, Open311 all show a case through
`public_case`, so they cannot disagree about what is masked. Structured personal fields are masked
(`gridgov.core.masking`); free text goes through the one redaction (`gridgov.core.redaction`), which also
hides the personal strings this case knows (the address, the contact's and the submitter's names, the
handler's name). Nothing here returns a `Case`; callers get frozen dataclasses.

The anonymous look-up is guarded here too, for page and API alike (`track_lookup`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.utils.translation import gettext as _

from gridgov.cases import actions
from gridgov.cases.models import AssigneeKind, Case, CaseEvent, CaseStatus, TimelineEntry
from gridgov.core.errors import DomainError, NotFound
from gridgov.core.masking import mask_name, mask_phone
from gridgov.core.redaction import redact_text
from gridgov.people.models import Role
from gridgov.territory.models import RegionLevel

# Timeline notes the public may read: what the handler tells the resident. Dispatch and return notes
# are internal routing talk and may name people; they are never shown.
PUBLIC_NOTE_EVENTS = frozenset({CaseEvent.PROGRESS, CaseEvent.RESOLVE, CaseEvent.CLOSE, CaseEvent.MERGE})
# What the result is shown for: a result exists only once the case was resolved.
RESULT_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)
# Related rows `public_case` reads; a caller listing many cases selects them once.
PUBLIC_RELATED = ("grid__parent", "category", "handler", "department", "submitter", "merged_into")


@dataclass(frozen=True)
class PublicEvent:
    """One timeline entry as the public sees it: the role that acted, never the person."""

    event: str
    event_label: str
    status: str
    status_label: str
    actor: str  # the role that acted, never the name
    note: str
    created_at: datetime


@dataclass(frozen=True)
class PublicCase:
    """A case as the public may see it: masked, redacted, no address, no coordinates, no internal ids."""

    tracking_no: str
    status: str
    status_label: str
    title: str
    description: str
    category: str
    community: str
    grid: str
    created_at: datetime
    closed_at: datetime | None
    result: str
    handler: str
    contact_name: str
    contact_phone: str
    merged_into: str
    publicly_supervised: bool
    rework_count: int
    timeline: list[PublicEvent] = field(default_factory=list)


def known_secrets(case: Case) -> list[str]:
    """The personal strings of this case, hidden wherever they appear in its public text."""
    known = [case.address, case.contact_name]
    for person in (case.submitter, case.handler):
        if person is not None:
            known.append(person.display_name)
    return [s for s in known if s]


def _handler_label(case: Case) -> str:
    if case.assignee_kind == AssigneeKind.DEPARTMENT and case.department is not None:
        return case.department.name
    if case.handler is not None:
        return f"{Role.GRID_WORKER.label} {mask_name(case.handler.display_name or case.handler.username)}"
    return ""


def _role_part(label: str) -> str:
    # actor_label is "<roles> <name>"; the role part is what a stranger may read.
    return label.rsplit(" ", 1)[0] if " " in label else label


def public_events(case: Case, entries: Sequence[TimelineEntry], known: list[str]) -> list[PublicEvent]:
    events = []
    for entry in entries:
        resident = entry.actor_id is not None and entry.actor_id == case.submitter_id
        events.append(
            PublicEvent(
                event=entry.event,
                event_label=entry.get_event_display(),
                status=entry.to_status,
                status_label=str(CaseStatus(entry.to_status).label),
                actor=str(Role.RESIDENT.label) if resident else _role_part(entry.actor_label),
                note=redact_text(entry.note, known=known) if entry.event in PUBLIC_NOTE_EVENTS else "",
                created_at=entry.created_at,
            )
        )
    return events


def public_case(case: Case, *, with_timeline: bool = False) -> PublicCase:
    """The public projection of `case` (select `PUBLIC_RELATED` when listing many)."""
    known = known_secrets(case)
    grid = case.grid
    community = grid.parent if grid is not None and grid.level == RegionLevel.GRID else None
    timeline: list[PublicEvent] = []
    if with_timeline:
        timeline = public_events(case, list(case.timeline.order_by("created_at", "id")), known)
    return PublicCase(
        tracking_no=case.tracking_no,
        status=case.status,
        status_label=case.get_status_display(),
        title=redact_text(case.title, known=known),
        description=redact_text(case.description, known=known),
        category=case.category.name if case.category is not None else "",
        community=community.name if community is not None else "",
        grid=grid.name if grid is not None else "",
        created_at=case.created_at,
        closed_at=case.closed_at,
        result=redact_text(case.result, known=known) if case.status in RESULT_STATUSES else "",
        handler=_handler_label(case),
        contact_name=mask_name(case.contact_name),
        contact_phone=mask_phone(case.contact_phone),
        merged_into=case.merged_into.tracking_no if case.merged_into is not None else "",
        publicly_supervised=case.publicly_supervised,
        rework_count=case.rework_count,
        timeline=timeline,
    )


# ── the anonymous look-up ────────────────────────────────────────────────────────────────────────────

# Misses allowed per tracking number in TRACK_WINDOW seconds: the last four digits of a phone are only
# 10,000 guesses. Counted per number, not per client address, because behind the county's proxy every
# resident would share one address and lock each other out. The page and the API share the counter.
TRACK_LIMIT = 20
TRACK_WINDOW = 600


class TooManyLookups(DomainError):
    status = 429
    default_code = "too_many_lookups"


def _track_key(tracking_no: str) -> str:
    return "gridgov:track-misses:" + (tracking_no or "").strip().upper()[:20]


def track_lookup(*, tracking_no: str, phone_last4: str) -> PublicCase:
    """查询进度 for anyone: the public projection of the case, or one Chinese refusal for a miss."""
    key = _track_key(tracking_no)
    if cache.get(key, 0) >= TRACK_LIMIT:
        raise TooManyLookups(_("查询过于频繁，请 10 分钟后再试"))
    try:
        case = actions.case_lookup(tracking_no=tracking_no, phone_last4=phone_last4)
    except NotFound:
        cache.add(key, 0, TRACK_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, TRACK_WINDOW)
        raise
    case = Case.objects.select_related(*PUBLIC_RELATED).get(pk=case.pk)
    return public_case(case, with_timeline=True)
