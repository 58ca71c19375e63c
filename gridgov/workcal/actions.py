"""Writes to the working calendar. The admin, the management command and migrations all come here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.audit.actions import Actor, audit_record, snapshot
from gridgov.core.errors import InvalidInput, NotFound, PermissionDenied
from gridgov.workcal import access
from gridgov.workcal.holidays import read_year
from gridgov.workcal.models import CalendarDay, DaySource

logger = logging.getLogger("gridgov.workcal")


@dataclass(frozen=True)
class LoadResult:
    """What a year load did, for the command line and the log."""

    year: int
    provisional: bool
    created: int
    updated: int
    deleted: int
    kept: int  # rows an admin maintains, left as they are


DAY_FIELDS = ("date", "is_workday", "name", "note", "provisional", "source")


def _actor_id(actor: Actor) -> int | None:
    return getattr(actor, "pk", None)


def _may_configure(actor: Actor) -> None:
    """The system (actor None: the shipped calendar loader) or the county's administrator (`access`)."""
    if actor is not None and not access.may_edit_calendar(actor):
        raise PermissionDenied(_("只有县系统管理员可以修改工作日历"), code="forbidden")


@transaction.atomic
def calendar_load_year(*, actor: Actor, year: int) -> LoadResult:
    """Bring the table for `year` in line with data/calendar_<year>.json.

    `actor` is None when the system loads the shipped file (deploys, `workcal_load`). Idempotent: a
    load that changes nothing records nothing; one that does records one audit entry with the counts. Shipped rows are created, updated, or deleted when the file no longer lists them (as
    when a provisional year is replaced by the official notice); rows an admin created or edited are
    never touched, because the county's own decision wins over the shipped file.
    """
    _may_configure(actor)
    try:
        shipped = read_year(year)
    except FileNotFoundError as exc:
        raise NotFound(
            _("没有 %(year)s 年的节假日数据") % {"year": year}, code="calendar_year_missing"
        ) from exc
    existing = {row.date: row for row in CalendarDay.objects.select_for_update().filter(date__year=year)}
    created = updated = kept = 0
    listed: set[date] = set()
    for entry in shipped.entries:
        listed.add(entry.day)
        row = existing.get(entry.day)
        if row is not None and row.source == DaySource.ADMIN:
            kept += 1
            continue
        values = {
            "is_workday": entry.is_workday,
            "name": entry.name,
            "note": entry.note,
            "provisional": shipped.provisional,
            "source": DaySource.SHIPPED,
        }
        if row is None:
            CalendarDay.objects.create(date=entry.day, updated_by_id=_actor_id(actor), **values)
            created += 1
        elif any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            row.updated_by_id = _actor_id(actor)
            row.revision += 1
            row.save()
            updated += 1
    stale = [row.pk for day, row in existing.items() if day not in listed and row.source == DaySource.SHIPPED]
    deleted, _count = CalendarDay.objects.filter(pk__in=stale).delete()
    kept += sum(1 for day, row in existing.items() if day not in listed and row.source == DaySource.ADMIN)
    result = LoadResult(year, shipped.provisional, created, updated, deleted, kept)
    if created or updated or deleted:
        audit_record(
            actor=actor,
            action="workcal.calendar_load_year",
            after={"year": year, "created": created, "updated": updated, "deleted": deleted, "kept": kept},
            note="provisional" if shipped.provisional else "",
        )
    logger.info("calendar_load_year %s by %s: %s", year, _actor_id(actor), result)
    return result


@transaction.atomic
def calendar_day_set(
    *, actor: Actor, day: date, is_workday: bool, name: str = "", note: str = ""
) -> CalendarDay:
    """Create or change the override for `day`. An admin's entry counts as confirmed (not provisional)."""
    _may_configure(actor)
    if len(name) > 40:
        raise InvalidInput(_("名称不能超过 40 个字"), code="calendar_name_too_long")
    if len(note) > 300:
        raise InvalidInput(_("备注不能超过 300 个字"), code="calendar_note_too_long")
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        row = CalendarDay(date=day)
    before = None if row.pk is None else snapshot(row, DAY_FIELDS)
    row.is_workday = is_workday
    row.name = name
    row.note = note
    row.provisional = False
    row.source = DaySource.ADMIN
    row.updated_by_id = _actor_id(actor)
    if row.pk is not None:
        row.revision += 1
    row.save()
    audit_record(
        actor=actor,
        action="workcal.calendar_day_set",
        obj=row,
        before=before,
        after=snapshot(row, DAY_FIELDS),
    )
    logger.info("calendar_day_set %s by %s: %s", day, _actor_id(actor), (is_workday, name))
    return row


@transaction.atomic
def calendar_day_clear(*, actor: Actor, day: date) -> None:
    """Remove the override for `day`, so it follows the default week again."""
    _may_configure(actor)
    row = CalendarDay.objects.select_for_update().filter(date=day).first()
    if row is None:
        raise NotFound(_("%(day)s 没有单独设置") % {"day": day}, code="calendar_day_missing")
    audit_record(actor=actor, action="workcal.calendar_day_clear", obj=row, before=snapshot(row, DAY_FIELDS))
    row.delete()
    logger.info("calendar_day_clear %s by %s", day, _actor_id(actor))
