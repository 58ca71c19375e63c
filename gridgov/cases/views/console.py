"""The dispatcher's console: the queue, its filters, one case's panel, suggestions, 批量派单."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.cases import access, actions, selectors
from gridgov.cases.forms import (
    BatchDispatchForm,
    QueueFilterForm,
)
from gridgov.cases.models import Case, CaseStatus
from gridgov.cases.views.detail import detail_context
from gridgov.cases.views.plumbing import (
    allowed_events,
    case_or_404,
    dispatch_form_for,
    form_error,
    int_or_none,
    is_htmx,
    next_url,
    suggestion_for,
)
from gridgov.catalog.models import MatterItem
from gridgov.core.errors import DomainError
from gridgov.people.selectors import signed_in_user
from gridgov.territory.models import Region, RegionLevel

# The console shows the queue a page at a time; the dispatcher ticks rows on a page for 批量派单.
QUEUE_PAGE_SIZE = 50


def _console_context(
    request: HttpRequest,
    params: QueryDict,
    *,
    batch_form: BatchDispatchForm | None = None,
    row_errors: dict | None = None,
    selected: Iterable[int] = (),
) -> dict:
    """The queue page picked by `params` (the filters and `page`), and the batch bar."""
    filter_form = QueueFilterForm(params or None)
    paginator = Paginator(selectors.dispatcher_queue(request.user, filter_form.filters()), QUEUE_PAGE_SIZE)
    page = paginator.get_page(params.get("page"))
    cases = list(page.object_list)
    row_errors = row_errors or {}
    for case in cases:
        case.batch_error = row_errors.get(case.tracking_no, "")  # type: ignore[attr-defined]
    return {
        "filter_form": filter_form,
        "cases": cases,
        "page_obj": page,
        "queue_params": params,
        # Where the batch form returns to: this very page of the queue with its filters.
        "queue_url": reverse("cases:console") + (f"?{params.urlencode()}" if params else ""),
        "statuses": CaseStatus,
        "batch_form": batch_form or BatchDispatchForm(dispatcher=signed_in_user(request)),
        "row_errors": row_errors,
        "selected": set(selected),
    }


@login_required
@require_GET
def console(request: HttpRequest) -> HttpResponse:
    if not access.may_dispatch_anywhere(request.user):
        raise DjangoPermissionDenied
    if is_htmx(request) and request.headers.get("HX-Target") == "queue":
        return render(request, "cases/_queue.html", _console_context(request, request.GET))
    return render(request, "cases/console.html", _console_context(request, request.GET))


@login_required
@require_POST
def console_dispatch_batch(request: HttpRequest) -> HttpResponse:
    """批量派单: all ticked rows or none; a refusal shows the same queue page with each failing row."""
    if not access.may_dispatch_anywhere(request.user):
        raise DjangoPermissionDenied
    user = signed_in_user(request)
    form = BatchDispatchForm(request.POST, dispatcher=user)
    back = next_url(request) or reverse("cases:console")
    params = QueryDict(urlsplit(back).query)
    row_errors: dict = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = actions.cases_dispatch_batch(
                actor=user, case_ids=data["case_ids"], item=data["item"], note=data["note"], **form.assignee()
            )
        except DomainError as exc:
            row_errors = exc.fields.get("rows") or {}
            if row_errors:
                form.add_error(None, _("批量派单未执行，所选工单均未改动。以下工单不能派单："))
                status = exc.status
            else:
                status = form_error(form, exc)
        else:
            messages.success(request, _("已批量派单 %(n)d 件") % {"n": len(done)})
            return redirect(back)
    else:
        status = 400
    context = _console_context(
        request,
        params,
        batch_form=form,
        row_errors=row_errors,
        selected=form.cleaned_data.get("case_ids") or [],
    )
    return render(request, "cases/console.html", context, status=status)


@login_required
@require_GET
def console_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    """The console's right-hand panel for one case: summary, dispatch form, duplicates."""
    case = case_or_404(request.user, case_id)
    if not is_htmx(request):
        return redirect("cases:detail", case_id=case.pk)
    context = detail_context(request, case)
    return render(request, "cases/_panel.html", context)


@login_required
@require_GET
def console_suggest(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx: the assignee fields pre-filled with the party the chosen item and grid point to."""
    case = case_or_404(request.user, case_id)
    if "dispatch" not in allowed_events(request.user, case):
        raise Http404
    item_id, grid_id = int_or_none(request.GET.get("item")), int_or_none(request.GET.get("grid"))
    item = (
        MatterItem.objects.filter(pk=item_id, active=True).select_related("category", "department").first()
        if item_id is not None
        else None
    )
    grid = Region.objects.filter(pk=grid_id, level=RegionLevel.GRID).first() if grid_id is not None else None
    form = dispatch_form_for(case, request.user, item=item, grid=grid)
    suggestion = None
    if item is not None:
        probe = Case(pk=case.pk, item=item, grid_id=grid.pk if grid else case.grid_id)
        suggestion = suggestion_for(probe)
    return render(
        request, "cases/_assignee.html", {"case": case, "dispatch_form": form, "suggestion": suggestion}
    )
