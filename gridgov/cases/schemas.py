"""Request and response shapes of the case API (/api/cases…, /api/track, /api/catalog, /api/me).

Input fields that carry a business rule (description, phone, score…) are plain optional strings on purpose:
the action validates them and answers with a Chinese message and a stable code, which a schema type error
could not. Outputs are built as dicts in `gridgov.cases.api`, because what a caller sees depends on who
they are (the contact phone is masked for leaders, the public view hides names).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Schema
from pydantic import Field

# ---- inputs ----


class CaseSubmitIn(Schema):
    description: str | None = Field(None, description="问题描述，5–2000 字")
    contact_phone: str | None = Field(None, description="联系电话：11 位手机号或带区号的座机")
    title: str | None = None
    contact_name: str | None = None
    category_id: int | None = None
    item_id: int | None = Field(None, description="事项清单中的事项；给出时类别取自事项")
    lon: float | None = None
    lat: float | None = None
    address: str | None = Field(None, description="没有经纬度时必填")
    channel: str = Field("web", description="web 居民 / phone 派单员代录 / patrol 网格员巡查 / api 系统对接")
    idempotency_key: str | None = Field(
        None, description="也可放在 Idempotency-Key 请求头；相同的键只建一张工单"
    )


class DispatchIn(Schema):
    item_id: int | None = None
    worker_id: int | None = Field(None, description="派给网格员（与 department_id 二选一）")
    department_id: int | None = Field(None, description="派给职能部门（与 worker_id 二选一）")
    grid_id: int | None = Field(None, description="改派到的网格（可选）")
    note: str = ""


class BatchDispatchIn(Schema):
    case_ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(
        default_factory=list, description="要派单的工单 id，一次最多 100 件；全部成功或全部不变"
    )
    item_id: int | None = None
    worker_id: int | None = Field(
        None, description="都派给这名网格员（与 department_id、to_grid_workers 三选一）"
    )
    department_id: int | None = Field(None, description="都派给这个部门")
    to_grid_workers: bool = Field(False, description="每件派给其所在网格的网格员")
    note: str = ""


class ReasonIn(Schema):
    reason: str = ""


class NoteIn(Schema):
    note: str = ""


class ResolveIn(Schema):
    result: str = ""


class RateIn(Schema):
    score: str = Field(
        "", description="satisfied 满意 / basic 基本满意 / unsatisfied 不满意（须填写意见，工单返工）"
    )
    comment: str = ""


class MergeIn(Schema):
    into_id: int | None = Field(None, description="保留的原工单 id")
    note: str = ""


# ---- outputs ----


class Ref(Schema):
    id: int
    name: str


class CodeRef(Schema):
    id: int
    code: str
    name: str


class CaseRef(Schema):
    id: int
    tracking_no: str
    status: str
    status_label: str


class BatchDispatchOut(Schema):
    count: int
    cases: list[CaseRef]


class AttachmentOut(Schema):
    id: int
    kind: str
    kind_label: str
    url: str
    content_type: str
    size: int
    created_at: datetime


class TimelineOut(Schema):
    id: int
    event: str
    event_label: str
    from_status: str
    to_status: str
    actor: str
    note: str
    data: dict
    created_at: datetime
    attachments: list[AttachmentOut]


class RatingOut(Schema):
    round: int
    score: str
    score_label: str
    comment: str
    created_at: datetime


class CategorySuggestionOut(Schema):
    label: str = Field(description="模型建议的类别名；置信度不足时为空")
    confidence: float | None
    model: str
    category: Ref | None


class CaseListOut(Schema):
    id: int
    tracking_no: str
    status: str
    status_label: str
    channel: str
    title: str
    category: Ref | None
    item: CodeRef | None
    grid: CodeRef | None
    address: str
    assignee_kind: str
    handler: Ref | None
    department: Ref | None
    created_at: datetime
    deadline_at: datetime | None
    rework_count: int
    return_count: int


class CaseOut(CaseListOut):
    description: str
    lon: float | None
    lat: float | None
    contact_name: str
    contact_phone: str = Field(
        description="提交人、代录人、派单员和承办人可见完整号码，其他人（如领导）为脱敏号码"
    )
    contact_masked: bool
    merged_into: CaseRef | None
    dispatched_at: datetime | None
    accepted_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    result: str
    suggestion: CategorySuggestionOut
    allowed_actions: list[str] = Field(description="调用者当前可执行的操作，如 accept、resolve、rate")
    timeline: list[TimelineOut]
    attachments: list[AttachmentOut]
    ratings: list[RatingOut]


class CasePage(Schema):
    count: int
    page: int
    page_size: int
    items: list[CaseListOut]


class AssigneeSuggestionOut(Schema):
    kind: str = Field(description="worker 网格员 / department 职能部门")
    worker: Ref | None
    department: Ref | None


class CaseSuggestionOut(Schema):
    assignee: AssigneeSuggestionOut
    category: CategorySuggestionOut
    item: CodeRef | None


class PublicEntryOut(Schema):
    event: str
    event_label: str
    status: str
    status_label: str
    actor: str = Field(description="角色，不含个人姓名")
    note: str
    created_at: datetime


class PublicCaseOut(Schema):
    """`gridgov.cases.public.PublicCase`: the one public projection (track page, board, Open311)."""

    tracking_no: str
    status: str
    status_label: str
    title: str = Field(description="已脱敏")
    description: str = Field(description="已脱敏")
    category: str
    community: str
    grid: str = Field(description="所在网格名称；不提供详细地址")
    created_at: datetime
    closed_at: datetime | None
    result: str = Field(description="办结后显示，已脱敏")
    handler: str = Field(description="部门名称，或“网格员”加脱敏姓名")
    contact_name: str = Field(description="脱敏姓名")
    contact_phone: str = Field(description="脱敏电话")
    merged_into: str = Field(description="合并到的受理编号")
    publicly_supervised: bool
    rework_count: int
    timeline: list[PublicEntryOut]


class CatalogItemOut(Schema):
    id: int
    code: str
    name: str
    responsible_level: str
    department: Ref | None
    time_limit: int
    time_unit: str
    photo_required: bool


class CatalogCategoryOut(Schema):
    id: int
    code: str
    name: str
    items: list[CatalogItemOut]


class RoleOut(Schema):
    role: str
    role_label: str
    region: CodeRef | None
    department: Ref | None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    is_superuser: bool
    roles: list[RoleOut]
