"""People, departments and roles scoped to territory or department."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from gridgov.people.selectors import RoleSet


class User(AbstractUser):
    """A login. What it may do comes from its role assignments, not from flags on the user."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone = models.CharField(_("电话"), max_length=20, blank=True)

    # Not a field: `people.selectors.user_roles` caches the role set here for the rest of the request.
    _gridgov_roles: RoleSet

    def __str__(self) -> str:
        return self.display_name or self.username


class Department(models.Model):
    """A functional department (职能部门, e.g. 住建局, 水务局) that handles cases beyond a grid."""

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    region = models.ForeignKey("territory.Region", on_delete=models.PROTECT, related_name="departments")

    class Meta:
        ordering = ["code"]
        verbose_name = _("部门")
        verbose_name_plural = _("部门")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    RESIDENT = "resident", _("居民")
    GRID_WORKER = "grid_worker", _("网格员")
    GROUP_HEAD = "group_head", _("联户长")
    COLLECTOR = "collector", _("接单员")
    DISPATCHER = "dispatcher", _("派单员")
    DEPARTMENT = "department", _("部门办理人")
    LEADER = "leader", _("领导")
    ADMIN = "admin", _("系统管理员")


# Roles whose scope is a region (the subtree below it) rather than a department.
REGION_ROLES = {Role.GRID_WORKER, Role.GROUP_HEAD, Role.COLLECTOR, Role.DISPATCHER, Role.LEADER, Role.ADMIN}


class RoleAssignment(models.Model):
    """A role a user holds, scoped to a region (its subtree) or a department. A user may hold several."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=Role.choices)
    region = models.ForeignKey(
        "territory.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="role_assignments"
    )

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            # 一格一专员: one full-time worker per grid.
            models.UniqueConstraint(
                fields=["region"], condition=Q(role="grid_worker"), name="one_worker_per_grid"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region", "department"], name="role_assignment_unique"
            ),
            models.CheckConstraint(
                condition=~Q(role="department") | Q(department__isnull=False),
                name="department_role_has_department",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["resident", "department"]) | Q(region__isnull=False),
                name="region_role_has_region",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class ApiToken(models.Model):
    """A bearer token for an integration (hotline system, sensors). Only the SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("接口令牌")
        verbose_name_plural = _("接口令牌")

    @staticmethod
    def digest(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
