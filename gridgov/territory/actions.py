"""Writes to the territory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gridgov.audit.actions import Actor, audit_record, snapshot
from gridgov.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from gridgov.core.identifiers import id_number_clean, phone_clean
from gridgov.core.text import is_bad_text
from gridgov.territory.access import ledger_scope_required, within
from gridgov.territory.models import LEVEL_DEPTH, Compound, Household, Region, RegionLevel, Resident

if TYPE_CHECKING:
    from gridgov.people.models import User

_CHILD_LEVEL: dict[str | None, str] = {
    None: RegionLevel.COUNTY,
    RegionLevel.COUNTY: RegionLevel.TOWNSHIP,
    RegionLevel.TOWNSHIP: RegionLevel.VILLAGE,
    RegionLevel.VILLAGE: RegionLevel.GRID,
}


def _centre(boundary: dict | None) -> tuple[float | None, float | None]:
    if not boundary:
        return None, None
    from shapely.geometry import shape

    point = shape(boundary).representative_point()
    return point.x, point.y


def _check_boundary(boundary: dict | None) -> None:
    if boundary is None:
        return
    from shapely.geometry import shape

    try:
        geometry = shape(boundary)
    except Exception as exc:  # shapely raises several types for malformed GeoJSON
        raise InvalidInput(
            _("边界不是有效的 GeoJSON 多边形：%(error)s") % {"error": exc}, code="invalid_boundary"
        ) from exc
    if geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.is_valid or geometry.is_empty:
        raise InvalidInput(_("边界必须是有效的多边形"), code="invalid_boundary")


REGION_FIELDS = ("code", "name", "level", "parent", "kind", "boundary")


@transaction.atomic
def region_create(
    *,
    actor: Actor,
    code: str,
    name: str,
    level: str,
    parent: Region | None,
    kind: str = "",
    boundary: dict | None = None,
) -> Region:
    expected = _CHILD_LEVEL[parent.level if parent else None]
    if level != expected:
        raise InvalidInput(
            _("%(name)s: 层级应为 %(level)s") % {"name": name, "level": expected}, code="invalid_level"
        )
    # ASCII digits only: "²".isdigit() is true, and the code becomes part of every materialised path.
    if not (code.isascii() and code.isdigit() and 2 <= len(code) <= 15):
        raise InvalidInput(_("区划代码只能是 2 到 15 位数字"), code="invalid_code")
    name, kind = _name(name), _kind(kind)
    if Region.objects.filter(code=code).exists():
        raise Conflict(_("区划代码 %(code)s 已存在") % {"code": code}, code="code_taken")
    _check_boundary(boundary)
    lon, lat = _centre(boundary)
    path = (parent.path if parent else "/") + code + "/"
    assert len(path.strip("/").split("/")) == LEVEL_DEPTH[RegionLevel(level)] + 1
    region = Region.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        kind=kind,
        boundary=boundary,
        path=path,
        centre_lon=lon,
        centre_lat=lat,
    )
    audit_record(
        actor=actor, action="territory.region_create", obj=region, after=snapshot(region, REGION_FIELDS)
    )
    return region


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(_("名称须为 1 到 100 个字"), code="invalid_name")
    return name


def _kind(kind: str) -> str:
    kind = (kind or "").strip()
    if len(kind) > 16:
        raise InvalidInput(_("类型不能超过 16 个字"), code="invalid_kind")
    return kind


@transaction.atomic
def region_update(
    *, actor: Actor, region: Region, name: str, kind: str = "", boundary: dict | None = None
) -> Region:
    """Rename a region or redraw its boundary. Code, level and parent are fixed once created: the
    materialised paths of the subtree and of every case below it depend on them."""
    from gridgov.territory.selectors import grid_reset_index

    _check_boundary(boundary)
    locked = Region.objects.select_for_update().get(pk=region.pk)
    before = snapshot(locked, REGION_FIELDS)
    locked.name = _name(name)
    locked.kind = _kind(kind)
    locked.boundary = boundary
    locked.centre_lon, locked.centre_lat = _centre(boundary)
    locked.save(update_fields=["name", "kind", "boundary", "centre_lon", "centre_lat"])
    audit_record(
        actor=actor,
        action="territory.region_update",
        obj=locked,
        before=before,
        after=snapshot(locked, REGION_FIELDS),
    )
    transaction.on_commit(grid_reset_index)
    return locked


# -- households and residents (一户一档) ---------------------------------------------------------


@dataclass(frozen=True)
class ResidentRecord:
    """One person of a household file as an import gives it; "" / None mean "keep what is stored"."""

    name: str
    id_number: str
    phone: str = ""
    is_head: bool | None = None


@dataclass(frozen=True)
class HouseholdRecord:
    """One household with the members a file lists for it; the household number is the natural key."""

    number: str
    grid: Region
    address: str
    compound: str = ""
    residents: tuple[ResidentRecord, ...] = ()


HOUSEHOLD_CHUNK = 2000


_LEDGER_LABELS = {
    "number": gettext_lazy("户号"),
    "name": gettext_lazy("姓名"),
    "address": gettext_lazy("住址"),
}


def _ledger_text(value: str, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value or len(value) > limit or is_bad_text(value):
        raise InvalidInput(
            _("%(label)s须为 1 到 %(n)s 个字") % {"label": _LEDGER_LABELS[field], "n": limit},
            code="invalid_ledger_text",
            fields={field: "invalid"},
        )
    return value


def _households_check(records: list[HouseholdRecord], scope: list[Region]) -> list[HouseholdRecord]:
    """Validate every record before anything is written; return them with identifiers normalised."""
    checked: list[HouseholdRecord] = []
    numbers: set[str] = set()
    ids: set[str] = set()
    for record in records:
        if record.grid.level != RegionLevel.GRID or not within(scope, record.grid.path):
            raise NotFound(_("网格 %(code)s 不存在或不在您的管辖范围内") % {"code": record.grid.code})
        number = _ledger_text(record.number, field="number", limit=40)
        if number in numbers:
            raise Conflict(_("户号 %(n)s 重复") % {"n": number}, code="household_duplicate")
        numbers.add(number)
        if sum(1 for r in record.residents if r.is_head) > 1:
            raise InvalidInput(_("户 %(n)s 有多个户主") % {"n": number}, code="household_heads")
        residents = []
        for person in record.residents:
            id_number = id_number_clean(person.id_number)
            if id_number in ids:
                raise Conflict(_("身份证号 %(id)s 重复") % {"id": id_number}, code="resident_duplicate")
            ids.add(id_number)
            residents.append(
                ResidentRecord(
                    name=_ledger_text(person.name, field="name", limit=50),
                    id_number=id_number,
                    phone=phone_clean(person.phone),
                    is_head=person.is_head,
                )
            )
        checked.append(
            HouseholdRecord(
                number=number,
                grid=record.grid,
                address=_ledger_text(record.address, field="address", limit=200),
                compound=record.compound.strip()[:100],
                residents=tuple(residents),
            )
        )
    return checked


@transaction.atomic
def households_save(*, actor: User, records: list[HouseholdRecord], progress: bool = False) -> dict[str, int]:
    """Create or update households by number and their residents by ID number, in chunks.

    The batch action behind the household import (100,000 households in one file): everything is
    validated first, then written with bulk statements, `HOUSEHOLD_CHUNK` households at a time, inside
    the caller's transaction. A resident already registered elsewhere moves to the new household
    (marriage, a split household) when that household is also in the actor's scope. Residents a file
    does not list are kept: an import never deletes. Returns counts of residents ("created",
    "updated", "unchanged") and households ("households_created", "households_updated").
    """
    from gridgov.core.progress import progress as progress_bar

    scope = ledger_scope_required(actor)
    records = _households_check(records, scope)
    ids = {p.id_number for record in records for p in record.residents}
    # One pass over the stored residents: ID numbers have no index, and a county has a few hundred
    # thousand of them, so reading them once beats a few hundred IN (…) scans.
    known: dict[str, tuple[int, str]] = {}
    for id_number, pk, path in Resident.objects.exclude(id_number="").values_list(
        "id_number", "pk", "household__grid__path"
    ):
        if id_number in ids:
            known[id_number] = (pk, path)
    for id_number, (_pk, path) in known.items():
        if not within(scope, path):
            raise PermissionDenied(
                _("身份证号 %(id)s 已登记在您管辖范围以外的户中") % {"id": id_number},
                code="resident_elsewhere",
            )
    compounds = _compounds_ensure(records)
    counts = dict.fromkeys(("created", "updated", "unchanged", "households_created", "households_updated"), 0)
    chunks = range(0, len(records), HOUSEHOLD_CHUNK)
    for start in progress_bar(chunks, desc=_("写入"), unit="批", enabled=progress):
        _households_chunk(records[start : start + HOUSEHOLD_CHUNK], scope, known, compounds, counts)
    return counts


def _compounds_ensure(records: list[HouseholdRecord]) -> dict[tuple[int, str], int]:
    wanted = {(r.grid.pk, r.compound) for r in records if r.compound}
    grid_ids = {grid_id for grid_id, _name in wanted}
    existing = {
        (grid_id, name): pk
        for pk, grid_id, name in Compound.objects.filter(grid_id__in=grid_ids).values_list(
            "pk", "grid_id", "name"
        )
    }
    missing = [Compound(grid_id=g, name=n) for g, n in sorted(wanted - existing.keys())]
    for compound in Compound.objects.bulk_create(missing, batch_size=HOUSEHOLD_CHUNK):
        existing[(compound.grid_id, compound.name)] = compound.pk
    return existing


def _households_chunk(
    records: list[HouseholdRecord],
    scope: list[Region],
    known: dict[str, tuple[int, str]],
    compounds: dict[tuple[int, str], int],
    counts: dict[str, int],
) -> None:
    stored = {
        h.number: h
        for h in Household.objects.select_for_update()
        .select_related("grid")
        .filter(number__in=[r.number for r in records])
    }
    new_households, changed_households = [], []
    for record in records:
        household = stored.get(record.number)
        compound_id = compounds.get((record.grid.pk, record.compound)) if record.compound else None
        if household is None:
            household = Household(
                number=record.number, grid=record.grid, address=record.address, compound_id=compound_id
            )
            new_households.append(household)
            stored[record.number] = household
            continue
        if not within(scope, household.grid.path):
            raise PermissionDenied(
                _("户号 %(n)s 已登记在您管辖范围以外的网格") % {"n": record.number},
                code="household_elsewhere",
            )
        stored_as = (household.grid_id, household.address, household.compound_id)
        household.grid, household.address = record.grid, record.address
        if compound_id is not None:
            household.compound_id = compound_id
        if (household.grid_id, household.address, household.compound_id) != stored_as:
            changed_households.append(household)
    Household.objects.bulk_create(new_households, batch_size=HOUSEHOLD_CHUNK)
    Household.objects.bulk_update(changed_households, ["grid", "address", "compound"], batch_size=500)
    counts["households_created"] += len(new_households)
    counts["households_updated"] += len(changed_households)

    existing = {
        r.id_number: r
        for r in Resident.objects.select_for_update().filter(
            pk__in=[known[p.id_number][0] for rec in records for p in rec.residents if p.id_number in known]
        )
    }
    # A household whose file names a head gets exactly that head: the others lose the flag.
    heads = {stored[rec.number].pk: p.id_number for rec in records for p in rec.residents if p.is_head}
    if heads:
        Resident.objects.filter(household_id__in=list(heads), is_head=True).exclude(
            id_number__in=list(heads.values())
        ).update(is_head=False)
    new_residents, changed_residents = [], []
    for record in records:
        household = stored[record.number]
        named_head = household.pk in heads
        for person in record.residents:
            is_head = bool(person.is_head) if (person.is_head is not None or named_head) else None
            resident = existing.get(person.id_number)
            if resident is None:
                new_residents.append(
                    Resident(
                        household=household,
                        name=person.name,
                        id_number=person.id_number,
                        phone=person.phone,
                        is_head=bool(is_head),
                    )
                )
                continue
            before = (resident.household_id, resident.name, resident.phone, resident.is_head)
            resident.household, resident.name = household, person.name
            if person.phone:
                resident.phone = person.phone
            if is_head is not None:
                resident.is_head = is_head
            elif resident.household_id != before[0]:
                resident.is_head = False  # moved into a household whose head the file does not change
            if (resident.household_id, resident.name, resident.phone, resident.is_head) != before:
                changed_residents.append(resident)
            else:
                counts["unchanged"] += 1
    Resident.objects.bulk_create(new_residents, batch_size=HOUSEHOLD_CHUNK)
    Resident.objects.bulk_update(changed_residents, ["household", "name", "phone", "is_head"], batch_size=500)
    counts["created"] += len(new_residents)
    counts["updated"] += len(changed_residents)
