"""派单: the centre routes a case (one, or a batch) to a grid worker or a department; 合并 duplicates."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.cases import access
from gridgov.cases.actions.gateway import NOTE_MAX, apply_event
from gridgov.cases.deadlines import deadline_for
from gridgov.cases.models import (
    AssigneeKind,
    Case,
    CaseEvent,
)
from gridgov.catalog.models import MatterItem, ResponsibleLevel
from gridgov.core import clock
from gridgov.core.errors import Conflict, DomainError, InvalidInput, PermissionDenied
from gridgov.core.fields import clean_text
from gridgov.people.models import Department, Role, RoleAssignment, User
from gridgov.territory.models import Region, RegionLevel

log = logging.getLogger("gridgov.cases")


@transaction.atomic
def case_dispatch(
    *,
    actor: User | None,
    case_id: int,
    item: MatterItem | None,
    to_worker: User | None = None,
    to_department: Department | None = None,
    grid: Region | None = None,
    note: str = "",
) -> Case:
    """派单 (and re-dispatch): to the grid worker or a department, with the deadline from the catalogue."""
    if (to_worker is None) == (to_department is None):
        raise InvalidInput(_("请选择一名网格员或一个部门（二选一）"), code="invalid_assignee")
    if item is None or not item.active:
        raise InvalidInput(_("请选择事项清单中的事项"), code="invalid_item")
    note = clean_text(note, field="note", label=_("派单说明"), max_len=NOTE_MAX, required=False)
    if grid is not None and grid.level != RegionLevel.GRID:
        raise InvalidInput(_("请选择一个网格"), code="invalid_grid")
    if to_worker is not None:
        worker_grids = list(
            RoleAssignment.objects.filter(user=to_worker, role=Role.GRID_WORKER).values_list(
                "region_id", flat=True
            )
        )
        if not worker_grids:
            raise InvalidInput(_("所选人员不是网格员"), code="invalid_assignee")
    now = clock.now()

    def change(case: Case) -> None:
        # After the gateway's own checks (scope, state, may dispatch at all): the page lists only these
        # workers and departments, and the API and imports must not reach further than the page.
        if actor is not None and not access.may_dispatch_to(
            actor, worker=to_worker, department=to_department
        ):
            raise PermissionDenied(
                _("所选网格员或部门不在您的派单范围内"),
                code="assignee_out_of_scope",
                fields={"worker_id" if to_worker is not None else "department_id": "out_of_scope"},
            )
        if grid is not None:
            case.grid = grid
            case.region_path = grid.path
        case.item = item
        case.category = item.category
        case.handler = to_worker
        case.department = to_department
        case.assignee_kind = AssigneeKind.GRID if to_worker else AssigneeKind.DEPARTMENT
        case.dispatched_at = now
        case.accepted_at = None
        # A (re-)dispatch starts a fresh clock with the catalogue's budget at this moment.
        case.time_limit = item.time_limit
        case.time_unit = item.time_unit
        case.extension_amount = 0
        case.sla_level = ""
        case.escalation_level = 0
        case.deadline_at = deadline_for(item, now)

    assignee = str(to_worker) if to_worker else str(to_department)
    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.DISPATCH,
        change=change,
        note=note,
        data={
            "assignee": assignee,
            "item": item.code,
            "kind": "worker" if to_worker else "department",
            "suggested": _suggested_for(case_id),
        },
    )
    if to_worker is not None and case.grid_id is not None and case.grid_id not in worker_grids:
        # Scope follows the grid; a worker handling a neighbour's case is allowed but logged.
        log.info("case %s dispatched to worker %s outside their grid", case.tracking_no, to_worker.pk)
    return case


# A batch holds every row lock until it commits; 100 rows keep that short and the error list readable.
BATCH_MAX = 100


def cases_dispatch_batch(
    *,
    actor: User,
    case_ids: list[int],
    item: MatterItem | None,
    to_worker: User | None = None,
    to_department: Department | None = None,
    to_grid_workers: bool = False,
    note: str = "",
) -> list[Case]:
    """批量派单: `case_dispatch` for each case, all or nothing.

    Every case is tried, so the dispatcher sees all the rows that failed at once; if any failed, the
    whole batch rolls back and one `Conflict("batch_failed")` names them (`fields["rows"]` maps each
    tracking number to its message). `to_grid_workers` sends each case to the worker of its own grid.
    A case outside the actor's scope is reported by its id, not its tracking number, like a missing one.
    """
    if not access.may_dispatch_anywhere(actor):
        raise PermissionDenied(_("只有派单员可以批量派单"), code="forbidden")
    ids = list(dict.fromkeys(case_ids))
    if not ids:
        raise InvalidInput(_("请至少选择一件工单"), code="no_cases", fields={"case_ids": "required"})
    if len(ids) > BATCH_MAX:
        raise InvalidInput(
            _("一次最多批量派单 %(max)d 件，现选了 %(n)d 件，请分批派单") % {"max": BATCH_MAX, "n": len(ids)},
            code="batch_too_large",
            fields={"case_ids": "too_many"},
        )
    if [to_worker is not None, to_department is not None, to_grid_workers].count(True) != 1:
        raise InvalidInput(
            _("请选择一名网格员、一个部门或“各自网格的网格员”（三选一）"), code="invalid_assignee"
        )
    if item is None or not item.active:
        raise InvalidInput(_("请选择事项清单中的事项"), code="invalid_item", fields={"item": "invalid"})
    note = clean_text(note, field="note", label=_("派单说明"), max_len=NOTE_MAX, required=False)

    errors: dict[str, str] = {}
    dispatched: list[Case] = []
    with transaction.atomic():
        visible = set(access.cases_visible_to(actor).filter(pk__in=ids).values_list("pk", flat=True))
        # Lock the whole batch up front in id order: two batches sharing cases then queue instead of
        # deadlocking, and the grids read here cannot move before their case is dispatched.
        rows = {
            pk: (tracking_no, grid_id, grid_name)
            for pk, tracking_no, grid_id, grid_name in Case.objects.select_for_update(of=("self",))
            .filter(pk__in=visible)
            .order_by("pk")
            .values_list("pk", "tracking_no", "grid_id", "grid__name")
        }
        grid_workers = (
            _grid_workers({grid_id for _no, grid_id, _name in rows.values()}) if to_grid_workers else {}
        )
        for case_id in ids:
            if case_id not in rows:
                errors[f"#{case_id}"] = _("工单不存在")
                continue
            tracking_no, grid_id, grid_name = rows[case_id]
            try:
                worker = to_worker
                if to_grid_workers:
                    worker = _grid_worker_of(grid_workers, grid_id, grid_name)
                dispatched.append(
                    case_dispatch(
                        actor=actor,
                        case_id=case_id,
                        item=item,
                        to_worker=worker,
                        to_department=to_department,
                        note=note,
                    )
                )
            except DomainError as exc:  # its savepoint is rolled back; keep going to report every row
                errors[tracking_no] = exc.message
        if errors:
            listed = "；".join(f"{no}：{message}" for no, message in errors.items())
            raise Conflict(
                _("批量派单未执行，%(n)d 件工单不能派单：%(rows)s") % {"n": len(errors), "rows": listed},
                code="batch_failed",
                fields={"rows": errors},
            )
    return dispatched


def _grid_workers(grid_ids: set[int | None]) -> dict[int, User]:
    """The worker of each grid (the first assigned, as `suggest_assignee` picks)."""
    workers: dict[int, User] = {}
    assignments = (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, region_id__in=[g for g in grid_ids if g])
        .select_related("user")
        .order_by("pk")
    )
    for assignment in assignments:
        if assignment.region_id is not None:
            workers.setdefault(assignment.region_id, assignment.user)
    return workers


def _grid_worker_of(workers: dict[int, User], grid_id: int | None, grid_name: str | None) -> User:
    if grid_id is None:
        raise InvalidInput(_("工单尚未定位到网格，不能派给网格的网格员"), code="no_grid")
    worker = workers.get(grid_id)
    if worker is None:
        raise InvalidInput(_("网格“%(grid)s”没有网格员") % {"grid": grid_name}, code="no_grid_worker")
    return worker


def _suggested_for(case_id: int) -> dict:
    row = (
        Case.objects.filter(pk=case_id)
        .values("suggested_label", "suggested_confidence", "suggestion_model")
        .first()
    )
    return dict(row) if row else {}


def suggest_assignee(case: Case) -> dict:
    """The responsible party the catalogue and the location point to: grid worker, community or department."""
    item = case.item
    worker = None
    if case.grid_id:
        worker = (
            RoleAssignment.objects.filter(role=Role.GRID_WORKER, region_id=case.grid_id)
            .select_related("user")
            .first()
        )
    if item is not None and item.responsible_level == ResponsibleLevel.DEPARTMENT:
        return {"kind": "department", "department": item.department, "worker": None}
    return {"kind": "worker", "department": None, "worker": worker.user if worker else None}


@transaction.atomic
def case_merge(*, actor: User, case_id: int, into_id: int, note: str = "") -> Case:
    """Merge a duplicate into an existing case; the duplicate's resident then follows the original."""
    if case_id == into_id:
        raise InvalidInput(_("不能合并到工单自身"), code="merge_into_self")
    note = clean_text(note, field="note", label=_("合并说明"), max_len=NOTE_MAX, required=False)
    original = access.case_for(actor, into_id)
    now = clock.now()

    def change(case: Case) -> None:
        case.merged_into = original
        case.closed_at = now

    duplicate, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.MERGE,
        change=change,
        note=note or f"与工单 {original.tracking_no} 重复，已合并",
        data={"into": original.tracking_no},
    )
    apply_event(
        actor=actor,
        case_id=into_id,
        event=CaseEvent.MERGED_IN,
        note=f"并入重复诉求 {duplicate.tracking_no}",
        data={"duplicate": duplicate.tracking_no},
    )
    return duplicate
