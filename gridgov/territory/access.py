"""Who may change which part of the territory's ledger (households and residents).

An administrator or dispatcher of a region manages the households of the grids below it; the imports,
and the actions behind them, ask here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from gridgov.core.errors import NotAuthenticated, PermissionDenied
from gridgov.territory.models import Region, RegionLevel

if TYPE_CHECKING:
    from gridgov.people.models import User


def ledger_scope(user: User | None) -> list[Region]:
    """The top regions whose households this user may import and edit; empty for everyone else."""
    # Roles live in `people`, which builds on territory; imported here, not at module level, so the
    # territory models load without people (households move to their own domain in issue 11).
    from gridgov.people.models import Role
    from gridgov.people.selectors import user_roles

    if user is None or not user.is_authenticated:
        return []
    if user.is_superuser:
        return list(Region.objects.filter(level=RegionLevel.COUNTY).defer("boundary"))
    regions = {r.pk: r for r in user_roles(user).regions(Role.ADMIN, Role.DISPATCHER)}
    return sorted(regions.values(), key=lambda r: r.path)


def ledger_scope_required(user: User | None) -> list[Region]:
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(_("请先登录"), code="not_authenticated")
    scope = ledger_scope(user)
    if not scope:
        raise PermissionDenied(_("只有管理员和派单员可以导入户籍信息"), code="forbidden")
    return scope


def within(scope: list[Region], path: str) -> bool:
    """Whether a region (by materialised path) lies in one of the scope's subtrees."""
    return any(path.startswith(top.path) for top in scope)
