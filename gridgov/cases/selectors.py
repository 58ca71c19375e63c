"""Reads of cases: queues, inboxes, a case with its timeline."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gridgov.cases import access
from gridgov.cases.access import cases_visible_to
from gridgov.cases.models import OPEN_STATUSES, AssigneeKind, Case, CaseStatus, TimelineEntry
from gridgov.core.masking import mask_name, mask_phone
from gridgov.people.models import Role
from gridgov.people.selectors import user_roles

LIST_RELATED = ("grid", "category", "item", "handler", "department", "suggested_category")


@dataclass
class QueueFilters:
    status: str = ""
    category: int | None = None
    grid_path: str = ""
    channel: str = ""
    q: str = ""


def dispatcher_queue(user, filters: QueueFilters | None = None) -> QuerySet[Case]:
    """The centre's queue: new and returned cases first, oldest first, within the dispatcher's scope."""
    filters = filters or QueueFilters()
    qs = cases_visible_to(user).select_related(*LIST_RELATED)
    if filters.status:
        qs = qs.filter(status=filters.status)
    else:
        qs = qs.filter(status__in=[CaseStatus.SUBMITTED, CaseStatus.RETURNED])
    if filters.category:
        qs = qs.filter(Q(category_id=filters.category) | Q(suggested_category_id=filters.category))
    if filters.grid_path:
        qs = qs.filter(region_path__startswith=filters.grid_path)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q)
            | Q(description__icontains=filters.q)
            | Q(tracking_no=filters.q.upper())
        )
    return qs.order_by("created_at", "id")


def handler_inbox(user) -> QuerySet[Case]:
    """Cases waiting for or being handled by this grid worker or their department."""
    roles = user_roles(user)
    q = Q(pk__in=[])
    if roles.has(Role.GRID_WORKER):
        q |= Q(assignee_kind=AssigneeKind.GRID, handler=user)
    departments = roles.department_ids()
    if departments:
        q |= Q(assignee_kind=AssigneeKind.DEPARTMENT, department_id__in=departments)
    return (
        cases_visible_to(user)
        .filter(
            q, status__in=[CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.REWORK, CaseStatus.RESOLVED]
        )
        .select_related(*LIST_RELATED)
        .order_by("deadline_at", "id")
    )


def resident_cases(user) -> QuerySet[Case]:
    """A resident's own requests, and originals their duplicates were merged into."""
    return (
        Case.objects.filter(Q(submitter=user) | Q(duplicates__submitter=user))
        .exclude(status=CaseStatus.MERGED)
        .distinct()
        .select_related(*LIST_RELATED)
        .order_by("-created_at")
    )


def case_timeline(case: Case) -> list[TimelineEntry]:
    return list(
        TimelineEntry.objects.filter(case=case)
        .select_related("actor")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def similar_open_cases(case: Case, limit: int = 5) -> list[tuple[Case, float]]:
    """Open cases that are probably the same problem (text, same or neighbouring grid, recent),
    for the dispatcher's merge offer. Tuned for precision: see docs/intel.md for measured figures."""
    from datetime import timedelta

    from gridgov.cases.duplicates import CaseText, find_duplicates
    from gridgov.territory.selectors import grid_neighbours

    window = timedelta(days=7)
    places = [case.grid.code] + grid_neighbours(case.grid.code) if case.grid is not None else []
    candidates = (
        Case.objects.filter(
            created_at__gte=case.created_at - window,
            created_at__lte=case.created_at + window,
            status__in=OPEN_STATUSES,
            merged_into__isnull=True,
        )
        .exclude(pk=case.pk)
        .select_related("grid")
    )
    if places:
        candidates = candidates.filter(Q(grid__code__in=places) | Q(grid__isnull=True))
    by_id = {c.pk: c for c in candidates[:300]}

    def as_text(c: Case) -> CaseText[int, str]:
        return CaseText(
            id=c.pk,
            text=f"{c.title} {c.description}",
            grid_key=c.grid.code if c.grid is not None else None,
            time=c.created_at,
        )

    hits = find_duplicates(
        as_text(case), [as_text(c) for c in by_id.values()], neighbours=grid_neighbours, window=window
    )
    return [(by_id[h.id], h.score) for h in hits[:limit]]


def labelled_cases() -> list[tuple[str, str]]:
    """(text, item code) for every case the centre dispatched and that was handled to the end: the
    dispatcher's final choice is the label the dispatch model learns from."""
    rows = (
        Case.objects.filter(status__in=[CaseStatus.RESOLVED, CaseStatus.CLOSED], item__isnull=False)
        .values_list("title", "description", "item__code")
        .order_by("pk")
    )
    return [(f"{title} {description}", code) for title, description, code in rows]


def suggestion_agreement() -> dict:
    """How often the model's category matched the dispatcher's, over dispatched cases with a suggestion."""
    rows = (
        Case.objects.filter(dispatched_at__isnull=False, category__isnull=False)
        .exclude(suggested_label="")
        .values_list("suggested_label", "category__name", "suggested_confidence", "suggestion_model")
    )
    total = agree = 0
    by_model: dict[str, list[int]] = {}
    for label, chosen, _confidence, model in rows:
        total += 1
        hit = int(label == chosen)
        agree += hit
        counts = by_model.setdefault(model or "none", [0, 0])
        counts[0] += 1
        counts[1] += hit
    return {
        "n": total,
        "agreement": round(agree / total, 4) if total else None,
        "by_model": {m: {"n": n, "agreement": round(a / n, 4)} for m, (n, a) in by_model.items()},
    }


@dataclass(frozen=True)
class Contact:
    """The requester's contact as this user may see it (`access.may_see_contact`)."""

    name: str
    phone: str
    masked: bool


def shown_actor(entry: TimelineEntry, case: Case, *, contact_visible: bool) -> str:
    """Who acted, as this viewer may read it: the requester is "居民" to anyone who may not see their
    contact (`access.may_see_contact`), so a leader's page does not name the resident."""
    if not contact_visible and entry.actor_id is not None and entry.actor_id == case.submitter_id:
        return str(Role.RESIDENT.label)
    return entry.actor_label


def case_contact(user, case: Case) -> Contact:
    if access.may_see_contact(user, case):
        return Contact(name=case.contact_name, phone=case.contact_phone, masked=False)
    return Contact(name=mask_name(case.contact_name), phone=mask_phone(case.contact_phone), masked=True)
