"""Writes to the territory."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.audit.actions import Actor, audit_record, snapshot
from gridgov.core.errors import Conflict, InvalidInput
from gridgov.territory.models import LEVEL_DEPTH, Region, RegionLevel

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
