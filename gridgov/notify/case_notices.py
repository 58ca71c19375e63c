"""Who hears about which case event, and what they read. Runs inside the event's transaction.

Registered in `gridgov.cases.actions.event_hooks` by NotifyConfig.ready(). If writing a notification
fails, the case event fails with it: a lost notice is worse than a retried click.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.cases.access import region_covers
from gridgov.cases.models import AssigneeKind, Case, CaseEvent, RatingScore, TimelineEntry
from gridgov.notify.actions import notifications_create
from gridgov.notify.subjects import Subject
from gridgov.people.models import Role, RoleAssignment, User
from gridgov.territory.models import RegionLevel


class Kind:
    """Notification kinds for case events (webhook endpoints filter on these)."""

    DISPATCHED = "case.dispatched"
    RETURNED = "case.returned"
    RESOLVED = "case.resolved"
    REWORK = "case.rework"
    RATED = "case.rated"
    MERGED = "case.merged"
    NEED_INFO = "case.need_info"
    WHISTLE = "case.whistle"
    REPORTED = "case.reported"
    YELLOW = "case.yellow"
    RED = "case.red"
    ESCALATED = "case.escalated"
    SUPERVISED = "case.supervised"
    OWNED = "case.owned"
    EXTENSION = "case.extension"
    PAUSED = "case.paused"


def case_subject(case: Case) -> Subject:
    """A case as a notification's subject: its tracking number, and its page (scope-checked there)."""
    return Subject.of(case, title=case.tracking_no, link=reverse("cases:detail", args=[case.pk]))


def dedupe_key(case: Case, entry: TimelineEntry) -> str:
    return f"case:{case.pk}:entry:{entry.pk}"


def department_handlers(department_id: int | None) -> list[User]:
    if department_id is None:
        return []
    return list(
        User.objects.filter(roles__role=Role.DEPARTMENT, roles__department_id=department_id, is_active=True)
        .distinct()
        .order_by("pk")
    )


def dispatchers_for(case: Case) -> list[User]:
    """Dispatchers whose region covers the case (the county's also get cases with no grid yet)."""
    found = []
    assignments = RoleAssignment.objects.filter(role=Role.DISPATCHER, user__is_active=True).select_related(
        "region", "user"
    )
    for assignment in assignments.order_by("user_id"):
        region = assignment.region
        assert region is not None  # a dispatcher's role is scoped to a region (region_role_has_region)
        if region_covers(region, case):
            found.append(assignment.user)
    return found


def handlers_of(case: Case) -> list[User]:
    """Whoever handles the case now: the accepting person, else every handler of the department."""
    if case.handler is not None:
        return [case.handler]
    if case.assignee_kind == AssigneeKind.DEPARTMENT:
        return department_handlers(case.department_id)
    return []


def officials_at(region_code: str) -> list[User]:
    """Leaders and dispatchers whose region is exactly this one: who hears about an escalation to it.

    If that level has nobody, the county's leaders and dispatchers hear instead, so it is never lost.
    """
    base = RoleAssignment.objects.filter(role__in=[Role.LEADER, Role.DISPATCHER], user__is_active=True)
    found = [a.user for a in base.filter(region__code=region_code).select_related("user").order_by("user_id")]
    if not found:
        found = [
            a.user
            for a in base.filter(region__level=RegionLevel.COUNTY).select_related("user").order_by("user_id")
        ]
    return found


def _when(instant) -> str:
    return timezone.localtime(instant).strftime("%Y-%m-%d %H:%M") if instant else _("无")


def on_case_event(case: Case, entry: TimelineEntry) -> None:
    """The `event_hooks` entry: write the notifications this event calls for."""
    message = _message(case, entry)
    if message is None:
        return
    recipients, kind, title, body = message
    # Nobody is told about their own action.
    to_notify = [r for r in recipients if r is not None and r.pk != entry.actor_id]
    if not to_notify:
        return
    notifications_create(
        recipients=to_notify,
        kind=kind,
        title=title,
        body=body,
        subject=case_subject(case),
        dedupe_key=dedupe_key(case, entry),
    )


def _message(case: Case, entry: TimelineEntry) -> tuple[Iterable[User | None], str, str, str] | None:
    ref = {"no": case.tracking_no, "title": case.title}
    event = entry.event
    if event == CaseEvent.DISPATCH:
        if case.assignee_kind == AssigneeKind.GRID:
            recipients: Sequence[User | None] = [case.handler]
        else:
            recipients = department_handlers(case.department_id)
        body = _("工单 %(no)s「%(title)s」已派给您，请及时接单。办理时限：%(deadline)s。") % {
            **ref,
            "deadline": _when(case.deadline_at),
        }
        if entry.note:
            body += _("派单说明：%(note)s") % {"note": entry.note}
        return recipients, Kind.DISPATCHED, _("新派单：%(title)s") % ref, body
    if event == CaseEvent.RETURN:
        body = _("%(who)s 退回了工单 %(no)s「%(title)s」，理由：%(reason)s。请重新派单。") % {
            **ref,
            "who": entry.actor_label,
            "reason": entry.note,
        }
        return dispatchers_for(case), Kind.RETURNED, _("退单待重派：%(no)s") % ref, body
    if event == CaseEvent.RESOLVE:
        body = _(
            "您提交的诉求 %(no)s「%(title)s」已办结。办理结果：%(result)s。请对办理结果进行评价（满意 / 基本满意 / 不满意）。"
        ) % {**ref, "result": case.result}
        return [case.submitter], Kind.RESOLVED, _("您的诉求已办结，请评价"), body
    if event == CaseEvent.REWORK:
        body = _("居民对工单 %(no)s「%(title)s」的办理结果不满意，需返工。意见：%(comment)s") % {
            **ref,
            "comment": entry.note,
        }
        return handlers_of(case), Kind.REWORK, _("返工：%(no)s") % ref, body
    if event == CaseEvent.RATE:
        score = entry.data.get("score", "")
        label = RatingScore(score).label if score in RatingScore.values else score
        body = _("居民对工单 %(no)s「%(title)s」的评价：%(score)s。") % {**ref, "score": label}
        if entry.note:
            body += _("意见：%(comment)s") % {"comment": entry.note}
        return handlers_of(case), Kind.RATED, _("收到评价：%(no)s") % ref, body
    if event == CaseEvent.MERGE:
        into = entry.data.get("into", "")
        body = _(
            "您提交的诉求 %(no)s「%(title)s」与工单 %(into)s 反映的是同一问题，已合并办理，后续进展请查看工单 %(into)s。"
        ) % {**ref, "into": into}
        return [case.submitter], Kind.MERGED, _("您的诉求已合并办理"), body
    return _supervision_message(case, entry, ref)


def _supervision_message(case: Case, entry: TimelineEntry, ref: dict):
    """Deadlines, pauses, 吹哨报到 and supervision (issue 3)."""
    event, data = entry.event, entry.data
    if event == CaseEvent.REQUEST_INFO:
        body = _("工单 %(no)s「%(title)s」需要您补充材料：%(note)s") % {**ref, "note": entry.note}
        return [case.submitter], Kind.NEED_INFO, _("请补充材料：%(no)s") % ref, body
    if event in (CaseEvent.POSTPONE, CaseEvent.RESUME):
        what = _("已批准缓办") if event == CaseEvent.POSTPONE else _("已恢复办理")
        body = _("工单 %(no)s「%(title)s」%(what)s。%(note)s") % {**ref, "what": what, "note": entry.note}
        return handlers_of(case), Kind.PAUSED, _("%(what)s：%(no)s") % {**ref, "what": what}, body
    if event == CaseEvent.EXTENSION_REQUEST:
        body = _("%(who)s 申请工单 %(no)s 延期：%(note)s") % {
            **ref,
            "who": entry.actor_label,
            "note": entry.note,
        }
        return dispatchers_for(case), Kind.EXTENSION, _("延期申请待审批：%(no)s") % ref, body
    if event == CaseEvent.EXTENSION_DECIDE:
        verdict = _("已批准") if data.get("approved") else _("已驳回")
        body = _("工单 %(no)s 的延期申请%(v)s。新的办理时限：%(deadline)s。%(note)s") % {
            **ref,
            "v": verdict,
            "deadline": _when(case.deadline_at),
            "note": entry.note,
        }
        return handlers_of(case), Kind.EXTENSION, _("延期申请%(v)s：%(no)s") % {**ref, "v": verdict}, body
    if event == CaseEvent.WHISTLE:
        recipients = [
            u for department_id in data.get("departments", []) for u in department_handlers(department_id)
        ]
        body = _("%(who)s 就工单 %(no)s「%(title)s」吹哨：%(note)s。请在时限内报到。") % {
            **ref,
            "who": entry.actor_label,
            "note": entry.note,
        }
        return recipients, Kind.WHISTLE, _("吹哨报到：%(title)s") % ref, body
    if event == CaseEvent.REPORT_IN:
        return (
            handlers_of(case) + dispatchers_for(case),
            Kind.REPORTED,
            _("部门报到：%(no)s") % ref,
            entry.note,
        )
    if event == CaseEvent.SLA_YELLOW:
        body = _("工单 %(no)s「%(title)s」即将到期（%(deadline)s），请抓紧办理。") % {
            **ref,
            "deadline": _when(case.deadline_at),
        }
        return handlers_of(case), Kind.YELLOW, _("临期预警：%(no)s") % ref, body
    if event == CaseEvent.SLA_RED:
        body = _("工单 %(no)s「%(title)s」已超过办理时限（%(deadline)s）。") % {
            **ref,
            "deadline": _when(case.deadline_at),
        }
        return handlers_of(case) + dispatchers_for(case), Kind.RED, _("超期：%(no)s") % ref, body
    if event == CaseEvent.ESCALATE:
        body = _("工单 %(no)s「%(title)s」%(note)s，请督促办理。") % {**ref, "note": entry.note}
        return (
            officials_at(data.get("region", "")) + handlers_of(case),
            Kind.ESCALATED,
            _("提级：%(no)s") % ref,
            body,
        )
    if event == CaseEvent.SUPERVISE:
        return handlers_of(case) + dispatchers_for(case), Kind.SUPERVISED, _("督办：%(no)s") % ref, entry.note
    if event == CaseEvent.TAKE_OWNERSHIP:
        return handlers_of(case), Kind.OWNED, _("领导包案：%(no)s") % ref, entry.note
    return None
