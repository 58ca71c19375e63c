"""Reads: my cases, one case, its timeline and suggestion, the dispatcher's queue, a handler's inbox."""

from __future__ import annotations

from django.utils.translation import gettext as _
from ninja import Query

from gridgov.cases import access, actions, selectors
from gridgov.cases.api.plumbing import (
    code_ref,
    detail_out,
    page_of,
    ref,
    region_path_of,
    router,
    status_filter,
    suggestion_out,
    timeline_out,
    visible_case,
)
from gridgov.cases.models import (
    Case,
    CaseEvent,
)
from gridgov.cases.schemas import (
    CaseOut,
    CasePage,
    CaseSuggestionOut,
    TimelineOut,
)
from gridgov.core.api import ERRORS, api_user
from gridgov.core.errors import PermissionDenied
from gridgov.core.paging import ID_MAX, PAGE_MAX, PAGE_SIZE_MAX


@router.get("/cases", response={200: CasePage, **ERRORS}, summary="我可见的工单")
def case_list(
    request,
    status: str = "",
    category: int | None = Query(None, ge=1, le=ID_MAX),
    grid: int | None = None,
    page: int = Query(1, ge=1, le=PAGE_MAX),
    page_size: int = Query(20, ge=1, le=PAGE_SIZE_MAX),
):
    qs = access.cases_visible_to(api_user(request)).select_related(*selectors.LIST_RELATED)
    if status_filter(status):
        qs = qs.filter(status=status)
    if category is not None:
        qs = qs.filter(category_id=category)
    if path := region_path_of(grid):
        qs = qs.filter(region_path__startswith=path)
    return page_of(qs.order_by("-created_at", "-id"), page, page_size)


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, summary="工单详情")
def case_detail(request, case_id: int):
    user = api_user(request)
    visible_case(user, case_id)
    return detail_out(user, case_id)


@router.get("/cases/{case_id}/timeline", response={200: list[TimelineOut], **ERRORS}, summary="工单时间线")
def case_timeline(request, case_id: int):
    user = api_user(request)
    case = visible_case(user, case_id)
    return timeline_out(selectors.case_timeline(case), case, full_names=access.may_see_contact(user, case))


@router.get("/cases/{case_id}/suggestion", response={200: CaseSuggestionOut, **ERRORS}, summary="派单建议")
def case_suggestion(request, case_id: int):
    user = api_user(request)
    case = visible_case(user, case_id)
    if not access.may_apply(user, case, CaseEvent.DISPATCH):
        raise PermissionDenied(_("只有负责该区域的派单员可以查看派单建议"), code="forbidden")
    case = Case.objects.select_related("item__department", "suggested_category").get(pk=case.pk)
    assignee = actions.suggest_assignee(case)
    return {
        "assignee": {
            "kind": assignee["kind"],
            "worker": ref(assignee["worker"]),
            "department": ref(assignee["department"]),
        },
        "category": suggestion_out(case),
        "item": code_ref(case.item),
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
    user = api_user(request)
    if not access.may_dispatch_anywhere(user):
        raise PermissionDenied(_("只有派单员可以查看派单队列"), code="forbidden")
    filters = selectors.QueueFilters(
        status=status_filter(status),
        category=category,
        grid_path=region_path_of(grid),
        channel=channel,
        q=q.strip(),
    )
    return page_of(selectors.dispatcher_queue(user, filters), page, page_size)


@router.get("/inbox", response={200: CasePage, **ERRORS}, summary="承办人待办")
def inbox(
    request,
    page: int = Query(1, ge=1, le=PAGE_MAX),
    page_size: int = Query(20, ge=1, le=PAGE_SIZE_MAX),
):
    return page_of(selectors.handler_inbox(api_user(request)), page, page_size)
