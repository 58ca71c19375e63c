"""Case endpoints: every step of the loop (点单 → 派单 → 接单 → 办结 → 评单), queues, tracking, catalogue.

Each write calls one action in `gridgov.cases.actions`; nothing here saves a model. A case id in the path
goes through `access.case_for` first, so a case outside the caller's scope answers exactly like a missing
one (404 `case_not_found`). Ids in the body that do not exist answer 400 with a code naming the field.

Photos travel as multipart/form-data (`files`, up to 6, ≤ 5 MB each, checked by content) on the
`…/multipart` twins of submit, progress and resolve; the JSON endpoints carry no photos.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Header, Query, Router, Status, UploadedFile

from gridgov.cases import access, actions, selectors
from gridgov.cases.models import (
    AttachmentKind,
    Case,
    CaseEvent,
    CaseStatus,
    RatingScore,
    TimelineEntry,
)
from gridgov.cases.public import track_lookup
from gridgov.cases.schemas import (
    BatchDispatchIn,
    BatchDispatchOut,
    CaseOut,
    CasePage,
    CaseSubmitIn,
    CaseSuggestionOut,
    CatalogCategoryOut,
    DispatchIn,
    ErrorOut,
    MeOut,
    MergeIn,
    NoteIn,
    PublicCaseOut,
    RateIn,
    ReasonIn,
    ResolveIn,
    TimelineOut,
)
from gridgov.cases.workflow import CASE_WORKFLOW
from gridgov.catalog.models import Category, MatterItem
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.people.models import Department, Role, User
from gridgov.people.selectors import user_roles
from gridgov.territory.models import Region, RegionLevel

router = Router(tags=["cases"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}
PAGE_SIZE_MAX = 100
# Bounds that keep a number a client sends inside what the database can hold: OFFSET (page × size) and
# ids are 64-bit signed integers, and 2**63 in a filter used to answer 500.
PAGE_MAX = 1_000_000
ID_MAX = 2**63 - 1

# The action name a client calls for each event it may apply (rework is a rating).
ACTION_FOR_EVENT = {
    CaseEvent.DISPATCH: "dispatch",
    CaseEvent.ACCEPT: "accept",
    CaseEvent.RETURN: "return",
    CaseEvent.PROGRESS: "progress",
    CaseEvent.RESOLVE: "resolve",
    CaseEvent.RATE: "rate",
    CaseEvent.CLOSE: "close",
    CaseEvent.CANCEL: "cancel",
    CaseEvent.MERGE: "merge",
}
# Timeline notes a member of the public may read on /track: what the handler tells the resident.
# Dispatch and return notes are internal routing talk and may name people.
PUBLIC_NOTE_EVENTS = {CaseEvent.PROGRESS, CaseEvent.RESOLVE, CaseEvent.CLOSE, CaseEvent.MERGE}

DETAIL_RELATED = (*selectors.LIST_RELATED, "merged_into")


# ---- helpers ----


def _user(request: HttpRequest) -> User:
    # TokenAuth and django_auth both hand back the user; ninja sets `auth`, which HttpRequest's stubs lack.
    return request.auth  # type: ignore[attr-defined]


def _visible(user: User, case_id: int) -> Case:
    return access.case_for(user, case_id)


def _lookup(model, pk: int | None, *, code: str, message: str, **filters):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk, **filters).first()
    if obj is None:
        raise InvalidInput(message, code=code, fields={code.removeprefix("invalid_") + "_id": "not_found"})
    return obj


def _grid(pk: int | None) -> Region | None:
    return _lookup(Region, pk, code="invalid_grid", message=_("所选网格不存在"), level=RegionLevel.GRID)


def _item(pk: int | None) -> MatterItem | None:
    return _lookup(MatterItem, pk, code="invalid_item", message=_("所选事项不存在"))


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def _code_ref(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "code": obj.code, "name": obj.name}


def _case_ref(case: Case | None) -> dict | None:
    if case is None:
        return None
    return {
        "id": case.pk,
        "tracking_no": case.tracking_no,
        "status": case.status,
        "status_label": case.get_status_display(),
    }


def _role_part(label: str) -> str:
    # actor_label is "<roles> <name>"; the role part is what a stranger may read.
    return label.rsplit(" ", 1)[0] if " " in label else label


def _attachment_out(att) -> dict:
    return {
        "id": att.pk,
        "kind": att.kind,
        "kind_label": str(AttachmentKind(att.kind).label),
        # Served by the scoped page view, never from MEDIA_ROOT directly.
        "url": f"/cases/{att.case_id}/photos/{att.pk}/",
        "content_type": att.content_type,
        "size": att.size,
        "created_at": att.created_at,
    }


def _timeline_out(entries: list[TimelineEntry], case: Case, *, full_names: bool) -> list[dict]:
    rows = []
    for entry in entries:
        actor = selectors.shown_actor(entry, case, contact_visible=full_names)
        rows.append(
            {
                "id": entry.pk,
                "event": entry.event,
                "event_label": entry.get_event_display(),
                "from_status": entry.from_status,
                "to_status": entry.to_status,
                "actor": actor,
                "note": entry.note,
                "data": entry.data,
                "created_at": entry.created_at,
                "attachments": [_attachment_out(a) for a in entry.attachments.all()],
            }
        )
    return rows


def _suggestion_out(case: Case) -> dict:
    return {
        "label": case.suggested_label,
        "confidence": case.suggested_confidence,
        "model": case.suggestion_model,
        "category": _ref(case.suggested_category),
    }


def _list_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "tracking_no": case.tracking_no,
        "status": case.status,
        "status_label": case.get_status_display(),
        "channel": case.channel,
        "title": case.title,
        "category": _ref(case.category),
        "item": _code_ref(case.item),
        "grid": _code_ref(case.grid),
        "address": case.address,
        "assignee_kind": case.assignee_kind,
        "handler": _ref(case.handler),
        "department": _ref(case.department),
        "created_at": case.created_at,
        "deadline_at": case.deadline_at,
        "rework_count": case.rework_count,
        "return_count": case.return_count,
    }


def _allowed_actions(user: User, case: Case) -> list[str]:
    allowed = CASE_WORKFLOW.allowed_events(user, case, ACTION_FOR_EVENT)
    return [name for event, name in ACTION_FOR_EVENT.items() if event in allowed]


def _detail_out(user: User, case_id: int) -> dict:
    case = Case.objects.select_related(*DETAIL_RELATED).get(pk=case_id)
    contact = selectors.case_contact(user, case)
    full = not contact.masked
    out = _list_out(case)
    out.update(
        {
            "description": case.description,
            "lon": case.lon,
            "lat": case.lat,
            "contact_name": contact.name,
            "contact_phone": contact.phone,
            "contact_masked": contact.masked,
            "merged_into": _case_ref(case.merged_into),
            "dispatched_at": case.dispatched_at,
            "accepted_at": case.accepted_at,
            "resolved_at": case.resolved_at,
            "closed_at": case.closed_at,
            "result": case.result,
            "suggestion": _suggestion_out(case),
            "allowed_actions": _allowed_actions(user, case),
            "timeline": _timeline_out(selectors.case_timeline(case), case, full_names=full),
            "attachments": [_attachment_out(a) for a in case.attachments.order_by("id")],
            "ratings": [
                {
                    "round": r.round,
                    "score": r.score,
                    "score_label": str(RatingScore(r.score).label),
                    "comment": r.comment,
                    "created_at": r.created_at,
                }
                for r in case.ratings.order_by("round")
            ],
        }
    )
    return out


def _page(qs: QuerySet[Case], page: int, page_size: int) -> dict:
    start = (page - 1) * page_size
    return {
        "count": qs.count(),
        "page": page,
        "page_size": page_size,
        "items": [_list_out(c) for c in qs[start : start + page_size]],
    }


def _status_filter(status: str) -> str:
    if status and status not in CaseStatus.values:
        raise InvalidInput(
            _("状态无效，可选：%(choices)s") % {"choices": "、".join(CaseStatus.values)},
            code="invalid_status",
        )
    return status


def _region_path(region_id: int | None) -> str:
    if region_id is None:
        return ""
    region = _lookup(Region, region_id, code="invalid_grid", message=_("所选网格或区域不存在"))
    return region.path


def _files(request: HttpRequest, files: list[UploadedFile] | None) -> list[UploadedFile]:
    # Browsers' FormData conventions differ: accept both `files` and `files[]`.
    extra: list[Any] = list(request.FILES.getlist("files[]"))
    return [*(files or []), *extra]


# ---- 点单 ----


def _submit(request: HttpRequest, payload: CaseSubmitIn, photos: list[UploadedFile], header_key: str | None):
    user = _user(request)
    category = _lookup(Category, payload.category_id, code="invalid_category", message=_("所选类别不存在"))
    item = _item(payload.item_id)
    case, created = actions.case_submit(
        actor=user,
        channel=payload.channel,
        description=payload.description or "",
        contact_phone=payload.contact_phone or "",
        title=payload.title or "",
        contact_name=payload.contact_name or "",
        category=category,
        item=item,
        lon=payload.lon,
        lat=payload.lat,
        address=payload.address or "",
        photos=photos,
        idempotency_key=header_key or payload.idempotency_key,
    )
    return Status(201 if created else 200, _detail_out(user, case.pk))


@router.post("/cases", response={201: CaseOut, 200: CaseOut, **ERRORS}, summary="点单：提交诉求（JSON）")
def case_submit(
    request, payload: CaseSubmitIn, idempotency_key: str | None = Header(None, alias="Idempotency-Key")
):
    """201 with the new case; 200 with the same case when the idempotency key was seen before."""
    return _submit(request, payload, [], idempotency_key)


@router.post(
    "/cases/multipart", response={201: CaseOut, 200: CaseOut, **ERRORS}, summary="点单：提交诉求（含照片）"
)
def case_submit_multipart(
    request,
    payload: Form[CaseSubmitIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # ninja idiom for an optional file list
    idempotency_key: str | None = Header(None, alias="Idempotency-Key"),
):
    return _submit(request, payload, _files(request, files), idempotency_key)


# ---- reads ----


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="我可见的工单")
def case_list(
    request,
    status: str = "",
    category: int | None = Query(None, ge=1, le=ID_MAX),
    grid: int | None = None,
    page: int = Query(1, ge=1, le=PAGE_MAX),
    page_size: int = Query(20, ge=1, le=PAGE_SIZE_MAX),
):
    qs = access.cases_visible_to(_user(request)).select_related(*selectors.LIST_RELATED)
    if _status_filter(status):
        qs = qs.filter(status=status)
    if category is not None:
        qs = qs.filter(category_id=category)
    if path := _region_path(grid):
        qs = qs.filter(region_path__startswith=path)
    return _page(qs.order_by("-created_at", "-id"), page, page_size)


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, summary="工单详情")
def case_detail(request, case_id: int):
    user = _user(request)
    _visible(user, case_id)
    return _detail_out(user, case_id)


@router.get("/cases/{case_id}/timeline", response={200: list[TimelineOut], **ERRORS}, summary="工单时间线")
def case_timeline(request, case_id: int):
    user = _user(request)
    case = _visible(user, case_id)
    return _timeline_out(selectors.case_timeline(case), case, full_names=access.may_see_contact(user, case))


@router.get("/cases/{case_id}/suggestion", response={200: CaseSuggestionOut, **ERRORS}, summary="派单建议")
def case_suggestion(request, case_id: int):
    user = _user(request)
    case = _visible(user, case_id)
    if not access.may_apply(user, case, CaseEvent.DISPATCH):
        raise PermissionDenied(_("只有负责该区域的派单员可以查看派单建议"), code="forbidden")
    case = Case.objects.select_related("item__department", "suggested_category").get(pk=case.pk)
    assignee = actions.suggest_assignee(case)
    return {
        "assignee": {
            "kind": assignee["kind"],
            "worker": _ref(assignee["worker"]),
            "department": _ref(assignee["department"]),
        },
        "category": _suggestion_out(case),
        "item": _code_ref(case.item),
    }


@router.get("/dispatch/queue", response={200: CasePage, **ERRORS}, summary="派单队列")
def dispatch_queue(
    request,
    status: str = "",
    category: int | None = Query(None, ge=1, le=ID_MAX),
    grid: int | None = None,
    channel: str = "",
    q: str = "",
    page: int = Query(1, ge=1, le=PAGE_MAX),
    page_size: int = Query(20, ge=1, le=PAGE_SIZE_MAX),
):
    user = _user(request)
    if not access.may_dispatch_anywhere(user):
        raise PermissionDenied(_("只有派单员可以查看派单队列"), code="forbidden")
    filters = selectors.QueueFilters(
        status=_status_filter(status),
        category=category,
        grid_path=_region_path(grid),
        channel=channel,
        q=q.strip(),
    )
    return _page(selectors.dispatcher_queue(user, filters), page, page_size)


@router.get("/inbox", response={200: CasePage, **ERRORS}, summary="承办人待办")
def inbox(
    request,
    page: int = Query(1, ge=1, le=PAGE_MAX),
    page_size: int = Query(20, ge=1, le=PAGE_SIZE_MAX),
):
    return _page(selectors.handler_inbox(_user(request)), page, page_size)


# ---- 派单 / 接单 / 办结 / 评单 ----


@router.post("/cases/{case_id}/dispatch", response={200: CaseOut, **ERRORS}, summary="派单（或改派）")
def case_dispatch(request, case_id: int, payload: DispatchIn):
    user = _user(request)
    _visible(user, case_id)
    worker = _lookup(
        User, payload.worker_id, code="invalid_worker", message=_("所选网格员不存在"), is_active=True
    )
    department = _lookup(
        Department, payload.department_id, code="invalid_department", message=_("所选部门不存在")
    )
    case = actions.case_dispatch(
        actor=user,
        case_id=case_id,
        item=_item(payload.item_id),
        to_worker=worker,
        to_department=department,
        grid=_grid(payload.grid_id),
        note=payload.note,
    )
    return _detail_out(user, case.pk)


@router.post(
    "/dispatch/batch", response={200: BatchDispatchOut, **ERRORS}, summary="批量派单（全部成功或全部不变）"
)
def dispatch_batch(request, payload: BatchDispatchIn):
    user = _user(request)
    if not access.may_dispatch_anywhere(user):
        raise PermissionDenied(_("只有派单员可以批量派单"), code="forbidden")
    worker = _lookup(
        User, payload.worker_id, code="invalid_worker", message=_("所选网格员不存在"), is_active=True
    )
    department = _lookup(
        Department, payload.department_id, code="invalid_department", message=_("所选部门不存在")
    )
    cases = actions.cases_dispatch_batch(
        actor=user,
        case_ids=payload.case_ids,
        item=_item(payload.item_id),
        to_worker=worker,
        to_department=department,
        to_grid_workers=payload.to_grid_workers,
        note=payload.note,
    )
    return {"count": len(cases), "cases": [_case_ref(case) for case in cases]}


@router.post("/cases/{case_id}/accept", response={200: CaseOut, **ERRORS}, summary="接单")
def case_accept(request, case_id: int):
    user = _user(request)
    _visible(user, case_id)
    return _detail_out(user, actions.case_accept(actor=user, case_id=case_id).pk)


@router.post("/cases/{case_id}/return", response={200: CaseOut, **ERRORS}, summary="退单（须说明理由）")
def case_return(request, case_id: int, payload: ReasonIn):
    user = _user(request)
    _visible(user, case_id)
    return _detail_out(user, actions.case_return(actor=user, case_id=case_id, reason=payload.reason).pk)


@router.post("/cases/{case_id}/progress", response={200: CaseOut, **ERRORS}, summary="记录进展")
def case_progress(request, case_id: int, payload: NoteIn):
    user = _user(request)
    _visible(user, case_id)
    return _detail_out(user, actions.case_progress(actor=user, case_id=case_id, note=payload.note).pk)


@router.post(
    "/cases/{case_id}/progress/multipart", response={200: CaseOut, **ERRORS}, summary="记录进展（含照片）"
)
def case_progress_multipart(
    request,
    case_id: int,
    payload: Form[NoteIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # ninja idiom
):
    user = _user(request)
    _visible(user, case_id)
    case = actions.case_progress(
        actor=user, case_id=case_id, note=payload.note, photos=_files(request, files)
    )
    return _detail_out(user, case.pk)


@router.post("/cases/{case_id}/resolve", response={200: CaseOut, **ERRORS}, summary="办结")
def case_resolve(request, case_id: int, payload: ResolveIn):
    user = _user(request)
    _visible(user, case_id)
    return _detail_out(user, actions.case_resolve(actor=user, case_id=case_id, result=payload.result).pk)


@router.post(
    "/cases/{case_id}/resolve/multipart", response={200: CaseOut, **ERRORS}, summary="办结（含佐证照片）"
)
def case_resolve_multipart(
    request,
    case_id: int,
    payload: Form[ResolveIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # ninja idiom
):
    user = _user(request)
    _visible(user, case_id)
    case = actions.case_resolve(
        actor=user, case_id=case_id, result=payload.result, photos=_files(request, files)
    )
    return _detail_out(user, case.pk)


@router.post("/cases/{case_id}/rate", response={200: CaseOut, **ERRORS}, summary="评单（不满意则返工）")
def case_rate(request, case_id: int, payload: RateIn):
    user = _user(request)
    _visible(user, case_id)
    case = actions.case_rate(actor=user, case_id=case_id, score=payload.score, comment=payload.comment)
    return _detail_out(user, case.pk)


@router.post("/cases/{case_id}/cancel", response={200: CaseOut, **ERRORS}, summary="撤销（接单前）")
def case_cancel(request, case_id: int, payload: ReasonIn):
    user = _user(request)
    _visible(user, case_id)
    return _detail_out(user, actions.case_cancel(actor=user, case_id=case_id, reason=payload.reason).pk)


@router.post("/cases/{case_id}/merge", response={200: CaseOut, **ERRORS}, summary="合并重复诉求")
def case_merge(request, case_id: int, payload: MergeIn):
    user = _user(request)
    _visible(user, case_id)
    if payload.into_id is None or not access.cases_visible_to(user).filter(pk=payload.into_id).exists():
        raise InvalidInput(
            _("要合并到的工单不存在"), code="invalid_merge_target", fields={"into_id": "not_found"}
        )
    case = actions.case_merge(actor=user, case_id=case_id, into_id=payload.into_id, note=payload.note)
    return _detail_out(user, case.pk)


@router.post("/cases/{case_id}/close", response={200: CaseOut, **ERRORS}, summary="结案（评价期满未评价）")
def case_close(request, case_id: int, payload: NoteIn):
    user = _user(request)
    _visible(user, case_id)
    return _detail_out(user, actions.case_close(actor=user, case_id=case_id, note=payload.note).pk)


# ---- public tracking, catalogue, me ----


@router.get(
    "/track",
    auth=None,
    response={200: PublicCaseOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    summary="凭受理编号和电话后四位查询进度（无需登录）",
)
def track(request, tracking_no: str = "", phone_last4: str = ""):
    """The public projection (as on /track/ and the board): masked, redacted, the same guard."""
    return asdict(track_lookup(tracking_no=tracking_no, phone_last4=phone_last4))


@router.get("/catalog", response=list[CatalogCategoryOut], summary="事项清单")
def catalog(request):
    items = MatterItem.objects.filter(active=True).select_related("department").order_by("code")
    return [
        {
            "id": c.pk,
            "code": c.code,
            "name": c.name,
            "items": [
                {
                    "id": i.pk,
                    "code": i.code,
                    "name": i.name,
                    "responsible_level": i.responsible_level,
                    "department": _ref(i.department),
                    "time_limit": i.time_limit,
                    "time_unit": i.time_unit,
                    "photo_required": i.photo_required,
                }
                for i in c.items.all()
            ],
        }
        for c in Category.objects.prefetch_related(Prefetch("items", queryset=items))
    ]


@router.get("/me", response=MeOut, summary="当前用户及其角色")
def me(request):
    user = _user(request)
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": str(user),
        "is_superuser": user.is_superuser,
        "roles": [
            {
                "role": a.role,
                "role_label": str(Role(a.role).label),
                "region": _code_ref(a.region),
                "department": _ref(a.department),
            }
            for a in user_roles(user).assignments
        ],
    }
