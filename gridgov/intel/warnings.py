"""研判预警 on the platform's own records: the daily spike and recurrence check, run as a worker tick.

Counts are cases per (community, category, local day); each pair is judged against its own last 28 days
by `gridgov.intel.spikes.detect_spikes`. A case reported at an address where a case was closed in the
last 30 days is flagged as a recurrence. Alerts are unique per (kind, key, day), so the tick is
idempotent, and each new alert notifies the leaders whose region covers it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from gridgov.cases.models import Case, CaseStatus
from gridgov.catalog.models import Category
from gridgov.core import clock
from gridgov.intel.models import Alert, AlertKind
from gridgov.intel.spikes import ClosedCase, NewCase, detect_spikes, recurrences
from gridgov.people.models import Role, RoleAssignment
from gridgov.territory.models import Region
from gridgov.territory.scope import covers

log = logging.getLogger("gridgov.intel")
BASELINE_DAYS = 28


def _village_path(region_path: str) -> str:
    parts = [p for p in region_path.strip("/").split("/") if p]
    return "/" + "/".join(parts[:3]) + "/" if len(parts) >= 3 else ""


def _leaders_for(path: str):
    for assignment in RoleAssignment.objects.filter(role=Role.LEADER).select_related("region", "user"):
        # A leader's role is scoped to a region (region_role_has_region).
        if assignment.region is not None and covers(assignment.region, path):
            yield assignment.user


def _save(alert: Alert, path: str) -> bool:
    try:
        with transaction.atomic():
            alert.save()
            from gridgov.notify.actions import notifications_create

            notifications_create(
                recipients=_leaders_for(path),
                kind="intel.alert",
                title=f"研判预警：{alert.summary}",
                body=f"涉及工单 {len(alert.case_ids)} 件",
                dedupe_key=f"alert:{alert.kind}:{alert.key}:{alert.day}",
                link="/intel/alerts/",
            )
    except IntegrityError:
        return False  # already raised by an earlier run of the tick
    return True


def warnings_tick(now: dt.datetime | None = None) -> dict:
    now = now or clock.now()
    today = timezone.localdate(now)
    since = today - dt.timedelta(days=BASELINE_DAYS + 1)
    rows = (
        Case.objects.filter(created_at__date__gte=since, category__isnull=False, merged_into__isnull=True)
        .exclude(region_path="")
        .annotate(day=TruncDate("created_at"))
        .values("region_path", "category_id", "day")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple[tuple[str, int], dt.date], int] = defaultdict(int)
    for row in rows:
        counts[(_village_path(row["region_path"]), row["category_id"]), row["day"]] += row["n"]
    judged = [today - dt.timedelta(days=1), today]
    made = {"spike": 0, "recurrence": 0}
    alerts = detect_spikes(((key, day, n) for (key, day), n in counts.items()), days=judged)
    regions = {r.path: r for r in Region.objects.filter(path__in={key[0] for key, _ in counts})}
    categories = {c.pk: c for c in Category.objects.all()}
    for found in alerts:
        path, category_id = found.key
        region, category = regions.get(path), categories.get(category_id)
        case_ids = list(
            Case.objects.filter(
                region_path__startswith=path, category_id=category_id, created_at__date=found.day
            ).values_list("pk", flat=True)
        )
        alert = Alert(
            kind=AlertKind.SPIKE,
            key=f"{path}|{category_id}",
            day=found.day,
            region=region,
            category=category,
            observed=found.observed,
            expected=round(found.expected, 2),
            p_value=found.p_value,
            summary=f"{region.name if region else path} {category.name if category else ''} 当日 {found.observed} 件"
            f"（平时约 {found.expected:.1f} 件）",
            case_ids=case_ids,
            created_at=now,
        )
        made["spike"] += _save(alert, path)

    closed = [
        ClosedCase(id=c.pk, address=c.address, closed_at=c.closed_at, category=str(c.category_id))
        for c in Case.objects.filter(status=CaseStatus.CLOSED, closed_at__gte=now - dt.timedelta(days=30))
        .exclude(address="")
        .only("pk", "address", "closed_at", "category_id")
        if c.closed_at is not None  # always, given closed_at__gte; narrows the type
    ]
    new = [
        NewCase(id=c.pk, address=c.address, reported_at=c.created_at, category=str(c.category_id))
        for c in Case.objects.filter(created_at__gte=now - dt.timedelta(days=1))
        .exclude(address="")
        .only("pk", "address", "created_at", "category_id", "region_path")
    ]
    paths = dict(Case.objects.filter(pk__in=[c.id for c in new]).values_list("pk", "region_path"))
    for hit in recurrences(closed, new):
        alert = Alert(
            kind=AlertKind.RECURRENCE,
            key=f"{hit.new_id}|{hit.closed_id}",
            day=today,
            summary=f"{hit.address} 办结 {hit.days_after_closure:.0f} 天后再次被反映",
            case_ids=[hit.closed_id, hit.new_id],
            observed=1,
            created_at=now,
        )
        made["recurrence"] += _save(alert, _village_path(paths.get(hit.new_id, "")))
    if any(made.values()):
        log.info("warnings tick: %s", made)
    return made
