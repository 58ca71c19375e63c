"""Pages of deadlines and supervision: the leader desk (/supervision/), a department's whistle calls
(/supervision/calls/) and one case's supervision panel (/supervision/cases/<id>/).

As in `gridgov.cases.views`, a page reads through `access`/`selectors` and writes only by calling an
action. A `DomainError` comes back as the page it was posted from, with the action's message and
the error's status (400/403/409); the action wrote nothing. A case outside the user's scope is a 404,
exactly like a missing one. Forms are shown only when `CASE_WORKFLOW.allowed_events` says
the action would be accepted.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from gridgov.cases import access as case_access
from gridgov.cases import actions as case_actions
from gridgov.cases import sla
from gridgov.cases.models import Case, CaseEvent
from gridgov.cases.workflow import CASE_WORKFLOW
from gridgov.core import clock
from gridgov.core.errors import DomainError, InvalidInput, NotFound
from gridgov.people.models import Department
from gridgov.people.selectors import signed_in_user
from gridgov.supervision import access, actions, selectors

# Events the panel offers, each with the form that applies it.
PANEL_EVENTS = (
    CaseEvent.REQUEST_INFO,
    CaseEvent.SUPPLY_INFO,
    CaseEvent.EXTENSION_REQUEST,
    CaseEvent.EXTENSION_DECIDE,
    CaseEvent.POSTPONE,
    CaseEvent.RESUME,
    CaseEvent.WHISTLE,
    CaseEvent.SUPERVISE,
    CaseEvent.TAKE_OWNERSHIP,
    CaseEvent.ESCALATE,
)
CASE_RELATED = ("grid", "item", "category", "handler", "department", "owner_leader")


# ── helpers ─────────────────────────────────────────────────────────────────────────────────────────


def _case_or_404(user, case_id: int) -> Case:
    queryset = case_access.cases_visible_to(user).select_related(*CASE_RELATED)
    try:
        return case_access.case_for(user, case_id, queryset=queryset)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def allowed_events(user, case: Case) -> set[str]:
    """What this user may do to this case now, so the page never offers a form that would be refused."""
    return CASE_WORKFLOW.allowed_events(user, case, PANEL_EVENTS)


def _next_url(request: HttpRequest, default: str) -> str:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return default


def _local_datetime(value: str, field: str) -> datetime:
    """A `datetime-local` input (YYYY-MM-DDTHH:MM), read in the county's time zone."""
    try:
        parsed = datetime.fromisoformat((value or "").strip())
    except ValueError:
        raise InvalidInput(
            _("请填写正确的督办时限"), code="invalid_deadline", fields={field: "invalid"}
        ) from None
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


def _department(value: str) -> Department:
    # isdecimal, not isdigit: "²" is a digit that int() refuses (it used to answer 500); ids fit 18 digits.
    value = (value or "").strip()
    department = (
        Department.objects.filter(pk=value).first() if value.isdecimal() and len(value) <= 18 else None
    )
    if department is None:
        raise InvalidInput(
            _("请选择部门"), code="invalid_department", fields={"lead_department_id": "required"}
        )
    return department


# ── the leader desk ────────────────────────────────────────────────────────────────────────────────


def _desk_context(request: HttpRequest) -> dict:
    user = request.user
    now = clock.now()
    rows = selectors.desk_cases(user, now)
    for row in rows:
        row.allowed = allowed_events(user, row.case)
    extensions = [
        e
        for e in selectors.pending_extensions(user)
        if case_access.may_apply(user, e.case, CaseEvent.EXTENSION_DECIDE)
    ]
    for extension in extensions:
        extension.unit_label = sla.unit_label(extension.case.time_unit)
    return {"rows": rows, "extensions": extensions, "now": now, "default_due": _default_due(now)}


def _default_due(now: datetime) -> str:
    return timezone.localtime(now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")


@login_required
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    if not access.may_use_desk(signed_in_user(request)):
        raise DjangoPermissionDenied
    return render(request, "supervision/desk.html", _desk_context(request))


# ── a department's calls ───────────────────────────────────────────────────────────────────────────


def _calls_context(request: HttpRequest) -> dict:
    now = clock.now()
    rows = []
    for call in selectors.department_calls(request.user)[:300]:
        stage = selectors.call_stage(call)
        rows.append(
            {
                "call": call,
                "stage": stage,
                "late": selectors.call_is_late(call, now),
                "stage_label": str(selectors.CALL_STAGES[stage]),
            }
        )
    return {"rows": rows, "now": now}


@login_required
@require_GET
def calls(request: HttpRequest) -> HttpResponse:
    if not access.may_answer_calls(signed_in_user(request)):
        raise DjangoPermissionDenied
    return render(request, "supervision/calls.html", _calls_context(request))


# The flash after each stage of 报到 (`actions.REPORT_STAGES`), with the case's tracking number.
REPORTED = {
    "acknowledge": gettext_lazy("已报到：%(no)s"),
    "action": gettext_lazy("已采取措施：%(no)s"),
    "result": gettext_lazy("已报结：%(no)s"),
}


@login_required
@require_POST
def call_report(request: HttpRequest, call_id: int) -> HttpResponse:
    user = signed_in_user(request)
    if not access.may_answer_calls(user):
        raise DjangoPermissionDenied
    stage = request.POST.get("stage", "")
    try:
        call = actions.whistle_report(
            actor=user, call_id=call_id, stage=stage, text=request.POST.get("text", "")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        context = _calls_context(request)
        context.update(error=exc.message, error_call=call_id)
        return render(request, "supervision/calls.html", context, status=exc.status)
    messages.success(request, REPORTED[stage] % {"no": call.case.tracking_no})
    return redirect(_next_url(request, reverse("supervision:calls")))


# ── one case's panel ───────────────────────────────────────────────────────────────────────────────


def _panel_context(request: HttpRequest, case: Case) -> dict:
    user = signed_in_user(request)  # callers are @login_required
    now = clock.now()
    panel = selectors.case_panel(case)
    my_departments = set(access.my_department_ids(user))
    my_calls = []
    for whistle in panel.whistles:
        for call in whistle.calls.all():
            call.stage = selectors.call_stage(call)
            call.stage_label = str(selectors.CALL_STAGES[call.stage])
            call.late = selectors.call_is_late(call, now)
            if call.department_id in my_departments and call.resolved_at is None:
                my_calls.append(call)
    allowed = allowed_events(user, case)
    context = {
        "case": case,
        "panel": panel,
        "sla": sla.sla_view(case, now, panel.pauses),
        "allowed": allowed,
        "my_calls": my_calls,
        "now": now,
        "default_due": _default_due(now),
        "case_url": f"/cases/{case.pk}/",
    }
    if CaseEvent.WHISTLE in allowed:
        context["departments"] = list(Department.objects.order_by("code"))
    return context


@login_required
@require_GET
def case_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    case = _case_or_404(request.user, case_id)
    return render(request, "supervision/panel.html", _panel_context(request, case))


def _apply_request_info(request, case):
    case_actions.case_request_info(actor=request.user, case_id=case.pk, note=request.POST.get("note", ""))
    return _("已要求补充材料，暂停计时")


def _apply_supply_info(request, case):
    case_actions.case_supply_info(actor=request.user, case_id=case.pk, note=request.POST.get("note", ""))
    return _("已补充材料，恢复计时")


def _apply_postpone(request, case):
    case_actions.case_postpone(actor=request.user, case_id=case.pk, reason=request.POST.get("reason", ""))
    return _("已批准缓办，暂停计时")


def _apply_resume(request, case):
    case_actions.case_resume(actor=request.user, case_id=case.pk, note=request.POST.get("note", ""))
    return _("已恢复办理")


def _apply_extension(request, case):
    amount = (request.POST.get("amount") or "").strip()
    if not amount:
        raise InvalidInput(_("请填写延期时长"), code="missing_field", fields={"amount": "required"})
    case_actions.case_extension_request(
        actor=request.user, case_id=case.pk, amount=amount, reason=request.POST.get("reason", "")
    )
    return _("已提交延期申请")


def _apply_extension_decide(request, case):
    decision = request.POST.get("decision", "")
    if decision not in ("approve", "reject"):
        raise InvalidInput(_("请选择批准或驳回"), code="missing_field", fields={"decision": "required"})
    case_actions.case_extension_decide(
        actor=request.user, case_id=case.pk, approve=decision == "approve", note=request.POST.get("note", "")
    )
    return _("已批准延期") if decision == "approve" else _("已驳回延期申请")


def _apply_whistle(request, case):
    lead = _department(request.POST.get("lead_department_id", ""))
    assists = [
        _department(v) for v in request.POST.getlist("assist_department_ids") if v and v != str(lead.pk)
    ]
    try:
        hours = int(request.POST.get("respond_hours") or actions.DEFAULT_RESPONSE_HOURS)
    except ValueError:
        raise InvalidInput(_("报到时限应为整数小时"), code="invalid_deadline") from None
    actions.whistle_blow(
        actor=request.user,
        case_id=case.pk,
        lead=lead,
        assists=assists,
        note=request.POST.get("note", ""),
        respond_hours=hours,
    )
    return _("已吹哨，相关部门须在时限内报到")


def _apply_supervise(request, case):
    due_at = _local_datetime(request.POST.get("due_at", ""), "due_at")
    actions.supervision_issue(
        actor=request.user,
        case_id=case.pk,
        instructions=request.POST.get("instructions", ""),
        due_at=due_at,
        public=request.POST.get("public") in ("on", "1", "true"),
    )
    return _("已督办")


def _apply_own(request, case):
    actions.case_take_ownership(actor=request.user, case_id=case.pk, note=request.POST.get("note", ""))
    return _("已包案")


def _apply_escalate(request, case):
    case_actions.case_escalate(
        actor=request.user, case_id=case.pk, reason="manual", note=request.POST.get("note", "")
    )
    return _("已提级办理")


CASE_ACTIONS: dict[str, Callable[[HttpRequest, Case], str]] = {
    "request-info": _apply_request_info,
    "supply-info": _apply_supply_info,
    "postpone": _apply_postpone,
    "resume": _apply_resume,
    "extension": _apply_extension,
    "extension-decide": _apply_extension_decide,
    "whistle": _apply_whistle,
    "supervise": _apply_supervise,
    "own": _apply_own,
    "escalate": _apply_escalate,
}


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    apply = CASE_ACTIONS.get(action)
    if apply is None:
        raise Http404
    case = _case_or_404(request.user, case_id)
    panel_url = reverse("supervision:case", args=[case.pk])
    try:
        message = apply(request, case)
    except DomainError as exc:
        # Shown on the page the form came from: the desk for desk forms, otherwise the panel.
        if request.POST.get("from") == "desk" and access.may_use_desk(signed_in_user(request)):
            context = _desk_context(request)
            context.update(error=exc.message, error_case=case.pk, error_action=action)
            return render(request, "supervision/desk.html", context, status=exc.status)
        case = _case_or_404(request.user, case_id)
        context = _panel_context(request, case)
        context.update(error=exc.message, error_action=action, posted=request.POST)
        return render(request, "supervision/panel.html", context, status=exc.status)
    messages.success(request, f"{message}：{case.tracking_no}")
    return redirect(_next_url(request, panel_url))
