"""Import staff logins (grid workers, collectors, department handlers, …) with their roles.

One row per role: a person with two roles is two rows with the same 用户名. Each row goes through
`people.actions.user_create` (for a new username) and `role_assign`, in a savepoint, so the errors of
every row are reported (a second worker for one grid, an unknown department, …). Re-importing the same
file changes nothing: an existing username keeps its name, phone and password, and a role it already
holds is left as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gridgov.core.errors import Conflict
from gridgov.core.identifiers import phone_clean
from gridgov.core.imports import CREATED, UNCHANGED, UPDATED, CellError, Column, ImportSpec, Row, register
from gridgov.people.access import may_grant, staff_import_check
from gridgov.people.actions import role_assign, user_create
from gridgov.people.models import REGION_ROLES, Department, Role, RoleAssignment, User
from gridgov.territory.models import Region

# Role names as counties write them, besides the labels of `Role` and its keys.
ROLE_ALIASES = {
    "专职网格员": Role.GRID_WORKER,
    "兼职网格员": Role.GRID_WORKER,
    "管理员": Role.ADMIN,
    "部门": Role.DEPARTMENT,
    "部门人员": Role.DEPARTMENT,
    "办理人": Role.DEPARTMENT,
    "派单员": Role.DISPATCHER,
    "综治中心": Role.DISPATCHER,
}


def _role(value: str) -> str:
    for role in Role:
        if value in (role.value, str(role.label)):
            return role.value
    if value in ROLE_ALIASES:
        return ROLE_ALIASES[value].value
    raise CellError(
        _("无法识别的角色“%(v)s”（可填：%(roles)s）")
        % {"v": value, "roles": "、".join(str(r.label) for r in Role)}
    )


def _username(value: str) -> str:
    try:
        User.username_validator(value)
    except ValidationError as exc:
        raise CellError(_("用户名只能包含字母、数字和 @ . + - _")) from exc
    return value


@dataclass
class _Context:
    regions: dict[str, Region]
    departments: dict[str, Department]
    users: set[str]
    # Usernames created earlier in this file (a second row adds a role, it does not re-create).
    created: set[str] = field(default_factory=set)
    first_rows: set[str] = field(default_factory=set)  # new usernames already checked once


@register
class StaffImport(ImportSpec):
    kind = "staff"
    title = "工作人员账号导入"
    description = (
        "每行一个角色；同一人有多个角色时写多行、用户名相同。网格员、联户长、接单员、派单员、领导、管理员须填"
        "区域代码（网格员填网格代码），部门办理人须填部门代码。已有的用户名只增加角色，不改姓名、电话和密码。"
    )
    columns = (
        Column(
            "username", "用户名", required=True, aliases=("账号", "登录名", "username"), max_length=150,
            parse=_username, example="w001001001", text=True,
        ),
        Column("display_name", "姓名", aliases=("name",), max_length=50, example="王网格"),
        Column(
            "phone", "电话", aliases=("联系电话", "手机", "手机号", "手机号码", "phone"), parse=phone_clean,
            example="13800001234", text=True,
        ),
        Column(
            "role", "角色", required=True, aliases=("岗位", "role"), parse=_role, example="网格员",
            help="网格员、联户长、接单员、派单员、部门办理人、领导、系统管理员、居民",
        ),
        Column(
            "region_code", "区域代码", aliases=("网格代码", "区划代码", "所属区域代码", "region"),
            example="450101001001001", text=True, help="网格员填网格代码；其他区域角色填其管辖的区域代码",
        ),
        Column("department_code", "部门代码", aliases=("department",), example="", text=True,
               help="部门办理人所属部门的代码，如 ZJJ"),
        Column(
            "password", "初始密码", aliases=("密码", "password"), max_length=128, example="请改为至少8位的密码",
            help="新账号必填，至少 8 位；已有账号不修改密码。此列不会出现在错误报告中",
        ),
    )  # fmt: skip
    secret = ("password",)

    def authorize(self, actor) -> None:
        staff_import_check(actor)

    def prepare(self, rows: list[Row], *, actor) -> _Context:
        codes = {row["region_code"] for row in rows if row["region_code"]}
        departments = {row["department_code"] for row in rows if row["department_code"]}
        names = {row["username"] for row in rows}
        return _Context(
            regions={r.code: r for r in Region.objects.filter(code__in=codes).defer("boundary")},
            departments={
                d.code: d for d in Department.objects.filter(code__in=departments).select_related("region")
            },
            users=set(User.objects.filter(username__in=names).values_list("username", flat=True)),
        )

    def _place(self, row: Row, ctx: _Context) -> tuple[Region | None, Department | None]:
        role = row["role"]
        region = department = None
        if role in REGION_ROLES:
            if not row["region_code"]:
                raise CellError(_("该角色须填写区域代码"), column="region_code")
            region = ctx.regions.get(row["region_code"])
            if region is None:
                raise CellError(_("区域代码不存在或不在您的管辖范围内"), column="region_code")
        if role == Role.DEPARTMENT:
            if not row["department_code"]:
                raise CellError(_("部门办理人须填写部门代码"), column="department_code")
            department = ctx.departments.get(row["department_code"])
            if department is None:
                raise CellError(_("部门代码不存在或不在您的管辖范围内"), column="department_code")
        return region, department

    def check_row(self, row: Row, context: Any, *, actor) -> None:
        ctx: _Context = context
        region, department = self._place(row, ctx)
        if not may_grant(actor, row["role"], region=region, department=department):
            column = "department_code" if department is not None else "region_code"
            if region is None and department is None:
                column = "role"
            raise CellError(_("您不能在该区域或部门分配这个角色"), column=column)
        if row["username"] not in ctx.users and row["username"] not in ctx.first_rows:
            ctx.first_rows.add(row["username"])
            if not row["password"]:
                raise CellError(_("新账号须填写初始密码"), column="password")
            try:
                validate_password(row["password"])
            except ValidationError as exc:
                raise CellError("；".join(exc.messages), column="password") from exc

    def write_row(self, row: Row, context: Any, *, actor) -> str:
        ctx: _Context = context
        region, department = self._place(row, ctx)
        username = row["username"]
        new_user = username not in ctx.users and username not in ctx.created
        if new_user:
            user = user_create(
                actor=actor,
                username=username,
                password=row["password"],
                display_name=row["display_name"] or "",
                phone=row["phone"] or "",
            )
            ctx.created.add(username)
        else:
            user = User.objects.get(username=username)
            held = RoleAssignment.objects.filter(
                user=user, role=row["role"], region=region, department=department
            ).exists()
            if held:
                return UNCHANGED
        try:
            role_assign(actor=actor, user=user, role=row["role"], region=region, department=department)
        except Conflict as exc:
            # One worker per grid is the conflict a file runs into: the place is what to fix.
            raise CellError(exc.message, column="department_code" if department else "region_code") from exc
        return CREATED if new_user else UPDATED
