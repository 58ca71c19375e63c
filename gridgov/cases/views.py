"""Pages of the case loop: report (点单), follow, handle (接单/办结), dispatch (派单), rate (评单), track.

A view parses input with a form, reads through `access`/`selectors` and writes only by calling an
action. A `DomainError` from an action comes back as the same page with the action's Chinese message and
the error's status (400 bad input, 403 not allowed, 409 wrong state); the action wrote nothing. A case
the user may not see is a plain 404, exactly like a case that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gridgov.cases import access, actions, selectors
from gridgov.cases.forms import (
    BatchDispatchForm,
    CancelForm,
    CaseReportForm,
    DispatchForm,
    MergeForm,
    NoteForm,
    QueueFilterForm,
    RateForm,
    ResolveForm,
    ReturnForm,
    TrackForm,
    new_idempotency_key,
)
from gridgov.cases.models import OPEN_STATUSES, Attachment, Case, CaseEvent, CaseStatus, Channel, RatingScore
from gridgov.cases.workflow import CASE_WORKFLOW
from gridgov.catalog.models import MatterItem
from gridgov.core import clock
from gridgov.core.errors import DomainError, NotFound
from gridgov.core.masking import mask_name, mask_phone
from gridgov.people.models import Role
from gridgov.people.selectors import signed_in_user, user_roles
from gridgov.territory.models import Region, RegionLevel

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

# Misses allowed per tracking number in TRACK_WINDOW seconds: the last four digits of a phone are only
# 10,000 guesses. Counted per number, not per client address, because behind the county's proxy every
# resident would share one address and lock each other out.
TRACK_LIMIT = 20
TRACK_WINDOW = 600


# ── helpers ──────────────────────────────────────────────────────────────────────────────────────────


def _case_or_404(user, case_id: int) -> Case:
    queryset = access.cases_visible_to(user).select_related(*DETAIL_RELATED)
    try:
        return access.case_for(user, case_id, queryset=queryset)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _allowed_events(user, case: Case) -> set[str]:
    """What this user may do to this case now: the page never shows a button that would be refused."""
    return CASE_WORKFLOW.allowed_events(user, case, PAGE_EVENTS)


def _form_error(form, exc: DomainError) -> int:
    """Put an action's message on the field it names (or on the form) and return the HTTP status."""
    for field in exc.fields:
        if field in form.fields:
            form.add_error(field, exc.message)
            break
    else:
        form.add_error(None, exc.message)
    return exc.status


def _next_url(request: HttpRequest) -> str | None:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return None


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def time_left(case: Case, now: datetime, view=None) -> dict | None:
    """Time to the handling deadline on the working calendar, with pauses and extensions counted, as
    words and a traffic light (green / yellow at the county's share / red)."""
    from gridgov.supervision.selectors import sla_view

    if case.status not in OPEN_STATUSES or case.dispatched_at is None:
        return None
    view = view if view is not None else sla_view(case, now)
    if view is None:
        return None
    return {"text": view.time_left_text, "level": view.level}


# ── home, landing, map data ─────────────────────────────────────────────────────────────────────────


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.is_authenticated:
        return render(request, "core/landing.html")
    roles = user_roles(user)
    if user.is_superuser or roles.has(Role.DISPATCHER) or roles.has(Role.ADMIN):
        return redirect("cases:console")
    if roles.has(Role.GRID_WORKER) or roles.has(Role.DEPARTMENT):
        return redirect("cases:inbox")
    if roles.has(Role.LEADER):
        return redirect("/kpi/")
    return redirect("cases:my")


@require_GET
def grids_geojson(request: HttpRequest) -> JsonResponse:
    """Grid boundaries and names for the maps; public territory data, nothing about people."""
    rows = (
        Region.objects.filter(level=RegionLevel.GRID, boundary__isnull=False)
        .order_by("path")
        .values("code", "name", "boundary", "parent__name")
    )
    features = [
        {
            "type": "Feature",
            "geometry": row["boundary"],
            "properties": {"code": row["code"], "name": row["name"], "community": row["parent__name"] or ""},
        }
        for row in rows
    ]
    response = JsonResponse({"type": "FeatureCollection", "features": features})
    response["Cache-Control"] = "public, max-age=300"
    return response


# ── 点单: resident report, patrol, phone entry ──────────────────────────────────────────────────────


def _wants_json(request: HttpRequest) -> bool:
    """A submission sent by offline-queue.js (`fetch`), which wants a JSON answer instead of a page."""
    return request.headers.get("X-Requested-With") == "fetch"


def _form_json(form, status: int) -> JsonResponse:
    """The refusal of a fetch submission: the first message to show, and every field's messages."""
    errors = {field: [str(m) for m in msgs] for field, msgs in form.errors.items()}
    first = next((msgs[0] for msgs in errors.values() if msgs), "") or _("提交的内容有误，请检查后重新提交")
    return JsonResponse({"ok": False, "message": first, "errors": errors}, status=status)


def _case_form(request: HttpRequest, *, channel: str, template: str) -> HttpResponse:
    user = signed_in_user(request)  # every caller is @login_required
    status = 200
    if request.method == "POST":
        form = CaseReportForm(request.POST, channel=channel)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case, created = actions.case_submit(
                    actor=user,
                    channel=channel,
                    description=data["description"],
                    contact_phone=data["contact_phone"],
                    contact_name=data.get("contact_name") or "",
                    category=data["category"],
                    lon=data["lon"],
                    lat=data["lat"],
                    address=data["address"],
                    photos=request.FILES.getlist("photos"),
                    idempotency_key=data["idempotency_key"],
                )
            except DomainError as exc:
                status = _form_error(form, exc)
            else:
                if channel == Channel.WEB:
                    target = reverse("cases:received", kwargs={"case_id": case.pk})
                else:
                    messages.success(request, _("已受理，受理编号 %(no)s") % {"no": case.tracking_no})
                    target = reverse("cases:detail", kwargs={"case_id": case.pk})
                if _wants_json(request):
                    return JsonResponse(
                        {"ok": True, "tracking_no": case.tracking_no, "url": target},
                        status=201 if created else 200,
                    )
                return redirect(target)
        else:
            status = 400
        if _wants_json(request):
            return _form_json(form, status)
    else:
        form = CaseReportForm(
            initial={
                "idempotency_key": new_idempotency_key(),
                "contact_phone": user.phone if channel != Channel.PHONE else "",
            },
            channel=channel,
        )
    context = {
        "form": form,
        "channel": channel,
        "photos_lost": request.method == "POST" and bool(request.FILES),
        "max_photos": settings.GRIDGOV_MAX_PHOTOS,
    }
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    return _case_form(request, channel=Channel.WEB, template="cases/report.html")


@login_required
@require_http_methods(["GET", "POST"])
def patrol(request: HttpRequest) -> HttpResponse:
    if not user_roles(signed_in_user(request)).has(Role.GRID_WORKER):
        raise DjangoPermissionDenied
    return _case_form(request, channel=Channel.PATROL, template="cases/report.html")


@login_required
@require_http_methods(["GET", "POST"])
def console_phone(request: HttpRequest) -> HttpResponse:
    if not access.may_dispatch_anywhere(request.user):
        raise DjangoPermissionDenied
    return _case_form(request, channel=Channel.PHONE, template="cases/report.html")


@login_required
@require_GET
def received(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request.user, case_id)
    return render(request, "cases/received.html", {"case": case})


# ── lists ───────────────────────────────────────────────────────────────────────────────────────────


@login_required
@require_GET
def my_cases(request: HttpRequest) -> HttpResponse:
    cases = list(selectors.resident_cases(request.user)[:200])
    return render(request, "cases/my.html", {"cases": cases})


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    roles = user_roles(signed_in_user(request))
    if not (roles.has(Role.GRID_WORKER) or roles.has(Role.DEPARTMENT)):
        raise DjangoPermissionDenied
    now = clock.now()
    from gridgov.supervision.selectors import sla_snapshots

    cases = list(selectors.handler_inbox(request.user)[:300])
    views = sla_snapshots(cases, now)
    rows = [{"case": c, "left": time_left(c, now, views.get(c.pk))} for c in cases]
    waiting = sum(1 for c in cases if c.status in (CaseStatus.DISPATCHED, CaseStatus.REWORK))
    return render(
        request,
        "cases/inbox.html",
        {"rows": rows, "waiting": waiting, "is_worker": roles.has(Role.GRID_WORKER)},
    )


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
    if _is_htmx(request) and request.headers.get("HX-Target") == "queue":
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
    back = _next_url(request) or reverse("cases:console")
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
                status = _form_error(form, exc)
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


# ── one case ────────────────────────────────────────────────────────────────────────────────────────


def _detail_context(request: HttpRequest, case: Case, bound: dict | None = None, panel: str = "") -> dict:
    user = request.user
    allowed = _allowed_events(user, case)
    bound = bound or {}
    timeline = selectors.case_timeline(case)
    score_labels = dict(RatingScore.choices)
    for entry in timeline:
        score = (entry.data or {}).get("score")
        entry.score_label = score_labels.get(score, "") if isinstance(score, str) else ""
    context = {
        "case": case,
        "allowed": allowed,
        "timeline": timeline,
        "panel": panel,
        "left": time_left(case, clock.now()),
        "max_photos": settings.GRIDGOV_MAX_PHOTOS,
        # Staff see the contact details they need to call back; a resident sees their own case anyway.
        "staff_view": not _is_requester_only(user),
    }
    if "return" in allowed:
        context["return_form"] = bound.get("return") or ReturnForm()
    if "progress" in allowed:
        context["progress_form"] = bound.get("progress") or NoteForm()
    if "resolve" in allowed:
        context["resolve_form"] = bound.get("resolve") or ResolveForm()
    if "rate" in allowed or "rework" in allowed:
        context["rate_form"] = bound.get("rate") or RateForm()
    if "cancel" in allowed:
        context["cancel_form"] = bound.get("cancel") or CancelForm()
    if "close" in allowed:
        context["close_form"] = bound.get("close") or NoteForm()
    if "dispatch" in allowed:
        context["dispatch_form"] = bound.get("dispatch") or _dispatch_form_for(case, user)
        context["suggestion"] = _suggestion(case) if case.item_id else None
    if "merge" in allowed:
        context["merge_form"] = bound.get("merge") or MergeForm()
        context["similar"] = selectors.similar_open_cases(case)
    return context


def _is_requester_only(user) -> bool:
    return set(user_roles(user).names) <= {Role.RESIDENT}


def _render_detail(request, case, *, bound=None, panel="", status=200) -> HttpResponse:
    return render(request, "cases/detail.html", _detail_context(request, case, bound, panel), status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request.user, case_id)
    return _render_detail(request, case)


@login_required
@require_GET
def case_photo(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    """A case photo, served only to people who may see the case (never from a public media URL)."""
    case = _case_or_404(request.user, case_id)
    attachment = Attachment.objects.filter(case=case, pk=attachment_id).first()
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _run(
    request: HttpRequest,
    case_id: int,
    *,
    panel: str,
    form_class=None,
    form_kwargs: dict | None = None,
    run: Callable[[Case, Any], object],
    success: str,
) -> HttpResponse:
    """POST of one case action: scope (404), parse (400), call the action, or show its error."""
    case = _case_or_404(request.user, case_id)
    form = form_class(request.POST, **(form_kwargs or {})) if form_class else None
    if form is not None and not form.is_valid():
        return _render_detail(request, case, bound={panel: form}, panel=panel, status=400)
    try:
        run(case, form)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        # Bad input is shown on the form that sent it; a refused move (409 state, 403 role) is about the
        # case, not the form, which may no longer be offered at all: it goes to the page's messages.
        if form is not None and exc.status == 400:
            status = _form_error(form, exc)
        else:
            messages.error(request, exc.message)
            status = exc.status
        return _render_detail(
            request, case, bound={panel: form} if form else None, panel=panel, status=status
        )
    messages.success(request, success)
    return redirect(_next_url(request) or reverse("cases:detail", args=[case.pk]))


@login_required
@require_POST
def case_accept(request: HttpRequest, case_id: int) -> HttpResponse:
    return _run(
        request,
        case_id,
        panel="accept",
        run=lambda case, form: actions.case_accept(actor=signed_in_user(request), case_id=case.pk),
        success=_("已接单，请按时限办理"),
    )


@login_required
@require_POST
def case_return(request: HttpRequest, case_id: int) -> HttpResponse:
    return _run(
        request,
        case_id,
        panel="return",
        form_class=ReturnForm,
        run=lambda case, form: actions.case_return(
            actor=signed_in_user(request), case_id=case.pk, reason=form.cleaned_data["reason"]
        ),
        success=_("已退单，派单中心将重新派单"),
    )


@login_required
@require_POST
def case_progress(request: HttpRequest, case_id: int) -> HttpResponse:
    return _run(
        request,
        case_id,
        panel="progress",
        form_class=NoteForm,
        run=lambda case, form: actions.case_progress(
            actor=signed_in_user(request),
            case_id=case.pk,
            note=form.cleaned_data["note"],
            photos=request.FILES.getlist("photos"),
        ),
        success=_("进展已记录"),
    )


@login_required
@require_POST
def case_resolve(request: HttpRequest, case_id: int) -> HttpResponse:
    return _run(
        request,
        case_id,
        panel="resolve",
        form_class=ResolveForm,
        run=lambda case, form: actions.case_resolve(
            actor=signed_in_user(request),
            case_id=case.pk,
            result=form.cleaned_data["result"],
            photos=request.FILES.getlist("photos"),
        ),
        success=_("已办结，等待群众评价"),
    )


@login_required
@require_POST
def case_rate(request: HttpRequest, case_id: int) -> HttpResponse:
    def run(case: Case, form: RateForm) -> None:
        data = form.cleaned_data
        actions.case_rate(
            actor=signed_in_user(request), case_id=case.pk, score=data["score"], comment=data["comment"]
        )

    done = (
        _("感谢您的评价")
        if request.POST.get("score") != RatingScore.UNSATISFIED
        else _("已退回返工，办理人将重新处理")
    )
    return _run(request, case_id, panel="rate", form_class=RateForm, run=run, success=done)


@login_required
@require_POST
def case_cancel(request: HttpRequest, case_id: int) -> HttpResponse:
    return _run(
        request,
        case_id,
        panel="cancel",
        form_class=CancelForm,
        run=lambda case, form: actions.case_cancel(
            actor=signed_in_user(request), case_id=case.pk, reason=form.cleaned_data["reason"]
        ),
        success=_("诉求已撤销"),
    )


@login_required
@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    return _run(
        request,
        case_id,
        panel="close",
        form_class=NoteForm,
        run=lambda case, form: actions.case_close(
            actor=signed_in_user(request), case_id=case.pk, note=form.cleaned_data["note"]
        ),
        success=_("已结案"),
    )


@login_required
@require_POST
def case_dispatch(request: HttpRequest, case_id: int) -> HttpResponse:
    def run(case: Case, form: DispatchForm) -> None:
        data = form.cleaned_data
        actions.case_dispatch(
            actor=signed_in_user(request),
            case_id=case.pk,
            item=data["item"],
            grid=data.get("grid"),
            note=data["note"],
            **form.assignee(),
        )

    return _run(
        request,
        case_id,
        panel="dispatch",
        form_class=DispatchForm,
        form_kwargs={"dispatcher": request.user},
        run=run,
        success=_("已派单"),
    )


@login_required
@require_POST
def case_merge(request: HttpRequest, case_id: int) -> HttpResponse:
    def run(case: Case, form: MergeForm) -> None:
        data = form.cleaned_data
        tracking_no = data["into"].strip().upper()
        into_id = (
            access.cases_visible_to(request.user)
            .filter(tracking_no=tracking_no)
            .values_list("pk", flat=True)
            .first()
        )
        if into_id is None:
            raise _MergeTargetMissing(
                _("未找到受理编号为 %(no)s 的工单") % {"no": tracking_no}, fields={"into": "missing"}
            )
        actions.case_merge(actor=signed_in_user(request), case_id=case.pk, into_id=into_id, note=data["note"])

    return _run(request, case_id, panel="merge", form_class=MergeForm, run=run, success=_("已合并为重复诉求"))


class _MergeTargetMissing(DomainError):
    # A wrong number typed into the merge form is bad input on this page, not a missing page.
    status = 400
    default_code = "merge_target_not_found"


# ── console helpers (htmx) ──────────────────────────────────────────────────────────────────────────


def _suggestion(case: Case) -> dict:
    """Who the catalogue and the location point to, plus the item's deadline, for the dispatcher."""
    suggestion = actions.suggest_assignee(case)
    suggestion["item"] = case.item
    return suggestion


def _dispatch_form_for(
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


@login_required
@require_GET
def console_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    """The console's right-hand panel for one case: summary, dispatch form, duplicates."""
    case = _case_or_404(request.user, case_id)
    if not _is_htmx(request):
        return redirect("cases:detail", case_id=case.pk)
    context = _detail_context(request, case)
    return render(request, "cases/_panel.html", context)


@login_required
@require_GET
def console_suggest(request: HttpRequest, case_id: int) -> HttpResponse:
    """htmx: the assignee fields pre-filled with the party the chosen item and grid point to."""
    case = _case_or_404(request.user, case_id)
    if "dispatch" not in _allowed_events(request.user, case):
        raise Http404
    item_id, grid_id = _int(request.GET.get("item")), _int(request.GET.get("grid"))
    item = (
        MatterItem.objects.filter(pk=item_id, active=True).select_related("category", "department").first()
        if item_id is not None
        else None
    )
    grid = Region.objects.filter(pk=grid_id, level=RegionLevel.GRID).first() if grid_id is not None else None
    form = _dispatch_form_for(case, request.user, item=item, grid=grid)
    suggestion = None
    if item is not None:
        probe = Case(pk=case.pk, item=item, grid_id=grid.pk if grid else case.grid_id)
        suggestion = _suggestion(probe)
    return render(
        request, "cases/_assignee.html", {"case": case, "dispatch_form": form, "suggestion": suggestion}
    )


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# ── anonymous tracking ──────────────────────────────────────────────────────────────────────────────


def _track_key(tracking_no: str) -> str:
    return "gridgov:track-misses:" + (tracking_no or "").strip().upper()[:20]


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """查询进度: tracking number + last four digits of the contact phone; shows a masked view."""
    if request.method == "GET":
        return render(request, "cases/track.html", {"form": TrackForm()})
    form = TrackForm(request.POST)
    form.is_valid()
    key = _track_key(form.cleaned_data.get("tracking_no", ""))
    if cache.get(key, 0) >= TRACK_LIMIT:
        form.add_error(None, _("查询过于频繁，请 10 分钟后再试"))
        return render(request, "cases/track.html", {"form": form}, status=429)
    try:
        case = actions.case_lookup(
            tracking_no=form.cleaned_data.get("tracking_no", ""),
            phone_last4=form.cleaned_data.get("phone_last4", ""),
        )
    except DomainError as exc:
        if isinstance(exc, NotFound):
            cache.add(key, 0, TRACK_WINDOW)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, TRACK_WINDOW)
        form.add_error(None, exc.message)
        return render(request, "cases/track.html", {"form": form}, status=exc.status)
    return render(request, "cases/track.html", {"form": TrackForm(), "found": _masked(case)})


def _masked(case: Case) -> dict:
    """What an anonymous caller may see: the progress, no names or numbers of anyone."""
    entries = selectors.case_timeline(case)
    return {
        "tracking_no": case.tracking_no,
        "status": case.get_status_display(),
        "status_code": case.status,
        "title": case.title,
        "category": case.category.name if case.category is not None else "",
        "grid": case.grid.name if case.grid is not None else "",
        "created_at": case.created_at,
        "contact": f"{mask_name(case.contact_name)} {mask_phone(case.contact_phone)}",
        "result": case.result if case.status in (CaseStatus.RESOLVED, CaseStatus.CLOSED) else "",
        "merged_into": case.merged_into.tracking_no if case.merged_into is not None else "",
        "events": [
            {
                "label": entry.get_event_display(),
                "at": entry.created_at,
                "role": entry.actor_label.split(" ")[0],
            }
            for entry in entries
        ],
    }
