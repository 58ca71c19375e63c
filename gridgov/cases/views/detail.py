"""One case's page and every form on it; each POST calls one action and shows its message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.cases import access, actions, selectors
from gridgov.cases.forms import (
    CancelForm,
    DispatchForm,
    MergeForm,
    NoteForm,
    RateForm,
    ResolveForm,
    ReturnForm,
)
from gridgov.cases.models import Attachment, Case, RatingScore
from gridgov.cases.views.plumbing import (
    allowed_events,
    case_or_404,
    dispatch_form_for,
    form_error,
    next_url,
    suggestion_for,
    time_left,
)
from gridgov.core import clock
from gridgov.core.errors import DomainError, NotFound
from gridgov.people.selectors import signed_in_user


def detail_context(request: HttpRequest, case: Case, bound: dict | None = None, panel: str = "") -> dict:
    user = request.user
    allowed = allowed_events(user, case)
    bound = bound or {}
    timeline = selectors.case_timeline(case)
    score_labels = dict(RatingScore.choices)
    contact = selectors.case_contact(user, case)
    for entry in timeline:
        entry.actor_shown = selectors.shown_actor(entry, case, contact_visible=not contact.masked)
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
        "staff_view": not access.is_requester_only(signed_in_user(request)),
        # Masked for everyone but the requester, the recorder, the dispatcher and the handler.
        "contact": contact,
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
        context["dispatch_form"] = bound.get("dispatch") or dispatch_form_for(case, user)
        context["suggestion"] = suggestion_for(case) if case.item_id else None
    if "merge" in allowed:
        context["merge_form"] = bound.get("merge") or MergeForm()
        context["similar"] = selectors.similar_open_cases(case)
    return context


def render_detail(request, case, *, bound=None, panel="", status=200) -> HttpResponse:
    return render(request, "cases/detail.html", detail_context(request, case, bound, panel), status=status)


@login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_or_404(request.user, case_id)
    return render_detail(request, case)


@login_required
@require_GET
def case_photo(request: HttpRequest, case_id: int, attachment_id: int) -> FileResponse:
    """A case photo, served only to people who may see the case (never from a public media URL)."""
    case = case_or_404(request.user, case_id)
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
    case = case_or_404(request.user, case_id)
    form = form_class(request.POST, **(form_kwargs or {})) if form_class else None
    if form is not None and not form.is_valid():
        return render_detail(request, case, bound={panel: form}, panel=panel, status=400)
    try:
        run(case, form)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        # Bad input is shown on the form that sent it; a refused move (409 state, 403 role) is about the
        # case, not the form, which may no longer be offered at all: it goes to the page's messages.
        if form is not None and exc.status == 400:
            status = form_error(form, exc)
        else:
            messages.error(request, exc.message)
            status = exc.status
        return render_detail(request, case, bound={panel: form} if form else None, panel=panel, status=status)
    messages.success(request, success)
    return redirect(next_url(request) or reverse("cases:detail", args=[case.pk]))


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
