"""Every write to a case. Views, API, admin, CLI and the demo all call these."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Callable, Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.cases import access
from gridgov.cases.deadlines import deadline_for
from gridgov.cases.models import (
    AssigneeKind,
    Attachment,
    AttachmentKind,
    Case,
    CaseEvent,
    CasePause,
    CaseStatus,
    Channel,
    ExtensionRequest,
    ExtensionStatus,
    PauseKind,
    Rating,
    RatingScore,
    TimelineEntry,
)
from gridgov.cases.sla import case_clock
from gridgov.cases.workflow import CASE_WORKFLOW
from gridgov.catalog.models import Category, MatterItem, ResponsibleLevel
from gridgov.core import clock
from gridgov.core.errors import Conflict, DomainError, InvalidInput, NotFound, PermissionDenied
from gridgov.core.fields import clean_phone, clean_text
from gridgov.core.uploads import (
    CheckedPhoto,
    delete_on_rollback,
    files_committed,
    forget_new_files,
    photos_check,
    with_files,
)
from gridgov.people.models import Department, Role, RoleAssignment, User
from gridgov.people.selectors import user_roles
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.selectors import grid_at, grid_for_address

log = logging.getLogger("gridgov.cases")

DESCRIPTION_MAX = 2000
DESCRIPTION_MIN = 5
TITLE_MAX = 100
NOTE_MAX = 2000
# Below this the typed address only hints; the dispatcher places the case (measured in docs/intel.md).
ADDRESS_CONFIDENCE = 0.8
_TRACKING_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out over the phone

# Hooks other modules register to react to case events (notifications, escalation): the workflow's own
# list, kept under this name for the apps that register here. Each runs inside the event's transaction.
event_hooks = CASE_WORKFLOW.hooks
# Checks another domain adds before a case may be resolved (e.g. the lead department of a whistle must
# have reported its result). Each raises a DomainError to refuse.
resolve_guards: list[Callable[[Case], None]] = []


def _new_tracking_no() -> str:
    return (
        "GG" + clock.now().strftime("%y%m%d") + "".join(secrets.choice(_TRACKING_ALPHABET) for _i in range(6))
    )


def _store_photos(
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


def _suggest(title: str, description: str) -> dict:
    """Ask the dispatch model for a category; never let it stop a submission."""
    try:
        from gridgov.intel.classifier import suggest
    except ImportError:
        return {}
    try:
        suggestion = suggest(title, description)
    except Exception:  # a broken model file must not lose a resident's request
        log.exception("dispatch suggestion failed")
        return {}
    # A model trained on the dataset predicts category names; one trained on closed cases, item codes.
    category = Category.objects.filter(name=suggestion.label).first() if suggestion.label else None
    if category is None and suggestion.label:
        item = MatterItem.objects.filter(code=suggestion.label).select_related("category").first()
        category = item.category if item else None
    return {
        "suggested_category": category,
        "suggested_label": suggestion.label or "",
        "suggested_confidence": suggestion.confidence,
        "suggestion_model": suggestion.model_version,
    }


def case_submit(
    *,
    actor: User | None,
    channel: str,
    description: str,
    contact_phone: str,
    title: str = "",
    contact_name: str = "",
    category: Category | None = None,
    item: MatterItem | None = None,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    grid: Region | None = None,
    photos: Sequence[UploadedFile] = (),
    idempotency_key: str | None = None,
) -> tuple[Case, bool]:
    """点单. Returns (case, created); the same idempotency key always returns the first case."""
    if channel not in Channel.values:
        raise InvalidInput(_("渠道无效"), code="invalid_channel")
    if channel == Channel.PHONE and not access.may_dispatch_anywhere(actor):
        raise PermissionDenied(_("只有派单员可以代录电话诉求"), code="forbidden")
    if channel == Channel.PATROL and not user_roles(actor).has(Role.GRID_WORKER):
        raise PermissionDenied(_("只有网格员可以巡查上报"), code="forbidden")
    if channel == Channel.WEB and actor is None:
        raise PermissionDenied(_("请先登录再提交诉求"), code="not_authenticated")
    key = (idempotency_key or "").strip() or None
    if key and len(key) > 80:
        raise InvalidInput(_("幂等键不能超过 80 个字符"), code="invalid_idempotency_key")
    if key and not key.isprintable():  # headers skip the API's text check; NUL is a 500 on PostgreSQL
        raise InvalidInput(_("幂等键含有不允许的字符"), code="invalid_idempotency_key")
    if key:
        existing = Case.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _same_submitter(existing, actor), False

    description = clean_text(
        description,
        field="description",
        label=_("问题描述"),
        max_len=DESCRIPTION_MAX,
        min_len=DESCRIPTION_MIN,
    )
    title = clean_text(
        title, field="title", label=_("标题"), max_len=TITLE_MAX, required=False
    ) or _title_from(description)
    contact_name = clean_text(
        contact_name, field="contact_name", label=_("联系人"), max_len=50, required=False
    )
    phone = clean_phone(contact_phone)
    address = clean_text(address, field="address", label=_("地址"), max_len=200, required=False)
    if item is not None:
        if not item.active:
            raise InvalidInput(_("该事项已停用"), code="invalid_item")
        category = item.category
    if (lon is None) != (lat is None):
        raise InvalidInput(_("位置需要同时提供经度和纬度"), code="invalid_location")
    if lon is not None:
        assert lat is not None  # both or neither, checked just above
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise InvalidInput(_("经纬度超出范围"), code="invalid_location")
        located = grid_at(lon, lat)
        if located is None:
            raise InvalidInput(
                _("所选位置不在本县网格范围内，请重新选择或填写地址"), code="location_outside_county"
            )
        grid = located
    located_by = "map" if lon is not None else ("given" if grid is not None else "")
    if grid is None and address:
        matched_grid, match = grid_for_address(address)
        if matched_grid is not None and match.confidence >= ADDRESS_CONFIDENCE:
            grid, located_by = matched_grid, f"address {match.confidence:.2f}"
    if grid is None and channel == Channel.PATROL:
        grid, located_by = user_roles(actor).regions(Role.GRID_WORKER)[0], "patrol"
    if grid is not None and grid.level != RegionLevel.GRID:
        raise InvalidInput(_("请选择一个网格"), code="invalid_grid")
    if grid is None and not address:
        raise InvalidInput(
            _("请在地图上选择位置或填写地址"), code="missing_location", fields={"address": "required"}
        )
    checked = photos_check(photos)
    suggestion = _suggest(title, description)

    try:
        with transaction.atomic():
            case = _create_case(
                actor=actor,
                channel=channel,
                key=key,
                title=title,
                description=description,
                category=category,
                item=item,
                lon=lon,
                lat=lat,
                address=address,
                grid=grid,
                contact_name=contact_name,
                phone=phone,
                suggestion=suggestion,
                photos=checked,
                located_by=located_by,
            )
    except IntegrityError:
        forget_new_files()
        if key:
            existing = Case.objects.filter(idempotency_key=key).first()
            if existing is not None:
                return _same_submitter(existing, actor), False
        raise
    except BaseException:
        forget_new_files()
        raise
    files_committed()
    case = _auto_dispatch(case)
    return case, True


def _auto_dispatch(case: Case) -> Case:
    """Dispatch a confident grid-level matter straight to the grid's worker, if the county allows it.

    Needs a model trained on catalogue item codes (from the platform's closed cases), a located case,
    a grid-level item and a worker for the grid; anything less leaves the case to the dispatcher.
    """
    from gridgov.intel.models import DispatchPolicy

    policy = DispatchPolicy.current()
    if not policy.auto_dispatch or case.grid_id is None or not case.suggested_label:
        return case
    if (case.suggested_confidence or 0) < policy.min_confidence:
        return case
    item = MatterItem.objects.filter(
        code=case.suggested_label, active=True, responsible_level=ResponsibleLevel.GRID
    ).first()
    worker = (
        RoleAssignment.objects.filter(role=Role.GRID_WORKER, region_id=case.grid_id)
        .select_related("user")
        .first()
    )
    if item is None or worker is None:
        return case
    try:
        return case_dispatch(
            actor=None,
            case_id=case.pk,
            item=item,
            to_worker=worker.user,
            note=f"自动派单（置信度 {case.suggested_confidence:.2f}）",
        )
    except DomainError:
        log.exception("auto-dispatch of %s failed; left for the dispatcher", case.tracking_no)
        return case


def _same_submitter(existing: Case, actor: User | None) -> Case:
    owner = existing.submitter_id or existing.recorded_by_id
    if actor is not None and owner is not None and owner != actor.pk:
        raise Conflict(_("该幂等键已被其他提交使用"), code="idempotency_key_reused")
    return existing


def _title_from(description: str) -> str:
    first = re.split(r"[。！？!?\n]", description, maxsplit=1)[0].strip()
    return (first[:30] + "…") if len(first) > 30 else first


def _create_case(
    *,
    actor,
    channel,
    key,
    title,
    description,
    category,
    item,
    lon,
    lat,
    address,
    grid,
    contact_name,
    phone,
    suggestion,
    photos,
    located_by,
) -> Case:
    is_resident_channel = channel == Channel.WEB
    case = Case(
        status=CaseStatus.SUBMITTED,
        channel=channel,
        idempotency_key=key,
        title=title,
        description=description,
        category=category,
        item=item,
        lon=lon,
        lat=lat,
        address=address,
        grid=grid,
        region_path=grid.path if grid else "",
        submitter=actor if is_resident_channel else None,
        recorded_by=actor if not is_resident_channel else None,
        contact_name=contact_name or (str(actor) if actor and is_resident_channel else ""),
        contact_phone=phone,
        created_at=clock.now(),
        **suggestion,
    )
    for _attempt in range(5):
        case.tracking_no = _new_tracking_no()
        if not Case.objects.filter(tracking_no=case.tracking_no).exists():
            break
    entry = CASE_WORKFLOW.create(
        case,
        event=CaseEvent.SUBMIT,
        actor=actor,
        note=f"渠道：{Channel(channel).label}",
        data={"channel": channel, "located_by": located_by},
    )
    _store_photos(case, entry, photos, AttachmentKind.REPORT, actor)
    return case


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
def case_accept(*, actor: User, case_id: int) -> Case:
    now = clock.now()

    def change(case: Case) -> None:
        case.accepted_at = now
        if case.assignee_kind == AssigneeKind.DEPARTMENT:
            case.handler = actor

    case, _entry = apply_event(actor=actor, case_id=case_id, event=CaseEvent.ACCEPT, change=change)
    return case


@transaction.atomic
def case_return(*, actor: User, case_id: int, reason: str) -> Case:
    """退单: the handler says it is not theirs; the reason is required so the centre can re-route."""
    reason = clean_text(reason, field="reason", label=_("退单理由"), max_len=NOTE_MAX, min_len=2)

    def change(case: Case) -> None:
        case.return_count += 1
        case.handler = None if case.assignee_kind == AssigneeKind.GRID else case.handler

    case, _entry = apply_event(
        actor=actor, case_id=case_id, event=CaseEvent.RETURN, note=reason, change=change
    )
    return case


@with_files
def case_progress(*, actor: User, case_id: int, note: str, photos: Sequence[UploadedFile] = ()) -> Case:
    note = clean_text(note, field="note", label=_("进展说明"), max_len=NOTE_MAX, min_len=2)
    checked = photos_check(photos)
    case, entry = apply_event(actor=actor, case_id=case_id, event=CaseEvent.PROGRESS, note=note)
    _store_photos(case, entry, checked, AttachmentKind.PROGRESS, actor)
    return case


@with_files
def case_resolve(*, actor: User, case_id: int, result: str, photos: Sequence[UploadedFile] = ()) -> Case:
    """办结: the result and, where the catalogue requires it, photo evidence."""
    result = clean_text(result, field="result", label=_("办理结果"), max_len=NOTE_MAX, min_len=2)
    checked = photos_check(photos)
    now = clock.now()

    def change(case: Case) -> None:
        if case.item is not None and case.item.photo_required and not checked:
            raise InvalidInput(
                _("该事项办结须上传现场照片作为佐证"), code="evidence_required", fields={"photos": "required"}
            )
        for guard in resolve_guards:
            guard(case)
        case.result = result
        case.resolved_at = now

    case, entry = apply_event(
        actor=actor, case_id=case_id, event=CaseEvent.RESOLVE, note=result, change=change
    )
    _store_photos(case, entry, checked, AttachmentKind.EVIDENCE, actor)
    return case


@transaction.atomic
def case_rate(*, actor: User, case_id: int, score: str, comment: str = "") -> Case:
    """评单. Unsatisfied sends the case back for rework (返工) with the comment as the reason."""
    if score not in RatingScore.values:
        raise InvalidInput(
            _("请选择 满意 / 基本满意 / 不满意"), code="invalid_score", fields={"score": "invalid"}
        )
    comment = clean_text(
        comment,
        field="comment",
        label=_("评价意见"),
        max_len=NOTE_MAX,
        required=score == RatingScore.UNSATISFIED,
    )
    now = clock.now()
    event = CaseEvent.REWORK if score == RatingScore.UNSATISFIED else CaseEvent.RATE

    def change(case: Case) -> None:
        Rating.objects.create(
            case=case, round=case.rework_count, score=score, comment=comment, rated_by=actor, created_at=now
        )
        if event == CaseEvent.REWORK:
            case.rework_count += 1
            case.resolved_at = None
            case.accepted_at = None
        else:
            case.closed_at = now

    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=event,
        note=comment,
        data={"score": score},
        change=change,
    )
    if event == CaseEvent.REWORK and case.rework_count >= 2:
        # A second unsatisfied rating goes to a leader (提级), in the same transaction as the rating.
        case = case_escalate(actor=None, case_id=case.pk, reason="second_unsatisfied")
    return case


ESCALATION_LEVELS = {1: "村/社区", 2: "乡镇/街道", 3: "县中心"}


def case_escalate(
    *, actor: User | None, case_id: int, reason: str, level: int | None = None, note: str = ""
) -> Case:
    """提级: one level up the territory (grid → community → street → county centre), or to a set level."""
    note = clean_text(note, field="note", label=_("提级说明"), max_len=NOTE_MAX, required=False)
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case_id)
        target = min(3, level if level is not None else current.escalation_level + 1)
        if reason == "second_unsatisfied":
            target = max(target, 2)
        if target <= current.escalation_level and reason != "second_unsatisfied":
            raise Conflict(_("工单已提级到该层级"), code="already_escalated")
        codes = [c for c in current.region_path.strip("/").split("/") if c]
        region_code = codes[3 - target] if len(codes) == 4 else (codes[0] if codes else "")

        def change(case: Case) -> None:
            case.escalation_level = max(case.escalation_level, target)

        case, _entry = apply_event(
            actor=actor,
            case_id=case_id,
            event=CaseEvent.ESCALATE,
            change=change,
            note=f"提级至{ESCALATION_LEVELS[target]}" + (f"：{note}" if note else ""),
            data={"level": target, "region": region_code, "reason": reason},
        )
        return case


@transaction.atomic
def case_close(*, actor: User, case_id: int, note: str = "") -> Case:
    """结案 without a rating, by the centre, when the resident did not rate within the rating period."""
    note = (
        clean_text(note, field="note", label=_("结案说明"), max_len=NOTE_MAX, required=False)
        or "超过评价期未评价，由中心结案"
    )
    now = clock.now()

    def change(case: Case) -> None:
        case.closed_at = now

    case, _entry = apply_event(actor=actor, case_id=case_id, event=CaseEvent.CLOSE, note=note, change=change)
    return case


@transaction.atomic
def case_cancel(*, actor: User, case_id: int, reason: str = "") -> Case:
    reason = clean_text(reason, field="reason", label=_("撤销原因"), max_len=NOTE_MAX, required=False)
    now = clock.now()

    def change(case: Case) -> None:
        case.closed_at = now

    case, _entry = apply_event(
        actor=actor, case_id=case_id, event=CaseEvent.CANCEL, note=reason, change=change
    )
    return case


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


def case_lookup(*, tracking_no: str, phone_last4: str) -> Case:
    """Anonymous look-up by tracking number + last 4 digits of the contact phone; a miss says nothing more."""
    tracking_no = (tracking_no or "").strip().upper()
    phone_last4 = (phone_last4 or "").strip()
    if not re.fullmatch(r"\d{4}", phone_last4) or not re.fullmatch(r"[A-Z0-9]{6,20}", tracking_no):
        raise InvalidInput(_("请输入受理编号和联系电话后四位"), code="invalid_lookup")
    case = Case.objects.filter(tracking_no=tracking_no).first()
    if case is None or not case.contact_phone.endswith(phone_last4):
        raise NotFound(_("未找到该编号的诉求，请核对受理编号和电话后四位"), code="case_not_found")
    return case


def _open_pause(case: Case, kind: str, reason: str) -> None:
    CasePause.objects.create(case=case, kind=kind, started_at=clock.now(), reason=reason)


def _close_pause_and_move_deadline(case: Case) -> None:
    """Close the open pause and push the deadline out by the working time it covered."""
    now = clock.now()
    CasePause.objects.filter(case=case, ended_at__isnull=True).update(ended_at=now)
    sla_clock = case_clock(case)
    if sla_clock is not None:
        case.deadline_at = sla_clock.deadline(now)


@transaction.atomic
def case_request_info(*, actor: User, case_id: int, note: str) -> Case:
    """The handler needs more from the resident (补充材料); the clock stops until they answer."""
    note = clean_text(note, field="note", label=_("需补充的材料"), max_len=NOTE_MAX, min_len=2)
    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.REQUEST_INFO,
        note=note,
        change=lambda c: _open_pause(c, PauseKind.WAITING_INFO, note),
    )
    return case


@with_files
def case_supply_info(*, actor: User, case_id: int, note: str, photos: Sequence[UploadedFile] = ()) -> Case:
    """The resident (or the handler, for an answer given by phone) supplies it; the clock runs again."""
    note = clean_text(note, field="note", label=_("补充说明"), max_len=NOTE_MAX, min_len=2)
    checked = photos_check(photos)
    case, entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.SUPPLY_INFO,
        note=note,
        change=_close_pause_and_move_deadline,
    )
    _store_photos(case, entry, checked, AttachmentKind.PROGRESS, actor)
    return case


@transaction.atomic
def case_postpone(*, actor: User, case_id: int, reason: str) -> Case:
    """缓办, approved by the centre: the clock stops, and the case leaves the 结案率 denominator."""
    reason = clean_text(reason, field="reason", label=_("缓办理由"), max_len=NOTE_MAX, min_len=2)
    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.POSTPONE,
        note=reason,
        change=lambda c: _open_pause(c, PauseKind.POSTPONED, reason),
    )
    return case


@transaction.atomic
def case_resume(*, actor: User, case_id: int, note: str = "") -> Case:
    note = clean_text(note, field="note", label=_("说明"), max_len=NOTE_MAX, required=False)
    case, _entry = apply_event(
        actor=actor, case_id=case_id, event=CaseEvent.RESUME, note=note, change=_close_pause_and_move_deadline
    )
    return case


@transaction.atomic
def case_extension_request(*, actor: User, case_id: int, amount: float, reason: str) -> ExtensionRequest:
    """延期申请 by the handler; the dispatcher approves or rejects it."""
    reason = clean_text(reason, field="reason", label=_("延期理由"), max_len=NOTE_MAX, min_len=2)
    try:
        amount = float(amount)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(_("延期时长必须是数字"), code="invalid_amount") from exc
    if not (0 < amount <= 365):
        raise InvalidInput(_("延期时长必须大于 0"), code="invalid_amount")
    holder: dict = {}

    def change(case: Case) -> None:
        if case.time_unit == "working_days" and amount != int(amount):
            raise InvalidInput(_("按工作日计时的事项，延期须为整数天"), code="invalid_amount")
        if ExtensionRequest.objects.filter(case=case, status=ExtensionStatus.PENDING).exists():
            raise Conflict(_("已有一条待审批的延期申请"), code="extension_pending")
        holder["request"] = ExtensionRequest.objects.create(
            case=case, amount=amount, reason=reason, requested_by=actor, requested_at=clock.now()
        )

    apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.EXTENSION_REQUEST,
        note=reason,
        data={"amount": amount},
        change=change,
    )
    return holder["request"]


@transaction.atomic
def case_extension_decide(*, actor: User, case_id: int, approve: bool, note: str = "") -> Case:
    note = clean_text(note, field="note", label=_("审批意见"), max_len=NOTE_MAX, required=not approve)
    now = clock.now()

    def change(case: Case) -> None:
        request = (
            ExtensionRequest.objects.select_for_update()
            .filter(case=case, status=ExtensionStatus.PENDING)
            .first()
        )
        if request is None:
            raise Conflict(_("没有待审批的延期申请"), code="no_pending_extension")
        request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
        request.decided_by, request.decided_at, request.decision_note = actor, now, note
        request.save()
        if approve:
            case.extension_amount += request.amount
            sla_clock = case_clock(case)
            if sla_clock is not None:
                case.deadline_at = sla_clock.deadline(now)
            if case.deadline_at and case.deadline_at > now:
                case.sla_level = ""  # the tick re-evaluates yellow/red against the new deadline

    case, _entry = apply_event(
        actor=actor,
        case_id=case_id,
        event=CaseEvent.EXTENSION_DECIDE,
        note=note,
        data={"approved": approve},
        change=change,
    )
    return case
