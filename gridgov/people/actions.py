"""Writes for people, departments, roles and tokens. Each one records who did it in the audit log."""

from __future__ import annotations

import re
import secrets

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.audit.actions import audit_record, snapshot
from gridgov.core import clock
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied
from gridgov.people import access
from gridgov.people.models import REGION_ROLES, ApiToken, Department, Role, RoleAssignment, User
from gridgov.territory.models import Region, RegionLevel

PHONE_RE = re.compile(r"^[0-9+\-]{0,20}$")
DEPARTMENT_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
USER_FIELDS = ("username", "display_name", "phone", "email", "is_active", "is_staff", "is_superuser")
ROLE_FIELDS = ("user", "role", "region", "department")
DEPARTMENT_FIELDS = ("code", "name", "region")


def _display_name(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 50:
        raise InvalidInput(_("姓名不能超过 50 个字"), code="invalid_display_name")
    return value


def _phone(value: str) -> str:
    value = (value or "").strip()
    if not PHONE_RE.match(value):
        raise InvalidInput(_("电话只能包含数字、+ 和 -，不超过 20 位"), code="invalid_phone")
    return value


def _email(value: str) -> str:
    from django.core.validators import validate_email

    value = (value or "").strip()
    if value:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise InvalidInput(_("邮箱格式不正确"), code="invalid_email") from exc
    return value


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    password: str | None,
    display_name: str = "",
    phone: str = "",
    email: str = "",
) -> User:
    """A new login. `password=None` makes one that cannot sign in with a password (tokens only)."""
    username = (username or "").strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise InvalidInput(_("用户名只能包含字母、数字和 @/./+/-/_"), code="invalid_username") from exc
    if not username or len(username) > 150:
        raise InvalidInput(_("用户名须为 1 到 150 个字符"), code="invalid_username")
    if password is not None and not password:
        raise InvalidInput(_("密码不能为空"), code="invalid_password")
    display_name, phone, email = _display_name(display_name), _phone(phone), _email(email)
    if User.objects.filter(username=username).exists():
        raise Conflict(_("用户名 %(username)s 已存在") % {"username": username}, code="username_taken")
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=username, password=password, display_name=display_name, phone=phone, email=email
            )
    except IntegrityError as exc:  # a concurrent create of the same name
        raise Conflict(
            _("用户名 %(username)s 已存在") % {"username": username}, code="username_taken"
        ) from exc
    audit_record(actor=actor, action="people.user_create", obj=user, after=snapshot(user, USER_FIELDS))
    return user


@transaction.atomic
def user_update(
    *,
    actor: User | None,
    user: User,
    display_name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
    is_active: bool | None = None,
    is_staff: bool | None = None,
    is_superuser: bool | None = None,
) -> User:
    """Change a user's name, phone, e-mail, or whether they may sign in; None leaves a field as it is.

    Deactivating replaces deleting: cases, timelines and the audit log keep pointing at the user.
    """
    locked = User.objects.select_for_update().get(pk=user.pk)
    before = snapshot(locked, USER_FIELDS)
    if display_name is not None:
        locked.display_name = _display_name(display_name)
    if phone is not None:
        locked.phone = _phone(phone)
    if email is not None:
        locked.email = _email(email)
    if is_active is not None:
        locked.is_active = is_active
    if is_staff is not None:
        locked.is_staff = is_staff
    if is_superuser is not None:
        locked.is_superuser = is_superuser
    locked.save()
    audit_record(
        actor=actor,
        action="people.user_update",
        obj=locked,
        before=before,
        after=snapshot(locked, USER_FIELDS),
    )
    return locked


@transaction.atomic
def role_assign(
    *,
    actor: User | None,
    user: User,
    role: str,
    region: Region | None = None,
    department: Department | None = None,
) -> RoleAssignment:
    if role not in Role.values:
        raise InvalidInput(_("未知角色"), code="invalid_role")
    if role == Role.GRID_WORKER and (region is None or region.level != RegionLevel.GRID):
        raise InvalidInput(_("网格员必须分配到一个网格"), code="worker_needs_grid")
    if role == Role.DEPARTMENT and department is None:
        raise InvalidInput(_("部门办理人必须指定部门"), code="handler_needs_department")
    if role in REGION_ROLES and region is None:
        raise InvalidInput(_("该角色必须指定管辖区域"), code="role_needs_region")
    if role not in REGION_ROLES and region is not None:
        raise InvalidInput(_("该角色不按区域分配，请不要指定区域"), code="role_takes_no_region")
    if role != Role.DEPARTMENT and department is not None:
        raise InvalidInput(_("只有部门办理人需要指定部门"), code="role_takes_no_department")
    if actor is not None and not access.may_grant(actor, role, region=region, department=department):
        raise PermissionDenied(_("您不能在该区域或部门分配这个角色"), code="role_out_of_scope")
    # One role change per user at a time; the grid's one-worker rule is the database's unique index.
    User.objects.select_for_update().get(pk=user.pk)
    try:
        with transaction.atomic():
            assignment = RoleAssignment.objects.create(
                user=user, role=role, region=region, department=department
            )
    except IntegrityError as exc:
        if role == Role.GRID_WORKER:
            raise Conflict(
                _("网格 %(grid)s 已有专职网格员（一格一专员）") % {"grid": region}, code="grid_has_worker"
            ) from exc
        raise Conflict(_("该角色已分配"), code="role_exists") from exc
    user.__dict__.pop("_gridgov_roles", None)  # the cached role set no longer holds
    audit_record(
        actor=actor, action="people.role_assign", obj=assignment, after=snapshot(assignment, ROLE_FIELDS)
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> None:
    locked = RoleAssignment.objects.select_for_update().filter(pk=assignment.pk).first()
    if locked is None:
        raise Conflict(_("该角色已被撤销"), code="role_already_revoked")
    # Recorded before the delete so the entry still names the row's id; both commit or neither.
    audit_record(actor=actor, action="people.role_revoke", obj=locked, before=snapshot(locked, ROLE_FIELDS))
    locked.delete()
    assignment.user.__dict__.pop("_gridgov_roles", None)


@transaction.atomic
def token_issue(*, actor: User | None, user: User, name: str) -> str:
    """Create a token and return the raw value, which is shown once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("令牌用途须为 1 到 100 个字"), code="invalid_token_name")
    raw = "ggt_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, token_hash=ApiToken.digest(raw))
    audit_record(actor=actor, action="people.token_issue", obj=token, after=snapshot(token, ("user", "name")))
    return raw


@transaction.atomic
def token_revoke(*, actor: User | None, token: ApiToken) -> ApiToken:
    """Revoke a token from now on; revoking a revoked token changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    before = snapshot(locked, ("revoked_at",))
    locked.revoked_at = clock.now()
    locked.save(update_fields=["revoked_at"])
    token.revoked_at = locked.revoked_at
    audit_record(
        actor=actor,
        action="people.token_revoke",
        obj=locked,
        before=before,
        after=snapshot(locked, ("revoked_at",)),
    )
    return locked


def _department_fields(code: str, name: str, region: Region | None) -> tuple[str, str, Region]:
    code, name = (code or "").strip(), (name or "").strip()
    if not DEPARTMENT_CODE_RE.match(code):
        raise InvalidInput(_("部门代码只能是 1 到 32 位字母、数字、- 或 _"), code="invalid_department_code")
    if not name or len(name) > 100:
        raise InvalidInput(_("部门名称须为 1 到 100 个字"), code="invalid_department_name")
    if region is None:
        raise InvalidInput(_("部门必须属于一个区域"), code="department_needs_region")
    return code, name, region


def _department_unique(code: str, name: str, exclude_pk: int | None = None) -> None:
    others = Department.objects.all() if exclude_pk is None else Department.objects.exclude(pk=exclude_pk)
    if others.filter(code=code).exists():
        raise Conflict(_("部门代码 %(code)s 已存在") % {"code": code}, code="department_code_taken")
    if others.filter(name=name).exists():
        raise Conflict(_("部门名称 %(name)s 已存在") % {"name": name}, code="department_name_taken")


@transaction.atomic
def department_create(*, actor: User | None, code: str, name: str, region: Region | None) -> Department:
    code, name, region = _department_fields(code, name, region)
    _department_unique(code, name)
    try:
        with transaction.atomic():
            department = Department.objects.create(code=code, name=name, region=region)
    except IntegrityError as exc:  # a concurrent create took the code or name
        raise Conflict(_("部门代码或名称已存在"), code="department_taken") from exc
    audit_record(
        actor=actor,
        action="people.department_create",
        obj=department,
        after=snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


@transaction.atomic
def department_update(
    *, actor: User | None, department: Department, code: str, name: str, region: Region | None
) -> Department:
    code, name, region = _department_fields(code, name, region)
    locked = Department.objects.select_for_update().get(pk=department.pk)
    _department_unique(code, name, exclude_pk=locked.pk)
    before = snapshot(locked, DEPARTMENT_FIELDS)
    locked.code, locked.name, locked.region = code, name, region
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError as exc:
        raise Conflict(_("部门代码或名称已存在"), code="department_taken") from exc
    audit_record(
        actor=actor,
        action="people.department_update",
        obj=locked,
        before=before,
        after=snapshot(locked, DEPARTMENT_FIELDS),
    )
    return locked
