"""Writes to the matter catalogue (事项清单). Each one records who did it in the audit log.

Codes are fixed once created: imports, the dispatch classifier's labels and exported reports name
categories and items by code. An item that is no longer offered is deactivated, never deleted, because
cases keep pointing at it.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.audit.actions import audit_record, snapshot
from gridgov.catalog import access
from gridgov.catalog.models import Category, MatterItem, ResponsibleLevel, TimeUnit
from gridgov.core.errors import Conflict, InvalidInput, PermissionDenied
from gridgov.people.models import Department, User

# ASCII letters and digits, with '-' inside ("C1-01"); codes end up in URLs, file names and exports.
CODE_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,14}[A-Za-z0-9])?$")
# The longest time limit a county sets is a few months of working days; more is a typing slip.
TIME_LIMIT_MAX = 999
CATEGORY_FIELDS = ("code", "name", "order")
ITEM_FIELDS = (
    "category",
    "code",
    "name",
    "responsible_level",
    "department",
    "time_limit",
    "time_unit",
    "photo_required",
    "active",
)


def _code(code: str) -> str:
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise InvalidInput(
            _("代码只能是 1 到 16 位字母、数字或中间的 -（如 C1-01）"), code="invalid_catalog_code"
        )
    return code


def _name(name: str, limit: int) -> str:
    name = (name or "").strip()
    if not name or len(name) > limit:
        raise InvalidInput(_("名称须为 1 到 %(n)d 个字") % {"n": limit}, code="invalid_catalog_name")
    return name


def _order(order: int) -> int:
    if not isinstance(order, int) or isinstance(order, bool) or not 0 <= order <= 32767:
        raise InvalidInput(_("排序须为 0 到 32767 的整数"), code="invalid_order")
    return order


def _may_configure(actor: User | None) -> None:
    """The system (actor None: the demo builder) or the county's administrator (`access`)."""
    if actor is not None and not access.may_edit_catalogue(actor):
        raise PermissionDenied(_("只有县系统管理员可以修改事项清单"), code="forbidden")


@transaction.atomic
def category_create(*, actor: User | None, code: str, name: str, order: int = 0) -> Category:
    _may_configure(actor)
    code, name, order = _code(code), _name(name, 50), _order(order)
    if Category.objects.filter(code=code).exists():
        raise Conflict(_("类别代码 %(code)s 已存在") % {"code": code}, code="category_code_taken")
    if Category.objects.filter(name=name).exists():
        raise Conflict(_("类别名称 %(name)s 已存在") % {"name": name}, code="category_name_taken")
    try:
        with transaction.atomic():
            category = Category.objects.create(code=code, name=name, order=order)
    except IntegrityError as exc:  # a concurrent create took the code or the name
        raise Conflict(_("类别代码或名称已存在"), code="category_taken") from exc
    audit_record(
        actor=actor,
        action="catalog.category_create",
        obj=category,
        after=snapshot(category, CATEGORY_FIELDS),
    )
    return category


@transaction.atomic
def category_update(*, actor: User | None, category: Category, name: str, order: int) -> Category:
    _may_configure(actor)
    name, order = _name(name, 50), _order(order)
    locked = Category.objects.select_for_update().get(pk=category.pk)
    if Category.objects.filter(name=name).exclude(pk=locked.pk).exists():
        raise Conflict(_("类别名称 %(name)s 已存在") % {"name": name}, code="category_name_taken")
    before = snapshot(locked, CATEGORY_FIELDS)
    locked.name, locked.order = name, order
    try:
        with transaction.atomic():
            locked.save(update_fields=["name", "order"])
    except IntegrityError as exc:
        raise Conflict(_("类别名称 %(name)s 已存在") % {"name": name}, code="category_name_taken") from exc
    audit_record(
        actor=actor,
        action="catalog.category_update",
        obj=locked,
        before=before,
        after=snapshot(locked, CATEGORY_FIELDS),
    )
    return locked


def _item_rules(
    *,
    category: Category | None,
    name: str,
    responsible_level: str,
    department: Department | None,
    time_limit: int,
    time_unit: str,
) -> tuple[Category, str]:
    """The checks an item's fields must pass, on create and on update; returns category and clean name."""
    if category is None:
        raise InvalidInput(_("事项必须属于一个类别"), code="item_needs_category")
    name = _name(name, 100)
    if responsible_level not in ResponsibleLevel.values:
        raise InvalidInput(_("未知的责任层级"), code="invalid_responsible_level")
    if responsible_level == ResponsibleLevel.DEPARTMENT and department is None:
        raise InvalidInput(_("职能部门办理的事项必须指定责任部门"), code="item_needs_department")
    if time_unit not in TimeUnit.values:
        raise InvalidInput(_("未知的时限单位"), code="invalid_time_unit")
    if (
        not isinstance(time_limit, int)
        or isinstance(time_limit, bool)
        or not 1 <= time_limit <= TIME_LIMIT_MAX
    ):
        raise InvalidInput(
            _("办理时限须为 1 到 %(n)d 的整数") % {"n": TIME_LIMIT_MAX}, code="invalid_time_limit"
        )
    return category, name


@transaction.atomic
def item_create(
    *,
    actor: User | None,
    category: Category | None,
    code: str,
    name: str,
    responsible_level: str,
    department: Department | None = None,
    time_limit: int,
    time_unit: str = TimeUnit.WORKING_DAYS,
    photo_required: bool = False,
) -> MatterItem:
    _may_configure(actor)
    code = _code(code)
    category, name = _item_rules(
        category=category,
        name=name,
        responsible_level=responsible_level,
        department=department,
        time_limit=time_limit,
        time_unit=time_unit,
    )
    if MatterItem.objects.filter(code=code).exists():
        raise Conflict(_("事项代码 %(code)s 已存在") % {"code": code}, code="item_code_taken")
    try:
        with transaction.atomic():
            item = MatterItem.objects.create(
                category=category,
                code=code,
                name=name,
                responsible_level=responsible_level,
                department=department,
                time_limit=time_limit,
                time_unit=time_unit,
                photo_required=photo_required,
            )
    except IntegrityError as exc:  # a concurrent create took the code
        raise Conflict(_("事项代码 %(code)s 已存在") % {"code": code}, code="item_code_taken") from exc
    audit_record(actor=actor, action="catalog.item_create", obj=item, after=snapshot(item, ITEM_FIELDS))
    return item


@transaction.atomic
def item_update(
    *,
    actor: User | None,
    item: MatterItem,
    category: Category | None,
    name: str,
    responsible_level: str,
    department: Department | None,
    time_limit: int,
    time_unit: str,
    photo_required: bool,
) -> MatterItem:
    """Change an item; open cases keep the deadline they were given, new cases get the new one."""
    _may_configure(actor)
    category, name = _item_rules(
        category=category,
        name=name,
        responsible_level=responsible_level,
        department=department,
        time_limit=time_limit,
        time_unit=time_unit,
    )
    locked = MatterItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot(locked, ITEM_FIELDS)
    locked.category = category
    locked.name = name
    locked.responsible_level = responsible_level
    locked.department = department
    locked.time_limit = time_limit
    locked.time_unit = time_unit
    locked.photo_required = photo_required
    locked.save()
    audit_record(
        actor=actor,
        action="catalog.item_update",
        obj=locked,
        before=before,
        after=snapshot(locked, ITEM_FIELDS),
    )
    return locked


def _set_active(actor: User | None, item: MatterItem, active: bool, action: str) -> MatterItem:
    _may_configure(actor)
    locked = MatterItem.objects.select_for_update().get(pk=item.pk)
    if locked.active == active:
        return locked  # already so: nothing changes, nothing to record
    locked.active = active
    locked.save(update_fields=["active"])
    item.active = active
    audit_record(
        actor=actor, action=action, obj=locked, before={"active": not active}, after={"active": active}
    )
    return locked


@transaction.atomic
def item_deactivate(*, actor: User | None, item: MatterItem) -> MatterItem:
    """Stop offering an item for new cases; existing cases keep it."""
    return _set_active(actor, item, False, "catalog.item_deactivate")


@transaction.atomic
def item_activate(*, actor: User | None, item: MatterItem) -> MatterItem:
    return _set_active(actor, item, True, "catalog.item_activate")
