"""Writes for people, roles and tokens."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.core.errors import Conflict, InvalidInput
from gridgov.people.models import ApiToken, Department, Role, RoleAssignment, User
from gridgov.territory.models import Region, RegionLevel


def user_create(*, username: str, password: str, display_name: str = "", phone: str = "") -> User:
    if User.objects.filter(username=username).exists():
        raise Conflict(_("用户名 %(username)s 已存在") % {"username": username}, code="username_taken")
    return User.objects.create_user(
        username=username, password=password, display_name=display_name, phone=phone
    )


def role_assign(
    *, user: User, role: str, region: Region | None = None, department: Department | None = None
) -> RoleAssignment:
    if role == Role.GRID_WORKER and (region is None or region.level != RegionLevel.GRID):
        raise InvalidInput(_("网格员必须分配到一个网格"), code="worker_needs_grid")
    if role == Role.DEPARTMENT and department is None:
        raise InvalidInput(_("部门办理人必须指定部门"), code="handler_needs_department")
    try:
        with transaction.atomic():
            return RoleAssignment.objects.create(user=user, role=role, region=region, department=department)
    except IntegrityError as exc:
        if role == Role.GRID_WORKER:
            raise Conflict(
                _("网格 %(grid)s 已有专职网格员（一格一专员）") % {"grid": region}, code="grid_has_worker"
            ) from exc
        raise Conflict(_("该角色已分配"), code="role_exists") from exc


def token_issue(*, user: User, name: str) -> str:
    """Create a token and return the raw value, which is shown once and never stored."""
    raw = "ggt_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, token_hash=ApiToken.digest(raw))
    return raw
