"""Cases (工单/诉求) and their append-only timeline, attachments and ratings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.core.timeline import TimelineBase, TimelineSubject

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待派单")  # 点单: waiting for the centre
    DISPATCHED = "dispatched", _("待接单")  # 派单: routed, the handler has not accepted yet
    RETURNED = "returned", _("已退单")  # 退单: the handler sent it back; the centre must re-dispatch
    ACCEPTED = "accepted", _("办理中")  # 接单: the handler owns it
    WAITING_INFO = "waiting_info", _("待补充材料")  # the handler waits on the resident; the clock pauses
    POSTPONED = "postponed", _("缓办")  # an approved postponement; the clock pauses
    RESOLVED = "resolved", _("待评价")  # 办结: result recorded, waiting for the resident's rating
    REWORK = "rework", _("返工")  # 评单 unsatisfied: back to the handler
    CLOSED = "closed", _("已办结")  # rated (or closed by the centre after the rating period)
    CANCELLED = "cancelled", _("已撤销")  # withdrawn by the resident before acceptance
    MERGED = "merged", _("已合并")  # a duplicate; its resident follows the original case


OPEN_STATUSES = (
    CaseStatus.SUBMITTED,
    CaseStatus.DISPATCHED,
    CaseStatus.RETURNED,
    CaseStatus.ACCEPTED,
    CaseStatus.REWORK,
    CaseStatus.WAITING_INFO,
    CaseStatus.POSTPONED,
)
# Statuses in which the handling clock runs (dispatched and not yet resolved, not paused).
CLOCK_STATUSES = (CaseStatus.DISPATCHED, CaseStatus.ACCEPTED, CaseStatus.REWORK, CaseStatus.RETURNED)
PAUSED_STATUSES = (CaseStatus.WAITING_INFO, CaseStatus.POSTPONED)
DONE_STATUSES = (CaseStatus.RESOLVED, CaseStatus.CLOSED)


class CaseEvent(models.TextChoices):
    SUBMIT = "submit", _("点单")
    DISPATCH = "dispatch", _("派单")
    ACCEPT = "accept", _("接单")
    RETURN = "return", _("退单")
    PROGRESS = "progress", _("进展")
    RESOLVE = "resolve", _("办结")
    RATE = "rate", _("评价")
    REWORK = "rework", _("不满意返工")
    CLOSE = "close", _("结案")
    CANCEL = "cancel", _("撤销")
    MERGE = "merge", _("合并")
    MERGED_IN = "merged_in", _("并入重复诉求")
    REQUEST_INFO = "request_info", _("要求补充材料")
    SUPPLY_INFO = "supply_info", _("补充材料")
    POSTPONE = "postpone", _("批准缓办")
    RESUME = "resume", _("恢复办理")
    EXTENSION_REQUEST = "ext_request", _("延期申请")
    EXTENSION_DECIDE = "ext_decide", _("延期审批")
    WHISTLE = "whistle", _("吹哨")
    REPORT_IN = "report_in", _("部门报到")
    SLA_YELLOW = "sla_yellow", _("临期预警")
    SLA_RED = "sla_red", _("超期")
    ESCALATE = "escalate", _("提级")
    SUPERVISE = "supervise", _("督办")
    TAKE_OWNERSHIP = "own", _("领导包案")


class Channel(models.TextChoices):
    WEB = "web", _("居民网页")
    PATROL = "patrol", _("网格巡查")
    PHONE = "phone", _("电话代录")
    API = "api", _("接口")


class AssigneeKind(models.TextChoices):
    GRID = "grid", _("网格员")
    DEPARTMENT = "department", _("部门")


class Case(TimelineSubject):
    """A resident's request or a problem found on patrol, followed from 点单 to 晒单."""

    tracking_no = models.CharField(_("受理编号"), max_length=20, unique=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED, db_index=True
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    # A client-chosen key: a resubmitted form or a retried API call returns the case it already made.
    idempotency_key = models.CharField(max_length=80, unique=True, null=True, blank=True)

    title = models.CharField(_("标题"), max_length=100)
    description = models.TextField(_("描述"))
    category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    item = models.ForeignKey(
        "catalog.MatterItem", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    lon = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "territory.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    # The grid's path, copied so region scoping and KPI roll-ups are one indexed prefix filter.
    region_path = models.CharField(max_length=255, blank=True, db_index=True)

    submitter = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.PROTECT, related_name="submitted_cases"
    )
    recorded_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.PROTECT, related_name="recorded_cases"
    )
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20)

    assignee_kind = models.CharField(max_length=16, choices=AssigneeKind.choices, blank=True)
    handler = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.PROTECT, related_name="handled_cases"
    )
    department = models.ForeignKey(
        "people.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="cases"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="duplicates"
    )

    created_at = models.DateTimeField(_("提交时间"), db_index=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    deadline_at = models.DateTimeField(_("办理时限"), null=True, blank=True)
    # The budget copied from the catalogue at dispatch, so a later catalogue edit does not move old deadlines.
    time_limit = models.PositiveIntegerField(null=True, blank=True)
    time_unit = models.CharField(max_length=16, blank=True)
    extension_amount = models.FloatField(_("已批准延期"), default=0)  # in time_unit
    sla_level = models.CharField(_("时限状态"), max_length=8, blank=True, default="")
    escalation_level = models.PositiveSmallIntegerField(_("提级层级"), default=0)
    publicly_supervised = models.BooleanField(_("挂牌督办"), default=False)
    owner_leader = models.ForeignKey(
        "people.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_cases",
        verbose_name=_("包案领导"),
    )
    result = models.TextField(_("办理结果"), blank=True)
    rework_count = models.PositiveIntegerField(_("返工次数"), default=0)
    return_count = models.PositiveIntegerField(_("退单次数"), default=0)

    # What the dispatch model suggested and what the dispatcher chose, so production accuracy can be reported.
    suggested_category = models.ForeignKey(
        "catalog.Category", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_label = models.CharField(max_length=100, blank=True)
    suggested_confidence = models.FloatField(null=True, blank=True)
    suggestion_model = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["grid", "status"]),
            models.Index(fields=["department", "status"]),
            models.Index(fields=["handler", "status"]),
            models.Index(fields=["submitter", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="merged_has_original"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_no} {self.title}"


class TimelineEntry(TimelineBase):
    """One event in a case's life. Append-only and hash-chained per case: corrections are new entries."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="timeline")
    event = models.CharField(max_length=16, choices=CaseEvent.choices)
    from_status = models.CharField(max_length=16, choices=CaseStatus.choices, blank=True)
    to_status = models.CharField(max_length=16, choices=CaseStatus.choices)

    SUBJECT_FIELD = "case"

    # Not a field: the case page labels a rating's score on its entry (see cases.views._detail_context).
    score_label: StrOrPromise
    # Not a field: who acted, as the viewer may read it (see cases.selectors.shown_actor).
    actor_shown: str

    class Meta(TimelineBase.Meta):
        verbose_name = _("时间线")
        verbose_name_plural = _("时间线")


class AttachmentKind(models.TextChoices):
    REPORT = "report", _("诉求照片")
    PROGRESS = "progress", _("进展照片")
    EVIDENCE = "evidence", _("办结佐证")


class Attachment(models.Model):
    """A photo on a case, checked to be a real image before it is stored."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    entry = models.ForeignKey(
        TimelineEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    kind = models.CharField(max_length=16, choices=AttachmentKind.choices)
    file = models.FileField(upload_to="cases/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")


class RatingScore(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Rating(models.Model):
    """The resident's rating of one round of handling; a rework round gets its own rating."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="ratings")
    round = models.PositiveIntegerField(default=0)
    score = models.CharField(max_length=16, choices=RatingScore.choices)
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        constraints = [models.UniqueConstraint(fields=["case", "round"], name="one_rating_per_round")]


class PauseKind(models.TextChoices):
    WAITING_INFO = "waiting_info", _("待补充材料")
    POSTPONED = "postponed", _("缓办")


class CasePause(models.Model):
    """An interval during which the handling clock stood still; closed when the case resumes."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="pauses")
    kind = models.CharField(max_length=16, choices=PauseKind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("暂停计时")
        verbose_name_plural = _("暂停计时")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=Q(ended_at__isnull=True), name="one_open_pause_per_case"
            ),
        ]


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


class ExtensionRequest(models.Model):
    """延期申请: the handler asks the dispatcher for more time, in the case's own unit."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="extension_requests")
    amount = models.FloatField(_("申请延期"))  # in the case's time_unit
    reason = models.TextField(_("理由"))
    status = models.CharField(max_length=16, choices=ExtensionStatus.choices, default=ExtensionStatus.PENDING)
    requested_by = models.ForeignKey("people.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    # Not a field: the leader desk labels the amount's unit (see supervision.views._desk_context).
    unit_label: str

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="extension_positive"),
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="pending"), name="one_pending_extension"
            ),
        ]
