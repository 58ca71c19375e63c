"""Who may create logins and grant which roles where: `role_assign` refuses what `may_grant` does not
allow, so the admin, the staff import and any later page reach exactly as far as each other."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gridgov.core.errors import NotAuthenticated, PermissionDenied
from gridgov.people.models import Department, Role, User
from gridgov.people.selectors import user_roles
from gridgov.territory.models import Region, RegionLevel
from gridgov.territory.scope import covers_any

# What a region's administrator or dispatcher may hand out below it. Only a superuser makes
# administrators, leaders or dispatchers: granting a role one holds oneself (or more) would let a
# street's staff widen their own powers.
GRANTABLE: dict[str, set[str]] = {
    Role.ADMIN: {Role.GRID_WORKER, Role.GROUP_HEAD, Role.COLLECTOR, Role.DEPARTMENT, Role.RESIDENT},
    Role.DISPATCHER: {Role.GRID_WORKER, Role.GROUP_HEAD, Role.COLLECTOR, Role.RESIDENT},
}


def is_county_admin(user: User | None) -> bool:
    """The county's system administrator: a superuser, or the 系统管理员 role on the county itself.
    County-wide configuration (the matter catalogue, the working calendar) is theirs alone."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or any(
        region.level == RegionLevel.COUNTY for region in user_roles(user).regions(Role.ADMIN)
    )


def staff_scope(user: User | None) -> dict[str, list[Region]]:
    """For each role this user grants with, the top regions it reaches; empty for everyone else."""
    if user is None or not user.is_authenticated:
        return {}
    roles = user_roles(user)
    return {role: roles.regions(role) for role in GRANTABLE if roles.regions(role)}


def staff_import_check(user: User | None) -> None:
    if user is None or not user.is_authenticated:
        raise NotAuthenticated(_("请先登录"), code="not_authenticated")
    if not user.is_superuser and not staff_scope(user):
        raise PermissionDenied(_("只有管理员和派单员可以导入账号"), code="forbidden")


def may_grant(user: User, role: str, *, region: Region | None, department: Department | None) -> bool:
    """Whether this user may give someone `role` at `region` (or in `department`)."""
    if user.is_superuser:
        return True
    if role == Role.RESIDENT:
        return any(Role.RESIDENT in GRANTABLE[r] for r in staff_scope(user))
    if department is not None:
        place = department.region
    elif region is not None:
        place = region
    else:
        return False
    return any(
        role in GRANTABLE[held] and covers_any(tops, place.path) for held, tops in staff_scope(user).items()
    )
