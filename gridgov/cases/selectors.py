"""Reads of cases: queues, inboxes, a case with its timeline."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gridgov.cases.access import cases_visible_to
from gridgov.cases.models import AssigneeKind, Case, CaseStatus, TimelineEntry
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
        qs = qs.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q) | Q(tracking_no=filters.q.upper()))
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
        .filter(q, status__in=[CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.REWORK, CaseStatus.RESOLVED])
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
    return list(TimelineEntry.objects.filter(case=case).select_related("actor").prefetch_related("attachments").order_by("created_at", "id"))


def similar_open_cases(case: Case, limit: int = 5) -> list[tuple[Case, float]]:
    """Open cases that are probably the same problem, for the dispatcher's merge offer."""
    from datetime import timedelta

    window_start = case.created_at - timedelta(days=14)
    candidates = list(
        Case.objects.filter(created_at__gte=window_start, status__in=[
            CaseStatus.SUBMITTED, CaseStatus.DISPATCHED, CaseStatus.RETURNED, CaseStatus.ACCEPTED, CaseStatus.REWORK,
        ])
        .exclude(pk=case.pk)
        .filter(Q(grid=case.grid) if case.grid_id else Q(grid__isnull=True) | Q(address=case.address))
        .select_related("grid")[:200]
    )
    try:
        from gridgov.intel.dedup import score_pair
    except ImportError:
        return []
    scored = [(c, score_pair(case.title + case.description, c.title + c.description)) for c in candidates]
    return sorted([s for s in scored if s[1] >= 0.5], key=lambda s: -s[1])[:limit]
