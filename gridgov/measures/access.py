"""Who may read which region's measures: leaders, dispatchers and admins, in their region's subtree.

Every KPI page, the JSON twin and the Excel export go through `kpi_region_for`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from gridgov.core.errors import NotAuthenticated, NotFound, PermissionDenied
from gridgov.people.models import Role
from gridgov.people.selectors import Viewer, user_roles
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.scope import covers_any

KPI_ROLES = (Role.LEADER, Role.DISPATCHER, Role.ADMIN)


def kpi_scope(user: Viewer) -> list[Region]:
    """The top regions this user oversees, shallowest first; empty for everyone else."""
    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Region.objects.filter(level=RegionLevel.COUNTY).defer("boundary").order_by("code"))
    regions = {r.pk: r for r in user_roles(user).regions(*KPI_ROLES)}.values()
    return sorted(regions, key=lambda r: (r.path.count("/"), r.code))


def in_scope(scope: list[Region], region: Region) -> bool:
    return covers_any(scope, region.path)


def kpi_region_for(user: Viewer, code: str | None) -> tuple[Region, list[Region]]:
    """The region to report on (default: the user's top region) and the user's scope.

    No KPI role at all is 403 (the user may not use the page); a region outside the scope is 404, the
    same answer as an unknown code, so a street leader cannot probe another street's codes.
    """
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(_("请先登录"), code="not_authenticated")
    scope = kpi_scope(user)
    if not scope:
        raise PermissionDenied(_("只有领导、派单员和管理员可以查看指标"), code="forbidden")
    code = (code or "").strip()
    if not code:
        return scope[0], scope
    region = Region.objects.filter(code=code).defer("boundary").first()
    if region is None or not in_scope(scope, region):
        raise NotFound(_("未找到该区域，或不在您的管辖范围内"), code="region_not_found")
    return region, scope
