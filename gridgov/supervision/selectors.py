"""Reads for deadlines and supervision: SLA snapshots in batch, the leader desk, department calls, one case's panel.

The SLA figures of a list come from `sla_snapshots`, which loads the pauses of every listed case in one
query and reuses one calendar, so a desk of 300 cases costs the same few queries as a desk of three.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from gridgov.cases.access import cases_visible_to
from gridgov.cases.models import (
    CLOCK_STATUSES,
    DONE_STATUSES,
    OPEN_STATUSES,
    Case,
    CasePause,
    CaseStatus,
    ExtensionRequest,
    ExtensionStatus,
)
from gridgov.cases.sla import SlaView, sla_snapshots
from gridgov.supervision import access
from gridgov.supervision.models import SupervisionOrder, Whistle, WhistleCall
from gridgov.workcal.sla import Level

DESK_LIMIT = 300
CASE_RELATED = ("grid", "item", "category", "handler", "department", "owner_leader")
# Statuses in which a case has a clock worth showing (it was dispatched and not withdrawn).
CLOCKED_STATUSES = (*OPEN_STATUSES, *DONE_STATUSES)


# -------------------------------------------------------------------------------------------- the desk


@dataclass
class DeskRow:
    case: Case
    sla: SlaView | None
    reasons: list[str] = field(default_factory=list)  # why the case is on the desk, in the request's language
    orders: list[SupervisionOrder] = field(default_factory=list)
    allowed: set[str] = field(default_factory=set)  # events the viewer may apply; filled in by the view


def desk_cases(user, now: datetime) -> list[DeskRow]:
    """Open cases in scope that need a leader's eye: yellow, red, overdue, escalated, supervised,
    postponed, or owned (包案) by this user. Red first, then by time left."""
    has_order = Exists(SupervisionOrder.objects.filter(case=OuterRef("pk")))
    qs = (
        cases_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .annotate(has_order=has_order)
        .filter(
            Q(sla_level__in=[Level.YELLOW, Level.RED])
            | Q(escalation_level__gt=0)
            | Q(publicly_supervised=True)
            | Q(owner_leader=user)
            | Q(has_order=True)
            | Q(status=CaseStatus.POSTPONED)
            | Q(status__in=CLOCK_STATUSES, deadline_at__lt=now)
        )
        .select_related(*CASE_RELATED)
        .prefetch_related(
            Prefetch("supervision_orders", queryset=SupervisionOrder.objects.order_by("-created_at"))
        )
        .order_by("deadline_at", "id")
    )
    cases = list(qs[:DESK_LIMIT])
    views = sla_snapshots(cases, now)
    rows = []
    for case in cases:
        sla = views[case.pk]
        reasons = []
        if sla is not None and sla.snapshot.level == Level.RED:
            reasons.append(_("超期"))
        elif sla is not None and sla.snapshot.level == Level.YELLOW:
            reasons.append(_("临期"))
        if case.escalation_level:
            reasons.append(_("已提级（%(level)s 级）") % {"level": case.escalation_level})
        if case.publicly_supervised:
            reasons.append(_("挂牌督办"))
        elif case.has_order:
            reasons.append(_("督办"))
        if case.owner_leader_id == user.pk:
            reasons.append(pgettext("desk reason", "我包案"))
        elif case.owner_leader_id:
            reasons.append(pgettext("desk reason", "领导包案"))
        if case.status == CaseStatus.POSTPONED:
            reasons.append(_("缓办"))
        rows.append(DeskRow(case=case, sla=sla, reasons=reasons, orders=list(case.supervision_orders.all())))
    level_rank = {Level.RED: 0, Level.YELLOW: 1, Level.GREEN: 2}
    rows.sort(
        key=lambda r: (
            level_rank.get(r.sla.snapshot.level, 3) if r.sla else 3,
            r.sla.snapshot.time_left if r.sla else float("inf"),
            r.case.pk,
        )
    )
    return rows


def pending_extensions(user) -> QuerySet[ExtensionRequest]:
    """Extension requests waiting for a decision on cases in this user's scope."""
    return (
        ExtensionRequest.objects.filter(status=ExtensionStatus.PENDING, case__in=cases_visible_to(user))
        .select_related("case", "case__grid", "case__handler", "case__department", "requested_by")
        .order_by("requested_at", "id")
    )


# -------------------------------------------------------------------------------------- whistle calls


CALL_STAGES = {
    "called": gettext_lazy("待报到"),
    "acknowledged": gettext_lazy("已报到"),
    "acting": gettext_lazy("已采取措施"),
    "resolved": gettext_lazy("已报结"),
}


def call_stage(call: WhistleCall) -> str:
    if call.resolved_at is not None:
        return "resolved"
    if call.acted_at is not None:
        return "acting"
    if call.acknowledged_at is not None:
        return "acknowledged"
    return "called"


def call_is_late(call: WhistleCall, now: datetime) -> bool:
    """Not acknowledged by the whistle's respond_by (爽约): still waiting past it, or acknowledged after it."""
    respond_by = call.whistle.respond_by
    if call.acknowledged_at is None:
        return now > respond_by
    return call.acknowledged_at > respond_by


def department_calls(user) -> QuerySet[WhistleCall]:
    """Whistle calls to this user's departments, unanswered first, then newest."""
    return (
        access.calls_visible_to(user)
        .select_related("whistle", "case", "case__grid", "department")
        .order_by(F("resolved_at").asc(nulls_first=True), "-whistle__created_at", "id")
    )


# ----------------------------------------------------------------------------------------- case panel


@dataclass
class Panel:
    whistles: list[Whistle]
    orders: list[SupervisionOrder]
    pauses: list[CasePause]
    extensions: list[ExtensionRequest]

    @property
    def pending_extension(self) -> ExtensionRequest | None:
        return next((e for e in self.extensions if e.status == ExtensionStatus.PENDING), None)


def case_panel(case: Case) -> Panel:
    whistles = list(
        Whistle.objects.filter(case=case)
        .select_related("blown_by")
        .prefetch_related(
            Prefetch(
                "calls",
                queryset=WhistleCall.objects.select_related("department", "acknowledged_by").order_by(
                    "-role", "id"
                ),
            )
        )
        .order_by("created_at", "id")
    )
    return Panel(
        whistles=whistles,
        orders=list(
            SupervisionOrder.objects.filter(case=case)
            .select_related("issued_by")
            .order_by("created_at", "id")
        ),
        pauses=list(CasePause.objects.filter(case=case).order_by("started_at", "id")),
        extensions=list(
            ExtensionRequest.objects.filter(case=case)
            .select_related("requested_by", "decided_by")
            .order_by("requested_at", "id")
        ),
    )
