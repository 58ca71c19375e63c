"""Who may see and change which case. Pages, API, exports and search all go through here."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from gridgov.cases.models import AssigneeKind, Case, CaseEvent
from gridgov.core.errors import NotFound
from gridgov.people.models import Department, Role, RoleAssignment, User
from gridgov.people.selectors import Viewer, user_roles
from gridgov.territory.models import RegionLevel
from gridgov.territory.scope import covers, within_any_q


def _region_q(regions) -> Q:
    """Queryset form of `region_covers`."""
    q = within_any_q(regions)
    if any(region.level == RegionLevel.COUNTY for region in regions):
        # The county centre also sees cases whose location is not yet known.
        q |= Q(grid__isnull=True)
    return q


def cases_visible_to(user: Viewer) -> QuerySet[Case]:
    """Every case this user may read; not-visible cases behave exactly like missing ones."""
    if user is None or not user.is_authenticated:
        return Case.objects.none()
    if user.is_superuser:
        return Case.objects.all()
    roles = user_roles(user)
    if any(r.level == RegionLevel.COUNTY for r in roles.regions(Role.DISPATCHER, Role.LEADER, Role.ADMIN)):
        # The county centre sees every case; skipping the OR-joins and DISTINCT keeps its queue on an index.
        return Case.objects.all()
    q = Q(submitter=user) | Q(duplicates__submitter=user) | Q(recorded_by=user)
    q |= _region_q(roles.regions(Role.DISPATCHER, Role.LEADER, Role.ADMIN))
    worker_grids = roles.regions(Role.GRID_WORKER)
    if worker_grids:
        q |= Q(grid__in=worker_grids) | Q(handler=user)
    departments = roles.department_ids()
    if departments:
        # A department sees what was dispatched to it and what it was whistled into (吹哨报到).
        q |= Q(department_id__in=departments) | Q(whistle_calls__department_id__in=departments)
    return Case.objects.filter(q).distinct()


def case_for(user: Viewer, case_id: int, *, queryset: QuerySet[Case] | None = None) -> Case:
    qs = queryset if queryset is not None else cases_visible_to(user)
    case = qs.filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("工单不存在"), code="case_not_found")
    return case


def region_covers(region, case: Case) -> bool:
    """Whether a role scoped to `region` reaches this case: its subtree, plus unlocated cases for the
    county. The queryset form of the same rule is `_region_q`."""
    if region.level == RegionLevel.COUNTY and case.grid_id is None:
        return True
    return covers(region, case.region_path)


def _is_dispatcher_for(user: Viewer, case: Case) -> bool:
    regions = user_roles(user).regions(Role.DISPATCHER, Role.ADMIN)
    return user.is_superuser or any(region_covers(region, case) for region in regions)


def _is_assignee(user: Viewer, case: Case) -> bool:
    if case.assignee_kind == AssigneeKind.GRID:
        return case.handler_id == user.pk
    if case.assignee_kind == AssigneeKind.DEPARTMENT:
        return case.department_id in user_roles(user).department_ids()
    return False


def _is_requester(user: Viewer, case: Case) -> bool:
    return case.submitter_id is not None and case.submitter_id == user.pk


# Events the system may apply with actor=None: the worker's ticks, and auto-dispatch when the county
# turned it on. ESCALATE and DISPATCH are also applied by people (提级办理, 派单).
SYSTEM_EVENTS = {CaseEvent.SLA_YELLOW, CaseEvent.SLA_RED, CaseEvent.ESCALATE, CaseEvent.DISPATCH}


def _is_leader_for(user: Viewer, case: Case) -> bool:
    regions = user_roles(user).regions(Role.LEADER)
    return user.is_superuser or any(region_covers(region, case) for region in regions)


def _is_whistled_department(user: Viewer, case: Case) -> bool:
    departments = user_roles(user).department_ids()
    return bool(departments) and case.whistle_calls.filter(department_id__in=departments).exists()


def may_apply(user: Viewer, case: Case, event: str) -> bool:
    """Whether this user may apply this event to a case they can already see."""
    if event in (CaseEvent.SLA_YELLOW, CaseEvent.SLA_RED):
        return False
    if event in (CaseEvent.SUPERVISE, CaseEvent.TAKE_OWNERSHIP):
        return _is_leader_for(user, case)
    if event == CaseEvent.ESCALATE:
        return _is_leader_for(user, case) or _is_dispatcher_for(user, case)
    if event in (CaseEvent.POSTPONE, CaseEvent.EXTENSION_DECIDE):
        return _is_dispatcher_for(user, case)
    if event == CaseEvent.RESUME:
        return _is_dispatcher_for(user, case) or _is_assignee(user, case)
    if event in (CaseEvent.REQUEST_INFO, CaseEvent.EXTENSION_REQUEST):
        return _is_assignee(user, case)
    if event == CaseEvent.SUPPLY_INFO:
        return _is_requester(user, case) or _is_assignee(user, case) or _is_dispatcher_for(user, case)
    if event == CaseEvent.WHISTLE:
        return _is_assignee(user, case) or _is_dispatcher_for(user, case)
    if event == CaseEvent.REPORT_IN:
        return _is_whistled_department(user, case)
    if event in (CaseEvent.DISPATCH, CaseEvent.MERGE, CaseEvent.MERGED_IN, CaseEvent.CLOSE):
        return _is_dispatcher_for(user, case)
    if event in (CaseEvent.ACCEPT, CaseEvent.RETURN, CaseEvent.PROGRESS, CaseEvent.RESOLVE):
        return _is_assignee(user, case)
    if event in (CaseEvent.RATE, CaseEvent.REWORK):
        # A phone-entered case is rated by the centre on the follow-up call (回访).
        return _is_requester(user, case) or (case.submitter_id is None and _is_dispatcher_for(user, case))
    if event == CaseEvent.CANCEL:
        return _is_requester(user, case) or (case.recorded_by_id == user.pk) or _is_dispatcher_for(user, case)
    return False


def may_see_contact(user: Viewer, case: Case) -> bool:
    """Who sees the requester's name and phone in full, on every page, panel, API answer and export: the
    requester, whoever recorded the case, the dispatcher for its region and the current handler (who
    must call back). Everyone else who may see the case, leaders included, sees them masked."""
    if user is None or not user.is_authenticated:
        return False
    return (
        user.pk in (case.submitter_id, case.recorded_by_id)
        or _is_dispatcher_for(user, case)
        or _is_assignee(user, case)
    )


def _dispatch_regions(user: Viewer) -> list:
    return user_roles(user).regions(Role.DISPATCHER, Role.ADMIN)


def workers_dispatchable_by(user: Viewer) -> QuerySet[User]:
    """Grid workers a dispatcher may send a case to: those of grids inside the dispatcher's regions.
    The same rule fills the page's list and refuses anything else in `case_dispatch`."""
    assignments = RoleAssignment.objects.filter(role=Role.GRID_WORKER)
    if not user.is_superuser:
        assignments = assignments.filter(within_any_q(_dispatch_regions(user), "region__path"))
    return User.objects.filter(pk__in=assignments.values("user_id"))


def departments_dispatchable_by(user: Viewer) -> QuerySet[Department]:
    """Departments a dispatcher may call on: those placed at the dispatcher's level or above (a county
    bureau serves every street) and those inside the dispatcher's regions (a street's own office)."""
    if user.is_superuser:
        return Department.objects.all()
    regions = _dispatch_regions(user)
    above = [code for region in regions for code in region.path.strip("/").split("/") if code]
    return Department.objects.filter(Q(region__code__in=above) | within_any_q(regions, "region__path"))


def may_dispatch_to(
    user: Viewer, *, worker: User | None = None, department: Department | None = None
) -> bool:
    if worker is not None and not workers_dispatchable_by(user).filter(pk=worker.pk).exists():
        return False
    if department is not None and not departments_dispatchable_by(user).filter(pk=department.pk).exists():
        return False
    return True


def may_patrol(user: User) -> bool:
    """巡查上报 is for grid workers: the case lands in their own grid unless they place it."""
    return user.is_authenticated and user_roles(user).has(Role.GRID_WORKER)


def has_inbox(user: User) -> bool:
    """Whoever can be dispatched to: a grid worker, or a department's staff."""
    roles = user_roles(user)
    return roles.has(Role.GRID_WORKER) or roles.has(Role.DEPARTMENT)


def is_requester_only(user: User) -> bool:
    """A resident and nothing else: sees only their own cases, and not the staff's view of them."""
    return set(user_roles(user).names) <= {Role.RESIDENT}


def landing_page(user: User) -> str:
    """Where a signed-in user starts: the console, the inbox, the KPIs or their own cases."""
    roles = user_roles(user)
    if user.is_superuser or roles.has(Role.DISPATCHER) or roles.has(Role.ADMIN):
        return "cases:console"
    if has_inbox(user):
        return "cases:inbox"
    if roles.has(Role.LEADER):
        return "/kpi/"
    return "cases:my"


def may_dispatch_anywhere(user: Viewer | None) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and (user.is_superuser or bool(user_roles(user).regions(Role.DISPATCHER, Role.ADMIN)))
    )
