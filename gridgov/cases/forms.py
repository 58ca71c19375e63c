"""Forms of the case pages: they parse and convert what the browser sends, nothing more.

Whether a description is long enough or a phone number valid is the actions' business; their
`InvalidInput` comes back to the form as a field error (see `views._form_error`). Fields are therefore
mostly optional here, so the one Chinese message a user sees is the action's.
"""

from __future__ import annotations

import uuid

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gridgov.cases import access
from gridgov.cases.models import CaseStatus, Channel, RatingScore
from gridgov.cases.selectors import QueueFilters
from gridgov.catalog.models import Category, MatterItem
from gridgov.people.models import Department, Role, User
from gridgov.territory.models import Region, RegionLevel


class PageForm(forms.Form):
    """A form of these pages: labels without Django's trailing colon (the layout sets labels apart)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def new_idempotency_key() -> str:
    return uuid.uuid4().hex


class WorkerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        grids = "、".join(a.region.name for a in obj.roles.all() if a.role == Role.GRID_WORKER and a.region)
        return f"{obj}（{grids}）" if grids else str(obj)


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: MatterItem) -> str:
        return f"{obj.code} {obj.category.name} / {obj.name}"


class GridChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        return obj.name


def grids_qs() -> QuerySet[Region]:
    return Region.objects.filter(level=RegionLevel.GRID).order_by("path")


class CaseReportForm(PageForm):
    """点单 by a resident (/report/), a grid worker on patrol (/patrol/) or the centre by phone."""

    idempotency_key = forms.CharField(max_length=80, required=False, widget=forms.HiddenInput)
    category = forms.ModelChoiceField(
        Category.objects.all(),
        required=False,
        empty_label=_("不确定"),
        label=_("问题类别"),
    )
    description = forms.CharField(
        required=False,
        label=_("问题描述"),
        widget=forms.Textarea(
            attrs={"rows": 4, "maxlength": 2000, "placeholder": _("请描述发生了什么、在哪里、持续多久")}
        ),
    )
    lon = forms.FloatField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput)
    address = forms.CharField(
        required=False,
        max_length=200,
        label=_("地址（地图无法选择时填写）"),
        widget=forms.TextInput(attrs={"placeholder": _("如：幸福社区3栋2单元门口")}),
    )
    contact_name = forms.CharField(required=False, max_length=50, label=_("联系人"))
    contact_phone = forms.CharField(
        required=False,
        max_length=20,
        label=_("联系电话"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def __init__(self, *args, channel: str = Channel.WEB, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel = channel
        if channel != Channel.PHONE:
            # Residents and workers report as themselves; only the centre types someone else's name.
            del self.fields["contact_name"]
        self.fields["lon"].error_messages["invalid"] = _("位置坐标无效，请在地图上重新选择")
        self.fields["lat"].error_messages["invalid"] = _("位置坐标无效，请在地图上重新选择")


class _AssigneeForm(PageForm):
    """What every dispatch form asks: a catalogue item, and a grid worker or a department.

    The worker list is narrowed to the dispatcher's regions when the form is built.
    """

    item = ItemChoiceField(
        MatterItem.objects.filter(active=True).select_related("category"),
        label=_("事项"),
        empty_label=_("请选择事项"),
        error_messages={
            "required": _("请选择事项清单中的事项"),
            "invalid_choice": _("请选择事项清单中的事项"),
        },
    )
    worker = WorkerChoiceField(
        User.objects.none(), required=False, label=_("网格员"), empty_label=_("请选择网格员")
    )
    department = forms.ModelChoiceField(
        Department.objects.all(), required=False, label=_("部门"), empty_label=_("请选择部门")
    )

    def __init__(self, *args, dispatcher: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        worker = self.fields["worker"]
        assert isinstance(worker, forms.ModelChoiceField)
        worker.queryset = workers_for(dispatcher)
        if dispatcher is not None and access.may_dispatch_anywhere(dispatcher):
            # Someone who may not dispatch at all is refused by the action (403), not by the list.
            department = self.fields["department"]
            assert isinstance(department, forms.ModelChoiceField)
            department.queryset = access.departments_dispatchable_by(dispatcher)


class DispatchForm(_AssigneeForm):
    """派单: a catalogue item, and a grid worker or a department."""

    KIND_CHOICES = [("worker", _("网格员")), ("department", _("部门"))]

    assignee_kind = forms.ChoiceField(
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        initial="worker",
        label=_("派给"),
        error_messages={"required": _("请选择派给网格员还是部门")},
    )
    grid = GridChoiceField(
        grids_qs(), required=False, label=_("改派网格（可选）"), empty_label=_("按位置（不改）")
    )
    note = forms.CharField(
        required=False,
        label=_("派单说明"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )
    field_order = ["item", "assignee_kind", "worker", "department", "grid", "note"]

    def __init__(self, *args, dispatcher: User | None = None, **kwargs):
        super().__init__(*args, dispatcher=dispatcher, **kwargs)
        grid = self.fields["grid"]
        assert isinstance(grid, forms.ModelChoiceField)
        grid.queryset = grids_qs()

    def assignee(self) -> dict:
        """The keyword arguments of case_dispatch naming the assignee the dispatcher chose."""
        data = self.cleaned_data
        if data["assignee_kind"] == "worker":
            return {"to_worker": data.get("worker"), "to_department": None}
        return {"to_worker": None, "to_department": data.get("department")}


class CaseIdsField(forms.Field):
    """The ids of the ticked queue rows (`case_ids`, repeated)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            return [int(v) for v in value or []]
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(_("所选工单无效"), code="invalid") from exc


class BatchDispatchForm(_AssigneeForm):
    """批量派单 from the console: the ticked rows, one item, and one assignee for all of them."""

    KIND_CHOICES = [
        ("worker", _("网格员")),
        ("department", _("部门")),
        ("grid_workers", _("各自网格的网格员")),
    ]

    case_ids = CaseIdsField(required=False)
    assignee_kind = forms.ChoiceField(
        choices=KIND_CHOICES,
        widget=forms.RadioSelect,
        initial="grid_workers",
        label=_("派给"),
        error_messages={"required": _("请选择派给谁")},
    )
    note = forms.CharField(
        required=False, label=_("派单说明"), widget=forms.TextInput(attrs={"maxlength": 2000})
    )
    field_order = ["case_ids", "item", "assignee_kind", "worker", "department", "note"]

    def __init__(self, *args, dispatcher: User | None = None, **kwargs):
        # Its own ids: the console's case panel holds a dispatch form with the same field names.
        kwargs.setdefault("auto_id", "batch-%s")
        super().__init__(*args, dispatcher=dispatcher, **kwargs)

    def assignee(self) -> dict:
        """The keyword arguments of cases_dispatch_batch naming the assignee the dispatcher chose."""
        data = self.cleaned_data
        kind = data["assignee_kind"]
        return {
            "to_worker": data.get("worker") if kind == "worker" else None,
            "to_department": data.get("department") if kind == "department" else None,
            "to_grid_workers": kind == "grid_workers",
        }


def workers_for(dispatcher: User | None) -> QuerySet[User]:
    """Grid workers a dispatcher may choose from: those of grids inside the dispatcher's regions."""
    if dispatcher is None:
        users = User.objects.filter(roles__role=Role.GRID_WORKER).distinct()
    else:
        users = access.workers_dispatchable_by(dispatcher)
    return users.prefetch_related("roles__region").order_by("display_name", "username")


class ReturnForm(PageForm):
    reason = forms.CharField(
        required=False,
        label=_("退单理由"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )


class NoteForm(PageForm):
    note = forms.CharField(
        required=False, label=_("说明"), widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000})
    )


class ResolveForm(PageForm):
    result = forms.CharField(
        required=False,
        label=_("办理结果"),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
    )


class RateForm(PageForm):
    score = forms.ChoiceField(
        choices=RatingScore.choices,
        widget=forms.RadioSelect,
        label=_("您对办理结果"),
        error_messages={
            "required": _("请选择 满意 / 基本满意 / 不满意"),
            "invalid_choice": _("请选择 满意 / 基本满意 / 不满意"),
        },
    )
    comment = forms.CharField(
        required=False,
        label=_("评价意见（不满意时必填）"),
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )


class CancelForm(PageForm):
    reason = forms.CharField(required=False, max_length=2000, label=_("撤销原因（可选）"))


class MergeForm(PageForm):
    into = forms.CharField(
        max_length=20,
        label=_("合并到受理编号"),
        error_messages={"required": _("请填写要合并到的受理编号")},
        widget=forms.TextInput(attrs={"placeholder": "GG…", "autocapitalize": "characters"}),
    )
    note = forms.CharField(required=False, max_length=2000, label=_("合并说明（可选）"))


class TrackForm(PageForm):
    tracking_no = forms.CharField(
        max_length=20,
        required=False,
        label=_("受理编号"),
        widget=forms.TextInput(
            attrs={"placeholder": "GG…", "autocapitalize": "characters", "autocomplete": "off"}
        ),
    )
    phone_last4 = forms.CharField(
        max_length=4,
        required=False,
        label=_("联系电话后四位"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "pattern": "[0-9]{4}", "autocomplete": "off"}),
    )


class QueueFilterForm(PageForm):
    """The console's filters, read from GET parameters."""

    status = forms.ChoiceField(required=False, label=_("状态"))
    category = forms.ModelChoiceField(
        Category.objects.all(), required=False, label=_("类别"), empty_label=_("全部类别")
    )
    grid = GridChoiceField(grids_qs(), required=False, label=_("网格"), empty_label=_("全部网格"))
    channel = forms.ChoiceField(required=False, label=_("渠道"))
    q = forms.CharField(required=False, max_length=100, label=_("搜索"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        status, channel, grid = self.fields["status"], self.fields["channel"], self.fields["grid"]
        assert isinstance(status, forms.ChoiceField) and isinstance(channel, forms.ChoiceField)
        assert isinstance(grid, forms.ModelChoiceField)
        status.choices = [("", _("待派单 + 已退单")), *CaseStatus.choices]
        channel.choices = [("", _("全部渠道")), *Channel.choices]
        grid.queryset = grids_qs()

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            return QueueFilters()
        data = self.cleaned_data
        category = data.get("category")
        grid = data.get("grid")
        return QueueFilters(
            status=data.get("status") or "",
            category=category.pk if category else None,
            grid_path=grid.path if grid else "",
            channel=data.get("channel") or "",
            q=(data.get("q") or "").strip(),
        )
