"""Every step of the loop after 点单: 派单 (one or a batch), 接单, 退单, progress, 办结, 评单, 撤销, 合并, 结案."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import File, Form, UploadedFile

from gridgov.cases import access, actions
from gridgov.cases.api.plumbing import (
    case_ref,
    detail_out,
    grid_by_id,
    item_by_id,
    lookup_id,
    router,
    uploaded_files,
    visible_case,
)
from gridgov.cases.schemas import (
    BatchDispatchIn,
    BatchDispatchOut,
    CaseOut,
    DispatchIn,
    MergeIn,
    NoteIn,
    RateIn,
    ReasonIn,
    ResolveIn,
)
from gridgov.core.api import ERRORS, api_user
from gridgov.core.errors import InvalidInput, PermissionDenied
from gridgov.people.models import Department, User


@router.post("/cases/{case_id}/dispatch", response={200: CaseOut, **ERRORS}, summary="派单（或改派）")
def case_dispatch(request, case_id: int, payload: DispatchIn):
    user = api_user(request)
    visible_case(user, case_id)
    worker = lookup_id(
        User, payload.worker_id, code="invalid_worker", message=_("所选网格员不存在"), is_active=True
    )
    department = lookup_id(
        Department, payload.department_id, code="invalid_department", message=_("所选部门不存在")
    )
    case = actions.case_dispatch(
        actor=user,
        case_id=case_id,
        item=item_by_id(payload.item_id),
        to_worker=worker,
        to_department=department,
        grid=grid_by_id(payload.grid_id),
        note=payload.note,
    )
    return detail_out(user, case.pk)


@router.post(
    "/dispatch/batch", response={200: BatchDispatchOut, **ERRORS}, summary="批量派单（全部成功或全部不变）"
)
def dispatch_batch(request, payload: BatchDispatchIn):
    user = api_user(request)
    if not access.may_dispatch_anywhere(user):
        raise PermissionDenied(_("只有派单员可以批量派单"), code="forbidden")
    worker = lookup_id(
        User, payload.worker_id, code="invalid_worker", message=_("所选网格员不存在"), is_active=True
    )
    department = lookup_id(
        Department, payload.department_id, code="invalid_department", message=_("所选部门不存在")
    )
    cases = actions.cases_dispatch_batch(
        actor=user,
        case_ids=payload.case_ids,
        item=item_by_id(payload.item_id),
        to_worker=worker,
        to_department=department,
        to_grid_workers=payload.to_grid_workers,
        note=payload.note,
    )
    return {"count": len(cases), "cases": [case_ref(case) for case in cases]}


@router.post("/cases/{case_id}/accept", response={200: CaseOut, **ERRORS}, summary="接单")
def case_accept(request, case_id: int):
    user = api_user(request)
    visible_case(user, case_id)
    return detail_out(user, actions.case_accept(actor=user, case_id=case_id).pk)


@router.post("/cases/{case_id}/return", response={200: CaseOut, **ERRORS}, summary="退单（须说明理由）")
def case_return(request, case_id: int, payload: ReasonIn):
    user = api_user(request)
    visible_case(user, case_id)
    return detail_out(user, actions.case_return(actor=user, case_id=case_id, reason=payload.reason).pk)


@router.post("/cases/{case_id}/progress", response={200: CaseOut, **ERRORS}, summary="记录进展")
def case_progress(request, case_id: int, payload: NoteIn):
    user = api_user(request)
    visible_case(user, case_id)
    return detail_out(user, actions.case_progress(actor=user, case_id=case_id, note=payload.note).pk)


@router.post(
    "/cases/{case_id}/progress/multipart", response={200: CaseOut, **ERRORS}, summary="记录进展（含照片）"
)
def case_progress_multipart(
    request,
    case_id: int,
    payload: Form[NoteIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # ninja idiom
):
    user = api_user(request)
    visible_case(user, case_id)
    case = actions.case_progress(
        actor=user, case_id=case_id, note=payload.note, photos=uploaded_files(request, files)
    )
    return detail_out(user, case.pk)


@router.post("/cases/{case_id}/resolve", response={200: CaseOut, **ERRORS}, summary="办结")
def case_resolve(request, case_id: int, payload: ResolveIn):
    user = api_user(request)
    visible_case(user, case_id)
    return detail_out(user, actions.case_resolve(actor=user, case_id=case_id, result=payload.result).pk)


@router.post(
    "/cases/{case_id}/resolve/multipart", response={200: CaseOut, **ERRORS}, summary="办结（含佐证照片）"
)
def case_resolve_multipart(
    request,
    case_id: int,
    payload: Form[ResolveIn],
    files: File[list[UploadedFile]] = None,  # type: ignore[assignment]  # ninja idiom
):
    user = api_user(request)
    visible_case(user, case_id)
    case = actions.case_resolve(
        actor=user, case_id=case_id, result=payload.result, photos=uploaded_files(request, files)
    )
    return detail_out(user, case.pk)


@router.post("/cases/{case_id}/rate", response={200: CaseOut, **ERRORS}, summary="评单（不满意则返工）")
def case_rate(request, case_id: int, payload: RateIn):
    user = api_user(request)
    visible_case(user, case_id)
    case = actions.case_rate(actor=user, case_id=case_id, score=payload.score, comment=payload.comment)
    return detail_out(user, case.pk)


@router.post("/cases/{case_id}/cancel", response={200: CaseOut, **ERRORS}, summary="撤销（接单前）")
def case_cancel(request, case_id: int, payload: ReasonIn):
    user = api_user(request)
    visible_case(user, case_id)
    return detail_out(user, actions.case_cancel(actor=user, case_id=case_id, reason=payload.reason).pk)


@router.post("/cases/{case_id}/merge", response={200: CaseOut, **ERRORS}, summary="合并重复诉求")
def case_merge(request, case_id: int, payload: MergeIn):
    user = api_user(request)
    visible_case(user, case_id)
    if payload.into_id is None or not access.cases_visible_to(user).filter(pk=payload.into_id).exists():
        raise InvalidInput(
            _("要合并到的工单不存在"), code="invalid_merge_target", fields={"into_id": "not_found"}
        )
    case = actions.case_merge(actor=user, case_id=case_id, into_id=payload.into_id, note=payload.note)
    return detail_out(user, case.pk)


@router.post("/cases/{case_id}/close", response={200: CaseOut, **ERRORS}, summary="结案（评价期满未评价）")
def case_close(request, case_id: int, payload: NoteIn):
    user = api_user(request)
    visible_case(user, case_id)
    return detail_out(user, actions.case_close(actor=user, case_id=case_id, note=payload.note).pk)
