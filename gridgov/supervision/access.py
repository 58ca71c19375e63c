"""Who may use the supervision desk and answer whistle calls (吹哨报到). Pages, API and the actions
ask here; which cases a user may see at all stays decided by `gridgov.cases.access`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridgov.core.errors import NotFound
from gridgov.people.models import Role, User
from gridgov.people.selectors import user_roles
from gridgov.supervision.models import WhistleCall

# The desk (overdue cases, supervision orders, extension requests) is for those who run a region.
DESK_ROLES = (Role.LEADER, Role.DISPATCHER, Role.ADMIN)


def may_use_desk(user: User) -> bool:
    if not user.is_authenticated:
        return False
    roles = user_roles(user)
    return user.is_superuser or any(roles.has(role) for role in DESK_ROLES)


def my_department_ids(user: User) -> list[int]:
    """The departments whose whistle calls this user answers (none for anyone but department staff)."""
    if not user.is_authenticated:
        return []
    return user_roles(user).department_ids()


def may_answer_calls(user: User) -> bool:
    return bool(my_department_ids(user))


def calls_visible_to(user: User) -> QuerySet[WhistleCall]:
    """Whistle calls to this user's departments."""
    return WhistleCall.objects.filter(department_id__in=my_department_ids(user))


def call_for(user: User, call_id: int) -> WhistleCall:
    call = calls_visible_to(user).select_related("department").filter(pk=call_id).first()
    if call is None:
        raise NotFound(_("没有找到本部门的吹哨任务"), code="call_not_found")
    return call
