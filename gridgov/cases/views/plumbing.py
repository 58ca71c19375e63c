"""What the case pages share: scope (404), allowed events, form errors, htmx and JSON answers."""

from __future__ import annotations

from datetime import datetime

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from gridgov.cases import access, actions
from gridgov.cases.forms import (
    DispatchForm,
)
from gridgov.cases.models import OPEN_STATUSES, Case, CaseEvent
from gridgov.cases.workflow import CASE_WORKFLOW
from gridgov.catalog.models import MatterItem
from gridgov.core.errors import DomainError, NotFound
from gridgov.territory.models import Region

# The events a case page offers as buttons or forms, in the order they appear.
PAGE_EVENTS = (
    CaseEvent.DISPATCH,
    CaseEvent.ACCEPT,
    CaseEvent.RETURN,
    CaseEvent.PROGRESS,
    CaseEvent.RESOLVE,
    CaseEvent.RATE,
    CaseEvent.REWORK,
    CaseEvent.CLOSE,
    CaseEvent.CANCEL,
    CaseEvent.MERGE,
)


DETAIL_RELATED = (
    "grid",
    "category",
    "item",
    "item__category",
    "handler",
    "department",
    "merged_into",
    "submitter",
)


def case_or_404(user, case_id: int) -> Case:
    queryset = access.cases_visible_to(user).select_related(*DETAIL_RELATED)
    try:
        return access.case_for(user, case_id, queryset=queryset)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def allowed_events(user, case: Case) -> set[str]:
    """What this user may do to this case now: the page never shows a button that would be refused."""
    return CASE_WORKFLOW.allowed_events(user, case, PAGE_EVENTS)


def form_error(form, exc: DomainError) -> int:
    """Put an action's message on the field it names (or on the form) and return the HTTP status."""
    for field in exc.fields:
        if field in form.fields:
            form.add_error(field, exc.message)
            break
    else:
        form.add_error(None, exc.message)
    return exc.status


def next_url(request: HttpRequest) -> str | None:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return None


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def time_left(case: Case, now: datetime, view=None) -> dict | None:
    """Time to the handling deadline on the working calendar, with pauses and extensions counted, as
    words and a traffic light (green / yellow at the county's share / red)."""
    from gridgov.cases.sla import sla_view

    if case.status not in OPEN_STATUSES or case.dispatched_at is None:
        return None
    view = view if view is not None else sla_view(case, now)
    if view is None:
        return None
    return {"text": view.time_left_text, "level": view.level}


def wants_json(request: HttpRequest) -> bool:
    """A submission sent by offline-queue.js (`fetch`), which wants a JSON answer instead of a page."""
    return request.headers.get("X-Requested-With") == "fetch"


def form_json(form, status: int) -> JsonResponse:
    """The refusal of a fetch submission: the first message to show, and every field's messages."""
    errors = {field: [str(m) for m in msgs] for field, msgs in form.errors.items()}
    first = next((msgs[0] for msgs in errors.values() if msgs), "") or _("提交的内容有误，请检查后重新提交")
    return JsonResponse({"ok": False, "message": first, "errors": errors}, status=status)


def suggestion_for(case: Case) -> dict:
    """Who the catalogue and the location point to, plus the item's deadline, for the dispatcher."""
    suggestion = actions.suggest_assignee(case)
    suggestion["item"] = case.item
    return suggestion


def dispatch_form_for(
    case: Case, user, item: MatterItem | None = None, grid: Region | None = None
) -> DispatchForm:
    initial: dict = {"assignee_kind": "worker"}
    item = item or case.item
    if item is not None:
        initial["item"] = item.pk
        probe = Case(pk=case.pk, item=item, grid_id=grid.pk if grid else case.grid_id)
        suggestion = actions.suggest_assignee(probe)
        initial["assignee_kind"] = suggestion["kind"]
        if suggestion["worker"] is not None:
            initial["worker"] = suggestion["worker"].pk
        if suggestion["department"] is not None:
            initial["department"] = suggestion["department"].pk
    if grid is not None:
        initial["grid"] = grid.pk
    return DispatchForm(initial=initial, dispatcher=user)


def int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
